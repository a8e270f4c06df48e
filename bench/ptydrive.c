/* ptydrive: runs the real riskdesk console in a pseudo-terminal, types a fixed key script
 * and prints how long the first screen and each kind of key took (bench/tui.sh, SPEC
 * section 10).
 *
 *   ptydrive [-t KEY_SECS] [-T START_SECS] [-l KEYLOG] -- PROGRAM [ARGS...]
 *
 * The child gets a 120x40 terminal, TERM=xterm-256color, LANG=C.UTF-8, HOME and the XDG
 * directories in a private temporary directory, and RISKDESK_TRACE naming a FIFO there:
 * the console writes `first_frame SECONDS` and, per key, `key CODE SECONDS` (from the key's
 * arrival in getch to the end of its redraw). Reading the trace through a FIFO lets poll()
 * say when a key is done, so the script never sleeps: each key is sent once the previous
 * key's trace line has arrived. The terminal's output is read all the time so the child
 * never blocks on a full pty.
 *
 * Two clocks are reported: the console's own (the trace) and ours ("pty": from fork to the
 * Customers footer on the terminal, and from writing a key to reading its trace line).
 * Peak RSS is the child's ru_maxrss from wait4().
 *
 * The Drift pane makes its report in idle time, after `d`'s own redraw, and a key
 * interrupts that: so after `d` the script waits for the report on the terminal (the
 * verdict, "N of M features drifted significantly") before the next key, and prints that
 * wait as the pane's time to ready. Its keys are the kind "drift".
 *
 * -t limits each key's wait for its trace line, -T the wait for the first screen and for
 * the Drift pane's report. Exit 0 on success, 1 on a failure or timeout (with a message
 * saying which key), 2 on usage. */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define COLS 120
#define ROWS 40
#define FOOTER "customerssort" /* "N customers  sort ID" with blanks and escapes removed */
/* The Drift pane's verdict, shown once its report is made: "N of M features drifted
 * significantly, K moderately" (while it computes: "computing…"). */
#define DRIFT_READY "featuresdriftedsignificantly"
#define MARKER_MAX 64
#define MAX_STEPS 2048

/* ncurses' key codes for the keys whose bytes are an escape sequence (curses.h). */
#define KEY_NPAGE_CODE 0522
#define KEY_PPAGE_CODE 0523

enum kind { K_SCROLL, K_PAGE, K_END, K_SORT, K_FILTER, K_DRIFT, K_PROMPT, K_QUIT, K_COUNT };
static const char *const kind_names[K_COUNT] = {"scroll", "page",  "end",    "sort",
						"filter", "drift", "prompt", "quit"};

struct step {
	const char *bytes; /* what the terminal sends */
	enum kind kind;
	int code;          /* the getch() code the console should log */
	const char *label; /* for messages and the key log */
	const char *ready; /* after its redraw, wait for this text (blanks removed), or NULL */
	double trace_s;    /* out: the console's time */
	double pty_s;      /* out: write to trace line */
	int got_code;      /* out: the code it logged */
};

static struct step steps[MAX_STEPS];
static int nsteps;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add(const char *bytes, enum kind kind, int code, const char *label, int times)
{
	for (int i = 0; i < times; i++) {
		if (nsteps == MAX_STEPS) {
			fprintf(stderr, "ptydrive: key script too long\n");
			exit(2);
		}
		steps[nsteps++] =
			(struct step){.bytes = bytes, .kind = kind, .code = code, .label = label};
	}
}

static void add_key(char c, enum kind kind, int times)
{
	/* One static byte string per character, so steps can point at it. */
	static char one[256][2];
	unsigned char u = (unsigned char)c;
	one[u][0] = c;
	static char labels[256][8];
	if (c == '\r')
		snprintf(labels[u], sizeof labels[u], "Enter");
	else if (c == '\033')
		snprintf(labels[u], sizeof labels[u], "Esc");
	else if (c == 21)
		snprintf(labels[u], sizeof labels[u], "C-u");
	else
		snprintf(labels[u], sizeof labels[u], "%c", c);
	add(one[u], kind, u, labels[u], times);
}

/* f, Ctrl-U (the prompt starts with the filter in force), the expression one byte per key
 * (each is a prompt redraw), Enter. */
static void add_filter(const char *expr)
{
	add_key('f', K_PROMPT, 1);
	add_key(21, K_PROMPT, 1);
	for (const char *p = expr; *p; p++)
		add_key(*p, K_PROMPT, 1);
	add_key('\r', K_FILTER, 1);
}

/* The last step added also waits until the terminal shows text (blanks removed). */
static void then_wait_for(const char *text)
{
	steps[nsteps - 1].ready = text;
}

/* Moving around one list: rows, pages, both ends. */
static void add_moves(int rows, int pages)
{
	add_key('j', K_SCROLL, rows);
	add("\033[6~", K_PAGE, KEY_NPAGE_CODE, "PgDn", pages);
	add("\033[5~", K_PAGE, KEY_PPAGE_CODE, "PgUp", pages / 2);
	add_key('G', K_END, 1);
	add_key('k', K_SCROLL, rows / 2);
	add("\033[5~", K_PAGE, KEY_PPAGE_CODE, "PgUp", pages / 2);
	add_key('g', K_END, 1);
}

static void build_script(void)
{
	/* The default list (by id): long runs of single rows and pages. */
	add_key('j', K_SCROLL, 200);
	add_key('k', K_SCROLL, 100);
	add("\033[6~", K_PAGE, KEY_NPAGE_CODE, "PgDn", 50);
	add("\033[5~", K_PAGE, KEY_PPAGE_CODE, "PgUp", 20);
	add_key('G', K_END, 1);
	add_key('k', K_SCROLL, 50);
	add("\033[5~", K_PAGE, KEY_PPAGE_CODE, "PgUp", 10);
	add_key('g', K_END, 1);
	/* Every sort (id, name, score, band, activity, back to id), moving in each. */
	for (int i = 0; i < 5; i++) {
		add_key('s', K_SORT, 1);
		add_moves(20, 10);
	}
	/* Reversed, and back. */
	add_key('S', K_SORT, 1);
	add_moves(10, 6);
	add_key('S', K_SORT, 1);
	/* A filter: moving in it, every sort under it, then cleared. */
	add_filter("band=E");
	add_moves(20, 10);
	for (int i = 0; i < 5; i++) {
		add_key('s', K_SORT, 1);
		add_moves(5, 4);
	}
	add_filter("");
	add_filter("score<550");
	add_moves(10, 6);
	add_filter("");
	/* The Drift pane: d, then (once the report is made) its feature table, a feature's
	 * bins, the sections, and Esc back to the default screen. */
	add_key('d', K_DRIFT, 1);
	then_wait_for(DRIFT_READY);
	add_key('j', K_DRIFT, 30);
	add_key('k', K_DRIFT, 15);
	add("\033[6~", K_DRIFT, KEY_NPAGE_CODE, "PgDn", 2);
	add("\033[5~", K_DRIFT, KEY_PPAGE_CODE, "PgUp", 2);
	add_key('G', K_DRIFT, 1);
	add_key('g', K_DRIFT, 1);
	add_key('\r', K_DRIFT, 1);
	add_key('j', K_DRIFT, 5);
	add_key('\033', K_DRIFT, 1);
	add_key('}', K_DRIFT, 3);
	add_key('{', K_DRIFT, 3);
	add_key('J', K_DRIFT, 10);
	add_key('K', K_DRIFT, 10);
	add_key('\033', K_DRIFT, 1);
	add_key('q', K_QUIT, 1);
}

/* Removes what the console wrote: blanks and terminal escapes, so that a text (the
 * footer, the Drift pane's verdict) can be found whatever ncurses did to move between its
 * words. */
struct scanner {
	enum { S_TEXT, S_ESC, S_CSI, S_OSC, S_OSC_ESC, S_CHARSET } state;
	const char *want; /* the text looked for, blanks removed; NULL once found */
	char tail[MARKER_MAX];
	size_t len;
	char last[512]; /* the latest text, for a failure message */
	size_t last_len;
};

/* From now on, look for text (in what the console writes after this). */
static void expect(struct scanner *s, const char *text)
{
	s->want = text;
	s->len = 0;
}

/* 1 when the text expected has just been found. */
static int scan(struct scanner *s, const char *buf, size_t n)
{
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		switch (s->state) {
		case S_ESC:
			s->state = c == '['                 ? S_CSI
				   : c == ']'               ? S_OSC
				   : c && strchr("()*+", c) ? S_CHARSET
							    : S_TEXT;
			continue;
		case S_CSI:
			if (c >= 0x40 && c <= 0x7e)
				s->state = S_TEXT;
			continue;
		case S_OSC: s->state = c == 7 ? S_TEXT : c == 033 ? S_OSC_ESC : S_OSC; continue;
		case S_OSC_ESC:
		case S_CHARSET: s->state = S_TEXT; continue;
		case S_TEXT: break;
		}
		if (c == 033) {
			s->state = S_ESC;
			continue;
		}
		if (c >= 0x20) {
			if (s->last_len + 1 == sizeof s->last) {
				/* keep the second half: the end is what a message needs */
				size_t half = sizeof s->last / 2;
				memmove(s->last, s->last + half, s->last_len - half);
				s->last_len -= half;
			}
			s->last[s->last_len++] = (char)c;
			s->last[s->last_len] = '\0';
		}
		if (c <= ' ' || !s->want)
			continue;
		size_t wl = strlen(s->want);
		if (s->len == wl) {
			memmove(s->tail, s->tail + 1, s->len - 1);
			s->len--;
		}
		s->tail[s->len++] = (char)c;
		if (s->len == wl && memcmp(s->tail, s->want, wl) == 0) {
			s->want = NULL;
			found = 1;
		}
	}
	return found;
}

/* The session: the child, its terminal, its trace. */
struct session {
	pid_t pid;
	int master;     /* -1 once the child closed the terminal */
	int trace;      /* the FIFO's read end */
	int trace_hold; /* our own write end, so the FIFO never reads as closed */
	struct scanner sc;
	int footer_seen;
	double footer_at;
	int ready_seen; /* the text a step waits for (steps' ready) */
	double ready_at;
	char line[256]; /* a trace line being read */
	size_t line_len;
	int have_first;
	double first_frame;
	int keys_seen; /* `key` lines read */
	int last_code;
	double last_secs;
	double last_at; /* when we read it */
	int bad_lines;
};

static void on_trace_line(struct session *s, const char *line)
{
	double secs;
	int code;
	if (sscanf(line, "first_frame %lf", &secs) == 1) {
		s->have_first = 1;
		s->first_frame = secs;
	} else if (sscanf(line, "key %d %lf", &code, &secs) == 2) {
		s->keys_seen++;
		s->last_code = code;
		s->last_secs = secs;
		s->last_at = now();
	} else {
		s->bad_lines++;
	}
}

static void read_trace(struct session *s)
{
	char buf[4096];
	ssize_t n;
	while ((n = read(s->trace, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				s->line[s->line_len] = '\0';
				on_trace_line(s, s->line);
				s->line_len = 0;
			} else if (s->line_len + 1 < sizeof s->line) {
				s->line[s->line_len++] = buf[i];
			}
		}
	}
}

static void read_terminal(struct session *s)
{
	char buf[16384];
	for (;;) {
		ssize_t n = read(s->master, buf, sizeof buf);
		if (n > 0) {
			if (scan(&s->sc, buf, (size_t)n)) {
				if (!s->footer_seen) {
					s->footer_seen = 1;
					s->footer_at = now();
				} else {
					s->ready_seen = 1;
					s->ready_at = now();
				}
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		/* EIO (Linux) or end of file: every slave descriptor is closed. */
		close(s->master);
		s->master = -1;
		return;
	}
}

/* Waits until done(s) holds, reading both streams meanwhile. 0, or -1 on timeout,
 * interruption or the child closing its terminal first. */
static int pump(struct session *s, double deadline, int (*done)(const struct session *),
		const char **why)
{
	while (!done(s)) {
		if (interrupted) {
			*why = "interrupted";
			return -1;
		}
		if (s->master < 0) {
			*why = "the console closed its terminal (exited?)";
			return -1;
		}
		double left = deadline - now();
		if (left <= 0) {
			*why = "timed out";
			return -1;
		}
		struct pollfd p[2] = {{.fd = s->master, .events = POLLIN},
				      {.fd = s->trace, .events = POLLIN}};
		int ms = (int)ceil(left * 1000);
		int r = poll(p, 2, ms);
		if (r < 0 && errno != EINTR) {
			*why = strerror(errno);
			return -1;
		}
		if (r <= 0)
			continue;
		/* The trace first: a key's line is written after its output. */
		if (p[1].revents)
			read_trace(s);
		if (p[0].revents)
			read_terminal(s);
	}
	return 0;
}

static int started(const struct session *s)
{
	return s->footer_seen && s->have_first;
}

static int want_keys; /* the `key` line count the current step waits for */

static int key_done(const struct session *s)
{
	return s->keys_seen >= want_keys;
}

static int ready(const struct session *s)
{
	return s->ready_seen;
}

static int closed(const struct session *s)
{
	return s->master < 0;
}

static int write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* The child's peak RSS so far in kB, from Linux's /proc (0 elsewhere): how much of the
 * peak the start-up alone takes. */
static long peak_rss_now(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static double pct(const double *v, int n, double p)
{
	int r = (int)ceil(p / 100.0 * n);
	return v[r < 1 ? 0 : r > n ? n - 1 : r - 1];
}

static void usage(void)
{
	fprintf(stderr, "usage: ptydrive [-t KEY_SECS] [-T START_SECS] [-l KEYLOG] -- PROGRAM "
			"[ARGS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	double key_timeout = 20, start_timeout = 60;
	const char *keylog_path = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "t:T:l:")) != -1) {
		switch (opt) {
		case 't': key_timeout = atof(optarg); break;
		case 'T': start_timeout = atof(optarg); break;
		case 'l': keylog_path = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc || key_timeout <= 0 || start_timeout <= 0)
		usage();
	char **child_argv = argv + optind;
	build_script();

	/* A private directory: the trace FIFO, HOME and the XDG directories (so no user
	 * config, theme or history takes part, and none is written). */
	const char *tmp = getenv("TMPDIR");
	char dir[4096], trace_path[4200], sub[4200];
	snprintf(dir, sizeof dir, "%s/ptydrive.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("ptydrive: mkdtemp");
		return 1;
	}
	snprintf(trace_path, sizeof trace_path, "%s/trace", dir);
	if (mkfifo(trace_path, 0600)) {
		perror("ptydrive: mkfifo");
		nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
		return 1;
	}
	struct session s = {.pid = -1, .master = -1};
	expect(&s.sc, FOOTER);
	s.trace = open(trace_path, O_RDONLY | O_NONBLOCK);
	s.trace_hold = s.trace >= 0 ? open(trace_path, O_WRONLY | O_NONBLOCK) : -1;
	if (s.trace < 0 || s.trace_hold < 0) {
		perror("ptydrive: opening the trace FIFO");
		nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
		return 1;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct winsize ws = {.ws_row = ROWS, .ws_col = COLS};
	double fork_at = now();
	s.pid = forkpty(&s.master, NULL, NULL, &ws);
	if (s.pid < 0) {
		perror("ptydrive: forkpty");
		nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
		return 1;
	}
	if (s.pid == 0) {
		close(s.trace);
		close(s.trace_hold);
		static const char *const xdg[] = {"XDG_CONFIG_HOME", "XDG_STATE_HOME",
						  "XDG_DATA_HOME", "XDG_CACHE_HOME"};
		for (size_t i = 0; i < sizeof xdg / sizeof *xdg; i++) {
			snprintf(sub, sizeof sub, "%s/%s", dir, xdg[i]);
			mkdir(sub, 0700);
			setenv(xdg[i], sub, 1);
		}
		setenv("HOME", dir, 1);
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		setenv("RISKDESK_TRACE", trace_path, 1);
		/* These would override the locale, the size or the colours we set. */
		static const char *const drop[] = {"LC_ALL",   "LC_CTYPE",    "LINES",   "COLUMNS",
						   "NO_COLOR", "RISKDESK_DB", "ESCDELAY"};
		for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
			unsetenv(drop[i]);
		execvp(child_argv[0], child_argv);
		fprintf(stderr, "ptydrive: %s: %s\n", child_argv[0], strerror(errno));
		_exit(127);
	}
	fcntl(s.master, F_SETFL, fcntl(s.master, F_GETFL) | O_NONBLOCK);

	const char *why = NULL;
	int failed = 0;
	if (pump(&s, fork_at + start_timeout, started, &why)) {
		fprintf(stderr,
			"ptydrive: no first screen after %.1f s: %s (footer %s, trace %s)\n",
			now() - fork_at, why, s.footer_seen ? "seen" : "not seen",
			s.have_first ? "has first_frame" : "has no first_frame");
		if (s.sc.last_len)
			fprintf(stderr, "ptydrive: the terminal last showed: ...%.200s\n",
				s.sc.last + (s.sc.last_len > 200 ? s.sc.last_len - 200 : 0));
		failed = 1;
	}
	double first_pty = s.footer_at - fork_at;
	long first_rss_kb = failed ? 0 : peak_rss_now(s.pid);

	int done_steps = 0, nready = 0;
	double ready_s[MAX_STEPS];
	for (int i = 0; !failed && i < nsteps; i++) {
		struct step *st = &steps[i];
		want_keys = s.keys_seen + 1;
		if (st->ready) {
			/* Stale output of earlier keys cannot hold the text: they show other panes. */
			expect(&s.sc, st->ready);
			s.ready_seen = 0;
		}
		double sent = now();
		if (write_all(s.master, st->bytes, strlen(st->bytes))) {
			fprintf(stderr, "ptydrive: writing key %d (%s): %s\n", i + 1, st->label,
				strerror(errno));
			failed = 1;
			break;
		}
		if (st->kind == K_QUIT) {
			/* q ends the console: its last frame logs nothing more. */
			done_steps++;
			break;
		}
		if (pump(&s, sent + key_timeout, key_done, &why)) {
			fprintf(stderr,
				"ptydrive: key %d of %d (%s, %s) got no trace line after %.1f s: "
				"%s\n",
				i + 1, nsteps, st->label, kind_names[st->kind], now() - sent, why);
			failed = 1;
			break;
		}
		st->trace_s = s.last_secs;
		st->pty_s = s.last_at - sent;
		st->got_code = s.last_code;
		done_steps++;
		/* Work the console does after the redraw, in idle time (a key would interrupt
		 * it): no key before the screen shows it is done. */
		if (st->ready && pump(&s, sent + start_timeout, ready, &why)) {
			fprintf(stderr,
				"ptydrive: key %d of %d (%s, %s): no \"%s\" on the terminal after "
				"%.1f s: %s\n",
				i + 1, nsteps, st->label, kind_names[st->kind], st->ready,
				now() - sent, why);
			if (s.sc.last_len)
				fprintf(stderr, "ptydrive: the terminal last showed: ...%.200s\n",
					s.sc.last +
						(s.sc.last_len > 200 ? s.sc.last_len - 200 : 0));
			failed = 1;
			break;
		}
		if (st->ready)
			ready_s[nready++] = s.ready_at - sent;
	}

	/* The end: the console quits and closes its terminal; then its rusage. */
	if (!failed && pump(&s, now() + key_timeout, closed, &why)) {
		fprintf(stderr, "ptydrive: the console did not exit after q: %s\n", why);
		failed = 1;
	}
	if (failed && s.master >= 0)
		kill(-s.pid, SIGKILL); /* our child's own session (forkpty made it a leader) */
	int status = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	while (wait4(s.pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	if (s.master >= 0)
		close(s.master);
	close(s.trace);
	close(s.trace_hold);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	if (!failed && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		fprintf(stderr, "ptydrive: the console ended with %s %d\n",
			WIFEXITED(status) ? "status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		failed = 1;
	}
	if (failed)
		return 1;

	/* Every step, for finding the slow ones. */
	if (keylog_path) {
		FILE *f = fopen(keylog_path, "w");
		if (!f) {
			perror(keylog_path);
			return 1;
		}
		fprintf(f, "# step kind key code trace_ms pty_ms\n");
		for (int i = 0; i < done_steps; i++)
			if (steps[i].kind != K_QUIT)
				fprintf(f, "%d %s %s %d %.3f %.3f\n", i + 1,
					kind_names[steps[i].kind], steps[i].label,
					steps[i].got_code, steps[i].trace_s * 1e3,
					steps[i].pty_s * 1e3);
		fclose(f);
	}

	int mismatched = 0;
	for (int i = 0; i < done_steps; i++)
		if (steps[i].kind != K_QUIT && steps[i].got_code != steps[i].code)
			mismatched++;
	if (mismatched)
		fprintf(stderr,
			"ptydrive: warning: %d keys logged a code other than the one sent\n",
			mismatched);
	if (s.bad_lines)
		fprintf(stderr, "ptydrive: warning: %d trace lines not understood\n", s.bad_lines);

	printf("first screen: %.4f s (pty: fork to the Customers footer), %.4f s (trace "
	       "first_frame)\n",
	       first_pty, s.first_frame);
	printf("%-7s %5s %10s %10s %10s %12s\n", "kind", "keys", "median ms", "p99 ms", "max ms",
	       "pty p99 ms");
	double p99[K_COUNT] = {0};
	static double v[MAX_STEPS], w[MAX_STEPS];
	for (int k = 0; k < K_QUIT; k++) {
		int n = 0;
		for (int i = 0; i < done_steps; i++)
			if (steps[i].kind == (enum kind)k) {
				v[n] = steps[i].trace_s * 1e3;
				w[n++] = steps[i].pty_s * 1e3;
			}
		if (!n)
			continue;
		qsort(v, (size_t)n, sizeof *v, cmp_double);
		qsort(w, (size_t)n, sizeof *w, cmp_double);
		p99[k] = pct(v, n, 99);
		printf("%-7s %5d %10.3f %10.3f %10.3f %12.3f\n", kind_names[k], n, pct(v, n, 50),
		       p99[k], v[n - 1], pct(w, n, 99));
	}
	for (int i = 0; i < nready; i++)
		printf("drift pane ready: %.3f s (pty: from d to its verdict on the terminal)\n",
		       ready_s[i]);
	long rss_kb = ru.ru_maxrss; /* kilobytes on Linux */
	printf("peak RSS: %.1f MB (ru_maxrss %ld kB)", (double)rss_kb / 1024.0, rss_kb);
	if (first_rss_kb)
		printf("; %.1f MB of it by the first screen", (double)first_rss_kb / 1024.0);
	printf("\n");
	/* One line for scripts. */
	printf("summary first_pty=%.4f first_trace=%.4f", first_pty, s.first_frame);
	for (int k = 0; k < K_QUIT; k++)
		printf(" %s=%.3f", kind_names[k], p99[k]);
	printf(" rss_kb=%ld first_rss_kb=%ld", rss_kb, first_rss_kb);
	if (nready)
		printf(" drift_ready=%.4f", ready_s[0]);
	printf("\n");
	return 0;
}
