-- riskdesk schema: the current version (STORE_SCHEMA_VERSION), applied by store.c to a new
-- database (PRAGMA user_version 0). Older databases are migrated by the blocks in store.c.

CREATE TABLE customers (
  id          TEXT PRIMARY KEY,             -- the source's customer id
  name        TEXT,
  email       TEXT,                         -- PII: masked in panes unless `set pii on`
  phone       TEXT,                         -- PII
  kind        TEXT NOT NULL DEFAULT 'individual'
              CHECK (kind IN ('individual', 'company')),
  created_at  TEXT                          -- ISO 8601
);

-- Any extra column of a customers file: one definition here, one value per customer below.
CREATE TABLE attributes (
  name        TEXT PRIMARY KEY,
  type        TEXT NOT NULL CHECK (type IN ('numeric', 'categorical'))
);

CREATE TABLE customer_attributes (
  customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  name        TEXT NOT NULL REFERENCES attributes(name),
  value       TEXT,                         -- as written in the source
  num         REAL,                         -- parsed value when numeric
  PRIMARY KEY (customer_id, name)
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
CREATE INDEX orders_created ON orders(created_at);

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
CREATE INDEX payments_created ON payments(created_at);

CREATE TABLE outcomes (
  customer_id TEXT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
  defaulted   INTEGER NOT NULL CHECK (defaulted IN (0, 1)),
  observed_at TEXT
);
CREATE INDEX outcomes_label ON outcomes(customer_id, defaulted);

CREATE TABLE models (
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  algo        TEXT NOT NULL CHECK (algo IN ('rules', 'logit', 'scorecard', 'xgb', 'rf')),
  segment     TEXT NOT NULL DEFAULT 'all' CHECK (segment IN ('all', 'new', 'existing')),
  status      TEXT NOT NULL CHECK (status IN ('champion', 'challenger', 'retired')),
  weight      REAL NOT NULL DEFAULT 1.0,    -- share in a segment's weighted champion mean
  spec        TEXT NOT NULL,                -- JSON: everything needed to score
  metrics     TEXT,                         -- JSON: CV metrics, IV table, threshold, gains
  reference   TEXT,                         -- JSON: training distributions for drift
  created_at  TEXT NOT NULL,
  PRIMARY KEY (name, version)
);

-- A trained model's out-of-fold predictions: each customer's PD from the fit that did not
-- see it, and its fold (what `models compare` and a validator recompute metrics from).
CREATE TABLE model_oof (
  model_name    TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  customer_id   TEXT NOT NULL,
  fold          INTEGER NOT NULL,
  pd            REAL NOT NULL,
  defaulted     INTEGER NOT NULL CHECK (defaulted IN (0, 1)),
  PRIMARY KEY (model_name, model_version, customer_id),
  FOREIGN KEY (model_name, model_version) REFERENCES models(name, version)
) WITHOUT ROWID;

CREATE TABLE credit_profiles (
  customer_id   TEXT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
  score         INTEGER NOT NULL CHECK (score BETWEEN 300 AND 1000),
  band          TEXT NOT NULL CHECK (band IN ('A', 'B', 'C', 'D', 'E')),
  pd            REAL NOT NULL,
  risk_level    TEXT NOT NULL CHECK (risk_level IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  segment       TEXT NOT NULL CHECK (segment IN ('new', 'existing')),
  model_name    TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  features      TEXT NOT NULL,              -- JSON object: feature -> value
  reasons       TEXT NOT NULL,              -- JSON array of {code,text,feature,value,points}
  components    TEXT,                       -- JSON array of component scores, when several
  last_activity TEXT,                       -- latest order or payment, for sorting the list
  computed_at   TEXT NOT NULL,
  fvec          BLOB,                       -- the features packed (features_pack), for drift
  cohort        TEXT                        -- day of the first order or payment, else creation
);
-- Keyset paging of the customer list by each sort key.
CREATE INDEX profiles_score ON credit_profiles(score, customer_id);
CREATE INDEX profiles_band ON credit_profiles(band, score, customer_id);
-- band rides along so a band filter under the activity sort reads the index only.
CREATE INDEX profiles_activity ON credit_profiles(last_activity, customer_id, band);
-- drift reads these columns of every profile: a covering index is a fifth of the rows' size
CREATE INDEX profiles_drift ON credit_profiles(customer_id, segment, cohort, score, pd,
  model_name, model_version, fvec);
CREATE INDEX customers_name ON customers(name, id);

CREATE TABLE score_history (
  id            INTEGER PRIMARY KEY,
  customer_id   TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  score         INTEGER NOT NULL,
  band          TEXT NOT NULL,
  pd            REAL NOT NULL,
  model_name    TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  run_id        INTEGER REFERENCES runs(id),
  computed_at   TEXT NOT NULL
);
CREATE INDEX score_history_customer ON score_history(customer_id, id);

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
  host        TEXT
);

CREATE TABLE audit (
  id          INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  user        TEXT NOT NULL,
  command     TEXT NOT NULL,                -- the command line as typed
  status      TEXT NOT NULL,                -- ok, failed, cancelled, refused (lock busy)
  detail      TEXT
);

CREATE TABLE credit_requests (
  id             TEXT PRIMARY KEY,
  customer_id    TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  amount         REAL NOT NULL CHECK (amount >= 0),
  term_months    INTEGER NOT NULL CHECK (term_months > 0),
  purpose        TEXT,
  yearly_income  REAL,
  existing_debt  REAL,
  status         TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'approved', 'referred', 'declined')),
  score          INTEGER,
  reasons        TEXT,                      -- JSON: decision reasons
  created_at     TEXT,
  decided_at     TEXT
);
CREATE INDEX credit_requests_status ON credit_requests(status, id);

CREATE TABLE external_records (
  source      TEXT NOT NULL,                -- tax_office, land_registry, credit_bureau, ...
  key         TEXT NOT NULL,
  customer_id TEXT REFERENCES customers(id) ON DELETE SET NULL,
  payload     TEXT NOT NULL,                -- JSON
  fetched_at  TEXT NOT NULL,
  PRIMARY KEY (source, key)
);

-- Small persistent facts (e.g. the configured external-record command).
CREATE TABLE meta (
  key         TEXT PRIMARY KEY,
  value       TEXT
);
