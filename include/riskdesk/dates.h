/* Dates and clocks (dates.c): ISO 8601, UTC day numbers, now. */
#ifndef RISKDESK_DATES_H
#define RISKDESK_DATES_H

#include <stddef.h>
#include <stdint.h>

/* ISO 8601 dates: "2025-03-01", "2025-03-01T10:30:00", with optional fraction and
 * "Z" or "+hh:mm". A space may stand for the "T". Years 0001 to 9999 (year 0000, 1 BC in
 * ISO 8601, is refused). Returns 0 and the UTC epoch second, or -1. */
int date_parse(const char *s, size_t len, int64_t *epoch);
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/* The UTC day number of an epoch second (floor). */
int64_t epoch_day(int64_t epoch);
/* Writes "YYYY-MM-DD" of a day number; out has room for 11 bytes. */
void day_format(int64_t day, char out[11]);
/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ"; out has room for 21 bytes. */
void now_iso(char out[21]);
/* Monotonic seconds, for progress rates and reports. */
double now_seconds(void);

#endif
