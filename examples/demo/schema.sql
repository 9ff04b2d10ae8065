-- shardql demo cluster: the tables of the worked queries in SEEDS.md.
--
-- Distribution, in short:
--   customer  HASH (customer_num)   point lookups by customer number touch one shard
--   orders    HASH (order_num)      so order_num = 1008 routes to one shard, customer_num = 104
--                                   does not (SEEDS 1.3's OR-to-UNION example)
--   cust      HASH (customer_id)    cust and rcvbles share shard key and type, so the
--   rcvbles   HASH (customer_id)    SEEDS 1.6 join runs on the shards without moving rows
--   part      REFERENCE             small dimension tables: a copy on every shard, so inner
--   vendor    REFERENCE             joins with them stay shard-local
--   parven    HASH (part_num)       the part/vendor bridge of SEEDS 1.8
--   flights   HASH (flight_id)      SEEDS 4's flight records (rows come from
--                                   examples/flights_generator.cpp, not from data.sql)
--
-- A PRIMARY KEY or UNIQUE constraint of a hash-distributed table includes its shard key: only
-- then can each shard enforce it alone. Dates are 'YYYY-MM-DD' TEXT (flights.flight_date keeps
-- the source data set's '2000,12,05' until the Recorder job rewrites it).

-- Informix stores_demo style customers (customer_num 101..130).
CREATE TABLE customer (
  customer_num INTEGER PRIMARY KEY,
  fname        VARCHAR(15),
  lname        VARCHAR(15),
  company      VARCHAR(30),
  address      VARCHAR(40),
  city         VARCHAR(20),
  state        VARCHAR(2) NOT NULL,
  zipcode      TEXT,
  phone        VARCHAR(18)
) DISTRIBUTE BY HASH (customer_num);

-- SEEDS 1.5: the LIKE '98___' / range example filters on it.
CREATE INDEX customer_zipcode_idx ON customer (zipcode);

-- Orders 1001..1030. customer_num is nullable on purpose: order 1024 has none, which is what
-- separates NOT (p) from (p) IS NOT TRUE in the OR-to-UNION ALL rewrite.
CREATE TABLE orders (
  order_num     INTEGER PRIMARY KEY,
  order_date    TEXT NOT NULL,
  customer_num  INTEGER,
  ship_instruct VARCHAR(40),
  backlog       VARCHAR(1) NOT NULL DEFAULT 'n',
  po_num        VARCHAR(10),
  ship_date     TEXT,
  ship_weight   REAL,
  ship_charge   REAL,
  paid_date     TEXT
) DISTRIBUTE BY HASH (order_num);

-- SEEDS 1.3 wants an index on each OR branch's column. order_num, the INTEGER PRIMARY KEY, is
-- SQLite's rowid: that is already its index, and a second one would only cost writes.
CREATE INDEX orders_customer_num_idx ON orders (customer_num);

-- SEEDS 1.6: customers and their receivables.
CREATE TABLE cust (
  customer_id  INTEGER PRIMARY KEY,
  name         VARCHAR(40) NOT NULL,
  city         VARCHAR(20),
  postcode     TEXT,
  credit_limit NUMERIC(10,2),
  since        TEXT
) DISTRIBUTE BY HASH (customer_id);

CREATE INDEX cust_postcode_idx ON cust (postcode);
CREATE INDEX cust_name_idx ON cust (name);

-- One row per open invoice, so a customer can have several. balance is positive (owes), zero
-- (settled), negative (in credit) or NULL (not yet assessed), and some rows have no cust row.
CREATE TABLE rcvbles (
  customer_id INTEGER NOT NULL,
  invoice_num INTEGER NOT NULL,
  balance     NUMERIC(10,2),
  due_date    TEXT,
  PRIMARY KEY (customer_id, invoice_num)
) DISTRIBUTE BY HASH (customer_id);

CREATE INDEX rcvbles_balance_idx ON rcvbles (balance);

-- SEEDS 1.8: parts, vendors, and which vendor supplies how many of which part.
CREATE TABLE part (
  part_num    INTEGER PRIMARY KEY,
  description VARCHAR(40) NOT NULL,
  unit        VARCHAR(8),
  unit_price  NUMERIC(8,2)
) DISTRIBUTE BY REFERENCE;

CREATE TABLE vendor (
  vendor_num INTEGER PRIMARY KEY,
  name       VARCHAR(30) NOT NULL,
  city       VARCHAR(20),
  state      VARCHAR(2)
) DISTRIBUTE BY REFERENCE;

CREATE TABLE parven (
  part_num    INTEGER NOT NULL,
  vendor_num  INTEGER NOT NULL,
  part_amount INTEGER,
  PRIMARY KEY (part_num, vendor_num)
) DISTRIBUTE BY HASH (part_num);

-- The primary key's leading column serves joins on part_num, this one serves vendor_num.
CREATE INDEX parven_vendor_num_idx ON parven (vendor_num);

-- SEEDS 4: one row per flight with 29 attributes in the shape of the airline on-time data set
-- (flight_date .. late_aircraft_delay), plus the surrogate shard key flight_id and the note the
-- Merge job fills. Times are local hhmm integers (0 = midnight). Cancelled flights have NULL
-- actual times and delays, diverted ones NULL arrival columns, and the five delay causes are set
-- only for flights arriving 15 or more minutes late, where they add up to arr_delay.
CREATE TABLE flights (
  flight_id           INTEGER PRIMARY KEY,
  flight_date         TEXT NOT NULL,
  year                INTEGER NOT NULL,
  month               INTEGER NOT NULL,
  day_of_month        INTEGER NOT NULL,
  day_of_week         INTEGER NOT NULL,
  unique_carrier      VARCHAR(2) NOT NULL,
  flight_num          INTEGER NOT NULL,
  tail_num            VARCHAR(8),
  origin              VARCHAR(3) NOT NULL,
  dest                VARCHAR(3) NOT NULL,
  crs_dep_time        INTEGER NOT NULL,
  dep_time            INTEGER,
  dep_delay           INTEGER,
  taxi_out            INTEGER,
  crs_arr_time        INTEGER NOT NULL,
  arr_time            INTEGER,
  arr_delay           INTEGER,
  taxi_in             INTEGER,
  crs_elapsed_time    INTEGER NOT NULL,
  air_time            INTEGER,
  distance            INTEGER NOT NULL,
  cancelled           INTEGER NOT NULL DEFAULT 0,
  cancellation_code   VARCHAR(1),
  diverted            INTEGER NOT NULL DEFAULT 0,
  carrier_delay       INTEGER,
  weather_delay       INTEGER,
  nas_delay           INTEGER,
  security_delay      INTEGER,
  late_aircraft_delay INTEGER,
  note                TEXT DEFAULT NULL
) DISTRIBUTE BY HASH (flight_id);

-- SEEDS 4's Filter job groups and filters by origin.
CREATE INDEX flights_origin_idx ON flights (origin);
