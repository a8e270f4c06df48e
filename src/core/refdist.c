/* Reference distributions as JSON (include/riskdesk/refdist.h). */
#include "riskdesk/refdist.h"

#include <math.h>
#include <stdlib.h>

#include "riskdesk/woe.h"

static int cmp_nan_last(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

static void share(struct rd_buf *b, size_t k, size_t n)
{
	buf_json_number(b, n ? (double)k / (double)n : 0);
}

void refdist_quantiles(const double *sorted, size_t m, double *q, int nq)
{
	for (int k = 0; k < nq; k++) {
		/* ⌈m·k/(nq − 1)⌉ in integers */
		size_t up = (m * (size_t)k + (size_t)nq - 2) / (size_t)(nq - 1);
		q[k] = sorted[up ? up - 1 : 0];
	}
}

void refdist_numeric(struct rd_buf *b, const char *name, double *x, size_t n)
{
	qsort(x, n, sizeof *x, cmp_nan_last);
	size_t m = 0;
	while (m < n && !isnan(x[m]))
		m++;
	double edge[QUANTILE_EDGES];
	size_t nedge = quantile_edges(x, m, edge);
	buf_puts(b, "{\"name\":");
	buf_json_string(b, name);
	buf_printf(b, ",\"type\":\"numeric\",\"n\":%zu,\"missing\":", n);
	share(b, n - m, n);
	buf_puts(b, ",\"edges\":[");
	for (size_t k = 0; k < nedge; k++) {
		if (k)
			buf_putc(b, ',');
		buf_json_number(b, edge[k]);
	}
	buf_puts(b, "],\"shares\":[");
	size_t i = 0;
	for (size_t k = 0; m && k <= nedge; k++) {
		size_t start = i;
		while (i < m && (k == nedge || x[i] <= edge[k]))
			i++;
		if (k)
			buf_putc(b, ',');
		share(b, i - start, n);
	}
	buf_puts(b, "],\"quantiles\":[");
	if (m) {
		double q[REFDIST_QUANTILES];
		refdist_quantiles(x, m, q, REFDIST_QUANTILES);
		for (int k = 0; k < REFDIST_QUANTILES; k++) {
			if (k)
				buf_putc(b, ',');
			buf_json_number(b, q[k]);
		}
	}
	buf_puts(b, "]}");
}

void refdist_categorical(struct rd_buf *b, const char *name, char *const *levels,
			 const size_t *counts, int nlevels, size_t missing)
{
	size_t n = missing;
	for (int l = 0; l < nlevels; l++)
		n += counts[l];
	buf_puts(b, "{\"name\":");
	buf_json_string(b, name);
	buf_printf(b, ",\"type\":\"categorical\",\"n\":%zu,\"missing\":", n);
	share(b, missing, n);
	buf_puts(b, ",\"levels\":{");
	for (int l = 0; l < nlevels; l++) {
		if (l)
			buf_putc(b, ',');
		buf_json_string(b, levels[l]);
		buf_putc(b, ':');
		share(b, counts[l], n);
	}
	buf_puts(b, "}}");
}
