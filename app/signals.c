/* SIGINT and SIGTERM during a run: a flag, checked between solver steps
 * (see signals.h). The handler does nothing but store the signal number,
 * which is async-signal-safe; everything else happens in the command. */
#include <signal.h>
#include <stddef.h>

#include "signals.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	if (caught == sig) {
		/* Asked twice: give up at once, with the default action. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	caught = sig;
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
