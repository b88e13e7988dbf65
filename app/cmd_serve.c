/* dcgrid serve [CONFIG] [--port N] [--bind ADDR] [--web DIR]
 *              [--solve-timeout S] [--max-solves N]
 *
 * The scenario explorer over HTTP, with libmicrohttpd: the page's files
 * (web/, read once at start-up) and the API of serve_api.c. Bound to
 * 127.0.0.1 unless told otherwise; prints the address to open and runs
 * until SIGINT or SIGTERM, then stops the daemon (running solves are
 * stopped at their next step), removes its temporary folder and exits 0.
 *
 * HTTP concerns live here: request bodies are collected up to
 * DCG_SERVE_MAX_BODY (413 beyond), POST bodies must be JSON (415 else, so
 * that a web page elsewhere cannot post to the explorer without the
 * browser asking first), and when bound to a loopback address the Host
 * header must name it (421 else), which stops DNS-rebinding pages.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "serve.h"
#include "signals.h"

/* The page: every file the server hands out, read at start-up. A request
 * for anything else is a 404; no request path reaches the file system. */
static const struct {
	const char *url, *file, *type;
} web_files[] = {
	{"/", "index.html", "text/html; charset=utf-8"},
	{"/explorer.js", "explorer.js", "text/javascript; charset=utf-8"},
	{"/explorer.css", "explorer.css", "text/css; charset=utf-8"},
	{"/vendor/uplot/uPlot.iife.min.js", "vendor/uplot/uPlot.iife.min.js",
	 "text/javascript; charset=utf-8"},
	{"/vendor/uplot/uPlot.min.css", "vendor/uplot/uPlot.min.css",
	 "text/css; charset=utf-8"},
	{"/vendor/uplot/LICENSE", "vendor/uplot/LICENSE",
	 "text/plain; charset=utf-8"},
};
#define N_WEB (sizeof web_files / sizeof web_files[0])

struct server {
	struct dcg__serve api;
	char *web[N_WEB];
	size_t web_len[N_WEB];
	bool loopback;
	char hosts[4][300]; /* accepted Host headers when loopback */
};

struct body {
	char *buf;
	size_t len;
	bool over;     /* the body passed DCG_SERVE_MAX_BODY */
	bool answered; /* 413 queued on the headers alone */
};

struct serve_args {
	const char *config;
	const char *bind;
	const char *web;
	long port;
	double timeout_s;
	long max_solves;
};

static void help(FILE *f);

static int parse_args(int argc, char **argv, struct serve_args *a)
{
	static const struct option longopts[] = {
		{"port", required_argument, NULL, 'p'},
		{"bind", required_argument, NULL, 'b'},
		{"web", required_argument, NULL, 'w'},
		{"solve-timeout", required_argument, NULL, 't'},
		{"max-solves", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	char *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:b:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			errno = 0;
			a->port = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || a->port < 0 ||
			    a->port > 65535)
				return dcg__usage_error(
					"serve",
					"--port %s: expected a port number 0 to "
					"65535 (0: any free port)",
					optarg);
			break;
		case 'b':
			a->bind = optarg;
			break;
		case 'w':
			a->web = optarg;
			break;
		case 't':
			errno = 0;
			a->timeout_s = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(a->timeout_s > 0) ||
			    a->timeout_s > 3600)
				return dcg__usage_error(
					"serve",
					"--solve-timeout %s: expected seconds, "
					"more than 0 and at most 3600",
					optarg);
			break;
		case 'm':
			errno = 0;
			a->max_solves = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || a->max_solves < 1 ||
			    a->max_solves > 64)
				return dcg__usage_error(
					"serve", "--max-solves %s: expected 1 to 64",
					optarg);
			break;
		case 'h':
			help(stdout);
			return DCG_EXIT_OK;
		default:
			return dcg__option_error("serve", c, argv, longopts);
		}
	}
	if (optind < argc)
		a->config = argv[optind++];
	if (optind < argc)
		return dcg__usage_error("serve",
					"unexpected argument '%s' (serve takes one "
					"CONFIG)",
					argv[optind]);
	if (a->config && strcmp(a->config, "-") == 0)
		return dcg__usage_error("serve",
					"serve reads its scenario for every run; "
					"give a file, not standard input");
	return -1;
}

/* ---- the page's files ---------------------------------------------------- */

static int read_file(const char *path, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf = NULL;
	if (!f)
		return -1;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    !(buf = malloc((size_t)st.st_size + 1)) ||
	    fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	*ret = buf;
	*ret_len = (size_t)st.st_size;
	return 0;
}

/* The page's folder: --web, else the source tree's web/ for a dcgrid run
 * from its build folder, else the installed one. */
static const char *web_dir(const char *given)
{
	static char exe[PATH_MAX];
	if (given)
		return given;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		size_t bl = strlen(DCG_BUILD_ROOT);
		if (strncmp(exe, DCG_BUILD_ROOT, bl) == 0 && exe[bl] == '/')
			return DCG_SOURCE_WEB_DIR;
	}
	return DCG_WEB_DIR;
}

static int load_web(struct server *sv, const char *dir)
{
	for (size_t i = 0; i < N_WEB; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, web_files[i].file);
		if (read_file(path, &sv->web[i], &sv->web_len[i]) < 0) {
			fprintf(stderr,
				"dcgrid: cannot read the explorer page %s: %s "
				"(give its folder with --web DIR)\n",
				path, strerror(errno ? errno : EINVAL));
			return -1;
		}
	}
	return 0;
}

/* ---- HTTP ------------------------------------------------------------------ */

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status,
			    const char *type, void *data, size_t len,
			    enum MHD_ResponseMemoryMode mode, const char *filename,
			    bool retry)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, mode);
	if (!resp) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; style-src 'self' "
				"'unsafe-inline'; img-src 'self' data: blob:; "
				"frame-ancestors 'none'");
	if (filename && filename[0]) {
		char disp[256];
		snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
		MHD_add_response_header(resp, "Content-Disposition", disp);
	}
	if (retry)
		MHD_add_response_header(resp, "Retry-After", "1");
	enum MHD_Result ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status,
				  const char *msg)
{
	json_t *o = json_pack("{s:s}", "error", msg);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!text)
		return MHD_NO;
	return respond(c, status, "application/json", text, strlen(text),
		    MHD_RESPMEM_MUST_FREE, NULL, false);
}

/* 413. Queued on the headers alone (a Content-Length over the limit),
 * libmicrohttpd sends it and closes the connection without reading the
 * body. */
static enum MHD_Result too_large(struct MHD_Connection *c, struct body *b)
{
	char msg[200];
	snprintf(msg, sizeof msg,
		 "the request body is larger than %zu bytes, the server's limit",
		 DCG_SERVE_MAX_BODY);
	b->answered = true;
	return send_error(c, 413, msg);
}

static bool host_ok(const struct server *sv, struct MHD_Connection *c)
{
	if (!sv->loopback)
		return true;
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	if (!host)
		return false;
	for (size_t i = 0; i < 4; i++)
		if (sv->hosts[i][0] && strcmp(host, sv->hosts[i]) == 0)
			return true;
	return false;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct server *sv = cls;
	struct body *b = *con_cls;
	(void)version;

	if (!b) {
		/* First call: the headers only. A body announced too large is
		 * refused before it is read. */
		if (!(b = calloc(1, sizeof *b)))
			return MHD_NO;
		*con_cls = b;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > DCG_SERVE_MAX_BODY)
			return too_large(c, b);
		return MHD_YES;
	}
	if (*upload_size) {
		/* A chunked body over the limit is dropped as it comes and
		 * refused at its end (libmicrohttpd 0.9 cannot answer in the
		 * middle of an upload). */
		if (b->over || b->len + *upload_size > DCG_SERVE_MAX_BODY) {
			b->over = true;
			*upload_size = 0;
			return MHD_YES;
		}
		char *nb = realloc(b->buf, b->len + *upload_size + 1);
		if (!nb)
			return MHD_NO;
		b->buf = nb;
		memcpy(b->buf + b->len, upload, *upload_size);
		b->len += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	if (b->answered)
		return MHD_YES;
	if (b->over)
		return too_large(c, b);

	if (!host_ok(sv, c))
		return send_error(c, 421,
				  "this explorer answers only requests for its "
				  "own address (Host header)");

	if (strncmp(url, "/api/", 5) == 0) {
		if (strcmp(method, "POST") == 0) {
			const char *type = MHD_lookup_connection_value(
				c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
			if (!type || strncmp(type, "application/json", 16) != 0)
				return send_error(c, 415,
						  "POST a JSON body with "
						  "Content-Type: application/json");
		}
		struct dcg__serve_reply r;
		dcg__serve_api(&sv->api, method, url, b->buf, b->len, &r);
		if (!r.body)
			return MHD_NO;
		return respond(c, r.status, r.type, r.body, r.len,
			    MHD_RESPMEM_MUST_FREE, r.filename, r.retry);
	}
	for (size_t i = 0; i < N_WEB; i++) {
		if (strcmp(url, web_files[i].url) != 0 &&
		    !(i == 0 && strcmp(url, "/index.html") == 0))
			continue;
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return send_error(c, 405, "the page's files take GET");
		return respond(c, 200, web_files[i].type, sv->web[i],
			    sv->web_len[i], MHD_RESPMEM_PERSISTENT, NULL, false);
	}
	return send_error(c, 404, "not found");
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct body *b = *con_cls;
	(void)cls;
	(void)c;
	(void)toe;
	if (b) {
		free(b->buf);
		free(b);
	}
	*con_cls = NULL;
}

/* ---- the command --------------------------------------------------------- */

static void help(FILE *f)
{
	fputs("Usage: dcgrid serve [CONFIG] [--port N] [--bind ADDR] [--web DIR]\n"
	      "                    [--solve-timeout S] [--max-solves N]\n"
	      "\n"
	      "Serves the scenario explorer for CONFIG (the built-in China scenario\n"
	      "when omitted) over HTTP: a page with sliders for the key assumptions,\n"
	      "charts of the projection against a pinned baseline, and a JSON API\n"
	      "(docs/serve.md). Prints the address to open; Ctrl-C stops it.\n"
	      "\n"
	      "Options:\n"
	      "  -p, --port N           TCP port (default 8321; 0: any free port)\n"
	      "  -b, --bind ADDR        IPv4 or IPv6 address to listen on (default\n"
	      "                         127.0.0.1: this machine only; the explorer has\n"
	      "                         no log-in, so bind elsewhere only on a trusted\n"
	      "                         network)\n"
	      "      --web DIR          folder of the page's files (default: the\n"
	      "                         installed ones)\n"
	      "      --solve-timeout S  stop a run after S seconds (default 10)\n"
	      "      --max-solves N     solves running at once (default 2; more\n"
	      "                         requests get 503 and retry)\n"
	      "  -h, --help             show this help and exit\n",
	      f);
}

void dcg__help_serve(FILE *f)
{
	help(f);
}

static bool is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	return IN6_IS_ADDR_LOOPBACK(a);
}

int dcg__cmd_serve(int argc, char **argv)
{
	struct serve_args a = {.bind = "127.0.0.1", .port = 8321, .timeout_s = 10,
			       .max_solves = 2};
	struct server sv = {0};
	struct MHD_Daemon *d = NULL;
	struct dcg_error err = {0};
	struct sockaddr_storage addr = {0};
	bool locks = false;
	int exit_status = parse_args(argc, argv, &a);

	if (exit_status >= 0)
		return exit_status;

	struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
	bool ipv6 = false;
	if (inet_pton(AF_INET, a.bind, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)a.port);
	} else if (inet_pton(AF_INET6, a.bind, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)a.port);
		ipv6 = true;
	} else {
		return dcg__usage_error("serve",
					"--bind %s: expected an IPv4 or IPv6 "
					"address, e.g. 127.0.0.1 or ::1",
					a.bind);
	}
	sv.loopback = is_loopback((struct sockaddr *)&addr);

	sv.api.config = a.config;
	sv.api.solve_timeout_s = a.timeout_s;
	sv.api.max_solves = (int)a.max_solves;
	if (pthread_mutex_init(&sv.api.lock, NULL) != 0 ||
	    pthread_mutex_init(&sv.api.h5_lock, NULL) != 0) {
		exit_status = dcg__report(DCG_ENOMEM, NULL);
		goto finish;
	}
	locks = true;

	if (dcg__signals_install() < 0) {
		perror("dcgrid: cannot install signal handlers");
		exit_status = DCG_EXIT_FAILURE;
		goto finish;
	}
	int rc = dcg__serve_init(&sv.api, stderr, &err);
	if (rc < 0) {
		exit_status = dcg__report(rc, &err);
		goto finish;
	}
	if (load_web(&sv, web_dir(a.web)) < 0) {
		exit_status = DCG_EXIT_USAGE;
		goto finish;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(sv.api.tmpdir, sizeof sv.api.tmpdir, "%s/dcgrid-serve-XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(sv.api.tmpdir)) {
		fprintf(stderr, "dcgrid: cannot create a temporary folder %s: %s\n",
			sv.api.tmpdir, strerror(errno));
		sv.api.tmpdir[0] = '\0';
		exit_status = DCG_EXIT_FAILURE;
		goto finish;
	}

	/* A pool of threads answers requests; solves beyond --max-solves get
	 * 503. Connections are bounded in number and idle time. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ipv6)
		flags |= MHD_USE_IPv6;
	d = MHD_start_daemon(flags, (uint16_t)a.port, NULL, NULL, on_request, &sv,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
			     MHD_OPTION_THREAD_POOL_SIZE,
			     (unsigned)(a.max_solves + 2),
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)256 * 1024,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "dcgrid: cannot listen on %s port %ld (in use, or "
				"not an address of this machine?)\n",
			a.bind, a.port);
		exit_status = DCG_EXIT_FAILURE;
		goto finish;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = info ? info->port : (unsigned)a.port;
	char shown[300];
	snprintf(shown, sizeof shown, ipv6 ? "[%s]:%u" : "%s:%u", a.bind, port);
	snprintf(sv.hosts[0], sizeof sv.hosts[0], "%s", shown);
	snprintf(sv.hosts[1], sizeof sv.hosts[1], "localhost:%u", port);
	snprintf(sv.hosts[2], sizeof sv.hosts[2], "127.0.0.1:%u", port);
	snprintf(sv.hosts[3], sizeof sv.hosts[3], "[::1]:%u", port);

	printf("dcgrid: explorer for %s at http://%s/ (Ctrl-C to stop)\n",
	       a.config ? a.config : "the built-in scenario", shown);
	fflush(stdout);
	if (!sv.loopback)
		fprintf(stderr, "dcgrid: warning: listening on %s, beyond this "
				"machine; the explorer has no log-in\n",
			a.bind);

	/* Wait for SIGINT or SIGTERM; the handler only sets a flag. */
	while (!dcg__signals_caught()) {
		struct timespec ts = {0, 100000000L};
		nanosleep(&ts, NULL);
	}
	printf("dcgrid: %s: stopping\n",
	       dcg__signals_caught() == SIGINT ? "SIGINT" : "SIGTERM");
	exit_status = DCG_EXIT_OK;

finish:
	if (d)
		MHD_stop_daemon(d);
	if (sv.api.tmpdir[0])
		rmdir(sv.api.tmpdir);
	dcg__serve_free(&sv.api);
	for (size_t i = 0; i < N_WEB; i++)
		free(sv.web[i]);
	if (locks) {
		pthread_mutex_destroy(&sv.api.lock);
		pthread_mutex_destroy(&sv.api.h5_lock);
	}
	return exit_status;
}
