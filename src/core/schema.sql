-- riskdesk schema: the whole current version (STORE_SCHEMA_VERSION in store.h), applied
-- by store.c to a new database (PRAGMA user_version 0), which then gets that version at
-- once. A database made by an older riskdesk is migrated instead, by the blocks in
-- store.c, one per version; it never runs this file. The numbers in the comments below
-- ("schema 9") say which version added a table or column.

CREATE TABLE customers (
  id          TEXT PRIMARY KEY,             -- the source's customer id
  name        TEXT,
  email       TEXT,                         -- PII: masked in panes unless `set pii on`
  phone       TEXT,                         -- PII
  kind        TEXT NOT NULL DEFAULT 'individual'
              CHECK (kind IN ('individual', 'company')),
  created_at  TEXT,                         -- ISO 8601
  name_key    TEXT,                         -- rd_fold(name): the list's name order (schema 15)
  changed_seq INTEGER NOT NULL DEFAULT 0    -- the load that last changed its rows (stale.h's
                                            -- data sequence; `recompute changed`, schema 20)
);

-- Any extra column of a customers file: one definition here, one value per customer below.
CREATE TABLE attributes (
  name        TEXT PRIMARY KEY,
  type        TEXT NOT NULL CHECK (type IN ('numeric', 'categorical')),
  special     TEXT                          -- JSON array of sentinel codes (mapping 'special')
);

CREATE TABLE customer_attributes (
  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  name        TEXT NOT NULL REFERENCES attributes(name),
  value       TEXT,                         -- as written in the source
  num         REAL,                         -- parsed value when numeric
  PRIMARY KEY (customer_id, name)
) WITHOUT ROWID;

-- Labels for people from a mapping's "labels" (schema 8): value '' labels the attribute
-- itself, any other value one of its values (as stored). Trained models copy them into
-- their specification, where reasons and tables read them.
CREATE TABLE attribute_labels (
  name        TEXT NOT NULL,
  value       TEXT NOT NULL,
  label       TEXT NOT NULL,
  PRIMARY KEY (name, value)
) WITHOUT ROWID;

CREATE TABLE orders (
  id          TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  amount      REAL NOT NULL CHECK (amount >= 0),
  status      TEXT NOT NULL
              CHECK (status IN ('placed', 'shipped', 'delivered', 'cancelled', 'returned')),
  created_at  TEXT NOT NULL
);
CREATE INDEX orders_customer ON orders(customer_id, created_at);
-- No index on created_at alone (schema 21): the first and last dates are noted in meta by
-- each load (featscan.h: events_dates), which builds one index less per table.

CREATE TABLE payments (
  id          TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  order_id    TEXT REFERENCES orders(id),
  method      TEXT NOT NULL CHECK (method IN ('card', 'cod', 'wallet', 'bank')),
  success     INTEGER NOT NULL CHECK (success IN (0, 1)),
  amount      REAL NOT NULL CHECK (amount >= 0),
  created_at  TEXT NOT NULL
);
CREATE INDEX payments_customer ON payments(customer_id, created_at);

-- source: observed (loaded) or proxy (`label proxy`, schema 5); an observed outcome is never
-- replaced by a proxy one. A proxy label's observed_at is the as-of date of its features.
CREATE TABLE outcomes (
  customer_id TEXT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
  defaulted   INTEGER NOT NULL CHECK (defaulted IN (0, 1)),
  observed_at TEXT,
  source      TEXT NOT NULL DEFAULT 'observed' CHECK (source IN ('observed', 'proxy'))
);
CREATE INDEX outcomes_label ON outcomes(customer_id, defaulted, source);

CREATE TABLE models (
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  algo        TEXT NOT NULL CHECK (algo IN ('rules', 'logit', 'scorecard', 'xgb', 'rf')),
  segment     TEXT NOT NULL DEFAULT 'all'   -- whom it serves: kinds since schema 16
              CHECK (segment IN ('all', 'new', 'existing', 'individual', 'company')),
  status      TEXT NOT NULL CHECK (status IN ('champion', 'challenger', 'retired')),
  weight      REAL NOT NULL DEFAULT 1.0,    -- share in a segment's weighted champion mean
  spec        TEXT NOT NULL,                -- JSON: everything needed to score
  metrics     TEXT,                         -- JSON: CV metrics, IV table, threshold, gains
  reference   TEXT,                         -- JSON: training distributions for drift
  created_at  TEXT NOT NULL,
  shadow      INTEGER NOT NULL DEFAULT 0    -- a challenger scored beside the champions
              CHECK (shadow IN (0, 1)),     -- by recompute, never serving (schema 19)
  PRIMARY KEY (name, version)
);

-- The book scored by each challenger in shadow (`promote NAME --shadow`; schema 19): what
-- it would give each customer of the segments it was trained for, by the last recompute;
-- apart from credit_profiles, which only serving models write. `swapset` compares them.
CREATE TABLE shadow_scores (
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  score       INTEGER NOT NULL,
  pd          REAL NOT NULL,
  band        TEXT NOT NULL CHECK (band IN ('A', 'B', 'C', 'D', 'E')),
  cutoff_pd   REAL,                         -- the model's own cut-off then
  run_id      INTEGER REFERENCES runs(id),
  as_of       TEXT NOT NULL,
  PRIMARY KEY (name, version, customer_id),
  FOREIGN KEY (name, version) REFERENCES models(name, version)
) WITHOUT ROWID;

-- Each trained model's out-of-fold predictions (a row per training row): its calibration
-- and checks, and the cut-off of a blend it joins, are computed from them (schema 9).
CREATE TABLE model_oof (
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  row         INTEGER NOT NULL,             -- the training row (customers' load order)
  customer_id TEXT NOT NULL,
  fold        INTEGER NOT NULL,
  pd          REAL NOT NULL,
  defaulted   INTEGER NOT NULL,
  PRIMARY KEY (name, version, row),
  FOREIGN KEY (name, version) REFERENCES models(name, version)
) WITHOUT ROWID;

-- The latest profile of each customer; cutoff_pd (schema 9) is the serving model's or
-- blend's cut-off PD.
CREATE TABLE credit_profiles (
  customer_id   TEXT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
  score         INTEGER NOT NULL CHECK (score BETWEEN 300 AND 1000),
  band          TEXT NOT NULL CHECK (band IN ('A', 'B', 'C', 'D', 'E')),
  pd            REAL NOT NULL,
  risk_level    TEXT NOT NULL CHECK (risk_level IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  segment       TEXT NOT NULL CHECK (segment IN ('new', 'existing')),
  model_name    TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  last_activity TEXT,                       -- latest order or payment, for sorting the list
  computed_at   TEXT NOT NULL,
  cutoff_pd     REAL,
  fvec          BLOB,                       -- the features packed (features_pack): one copy
  cohort        TEXT,                       -- day of the first order or payment (else creation)
  as_of         TEXT,                       -- the day the features are as of (point-in-time)
  load_run      INTEGER NOT NULL DEFAULT 0, -- the latest load its data held (runs id; 0 none)
  data_seq      INTEGER NOT NULL DEFAULT 0, -- the data sequence it was computed at (schema 20)
  history_id    INTEGER                     -- its score_history row: reasons and components (24)
);
-- (No comma in the comments of the last columns: ALTER TABLE DROP COLUMN, which the
-- migration tests use, cuts back to the previous comma, comments included.)
-- Keyset paging of the customer list by each sort key. Every sort's index carries band and
-- score (schema 23): a filter on them is checked in the index, and a page whose matches
-- sit far along the sort (band=E under an ascending PD) never reads the rows it passes.
CREATE INDEX profiles_score ON credit_profiles(score, customer_id, band);
CREATE INDEX profiles_band ON credit_profiles(band, score, customer_id);
CREATE INDEX profiles_activity ON credit_profiles(last_activity, customer_id, band, score);
-- drift reads these columns of every profile: a covering index is a fifth of the rows' size
CREATE INDEX profiles_drift ON credit_profiles(customer_id, segment, cohort, score, pd,
  model_name, model_version, fvec);
-- Stale profiles (stale.h), counted per model, version and segment without a scan: those
-- older than the latest load, and those of a model that no longer serves their segment.
CREATE INDEX profiles_stale ON credit_profiles(model_name, model_version, segment, load_run);
CREATE INDEX customers_name ON customers(name, id);
-- The list's name order (case and accents folded) and its search, which reads this index
-- alone (schema 14); PD and segment as the list sorts by them.
CREATE INDEX customers_name_key ON customers(name_key, id);
CREATE INDEX profiles_pd ON credit_profiles(pd, customer_id, band, score);
CREATE INDEX profiles_segment ON credit_profiles(segment, score, customer_id, band);

-- Every computation of a profile: since schema 9 also its reasons (JSON array of {code, text,
-- feature, value, points}), the champions that scored it (components: JSON array, when
-- several) and the cut-off PD it was decided against. Since schema 24 a profile keeps its
-- reasons and components only here, in the row its history_id names, so that its own row is
-- no wider than the list reads (retention keeps that row).
CREATE TABLE score_history (
  id            INTEGER PRIMARY KEY,
  customer_id   TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  score         INTEGER NOT NULL,
  band          TEXT NOT NULL,
  pd            REAL NOT NULL,
  model_name    TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  run_id        INTEGER REFERENCES runs(id),
  computed_at   TEXT NOT NULL,
  reasons       TEXT,
  components    TEXT,
  cutoff_pd     REAL
);
CREATE INDEX score_history_customer ON score_history(customer_id, id);
-- A profile whole, as SPEC section 2 lists it: its row with the reasons and components of
-- the history row it names (schema 24). For the sqlite3 shell and riskdesk's readers alike.
CREATE VIEW credit_profiles_full AS
  SELECT p.*, h.reasons, h.components
  FROM credit_profiles p LEFT JOIN score_history h ON h.id = p.history_id;

-- One row per write command (load, recompute, train, promote, model import, ...),
-- committed as `running` before its data transaction begins, so that another process
-- can say who holds the write lock. A `running` row whose process is gone (its byte
-- lock in the DB-riskdesk file is free) is shown, and then marked, `interrupted`.
CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,                -- load, recompute, train, promote, model import, ...
  args        TEXT NOT NULL,                -- the command line
  user        TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  rows        INTEGER NOT NULL DEFAULT 0,
  status      TEXT NOT NULL
              CHECK (status IN ('running', 'ok', 'failed', 'cancelled', 'interrupted')),
  message     TEXT,
  pid         INTEGER,                      -- the process running it (schema 4)
  host        TEXT,
  -- How long it ran, to the millisecond (schema 14; the ISO times above are whole seconds,
  -- as every time the store compares). NULL while running, and for older runs.
  seconds     REAL
);
-- The latest load or recompute that succeeded, at once (stale.h).
CREATE INDEX runs_kind ON runs(kind, status, id);

CREATE TABLE audit (
  id          INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  user        TEXT NOT NULL,
  command     TEXT NOT NULL,                -- the command line as typed
  status      TEXT NOT NULL,                -- ok, failed, cancelled, refused (lock busy)
  detail      TEXT
);

-- Applications for credit (SPEC section 8), loaded by `load credit_requests` (schema 16: an
-- amount is positive and a request has its day; the indexes by customer).
CREATE TABLE credit_requests (
  id             TEXT PRIMARY KEY,
  customer_id    TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  amount         REAL NOT NULL CHECK (amount > 0),
  term_months    INTEGER NOT NULL CHECK (term_months > 0),
  purpose        TEXT,
  yearly_income  REAL,                      -- the applicant's as declared
  existing_debt  REAL,
  status         TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'approved', 'referred', 'declined')),
  score          INTEGER,
  reasons        TEXT,                      -- JSON: decision reasons
  created_at     TEXT NOT NULL,
  decided_at     TEXT,
  -- The latest decision (schema 17): its PD and band; the rules of the policy that fired
  -- (JSON); its row of decisions (which holds the rest).
  pd             REAL,
  band           TEXT CHECK (band IN ('A', 'B', 'C', 'D', 'E')),
  rules          TEXT,
  decision_id    INTEGER
);
CREATE INDEX credit_requests_status ON credit_requests(status, id);
CREATE INDEX credit_requests_customer ON credit_requests(customer_id, created_at);

-- Records from outside sources, one per source and key (a tax id, a parcel id), loaded by
-- `load external_records`; payload is a JSON object, stored minified (SQLite's json()).
CREATE TABLE external_records (
  source      TEXT NOT NULL,                -- tax_office, land_registry, credit_bureau, ...
  key         TEXT NOT NULL,
  customer_id TEXT REFERENCES customers(id) ON DELETE SET NULL,
  payload     TEXT NOT NULL,                -- JSON
  fetched_at  TEXT NOT NULL,
  PRIMARY KEY (source, key)
);
CREATE INDEX external_records_customer ON external_records(customer_id, source);

-- The credit policy (policy.h; schema 17): one row per version, the highest serves. Version
-- 1 is the built-in policy (src/core/policy_default.json), which store.c inserts into a new
-- database and a migrated one alike.
CREATE TABLE policies (
  version     INTEGER PRIMARY KEY,
  spec        TEXT NOT NULL,                -- JSON, in policy_to_json's spelling
  created_at  TEXT NOT NULL,
  origin      TEXT NOT NULL                 -- built-in, or the file it was imported from
);

-- Every decision on a credit request (schema 17), appended, never rewritten: by the policy
-- (`rescore pending`, one run for many decisions: run_id names its runs and audit rows) or
-- by an analyst's override. The request keeps its latest (credit_requests.decision_id).
CREATE TABLE decisions (
  id             INTEGER PRIMARY KEY,
  request_id     TEXT NOT NULL REFERENCES credit_requests(id) ON DELETE CASCADE,
  run_id         INTEGER REFERENCES runs(id),
  origin         TEXT NOT NULL DEFAULT 'policy' CHECK (origin IN ('policy', 'override')),
  status         TEXT NOT NULL CHECK (status IN ('approved', 'referred', 'declined')),
  decided_at     TEXT NOT NULL,
  score          INTEGER,
  pd             REAL,
  band           TEXT,
  model_name     TEXT,                      -- the serving model or blend label
  model_version  INTEGER,
  policy_version INTEGER,
  as_of          TEXT,                      -- the day the applicant's features are as of
  monthly_payment REAL,                     -- the derived values (NULL: undefined)
  dti            REAL,
  pti            REAL,
  lti            REAL,
  cutoff_pd      REAL,                      -- the cut-off used (model's or the fallback)
  cutoff_score   INTEGER,                   -- its score on the model's scale
  rules          TEXT,                      -- JSON: the rules that fired
  reasons        TEXT,                      -- JSON: the score's adverse reasons
  note           TEXT                       -- an override's reason
);
CREATE INDEX decisions_request ON decisions(request_id, id);

-- The sources external records are fetched from (schema 18; source.h): the command that
-- prints one record's payload for a key. argv is its words as a JSON array of strings,
-- split once by `source add`; `refresh stale` runs it without a shell, a word's {key}
-- replaced by the record's key (the key stays inside that one argument, whatever it holds).
CREATE TABLE sources (
  name        TEXT PRIMARY KEY,             -- external_records.source
  argv        TEXT NOT NULL,                -- JSON array: ["sh", "tax.sh", "--id", "{key}"]
  ttl_days    INTEGER NOT NULL CHECK (ttl_days >= 0), -- a record older than this is stale
  timeout     REAL NOT NULL CHECK (timeout > 0),      -- seconds a call may take
  created_at  TEXT NOT NULL
);

-- Every call `refresh stale` made (schema 18), whatever came of it: only an ok one changed
-- the record. message: why it failed and what the command wrote on stderr (cut).
CREATE TABLE fetch_attempts (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER REFERENCES runs(id),
  source      TEXT NOT NULL,
  key         TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  seconds     REAL NOT NULL,
  status      TEXT NOT NULL
              CHECK (status IN ('ok', 'failed', 'timeout', 'malformed', 'cancelled')),
  message     TEXT
);
CREATE INDEX fetch_attempts_record ON fetch_attempts(source, key, id);

-- A trained model's inputs besides the built-in features (schema 16): every attribute
-- value, and each customer's kind as the input 'kind' (vocab.h: KIND_INPUT). Read only
-- for models that take kind; the others read customer_attributes.
CREATE VIEW customer_inputs(customer_id, name, value, num) AS
  SELECT customer_id, name, value, num FROM customer_attributes
  UNION ALL
  SELECT id, 'kind', kind, NULL FROM customers;

-- Monthly snapshots (snapshot.h): at the end of each calendar month, every customer created
-- by then, with the features as of that day (point-in-time) and the score of the models
-- serving when it was taken. Taking a month again replaces it.
CREATE TABLE snapshot_months (
  month       TEXT PRIMARY KEY,             -- YYYY-MM
  as_of       TEXT NOT NULL,                -- its last day: the features' as-of
  customers   INTEGER NOT NULL,
  mean_score  REAL,                         -- NULL without customers
  models      TEXT NOT NULL,                -- the models that scored it: 'rules@1' or 'gl@2 rules@1'
  run_id      INTEGER REFERENCES runs(id),
  taken_at    TEXT NOT NULL
);
-- One row per month and customer, keyed (no rowid): drift reads a month in customer order.
CREATE TABLE snapshot_rows (
  month         TEXT NOT NULL,
  customer_id   TEXT NOT NULL,
  score         INTEGER NOT NULL,
  band          TEXT NOT NULL,
  pd            REAL NOT NULL,
  segment       TEXT NOT NULL,
  model_name    TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  fvec          BLOB NOT NULL,              -- the features packed (features_pack)
  PRIMARY KEY (month, customer_id)
) WITHOUT ROWID;
-- A snapshot month's drift counts for one model's reference (monitor.h), stored by
-- `snapshot` so that `drift --by month` reads a row per month instead of every customer;
-- used only while the model's reference text still hashes to reference_hash (schema 12).
CREATE TABLE snapshot_counts (
  month          TEXT NOT NULL,
  model_name     TEXT NOT NULL,
  model_version  INTEGER NOT NULL,
  reference_hash TEXT NOT NULL,             -- FNV-1a of models.reference when counted
  counts         BLOB NOT NULL,             -- monitor.c's packed counts
  PRIMARY KEY (month, model_name, model_version)
) WITHOUT ROWID;

-- Small persistent facts (e.g. the configured external-record command).
CREATE TABLE meta (
  key         TEXT PRIMARY KEY,
  value       TEXT
);

-- The built-in rules model (SPEC section 5, rules version 1), the champion of a new
-- database. A migrated database keeps the one it was created with: the same text.
-- total_spend/20 and avg_order_value/2 are written as divisors so that the arithmetic is
-- the formula's own, to the last bit.
INSERT INTO models(name, version, algo, segment, status, spec, created_at)
VALUES ('rules', 1, 'rules', 'all', 'champion', '{
  "baseline": 600,
  "terms": [
    {"feature": "total_spend", "divisor": 20, "weight": 1, "cap": 150,
     "code": "R-SPEND", "text": "Low delivered spend"},
    {"feature": "orders_delivered", "weight": 4, "cap": 100,
     "code": "R-DELIVERED", "text": "Few delivered orders"},
    {"feature": "avg_order_value", "divisor": 2, "weight": 1, "cap": 50,
     "code": "R-AOV", "text": "Low average order value"},
    {"feature": "return_rate", "weight": -300,
     "code": "R-RETURNS", "text": "Returned orders"},
    {"feature": "failed_payment_rate", "weight": -400,
     "code": "R-FAILED-PAY", "text": "Failed payments"},
    {"feature": "cod_share", "weight": -150,
     "code": "R-COD", "text": "Cash-on-delivery payments"}
  ]
}
', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
