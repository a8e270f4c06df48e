/* The one command table. Each entry lives with its exec function in a cmd_*.c file. */
#include "riskdesk/command.h"

extern const struct rd_cmd cmd_load, cmd_gen, cmd_recompute, cmd_show, cmd_list, cmd_history,
	cmd_export, cmd_rules, cmd_train, cmd_label, cmd_models, cmd_model, cmd_promote, cmd_retire,
	cmd_runs, cmd_audit, cmd_status, cmd_drift, cmd_snapshot, cmd_snapshots, cmd_cleanup,
	cmd_set, cmd_theme, cmd_select, cmd_filter, cmd_search, cmd_sort, cmd_zoom, cmd_pane,
	cmd_cancel, cmd_help, cmd_quit, cmd_policy, cmd_rescore, cmd_score, cmd_whatif,
	cmd_strategy, cmd_source, cmd_refresh, cmd_vacuum, cmd_requests, cmd_request, cmd_decide,
	cmd_decisions, cmd_prompt, cmd_swapset, cmd_bins;

const struct rd_cmd *const rd_commands[] = {
	&cmd_load,      &cmd_gen,     &cmd_recompute, &cmd_show,    &cmd_list,     &cmd_history,
	&cmd_export,    &cmd_rules,   &cmd_policy,    &cmd_rescore, &cmd_score,    &cmd_requests,
	&cmd_request,   &cmd_decide,  &cmd_decisions, &cmd_whatif,  &cmd_strategy, &cmd_swapset,
	&cmd_train,     &cmd_bins,    &cmd_label,     &cmd_models,  &cmd_model,    &cmd_promote,
	&cmd_retire,    &cmd_runs,    &cmd_audit,     &cmd_status,  &cmd_drift,    &cmd_snapshot,
	&cmd_snapshots, &cmd_cleanup, &cmd_source,    &cmd_refresh, &cmd_vacuum,   &cmd_set,
	&cmd_theme,     &cmd_select,  &cmd_filter,    &cmd_search,  &cmd_sort,     &cmd_zoom,
	&cmd_pane,      &cmd_cancel,  &cmd_prompt,    &cmd_help,    &cmd_quit,     NULL,
};
