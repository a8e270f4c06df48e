/* Tab completion for the prompt, from the command table and the store: commands, options,
 * and each argument by the type the table declares (command.h, struct rd_arg): words,
 * customer ids, model names, a model's features, attributes, `where` expressions and file
 * paths. */
#ifndef RISKDESK_COMPLETE_H
#define RISKDESK_COMPLETE_H

#include "riskdesk/store.h"

/* Candidates for the word that ends at `point` in line (the word may be empty).
 * Returns a NULL-terminated array of strings (each the whole word, not a suffix),
 * sorted and unique, at most `max` of them; the caller frees it with complete_free.
 * *word_start receives the byte offset where the completed word begins.
 * st may be NULL (no ids, model names, features or attributes then). A candidate that
 * ends in '/' is a directory: the caller adds no blank after it, so that the next Tab
 * goes into it. */
char **complete_line(struct rd_store *st, const char *line, int point, int max, int *word_start);
void complete_free(char **candidates);

#endif
