/* Files written whole or not at all (afile.h): commit, abort, a write into a file-size
 * limit, targets that are refused, and the removal of a killed writer's leftovers. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "riskdesk/afile.h"
#include "riskdesk/util.h"

static char root[256];

/* A fresh empty directory for one test; returns root. */
static const char *fresh_dir(void)
{
	snprintf(root, sizeof root, "/tmp/riskdesk-afile-%d", (int)getpid());
	DIR *d = opendir(root);
	if (d) {
		struct dirent *e;
		char p[768];
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
				snprintf(p, sizeof p, "%s/%s", root, e->d_name);
				if (unlink(p) != 0)
					rmdir(p);
			}
		closedir(d);
	}
	mkdir(root, 0700);
	return root;
}

/* root/name, in a static buffer rotated among 16. */
static const char *in_dir(const char *name)
{
	static char paths[16][768];
	static int next;
	char *p = paths[next++ % 16];
	snprintf(p, 768, "%s/%s", root, name);
	return p;
}

/* Names in the directory holding AFILE_TAG (temporaries). */
static int count_temps(void)
{
	DIR *d = opendir(root);
	int n = 0;
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d)))
		n += strstr(e->d_name, AFILE_TAG) != NULL;
	closedir(d);
	return n;
}

static void put_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void assert_file(const char *path, const char *text)
{
	char buf[4096];
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, text);
}

static mode_t mode_of(const char *path)
{
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

static void commit_replaces_whole_file_0600(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	fresh_dir();
	const char *t = in_dir("out.csv");
	put_file(t, "old\n", 0644);

	struct afile *f = afile_open(t, &err);
	assert_non_null(f);
	fputs("new ", afile_stream(f));
	assert_int_equal(afile_write(f, "rows\n", 5), 0);
	assert_int_equal(afile_sync(f, &err), 0);
	/* Until the commit the target is the old file; the new one is a hidden temporary. */
	assert_file(t, "old\n");
	assert_int_equal(count_temps(), 1);
	assert_int_equal(afile_commit(f, &err), 0);
	assert_file(t, "new rows\n");
	assert_int_equal(mode_of(t), 0600); /* not the old file's 0644 */
	assert_int_equal(count_temps(), 0);

	/* A new file, in the current directory (a path without a slash). */
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(root), 0);
	f = afile_open("fresh.json", &err);
	assert_non_null(f);
	fputs("{}", afile_stream(f));
	assert_int_equal(afile_commit(f, &err), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_file(in_dir("fresh.json"), "{}");
	assert_int_equal(mode_of(in_dir("fresh.json")), 0600);
	assert_int_equal(count_temps(), 0);
}

static void abort_leaves_target_as_it_was(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	fresh_dir();
	const char *t = in_dir("model.json");
	put_file(t, "good\n", 0644);
	struct afile *f = afile_open(t, &err);
	assert_non_null(f);
	fputs("half a fi", afile_stream(f));
	afile_abort(f);
	assert_file(t, "good\n");
	assert_int_equal(mode_of(t), 0644);
	assert_int_equal(count_temps(), 0);

	/* A target that did not exist still does not. */
	f = afile_open(in_dir("none.csv"), &err);
	assert_non_null(f);
	afile_abort(f);
	assert_int_equal(access(in_dir("none.csv"), F_OK), -1);
	assert_int_equal(count_temps(), 0);
	afile_abort(NULL);
}

/* Writes past a file-size limit of 64 KiB (SIGXFSZ ignored, as riskdesk does): the
 * error names the target and the cause, the old file stays, no temporary is left. */
static void size_limit_fails_with_cause(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	struct rlimit old, lim;
	fresh_dir();
	const char *t = in_dir("big.csv");
	put_file(t, "previous\n", 0600);
	char line[1024];
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\0';

	void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 64 * 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);

	/* Through the stream: the failure shows at the commit. */
	struct afile *f = afile_open(t, &err);
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs(line, afile_stream(f));
	int rc = afile_commit(f, &err);
	/* Through afile_write: the first failure is kept, later calls fail too. */
	struct rd_err err2 = {{0}};
	struct afile *g = afile_open(t, &err2);
	assert_non_null(g);
	int w = 0;
	for (int i = 0; i < 200; i++)
		w |= afile_write(g, line, sizeof line - 1);
	int sync = afile_sync(g, &err2);
	struct rd_err err3 = {{0}};
	int rc2 = afile_commit(g, &err3);

	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, prev);
	assert_int_equal(rc, -1);
	char want[900];
	snprintf(want, sizeof want, "%s: %s", t, strerror(EFBIG));
	assert_string_equal(err.msg, want);
	assert_int_equal(w, -1);
	assert_int_equal(sync, -1);
	assert_string_equal(err2.msg, want);
	assert_int_equal(rc2, -1);
	assert_string_equal(err3.msg, want);
	assert_file(t, "previous\n");
	assert_int_equal(count_temps(), 0);
}

static void refuses_what_is_not_a_file(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	char want[900];
	fresh_dir();
	const char *d = in_dir("adir");
	assert_int_equal(mkdir(d, 0700), 0);
	assert_null(afile_open(d, &err));
	snprintf(want, sizeof want, "%s: %s", d, strerror(EISDIR));
	assert_string_equal(err.msg, want);

	const char *p = in_dir("fifo.csv");
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_null(afile_open(p, &err));
	snprintf(want, sizeof want, "%s: not a regular file", p);
	assert_string_equal(err.msg, want);

	const char *missing = in_dir("no/such/x.csv");
	assert_null(afile_open(missing, &err));
	snprintf(want, sizeof want, "%s: %s", missing, strerror(ENOENT));
	assert_string_equal(err.msg, want);

	assert_null(afile_open("", &err));
	assert_int_equal(count_temps(), 0);

	/* A name as long as a file name can be: its temporary's name is cut to fit. */
	char name[256];
	memset(name, 'n', 250);
	name[250] = '\0';
	const char *t = in_dir(name);
	struct afile *f = afile_open(t, &err);
	assert_non_null(f);
	assert_int_equal(afile_commit(f, &err), 0);
	assert_int_equal(access(t, F_OK), 0);
	assert_int_equal(count_temps(), 0);
}

/* The PID of a process that has exited. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* A temporary left by a killed writer (its PID gone) goes at the next write to the same
 * target; a live process's, another target's and other files stay. */
static void leftovers_of_dead_writers_removed(void **state)
{
	(void)state;
	struct rd_err err = {{0}};
	char name[128];
	fresh_dir();
	const char *t = in_dir("p.csv");
	put_file(t, "kept\n", 0600);
	pid_t dead = dead_pid();
	snprintf(name, sizeof name, ".p.csv" AFILE_TAG "%d.Ab12Cd", (int)dead);
	put_file(in_dir(name), "cut mid-r", 0600);
	snprintf(name, sizeof name, ".p.csv" AFILE_TAG "%d.Ef34Gh", (int)getppid()); /* alive */
	put_file(in_dir(name), "busy", 0600);
	snprintf(name, sizeof name, ".q.csv" AFILE_TAG "%d.Ab12Cd", (int)dead); /* another target */
	put_file(in_dir(name), "q", 0600);
	put_file(in_dir(".p.csv" AFILE_TAG "notes"), "mine", 0600); /* not a temporary's name */
	assert_int_equal(count_temps(), 4);

	struct afile *f = afile_open(t, &err);
	assert_non_null(f);
	assert_int_equal(count_temps(), 4); /* the dead one went, ours came */
	snprintf(name, sizeof name, ".p.csv" AFILE_TAG "%d.Ab12Cd", (int)dead);
	assert_int_equal(access(in_dir(name), F_OK), -1);
	fputs("new\n", afile_stream(f));
	assert_int_equal(afile_commit(f, &err), 0);
	assert_file(t, "new\n");
	assert_int_equal(count_temps(), 3);
	snprintf(name, sizeof name, ".p.csv" AFILE_TAG "%d.Ef34Gh", (int)getppid());
	assert_int_equal(access(in_dir(name), F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commit_replaces_whole_file_0600),
		cmocka_unit_test(abort_leaves_target_as_it_was),
		cmocka_unit_test(size_limit_fails_with_cause),
		cmocka_unit_test(refuses_what_is_not_a_file),
		cmocka_unit_test(leftovers_of_dead_writers_removed),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	fresh_dir();
	rmdir(root);
	return rc;
}
