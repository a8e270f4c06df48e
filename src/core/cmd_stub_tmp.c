/* TEMPORARY: weak stand-ins until expr.c lands. */
#include "riskdesk/expr.h"
__attribute__((weak)) struct rd_expr *expr_compile(const char *text, struct rd_store *st, struct rd_err *err)
{
	(void)text;
	(void)st;
	rd_err_set(err, "where: not implemented yet");
	return NULL;
}
__attribute__((weak)) void expr_free(struct rd_expr *e) { (void)e; }
__attribute__((weak)) const char *expr_sql(const struct rd_expr *e) { (void)e; return "1"; }
__attribute__((weak)) int expr_bind(const struct rd_expr *e, sqlite3_stmt *s, int first) { (void)e; (void)s; (void)first; return 0; }
__attribute__((weak)) int expr_nparams(const struct rd_expr *e) { (void)e; return 0; }
