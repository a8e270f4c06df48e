/* The built-in behavioural features of SPEC section 4: what they are, how one customer's
 * orders and payments add up to them, and the forms profiles store. Pure: no store
 * (featscan.h reads the events from the database). */
#ifndef RISKDESK_FEATURES_H
#define RISKDESK_FEATURES_H

#include <stddef.h>
#include <stdint.h>

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
/* The enum of a status or method name, or -1. The names are vocab.h's
 * vocab_order_status and vocab_pay_method, in the enums' order. */
int order_status_parse(const char *s, size_t len);
int pay_method_parse(const char *s, size_t len);

#define DAY_NONE INT64_MIN

/* Running totals of one customer's events. */
struct feature_acc {
	int32_t orders, delivered, returned, cancelled;
	int32_t payments, payments_failed, payments_cod;
	int32_t orders_90d;
	double spend;       /* delivered amounts */
	double amount_mean; /* Welford's running mean and M2 of all order amounts */
	double amount_m2;
	double amount_90d;
	int64_t last_order_day; /* DAY_NONE without orders */
	int64_t last_event;     /* epoch second of the latest order or payment, or INT64_MIN */
	int64_t first_event;    /* of the first one, or INT64_MAX */
};

/* When a customer was active. */
struct feature_times {
	int64_t first_event; /* epoch second of the first order or payment, INT64_MAX: none */
	int64_t last_event;  /* of the latest one, INT64_MIN: none */
	int64_t created_day; /* DAY_NONE when unknown */
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

/* The values as FEAT_COUNT IEEE doubles, little-endian: the profiles' compact copy that
 * drift reads a million of at a time. */
#define FEATURES_PACKED (FEAT_COUNT * 8)
void features_pack(const double *values, unsigned char out[FEATURES_PACKED]);
void features_unpack(const unsigned char in[FEATURES_PACKED], double *values);
/* Writes the values as a JSON object (feature name -> number) to b. */
void features_json(struct rd_buf *b, const double *values);

#endif
