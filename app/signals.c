/* SIGINT and SIGTERM for every command that writes (see signals.h). The
 * handler stores the signal number, which is async-signal-safe; on the
 * second signal it removes the registered temporary paths with unlink()
 * and rmdir() (both async-signal-safe) and ends the process with the
 * default action. Everything else happens in the command. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "signals.h"

/* A handful of temporary paths: an export folder's files and the folder,
 * rerun's file and folder. Set before they exist, read by the handler. */
#define MAX_TEMP 24
#define TEMP_PATH_MAX 4200

static volatile sig_atomic_t caught;
static char temp_path[MAX_TEMP][TEMP_PATH_MAX];
static volatile sig_atomic_t ntemp;

/* Removes the registered paths, newest first (files before their folder). */
static void remove_temps(void)
{
	for (sig_atomic_t i = ntemp; i > 0; i--) {
		const char *p = temp_path[i - 1];
		if (p[0] && unlink(p) < 0 && (errno == EISDIR || errno == EPERM))
			(void)rmdir(p);
	}
}

static void on_signal(int sig)
{
	int saved = errno;
	if (caught == sig) {
		/* Asked twice: give up at once, with the default action, and
		 * leave no temporary file or folder behind. */
		remove_temps();
		signal(sig, SIG_DFL);
		raise(sig);
		errno = saved;
		return;
	}
	caught = sig;
	errno = saved;
}

int dcg__signals_install(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* Restart interrupted reads and writes: the writer must finish or
	 * fail on its own terms, not on EINTR. */
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	return 0;
}

int dcg__signals_caught(void)
{
	return (int)caught;
}

int dcg__signals_should_stop(void *ctx)
{
	(void)ctx;
	return caught != 0;
}

int dcg__signals_add_temp(const char *path)
{
	if (ntemp >= MAX_TEMP || strlen(path) >= TEMP_PATH_MAX)
		return -1;
	/* The handler reads only entries below ntemp: fill first, then count. */
	snprintf(temp_path[ntemp], TEMP_PATH_MAX, "%s", path);
	ntemp = ntemp + 1;
	return 0;
}

void dcg__signals_forget_temps(void)
{
	ntemp = 0;
}

int dcg__signals_hold(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	return sigprocmask(SIG_BLOCK, &set, old);
}

void dcg__signals_release(const sigset_t *old)
{
	(void)sigprocmask(SIG_SETMASK, old, NULL);
}

int dcg__interrupted(int sig, const struct dcg_error *why, const char *output)
{
	if (sig == 0)
		sig = SIGINT;
	fprintf(stderr, "dcgrid: %s: %s; nothing was written to %s\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM",
		why && why->status == DCG_EINTERRUPTED ? why->msg
						       : "interrupted",
		output);
	return 128 + sig;
}
