/* A load's row errors and rejects: each error of a row is a diagnostic (the first
 * LOAD_MAX_DIAG of a load) and, with --skip-bad, part of the row's reason in
 * FILE.rejects.csv, which holds the row's original cells and is put in place only once the
 * load is committed (afile.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "riskdesk/sink.h"

#define LOAD_MAX_DIAG 20 /* row errors listed; the others are counted */

void load_row_error(struct load_in *in, const char *label, const char *fmt, ...)
{
	struct load_session *ss = in->ss;
	char msg[1024], lb[RD_ECHO_SIZE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	in->row_bad = 1;
	ss->errors++;
	if (label)
		load_echo_name(lb, label);
	if (ss->shown < LOAD_MAX_DIAG) {
		ss->shown++;
		if (label)
			sink_diag(ss->job->out, "%s:%lld: column %s: %s", in->path,
				  (long long)in->rec->line, lb, msg);
		else
			sink_diag(ss->job->out, "%s:%lld: %s", in->path, (long long)in->rec->line,
				  msg);
	}
	if (ss->opts->skip_bad) {
		if (in->reason.len)
			buf_puts(&in->reason, "; ");
		if (label)
			buf_printf(&in->reason, "column %s: ", lb);
		buf_puts(&in->reason, msg);
	}
}

/* ---- the rejects file ---- */

static void csv_cell(FILE *f, const char *s, size_t len)
{
	int quote = len > 0 &&
		    (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t');
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (!quote) {
		fwrite(s, 1, len, f);
		return;
	}
	putc('"', f);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			putc('"', f);
		putc(s[i], f);
	}
	putc('"', f);
}

/* The rejects file is a report of one load: it is written beside its target and
 * replaces the previous one only once the load is committed (afile.h). */
static int rejects_open(struct load_in *in)
{
	struct rd_err e;
	size_t n = strlen(in->path) + sizeof ".rejects.csv";
	char *path = rd_malloc(n);
	snprintf(path, n, "%s.rejects.csv", in->path);
	in->rejects = afile_open(path, &e);
	free(path);
	if (!in->rejects)
		return load_fail(in, 0, "cannot write %s", e.msg);
	FILE *f = afile_stream(in->rejects);
	if (in->json) {
		fputs("record,reason\r\n", f);
		return LOAD_GO;
	}
	for (int i = 0; i < in->ncols; i++) {
		csv_cell(f, in->cols[i].name, strlen(in->cols[i].name));
		putc(',', f);
	}
	fputs("reason\r\n", f);
	return LOAD_GO;
}

/* Puts the rejects files of a committed load in place. The rows are in the store by
 * now, so a failure here is reported without undoing the load. */
void load_rejects_publish(struct load_session *ss)
{
	struct rd_err e;
	for (int i = 0; i < ss->nrejects; i++) {
		if (afile_commit(ss->rejects[i], &e))
			sink_diag(ss->job->out, "loaded, but the rejects file was not written: %s",
				  e.msg);
		ss->rejects[i] = NULL;
	}
}

/* The original cells (padded to the header's width) and the reason. */
int load_reject(struct load_in *in, const struct load_rec *r)
{
	if (!in->rejects && rejects_open(in))
		return LOAD_FAIL;
	FILE *f = afile_stream(in->rejects);
	if (r->raw) {
		csv_cell(f, r->raw, r->raw_len);
		putc(',', f);
	} else {
		int i;
		for (i = 0; i < r->nf; i++) {
			csv_cell(f, r->f[i].s, r->f[i].len);
			putc(',', f);
		}
		for (; i < in->header_nf; i++)
			putc(',', f);
	}
	csv_cell(f, in->reason.data ? in->reason.data : "", in->reason.len);
	fputs("\r\n", f);
	in->rep->rejected++;
	return LOAD_GO;
}
