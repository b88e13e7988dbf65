/* Strings from files on the terminal: a result file received from someone
 * else can hold any bytes in its labels, attributes and names, and an
 * escape sequence printed as it is can retitle the window, clear the
 * screen or, on some terminals, inject input. Control characters (C0, DEL
 * and the C1 range in its UTF-8 form U+0080..U+009F) become '?', as ls -q
 * shows them; everything else, UTF-8 included, is printed unchanged. */
#include <stdio.h>

#include "cli.h"

/* Length of the control character at s (1 or 2 bytes), or 0. */
static int control_len(const unsigned char *s)
{
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 1;
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		return 2;
	return 0;
}

char *dcg__term_safe(char *s)
{
	if (!s)
		return s;
	for (unsigned char *p = (unsigned char *)s; *p; p++) {
		int k = control_len(p);
		if (k == 2)
			*p++ = '?';
		if (k)
			*p = '?';
	}
	return s;
}

void dcg__fput_safe(const char *s, FILE *f)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int k = control_len(p);
		fputc(k ? '?' : *p, f);
		if (k == 2)
			p++;
	}
}

void dcg__figures_safe(struct dcg_h5_figures *fig)
{
	dcg__term_safe(fig->scenario);
	for (size_t k = 0; k < DCG_H5_FIG_CLASSES; k++)
		dcg__term_safe(fig->hardware[k]);
	dcg__term_safe(fig->rm_at_region);
	dcg__term_safe(fig->rm_min_region);
}

void dcg__var_safe(struct dcg_h5_var *v)
{
	dcg__term_safe(v->path);
	for (int d = 0; d < DCG_H5_MAX_RANK; d++) {
		dcg__term_safe(v->scale_path[d]);
		dcg__term_safe(v->dim_name[d]);
	}
	dcg__term_safe(v->units);
	dcg__term_safe(v->long_name);
}
