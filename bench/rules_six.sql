-- What a user would write instead of `recompute all` with the rules model (issue 15): one
-- bare GROUP BY statement over the plain import (bench/run.sh, (a)) computing the six
-- features the rules formula of SPEC section 5 reads, and writing each customer's id and
-- score. No JSON, no reasons, no history: the floor riskdesk's recompute is measured from.
CREATE TABLE scores (id TEXT PRIMARY KEY, score INTEGER NOT NULL);
INSERT INTO scores
WITH
o AS (
  SELECT customer_id, count(*) AS n, sum(status = 'delivered') AS delivered,
         sum(status = 'returned') AS returned,
         total(CASE WHEN status = 'delivered' THEN amount END) AS spend
  FROM orders GROUP BY customer_id
),
p AS (
  SELECT customer_id, count(*) AS n, sum(success = 0) AS failed, sum(method = 'cod') AS cod
  FROM payments GROUP BY customer_id
)
SELECT c.id,
       CAST(max(300, min(1000, round(600 + min(coalesce(o.spend, 0) / 20, 150)
         + min(4 * coalesce(o.delivered, 0), 100)
         + min(CASE WHEN o.delivered > 0 THEN o.spend / o.delivered ELSE 0 END / 2, 50)
         - 300 * CASE WHEN o.n > 0 THEN 1.0 * o.returned / o.n ELSE 0 END
         - 400 * CASE WHEN p.n > 0 THEN 1.0 * p.failed / p.n ELSE 0 END
         - 150 * CASE WHEN p.n > 0 THEN 1.0 * p.cod / p.n ELSE 0 END))) AS INTEGER)
FROM customers c
LEFT JOIN o ON o.customer_id = c.id
LEFT JOIN p ON p.customer_id = c.id;
