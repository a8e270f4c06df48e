/* The Drift pane's characteristic analysis and stale-data line (drift_extra.h). */
#include "drift_extra.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void drift_extra_free(struct drift_extra *x)
{
	if (x->have)
		charan_free(&x->ca);
	x->have = 0;
}

void drift_extra_begin(struct drift_extra *x, struct tui *t)
{
	struct rd_err err;
	if (stale_check(t->store, &t->stale, &err) == 0)
		x->report_run = t->stale.recompute_run;
}

void drift_extra_report(struct drift_extra *x, struct tui *t, const struct monitor_report *r)
{
	drift_extra_free(x);
	snprintf(x->model, sizeof x->model, "%s", r->model);
	x->version = r->version;
	x->error[0] = '\0';
	x->pending = 1;
	drift_extra_idle(x, t);
}

int drift_extra_idle(struct drift_extra *x, struct tui *t)
{
	if (!x->pending)
		return 0;
	struct charan_opts o = {x->model, x->version, NULL, NULL, NULL};
	struct rd_err err = {{0}};
	if (charan_run(t->store, &o, &x->ca, &err)) {
		if (tui_input_pending())
			return 0; /* a key interrupted it: again at the next idle moment */
		snprintf(x->error, sizeof x->error, "%s", err.msg);
	} else {
		x->have = 1;
	}
	x->pending = 0;
	return 1;
}

/* Appends part to out (n bytes), after "; " when out is not empty. */
static void join(char *out, size_t n, const char *part)
{
	size_t used = strlen(out);
	if (part[0] && used + 3 < n)
		snprintf(out + used, n - used, "%s%s", used ? "; " : "", part);
}

void drift_extra_stale(const struct drift_extra *x, struct tui *t, int snapshots, char *out,
		       size_t n)
{
	char part[400];
	out[0] = '\0';
	stale_report_text(&t->stale, x->report_run, 1, part, sizeof part);
	join(out, n, part);
	stale_profiles_text(&t->stale, 1, part, sizeof part);
	join(out, n, part);
	if (snapshots) {
		stale_snapshots_text(&t->stale, 1, part, sizeof part);
		join(out, n, part);
	}
	tui_plain_dashes(t, out);
}

/* --- drawing */

/* Points lost are risk: red; points gained: green. */
static int sign_attr(const struct tui *t, double v)
{
	return fabs(v) < 0.005 ? tui_attr(t, ROLE_MUTED)
	       : v < 0         ? tui_attr(t, ROLE_DRIFT_SIGNIFICANT)
			       : tui_attr(t, ROLE_DRIFT_STABLE);
}

/* A signed figure; one that rounds to zero is +0.00. */
static void signed2(double v, char *out, size_t n)
{
	snprintf(out, n, "%+.2f", fabs(v) < 0.005 ? 0.0 : v);
}

/* The title line and, when there is none, why. Returns the rows used. */
static int title(const struct drift_extra *x, const struct chart_page *a, int row)
{
	struct tui *t = a->t;
	char line[400], v[3][24];
	int muted = tui_attr(t, ROLE_MUTED);
	if (x->pending || (!x->have && !x->error[0])) {
		chart_put(a, row, 1, a->w - 1, muted, "Characteristic analysis: computing...");
		return 1;
	}
	if (x->error[0] || x->ca.note[0]) {
		const char *why = x->error[0] ? x->error : x->ca.note;
		static const char lead[] = "characteristic analysis ";
		if (strncmp(why, lead, sizeof lead - 1) == 0) /* "... is for scorecards: ..." */
			snprintf(line, sizeof line, "C%.360s", why + 1);
		else
			snprintf(line, sizeof line, "Characteristic analysis: %.360s", why);
		chart_put(a, row, 1, a->w - 1,
			  x->error[0] ? tui_attr(t, ROLE_DRIFT_SIGNIFICANT) : muted, line);
		return 1;
	}
	const struct charan_report *r = &x->ca;
	signed2(r->shift, v[0], sizeof v[0]);
	snprintf(v[1], sizeof v[1], "%.2f", r->cur_score);
	snprintf(v[2], sizeof v[2], "%.2f", r->ref_score);
	snprintf(line, sizeof line,
		 "Characteristic analysis  %s@%d: %zu profiles against %.0f training"
		 " rows  points %s = mean score %s - %s",
		 r->model, r->version, r->cur_rows, r->ref_rows, v[0], v[1], v[2]);
	chart_put(a, row, 1, a->w - 1, tui_attr(t, ROLE_CHART) | A_BOLD, line);
	return 1;
}

/* Every column's total with a bar, largest first. Returns the rows used. */
static int totals(const struct drift_extra *x, const struct chart_page *a, int row)
{
	const struct charan_report *r = &x->ca;
	struct tui *t = a->t;
	int namew = 8;
	double hi = 0;
	for (int c = 0; c < r->ncols; c++) {
		int l = (int)strlen(r->cols[c].name) + 2;
		namew = l > namew ? l : namew;
		hi = fmax(hi, fabs(r->cols[c].total));
	}
	if (namew > 24)
		namew = 24;
	int bw = a->w - 1 - namew - 10;
	bw = bw > 40 ? 40 : bw;
	chart_put(a, row, 1, namew, tui_attr(t, ROLE_MUTED) | A_BOLD, "feature");
	chart_put(a, row, 1 + namew, 9, tui_attr(t, ROLE_MUTED) | A_BOLD, "   points");
	for (int c = 0; c < r->ncols; c++) {
		const struct charan_column *col = &r->cols[c];
		char v[24], cell[32];
		signed2(col->total, v, sizeof v);
		snprintf(cell, sizeof cell, "%9s", v);
		chart_put(a, row + 1 + c, 1, namew - 1, 0, col->name);
		chart_put(a, row + 1 + c, 1 + namew, 9, sign_attr(t, col->total), cell);
		if (bw >= 3)
			chart_gauge(a, row + 1 + c, 2 + namew + 9, bw,
				    hi > 0 ? fabs(col->total) / hi : 0, sign_attr(t, col->total));
	}
	return 1 + r->ncols;
}

int drift_extra_feature(const struct drift_extra *x, const struct chart_page *a, int row,
			const char *name, int score)
{
	struct tui *t = a->t;
	int start = row;
	row += title(x, a, row);
	if (!x->have || x->ca.note[0])
		return row - start;
	if (score)
		return row - start + totals(x, a, row);
	const struct charan_column *col = charan_column(&x->ca, name);
	char line[320];
	if (!col) {
		snprintf(line, sizeof line, "%s is not a column of %s@%d: it adds no points", name,
			 x->ca.model, x->ca.version);
		chart_put(a, row, 1, a->w - 1, tui_attr(t, ROLE_MUTED), line);
		return row + 1 - start;
	}
	int lw = 6;
	for (int b = 0; b < col->nbins; b++) {
		int l = (int)strlen(col->bins[b].label) + 2;
		lw = l > lw ? l : lw;
	}
	if (lw > a->w - 1 - 48)
		lw = a->w - 1 - 48 > 8 ? a->w - 1 - 48 : 8;
	int muted = tui_attr(t, ROLE_MUTED) | A_BOLD;
	chart_put(a, row, 1, lw, muted, "bin");
	chart_put(a, row, 1 + lw, 48, muted, " reference   current    change  points     shift");
	row++;
	for (int b = 0; b < col->nbins; b++, row++) {
		const struct charan_bin *bin = &col->bins[b];
		char chg[24], sh[24];
		signed2((bin->cur - bin->ref) * 100, chg, sizeof chg);
		signed2(bin->shift, sh, sizeof sh);
		chart_put(a, row, 1, lw - 1, 0, bin->label);
		snprintf(line, sizeof line, "%9.2f%% %8.2f%% %8s%% %7.2f", bin->ref * 100,
			 bin->cur * 100, chg, bin->points);
		chart_put(a, row, 1 + lw, 38, 0, line);
		snprintf(line, sizeof line, "%10s", sh);
		chart_put(a, row, 1 + lw + 38, 10, sign_attr(t, bin->shift), line);
	}
	char v[24];
	signed2(col->total, v, sizeof v);
	snprintf(line, sizeof line, "%10s", v);
	chart_put(a, row, 1, lw, A_BOLD, "total");
	chart_put(a, row, 1 + lw + 38, 10, sign_attr(t, col->total) | A_BOLD, line);
	row++;
	chart_put(a, row++, 1, a->w - 1, tui_attr(t, ROLE_MUTED),
		  "shift = (current - reference) * points; the columns' totals add up to the mean"
		  " score shift");
	return row - start;
}

int drift_extra_section(const struct drift_extra *x, const struct chart_page *a, int row)
{
	row += title(x, a, row);
	if (x->have && !x->ca.note[0])
		row += totals(x, a, row);
	return row;
}
