-- The floor for `recompute all` (SPEC section 10): one bare SQL statement that computes
-- the features of SPEC section 4 with GROUP BY, scores them with the rules formula of
-- section 5, and writes credit_profiles. It is also the independent check that riskdesk's
-- scores and features equal the formula (tests/batch/cases/sample_scores.sh reads the
-- features from the view rules_features of the same session). The profile rows hold no
-- JSON of the features (riskdesk stores them once, packed: schema 22) and no reasons
-- (riskdesk keeps those in the score_history row a profile names: schema 24).
CREATE TEMP VIEW rules_features AS
WITH
asof AS (
  SELECT julianday(date(max(m))) AS d
  FROM (SELECT max(created_at) AS m FROM orders UNION ALL SELECT max(created_at) FROM payments)
),
o AS (
  SELECT customer_id,
         count(*) AS n,
         sum(status = 'delivered') AS delivered,
         sum(status = 'returned') AS returned,
         sum(status = 'cancelled') AS cancelled,
         total(CASE WHEN status = 'delivered' THEN amount END) AS spend,
         avg(amount) AS mean,
         avg(amount * amount) AS mean2,
         max(created_at) AS last_order,
         sum(julianday(date(created_at)) BETWEEN (SELECT d FROM asof) - 89 AND (SELECT d FROM asof)) AS f90,
         total(CASE WHEN julianday(date(created_at)) BETWEEN (SELECT d FROM asof) - 89
                    AND (SELECT d FROM asof) THEN amount END) AS m90
  FROM orders GROUP BY customer_id
),
p AS (
  SELECT customer_id, count(*) AS n, sum(success = 0) AS failed, sum(method = 'cod') AS cod,
         max(created_at) AS last_payment
  FROM payments GROUP BY customer_id
)
  SELECT c.id,
         coalesce(o.n, 0) AS orders_total,
         coalesce(o.delivered, 0) AS orders_delivered,
         coalesce(o.returned, 0) AS orders_returned,
         coalesce(o.cancelled, 0) AS orders_cancelled,
         coalesce(o.spend, 0) AS total_spend,
         CASE WHEN o.delivered > 0 THEN o.spend / o.delivered ELSE 0 END AS avg_order_value,
         CASE WHEN o.n > 0 THEN 1.0 * o.returned / o.n ELSE 0 END AS return_rate,
         CASE WHEN o.n > 0 THEN 1.0 * o.cancelled / o.n ELSE 0 END AS cancel_rate,
         coalesce(p.n, 0) AS payments_total,
         coalesce(p.failed, 0) AS payments_failed,
         CASE WHEN p.n > 0 THEN 1.0 * p.failed / p.n ELSE 0 END AS failed_payment_rate,
         CASE WHEN p.n > 0 THEN 1.0 * p.cod / p.n ELSE 0 END AS cod_share,
         coalesce((SELECT d FROM asof) - julianday(date(coalesce(o.last_order, c.created_at))), 0)
           AS recency_days,
         coalesce(o.f90, 0) AS frequency_90d,
         coalesce(o.m90, 0) AS monetary_90d,
         CASE WHEN o.n > 0 THEN sqrt(max(o.mean2 - o.mean * o.mean, 0)) ELSE 0 END AS amount_std,
         coalesce((SELECT d FROM asof) - julianday(date(c.created_at)), 0) AS tenure_days,
         date(max(coalesce(o.last_order, ''), coalesce(p.last_payment, ''))) AS last_activity
  FROM customers c
  LEFT JOIN o ON o.customer_id = c.id
  LEFT JOIN p ON p.customer_id = c.id;
INSERT INTO credit_profiles(customer_id, score, band, pd, risk_level, segment, model_name,
                            model_version, last_activity, computed_at)
WITH
s AS (
  SELECT *,
         CAST(max(300, min(1000, round(600 + min(total_spend / 20, 150)
                                          + min(4 * orders_delivered, 100)
                                          + min(avg_order_value / 2, 50)
                                          - 300 * return_rate
                                          - 400 * failed_payment_rate
                                          - 150 * cod_share))) AS INTEGER) AS score
  FROM rules_features
)
SELECT id, score,
       CASE WHEN score >= 800 THEN 'A' WHEN score >= 700 THEN 'B' WHEN score >= 600 THEN 'C'
            WHEN score >= 500 THEN 'D' ELSE 'E' END,
       1.0 / (1.0 + 19 * pow(2, (score - 600) / 50.0)),
       CASE WHEN score >= 700 THEN 'LOW' WHEN score >= 600 THEN 'MEDIUM'
            WHEN score >= 500 THEN 'HIGH' ELSE 'CRITICAL' END,
       CASE WHEN orders_delivered < 3 THEN 'new' ELSE 'existing' END,
       'rules', 1,
       nullif(last_activity, ''), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM s;
