/* Dates and clocks (dates.h): ISO 8601 parsing, day numbers of the proleptic Gregorian
 * calendar and their "YYYY-MM-DD" form, the current UTC time, monotonic seconds. */
#include "riskdesk/dates.h"

#include <stdio.h>
#include <time.h>

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm: exact for the proleptic Gregorian calendar. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t epoch_day(int64_t epoch)
{
	return epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
}

void day_format(int64_t z, char out[11])
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(((y % 10000) + 10000) % 10000), m % 100,
		 d % 100);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int date_parse(const char *s, size_t len, int64_t *epoch)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (len < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return -1;
	size_t i = 10;
	int64_t offset = 0;
	if (i < len) {
		if ((s[i] != 'T' && s[i] != ' ') || len < i + 6 || digits(s + i + 1, 2, &h) ||
		    s[i + 3] != ':' || digits(s + i + 4, 2, &mi))
			return -1;
		i += 6;
		if (i < len && s[i] == ':') {
			if (len < i + 3 || digits(s + i + 1, 2, &sec))
				return -1;
			i += 3;
			if (i < len && (s[i] == '.' || s[i] == ',')) {
				size_t j = i + 1;
				while (j < len && s[j] >= '0' && s[j] <= '9')
					j++;
				if (j == i + 1)
					return -1;
				i = j;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (i < len) {
			if (s[i] == 'Z' && i + 1 == len) {
				i++;
			} else if ((s[i] == '+' || s[i] == '-') && len == i + 6 &&
				   s[i + 3] == ':') {
				int oh, om;
				if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om) ||
				    oh > 23 || om > 59)
					return -1;
				offset = (s[i] == '+' ? 1 : -1) * (int64_t)(oh * 3600 + om * 60);
				i = len;
			} else {
				return -1;
			}
		}
	}
	*epoch = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec -
		 offset;
	return 0;
}

void now_iso(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
