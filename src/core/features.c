/* Behavioural features (SPEC section 4), the pure part: their names and labels, the
 * order statuses and payment methods they count, the running totals of one customer's
 * events and the values made from them, and the two forms profiles store (packed for
 * drift, a JSON object for people). No SQL: featscan.c reads the events from the store. */
#include "riskdesk/features.h"

#include <math.h>
#include <string.h>

#include "riskdesk/vocab.h"

const char *const feature_names[FEAT_COUNT] = {
	"orders_total",   "orders_delivered", "orders_returned",     "orders_cancelled",
	"total_spend",    "avg_order_value",  "return_rate",         "cancel_rate",
	"payments_total", "payments_failed",  "failed_payment_rate", "cod_share",
	"recency_days",   "frequency_90d",    "monetary_90d",        "amount_std",
	"tenure_days",
};

const char *const feature_labels[FEAT_COUNT] = {
	"orders placed",
	"delivered orders",
	"returned orders",
	"cancelled orders",
	"delivered spend",
	"average order value",
	"share of orders returned",
	"share of orders cancelled",
	"payments",
	"failed payments",
	"share of payments failed",
	"share of cash-on-delivery payments",
	"days since the last order",
	"orders in the last 90 days",
	"order value in the last 90 days",
	"spread of order amounts",
	"days as a customer",
};

int feature_index(const char *name)
{
	for (int i = 0; i < FEAT_COUNT; i++)
		if (strcmp(feature_names[i], name) == 0)
			return i;
	return -1;
}

int order_status_parse(const char *s, size_t len)
{
	return vocab_find_n(&vocab_order_status, s, len);
}

int pay_method_parse(const char *s, size_t len)
{
	return vocab_find_n(&vocab_pay_method, s, len);
}

void feature_acc_init(struct feature_acc *a)
{
	memset(a, 0, sizeof *a);
	a->last_order_day = DAY_NONE;
	a->last_event = INT64_MIN;
	a->first_event = INT64_MAX;
}

int64_t feature_cohort_day(const struct feature_times *t)
{
	return t->first_event != INT64_MAX ? epoch_day(t->first_event) : t->created_day;
}

void feature_acc_order(struct feature_acc *a, int64_t as_of_day, int64_t epoch, double amount,
		       enum order_status status)
{
	int64_t day = epoch_day(epoch);
	a->orders++;
	double delta = amount - a->amount_mean;
	a->amount_mean += delta / a->orders;
	a->amount_m2 += delta * (amount - a->amount_mean);
	switch (status) {
	case ORDER_DELIVERED:
		a->delivered++;
		a->spend += amount;
		break;
	case ORDER_RETURNED: a->returned++; break;
	case ORDER_CANCELLED: a->cancelled++; break;
	default: break;
	}
	/* The 90 days up to the as-of date: as-of day and the 89 before it. */
	if (day <= as_of_day && as_of_day - day < 90) {
		a->orders_90d++;
		a->amount_90d += amount;
	}
	if (a->last_order_day == DAY_NONE || day > a->last_order_day)
		a->last_order_day = day;
	if (epoch > a->last_event)
		a->last_event = epoch;
	if (epoch < a->first_event)
		a->first_event = epoch;
}

void feature_acc_payment(struct feature_acc *a, int64_t epoch, enum pay_method method, int success)
{
	a->payments++;
	if (!success)
		a->payments_failed++;
	if (method == PAY_COD)
		a->payments_cod++;
	if (epoch > a->last_event)
		a->last_event = epoch;
	if (epoch < a->first_event)
		a->first_event = epoch;
}

static double ratio(double num, double den)
{
	return den == 0 ? 0 : num / den;
}

void feature_finish(const struct feature_acc *a, int64_t as_of_day, int64_t created_day,
		    double out[FEAT_COUNT])
{
	out[FEAT_ORDERS_TOTAL] = a->orders;
	out[FEAT_ORDERS_DELIVERED] = a->delivered;
	out[FEAT_ORDERS_RETURNED] = a->returned;
	out[FEAT_ORDERS_CANCELLED] = a->cancelled;
	out[FEAT_TOTAL_SPEND] = a->spend;
	out[FEAT_AVG_ORDER_VALUE] = ratio(a->spend, a->delivered);
	out[FEAT_RETURN_RATE] = ratio(a->returned, a->orders);
	out[FEAT_CANCEL_RATE] = ratio(a->cancelled, a->orders);
	out[FEAT_PAYMENTS_TOTAL] = a->payments;
	out[FEAT_PAYMENTS_FAILED] = a->payments_failed;
	out[FEAT_FAILED_PAYMENT_RATE] = ratio(a->payments_failed, a->payments);
	out[FEAT_COD_SHARE] = ratio(a->payments_cod, a->payments);
	int64_t since = a->last_order_day != DAY_NONE ? a->last_order_day : created_day;
	out[FEAT_RECENCY_DAYS] = since == DAY_NONE ? 0 : (double)(as_of_day - since);
	out[FEAT_FREQUENCY_90D] = a->orders_90d;
	out[FEAT_MONETARY_90D] = a->amount_90d;
	out[FEAT_AMOUNT_STD] = a->orders ? sqrt(a->amount_m2 / a->orders) : 0;
	out[FEAT_TENURE_DAYS] = created_day == DAY_NONE ? 0 : (double)(as_of_day - created_day);
}

void features_pack(const double *v, unsigned char out[FEATURES_PACKED])
{
	for (int i = 0; i < FEAT_COUNT; i++) {
		uint64_t bits;
		memcpy(&bits, &v[i], 8);
		for (int k = 0; k < 8; k++)
			out[i * 8 + k] = (unsigned char)(bits >> (8 * k));
	}
}

void features_unpack(const unsigned char in[FEATURES_PACKED], double *v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(v, in, FEATURES_PACKED); /* the packed order is the host's */
	return;
#endif
	for (int i = 0; i < FEAT_COUNT; i++) {
		uint64_t bits = 0;
		for (int k = 0; k < 8; k++)
			bits |= (uint64_t)in[i * 8 + k] << (8 * k);
		memcpy(&v[i], &bits, 8);
	}
}

void features_json(struct rd_buf *b, const double *v)
{
	buf_putc(b, '{');
	for (int i = 0; i < FEAT_COUNT; i++) {
		if (i)
			buf_putc(b, ',');
		buf_putc(b, '"');
		buf_puts(b, feature_names[i]);
		buf_puts(b, "\":");
		buf_json_number(b, v[i]);
	}
	buf_putc(b, '}');
}
