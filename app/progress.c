/* One-line progress bar on stderr while the solver runs. It is drawn only
 * on a terminal, so logs and pipes never see carriage returns. */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

enum { BAR_WIDTH = 32 };

void dcg__progress_init(struct dcg__progress *p, bool quiet)
{
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->drawn = false;
	p->last_permille = -1;
}

void dcg__progress_cb(double t, double t0, double t1, void *ctx)
{
	struct dcg__progress *p = ctx;

	if (!p || !p->enabled || !(t1 > t0))
		return;
	double frac = (t - t0) / (t1 - t0);
	if (frac < 0.0)
		frac = 0.0;
	if (frac > 1.0)
		frac = 1.0;
	int permille = (int)(frac * 1000.0 + 0.5);
	if (permille == p->last_permille)
		return;
	p->last_permille = permille;

	char bar[BAR_WIDTH + 1];
	int full = (int)(frac * BAR_WIDTH + 0.5);
	for (int i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < full ? '#' : '.';
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\rsolving [%s] %5.1f%%  t = %.2f of %.2f", bar,
		permille / 10.0, t, t1);
	fflush(stderr);
	p->drawn = true;
}

void dcg__progress_finish(struct dcg__progress *p)
{
	if (p->enabled && p->drawn) {
		/* Erase the bar so the summary starts on a clean line. */
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->drawn = false;
}
