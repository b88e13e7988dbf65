/* The shortest decimal text of a double that reads back as the same double
 * (internal to app/: `dcgrid export --csv`). */
#ifndef DCGRID_APP_FMT_DOUBLE_H
#define DCGRID_APP_FMT_DOUBLE_H

#include <stddef.h>

/* Writes into buf (size >= 32) the fewest significant digits (1 to 17) that
 * strtod reads back as v, "NaN" for NaN, "inf"/"-inf" for infinities; in
 * fixed notation instead of an exponent when |v| is in [1e-5, 1e16) and
 * the same digits round-trip (634250, not 6.3425e+05). */
void dcg__format_double(char *buf, size_t size, double v);

#endif
