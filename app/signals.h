/* SIGINT and SIGTERM during a run (app/signals.c).
 *
 * The first signal only sets a flag: the solver stops at its next return
 * (dcg_solve_opts.should_stop), nothing is written and the command exits
 * with 128 + the signal number, so no partial file ever appears under the
 * final name and the writer's temporary file is always removed. A second
 * signal of the same kind terminates at once, the usual escape hatch. */
#ifndef DCGRID_APP_SIGNALS_H
#define DCGRID_APP_SIGNALS_H

/* Installs the handlers (SIGINT, SIGTERM). Returns 0 or -1 (errno set). */
int dcg__signals_install(void);

/* The signal caught since dcg__signals_install, or 0. */
int dcg__signals_caught(void);

/* For dcg_solve_opts.should_stop: non-zero once a signal was caught. */
int dcg__signals_should_stop(void *ctx);

#endif
