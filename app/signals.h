/* SIGINT and SIGTERM for every command that writes (app/signals.c): run,
 * rerun, export and study install the same handler.
 *
 * The first signal only sets a flag: the solve stops at its next return
 * (dcg_solve_opts.should_stop), the command removes what it has written
 * under temporary names and exits with 128 + the signal number, so no
 * partial file ever appears under the final name. A second signal of the
 * same kind terminates at once, the usual escape hatch; it too removes
 * the temporary paths registered with dcg__signals_add_temp. The HDF5
 * writers' own temporary file exists only while signals are held
 * (dcg__signals_hold): writing the finished image takes a moment, and a
 * signal that arrives then is handled when it is done. */
#ifndef DCGRID_APP_SIGNALS_H
#define DCGRID_APP_SIGNALS_H

#include <signal.h>

#include "dcgrid/status.h"

/* Installs the handlers (SIGINT, SIGTERM). Returns 0 or -1 (errno set). */
int dcg__signals_install(void);

/* The signal caught since dcg__signals_install, or 0. */
int dcg__signals_caught(void);

/* For dcg_solve_opts.should_stop: non-zero once a signal was caught. */
int dcg__signals_should_stop(void *ctx);

/* Registers a temporary file or folder (register a folder before the files
 * in it) to be removed if a second signal ends the process; -1 when the
 * table is full. dcg__signals_forget_temps clears the table once they are
 * renamed into place or removed. */
int dcg__signals_add_temp(const char *path);
void dcg__signals_forget_temps(void);

/* Holds SIGINT and SIGTERM (delivered at dcg__signals_release) around a
 * write that must finish or fail on its own: the writer then removes its
 * temporary file itself. */
int dcg__signals_hold(sigset_t *old);
void dcg__signals_release(const sigset_t *old);

/* Reports an interrupted command on stderr, "dcgrid: SIGINT: <why's
 * message>; nothing was written to OUTPUT", and returns 128 + sig. */
int dcg__interrupted(int sig, const struct dcg_error *why, const char *output);

#endif
