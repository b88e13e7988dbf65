/* Status codes and error reports (see dcgrid/status.h). */
#include <stdarg.h>
#include <stdio.h>

#include "dcgrid/status.h"

const char *dcg_strerror(int status)
{
	switch (status) {
#define DCG__STATUS_CASE(name, value, text) \
	case value:                          \
		return text;
		DCG_STATUS_LIST(DCG__STATUS_CASE)
#undef DCG__STATUS_CASE
	default:
		return "unknown status";
	}
}

int dcg_error_set(struct dcg_error *err, int status, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->status = status;
	}
	return status;
}

void dcg_error_clear(struct dcg_error *err)
{
	if (err) {
		err->status = DCG_OK;
		err->msg[0] = '\0';
	}
}
