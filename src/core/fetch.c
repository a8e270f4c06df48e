/* Running a source's command (fetch.h): the words of a call, the check of what it printed,
 * and the calls run a few at a time with posix_spawn, poll and a deadline each. */
#include "riskdesk/fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "riskdesk/jsondoc.h"
#include "riskdesk/vocab.h"

extern char **environ;

const char *fetch_argv_problem(int argc, const char *const *argv)
{
	if (argc < 1 || !argv[0][0])
		return "has no program to run";
	if (strstr(argv[0], FETCH_KEY))
		return "has " FETCH_KEY
		       " in its program's name (the key must not choose what runs)";
	for (int i = 1; i < argc; i++)
		if (strstr(argv[i], FETCH_KEY))
			return NULL;
	return "has no word with " FETCH_KEY " (where the record's key goes)";
}

char **fetch_argv(int argc, const char *const *tmpl, const char *key)
{
	char **v = rd_calloc((size_t)argc + 1, sizeof *v);
	size_t klen = strlen(FETCH_KEY);
	for (int i = 0; i < argc; i++) {
		struct rd_buf b = {0};
		const char *p = tmpl[i], *at;
		while ((at = strstr(p, FETCH_KEY)) != NULL) {
			buf_append(&b, p, (size_t)(at - p));
			buf_puts(&b, key);
			p = at + klen;
		}
		buf_puts(&b, p);
		v[i] = buf_steal(&b);
	}
	return v;
}

void fetch_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

const char *fetch_payload_problem(const char *text, size_t len)
{
	size_t blank = 0;
	while (blank < len && strchr(" \t\r\n", text[blank]) && text[blank])
		blank++;
	if (blank == len)
		return "is empty";
	if (memchr(text, '\0', len) || json_nul_at(text, len) >= 0)
		return "holds a NUL character";
	if (!utf8_valid(text, len))
		return "is not UTF-8";
	return jsondoc_object_problem(text, len);
}

/* ---- the message of a call: one line for the attempts table ---- */

/* The bytes of the UTF-8 character that starts with lead (0: not a lead byte). */
static size_t utf8_len(unsigned char lead)
{
	return lead < 0x80                   ? 1
	       : lead >= 0xC2 && lead < 0xE0 ? 2
	       : lead >= 0xE0 && lead < 0xF0 ? 3
	       : lead >= 0xF0 && lead < 0xF5 ? 4
					     : 0;
}

/* Appends s[0..len) to b as one line: white space and control characters become one
 * blank, bytes that are not UTF-8 '?', blanks at either end dropped; b stops at max bytes
 * (the last character whole) with "…". Returns 1 when it cut s. */
static int message_append(struct rd_buf *b, const char *s, size_t len, size_t max)
{
	int blank = 0;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t n = utf8_len(c);
		if (n == 0 || i + n > len || !utf8_valid(s + i, n)) {
			n = 1;
			c = '?';
		}
		if (c < 0x20 || c == 0x7F) {
			blank = 1;
			i += n;
			continue;
		}
		if (c == ' ') {
			blank = 1;
			i++;
			continue;
		}
		size_t need = n + (blank && b->len ? 1 : 0);
		if (b->len + need > max) {
			buf_puts(b, "…");
			return 1;
		}
		if (blank && b->len)
			buf_putc(b, ' ');
		blank = 0;
		if (c == '?' && n == 1)
			buf_putc(b, '?');
		else
			buf_append(b, s + i, n);
		i += n;
	}
	return 0;
}

/* ---- the calls ---- */

enum stop_why { STOP_NONE, STOP_TIMEOUT, STOP_TOO_BIG, STOP_CANCEL };

struct slot {
	int used;
	size_t i;    /* the call */
	pid_t pid;   /* the child, also its process group; 0 once reaped */
	int fd[2];   /* the read ends of its stdout and stderr; -1 once closed */
	int wstatus; /* as waitpid gave it */
	int lost;    /* its status could not be had (ECHILD) */
	struct rd_buf out, err;
	int err_cut; /* stderr went on past what is kept */
	double t0, deadline, kill_at;
	enum stop_why stop; /* why we stop it; STOP_NONE: it ends by itself */
	int termed, killed; /* SIGTERM, SIGKILL sent */
	char started_at[21];
};

/* The signals a child gets with their default action: the parent may ignore some (SIGPIPE,
 * SIGXFSZ), which would carry over the exec. */
static const int default_signals[] = {SIGPIPE, SIGXFSZ, SIGINT,  SIGQUIT, SIGTERM,
				      SIGHUP,  SIGCHLD, SIGTTIN, SIGTTOU, SIGALRM};

static int set_flags(int fd, int fd_flags, int fl_flags)
{
	int f = fcntl(fd, F_GETFD);
	if (f < 0 || fcntl(fd, F_SETFD, f | fd_flags) < 0)
		return -1;
	if (!fl_flags)
		return 0;
	f = fcntl(fd, F_GETFL);
	return f < 0 || fcntl(fd, F_SETFL, f | fl_flags) < 0 ? -1 : 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Starts call c in s. 0, or an errno value (the call cannot start: s holds no child). */
static int slot_start(struct slot *s, const struct fetch_call *c)
{
	int out[2] = {-1, -1}, err[2] = {-1, -1}, rc = 0;
	/* pipe2(O_CLOEXEC) is not POSIX 2008: the flags are set right after, and riskdesk's
	 * only other thread (the console's) starts no process. */
	if (pipe(out) || pipe(err) || set_flags(out[0], FD_CLOEXEC, O_NONBLOCK) ||
	    set_flags(err[0], FD_CLOEXEC, O_NONBLOCK) || set_flags(out[1], FD_CLOEXEC, 0) ||
	    set_flags(err[1], FD_CLOEXEC, 0)) {
		rc = errno ? errno : EMFILE;
		goto out;
	}
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	for (size_t k = 0; k < sizeof default_signals / sizeof *default_signals; k++)
		sigaddset(&dfl, default_signals[k]);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	/* The dup2'd copies lose close-on-exec; the pipes' own ends keep it and go. */
	if ((rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) == 0 &&
	    (rc = posix_spawn_file_actions_adddup2(&fa, out[1], 1)) == 0 &&
	    (rc = posix_spawn_file_actions_adddup2(&fa, err[1], 2)) == 0 &&
	    (rc = posix_spawnattr_setpgroup(&at, 0)) == 0 &&
	    (rc = posix_spawnattr_setsigmask(&at, &none)) == 0 &&
	    (rc = posix_spawnattr_setsigdefault(&at, &dfl)) == 0 &&
	    (rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
							POSIX_SPAWN_SETSIGDEF)) == 0)
		rc = posix_spawnp(&s->pid, c->argv[0], &fa, &at, c->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc) {
		s->pid = 0;
		goto out;
	}
	s->fd[0] = out[0];
	s->fd[1] = err[0];
	out[0] = err[0] = -1;
out:
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&err[0]);
	close_fd(&err[1]);
	return rc;
}

/* Signals the child's process group. Only while the child is not reaped: its id, a zombie's
 * included, is then still its group's, which no other process can have. */
static void slot_signal(struct slot *s, int sig)
{
	if (s->pid > 0)
		kill(-s->pid, sig);
}

/* Begins to stop s (why), now: SIGTERM, and SIGKILL after grace; output over the cap is
 * killed at once. */
static void slot_stop(struct slot *s, enum stop_why why, double now, double grace)
{
	if (s->stop == STOP_NONE)
		s->stop = why;
	if (why == STOP_TOO_BIG && !s->killed) {
		slot_signal(s, SIGKILL);
		s->killed = 1;
		close_fd(&s->fd[0]);
		close_fd(&s->fd[1]);
		return;
	}
	if (!s->termed) {
		slot_signal(s, SIGTERM);
		s->termed = 1;
		s->kill_at = now + grace;
	}
}

/* Reads what is there on pipe k of s. */
static void slot_read(struct slot *s, int k, size_t max_out, double grace)
{
	char chunk[16384];
	while (s->fd[k] >= 0) {
		ssize_t r = read(s->fd[k], chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			close_fd(&s->fd[k]);
			return;
		}
		if (k == 0 && s->out.len + (size_t)r > max_out) {
			slot_stop(s, STOP_TOO_BIG, now_seconds(), grace);
			return;
		}
		if (k == 0) {
			buf_append(&s->out, chunk, (size_t)r);
		} else {
			size_t keep = 2 * FETCH_MAX_MESSAGE;
			size_t room = s->err.len < keep ? keep - s->err.len : 0;
			buf_append(&s->err, chunk, (size_t)r < room ? (size_t)r : room);
			s->err_cut |= (size_t)r > room;
		}
	}
}

/* Reaps s's child when it has ended (and, with wait, waits for it). */
static void slot_reap(struct slot *s, int wait)
{
	while (s->pid > 0) {
		pid_t r = waitpid(s->pid, &s->wstatus, wait ? 0 : WNOHANG);
		if (r == s->pid || (r < 0 && errno == ECHILD)) {
			s->lost = r < 0;
			s->pid = 0;
		} else if (r < 0 && errno == EINTR) {
			continue;
		}
		return;
	}
}

/* The result of s, which has ended; message goes into msg. */
static void slot_result(struct slot *s, const struct fetch_call *c, size_t max_out,
			struct rd_buf *msg, struct fetch_result *r)
{
	const char *why = NULL;
	char head[160] = "";
	r->status = FETCH_FAILED;
	if (s->stop == STOP_CANCEL) {
		r->status = FETCH_CANCELLED;
		snprintf(head, sizeof head, "cancelled");
	} else if (s->stop == STOP_TIMEOUT) {
		r->status = FETCH_TIMEOUT;
		snprintf(head, sizeof head, "no answer within %g s: killed", c->timeout);
	} else if (s->stop == STOP_TOO_BIG) {
		snprintf(head, sizeof head, "printed more than %zu bytes: killed", max_out);
	} else if (s->lost) {
		snprintf(head, sizeof head, "its exit status was lost (SIGCHLD ignored?)");
	} else if (WIFSIGNALED(s->wstatus)) {
		snprintf(head, sizeof head, "killed by signal %d", WTERMSIG(s->wstatus));
	} else if (!WIFEXITED(s->wstatus) || WEXITSTATUS(s->wstatus) != 0) {
		snprintf(head, sizeof head, "exit %d", WEXITSTATUS(s->wstatus));
	} else if ((why = fetch_payload_problem(s->out.data ? s->out.data : "", s->out.len))) {
		r->status = FETCH_MALFORMED;
		snprintf(head, sizeof head, "its output %s", why);
	} else {
		r->status = FETCH_OK;
	}
	buf_reset(msg);
	buf_puts(msg, head);
	if (s->err.len) {
		if (msg->len)
			buf_puts(msg, ": ");
		if (!message_append(msg, s->err.data, s->err.len, FETCH_MAX_MESSAGE) && s->err_cut)
			buf_puts(msg, "…");
	}
	r->out = s->out.data ? s->out.data : "";
	r->out_len = s->out.len;
	r->message = msg->data ? msg->data : "";
	memcpy(r->started_at, s->started_at, sizeof r->started_at);
	r->seconds = now_seconds() - s->t0;
}

static void slot_clear(struct slot *s)
{
	close_fd(&s->fd[0]);
	close_fd(&s->fd[1]);
	buf_reset(&s->out);
	buf_reset(&s->err);
	s->used = 0;
}

int fetch_run(const struct fetch_call *calls, size_t n, const struct fetch_opts *o,
	      struct rd_err *err)
{
	int jobs = o->jobs < 1 ? 1 : o->jobs > FETCH_JOBS_MAX ? FETCH_JOBS_MAX : o->jobs;
	size_t max_out = o->max_output ? o->max_output : FETCH_MAX_OUTPUT;
	double grace = o->grace > 0 ? o->grace : FETCH_KILL_GRACE;
	struct slot *slots = rd_calloc((size_t)jobs, sizeof *slots);
	struct pollfd *pfd = rd_calloc((size_t)jobs * 2, sizeof *pfd);
	struct rd_buf msg = {0};
	size_t next = 0, ended = 0;
	int running = 0, cancelled = 0, rc = 0;
	for (int k = 0; k < jobs; k++)
		slots[k].fd[0] = slots[k].fd[1] = -1;
	while ((next < n && !cancelled) || running > 0) {
		double now = now_seconds();
		if (!cancelled && o->cancel && *o->cancel) {
			cancelled = 1;
			for (int k = 0; k < jobs; k++)
				if (slots[k].used)
					slot_stop(&slots[k], STOP_CANCEL, now, grace);
		}
		/* Fill the free slots; a call that cannot start is over at once. */
		for (int k = 0; k < jobs && next < n && !cancelled; k++) {
			struct slot *s = &slots[k];
			if (s->used)
				continue;
			struct rd_buf out = s->out, errb = s->err; /* reset, kept for reuse */
			memset(s, 0, sizeof *s);
			s->out = out;
			s->err = errb;
			s->fd[0] = s->fd[1] = -1;
			s->i = next++;
			now_iso(s->started_at);
			s->t0 = now_seconds();
			s->deadline = s->t0 + calls[s->i].timeout;
			int e = slot_start(s, &calls[s->i]);
			if (e == 0) {
				s->used = 1;
				running++;
				continue;
			}
			struct fetch_result r = {.status = FETCH_FAILED, .out = ""};
			buf_reset(&msg);
			buf_printf(&msg, "cannot run ");
			message_append(&msg, calls[s->i].argv[0], strlen(calls[s->i].argv[0]), 200);
			buf_printf(&msg, ": %s", strerror(e));
			r.message = msg.data;
			memcpy(r.started_at, s->started_at, sizeof r.started_at);
			r.seconds = now_seconds() - s->t0;
			ended++;
			if (o->done(o->ud, s->i, &r)) {
				rc = -1;
				goto out;
			}
			if (o->progress)
				o->progress(o->ud, ended, n);
			k--; /* the slot is free again */
		}
		/* Wait for output, an end or a deadline; at most 100 ms, to see *cancel. */
		int np = 0, wait_ms = 100;
		now = now_seconds();
		for (int k = 0; k < jobs; k++) {
			struct slot *s = &slots[k];
			if (!s->used)
				continue;
			for (int j = 0; j < 2; j++)
				if (s->fd[j] >= 0)
					pfd[np++] = (struct pollfd){.fd = s->fd[j],
								    .events = POLLIN};
			double until = !s->termed ? s->deadline : !s->killed ? s->kill_at : now;
			int ms = (int)((until - now) * 1000) + 1;
			if (s->fd[0] < 0 && s->fd[1] < 0 && ms > 10)
				ms = 10; /* its pipes are closed: see soon whether it ended */
			if (ms < wait_ms)
				wait_ms = ms < 0 ? 0 : ms;
		}
		if (running > 0 && poll(pfd, (nfds_t)np, wait_ms) < 0 && errno != EINTR) {
			rd_err_set(err, "refresh: poll: %s", strerror(errno));
			rc = -1;
			goto out;
		}
		now = now_seconds();
		for (int k = 0; k < jobs; k++) {
			struct slot *s = &slots[k];
			if (!s->used)
				continue;
			slot_read(s, 0, max_out, grace);
			slot_read(s, 1, max_out, grace);
			if (!s->termed && now >= s->deadline)
				slot_stop(s, STOP_TIMEOUT, now, grace);
			if (s->termed && !s->killed && now >= s->kill_at) {
				slot_signal(s, SIGKILL);
				s->killed = 1;
				/* Something outside its group may still hold the pipes. */
				close_fd(&s->fd[0]);
				close_fd(&s->fd[1]);
			}
			/* Reaped only once its pipes are closed, so that its process group
			 * stays its own to signal until then. */
			if (s->fd[0] >= 0 || s->fd[1] >= 0)
				continue;
			slot_reap(s, 0);
			if (s->pid > 0)
				continue;
			struct fetch_result r;
			slot_result(s, &calls[s->i], max_out, &msg, &r);
			running--;
			ended++;
			int stop = o->done(o->ud, s->i, &r);
			slot_clear(s);
			if (stop) {
				rc = -1;
				goto out;
			}
			if (o->progress)
				o->progress(o->ud, ended, n);
		}
	}
	rc = cancelled;
out:
	if (rc < 0 && !err->msg[0])
		rd_err_set(err, "refresh: stopped");
	/* Stopped by an error: whatever still runs is killed and reaped, unreported. */
	for (int k = 0; k < jobs; k++) {
		struct slot *s = &slots[k];
		if (s->used) {
			slot_signal(s, SIGKILL);
			slot_reap(s, 1);
		}
		slot_clear(s);
		buf_free(&s->out);
		buf_free(&s->err);
	}
	buf_free(&msg);
	free(slots);
	free(pfd);
	return rc;
}
