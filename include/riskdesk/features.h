/* The built-in behavioural features of SPEC section 4, computed in one pass over
 * orders and payments, relative to the dataset's as-of date. */
#ifndef RISKDESK_FEATURES_H
#define RISKDESK_FEATURES_H

#include <signal.h>
#include <stdint.h>

#include "riskdesk/store.h"
#include "riskdesk/util.h"

enum feature_id {
	FEAT_ORDERS_TOTAL,
	FEAT_ORDERS_DELIVERED,
	FEAT_ORDERS_RETURNED,
	FEAT_ORDERS_CANCELLED,
	FEAT_TOTAL_SPEND,
	FEAT_AVG_ORDER_VALUE,
	FEAT_RETURN_RATE,
	FEAT_CANCEL_RATE,
	FEAT_PAYMENTS_TOTAL,
	FEAT_PAYMENTS_FAILED,
	FEAT_FAILED_PAYMENT_RATE,
	FEAT_COD_SHARE,
	FEAT_RECENCY_DAYS,
	FEAT_FREQUENCY_90D,
	FEAT_MONETARY_90D,
	FEAT_AMOUNT_STD,
	FEAT_TENURE_DAYS,
	FEAT_COUNT
};

extern const char *const feature_names[FEAT_COUNT];
/* What each feature is, for people (a trained model's reasons): "delivered orders". */
extern const char *const feature_labels[FEAT_COUNT];
/* The feature's index, or -1. */
int feature_index(const char *name);

enum order_status { ORDER_PLACED, ORDER_SHIPPED, ORDER_DELIVERED, ORDER_CANCELLED, ORDER_RETURNED };
enum pay_method { PAY_CARD, PAY_COD, PAY_WALLET, PAY_BANK };
/* The enum of a status or method name, or -1. */
int order_status_parse(const char *s, size_t len);
int pay_method_parse(const char *s, size_t len);
extern const char *const order_status_names[5];
extern const char *const pay_method_names[4];

#define DAY_NONE INT64_MIN

/* Running totals of one customer's events. */
struct feature_acc {
	int32_t orders, delivered, returned, cancelled;
	int32_t payments, payments_failed, payments_cod;
	int32_t orders_90d;
	double spend;          /* delivered amounts */
	double amount_mean;    /* Welford's running mean and M2 of all order amounts */
	double amount_m2;
	double amount_90d;
	int64_t last_order_day; /* DAY_NONE without orders */
	int64_t last_event;     /* epoch second of the latest order or payment, or INT64_MIN */
	int64_t first_event;    /* of the first one, or INT64_MAX */
};

/* When a customer was active. */
struct feature_times {
	int64_t first_event;    /* epoch second of the first order or payment, INT64_MAX: none */
	int64_t last_event;     /* of the latest one, INT64_MIN: none */
	int64_t created_day;    /* DAY_NONE when unknown */
};

/* The customer's cohort: the day of the first order or payment, else of creation, else
 * DAY_NONE (drift groups customers by its month). */
int64_t feature_cohort_day(const struct feature_times *t);

void feature_acc_init(struct feature_acc *a);
void feature_acc_order(struct feature_acc *a, int64_t as_of_day, int64_t epoch, double amount,
		       enum order_status status);
void feature_acc_payment(struct feature_acc *a, int64_t epoch, enum pay_method method, int success);
/* Turns totals into feature values. created_day may be DAY_NONE. */
void feature_finish(const struct feature_acc *a, int64_t as_of_day, int64_t created_day,
		    double out[FEAT_COUNT]);

/* The as-of day: setting ("" or NULL: the latest order, payment or customer creation in
 * the store; with no data at all, today). 0 or -1 (a malformed setting). */
int features_as_of(struct rd_store *st, const char *setting, int64_t *day, struct rd_err *err);

/* Called once per customer by features_scan, in customers' rowid order. Return non-zero
 * to stop. */
typedef int (*feature_visit)(void *ud, const char *customer_id, const double *values,
			     const struct feature_times *times);

struct feature_scan {
	int64_t as_of_day;
	const struct rd_strmap *only;     /* customer ids to visit, or NULL for all */
	volatile sig_atomic_t *cancel;    /* polled; may be NULL */
	void (*progress)(void *ud, const char *phase, int64_t done, int64_t total);
	void *ud;
	feature_visit visit;
	int64_t *joined_later; /* counts customers created after as_of_day (not visited); may be NULL */
};

/* One sequential pass over customers, orders and payments (never a query per
 * customer). Point-in-time: only events on or before as_of_day count, and customers created
 * after it are not visited. 0, 1 when cancelled or stopped by visit, or -1 with err. */
int features_scan(struct rd_store *st, const struct feature_scan *scan, struct rd_err *err);
/* The features of one customer, through the indexes, point-in-time as features_scan. 0, 1
 * when not found, 2 when the customer was created after as_of_day, or -1. */
int features_one(struct rd_store *st, int64_t as_of_day, const char *customer_id,
		 double out[FEAT_COUNT], struct feature_times *times, struct rd_err *err);
/* The values as FEAT_COUNT IEEE doubles, little-endian: the profiles' compact copy that
 * drift reads a million of at a time. */
#define FEATURES_PACKED (FEAT_COUNT * 8)
void features_pack(const double *values, unsigned char out[FEATURES_PACKED]);
void features_unpack(const unsigned char in[FEATURES_PACKED], double *values);
/* Writes the values as a JSON object (feature name -> number) to b. */
void features_json(struct rd_buf *b, const double *values);

#endif
