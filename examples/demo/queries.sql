-- The worked queries of SEEDS.md, and everyday queries that exercise the router, over
-- examples/demo/schema.sql + data.sql + 5,000 generated flights (seed 42).
--
-- Each query has a label in brackets for tests and docs to refer to. Pairs marked "same rows as
-- [x]" return the same multiset of rows as [x] on the demo data (and in general), pairs marked
-- WRONG show a rewrite that is not equivalent, with the rows it gets wrong here.
--
-- Run top to bottom: everything reads only, except the SEEDS 1.6 materialised variant (which
-- creates and drops its own table) and the SEEDS 4 Recorder and Merge jobs at the end, which
-- update flights (both are idempotent).

---------------------------------------------------------------------------------------------------
-- SEEDS 1.3: OR becomes UNION
---------------------------------------------------------------------------------------------------

-- [1.3a] The document's query. orders is distributed by order_num: the order_num = 1008 branch
-- routes to one shard, the customer_num = 104 branch must visit every shard, so as a whole the
-- OR is one scatter over all shards. 4 rows: 1003, 1008, 1011, 1013 (1001 fails order_num > 1001).
SELECT * FROM orders WHERE (customer_num = 104 AND order_num > 1001) OR order_num = 1008;

-- [1.3b] The document's rewrite. Same rows as [1.3a] here only because SELECT * includes the
-- primary key, so no two result rows are equal and UNION's duplicate removal has nothing to
-- remove. Wrong in general: see [1.3e].
SELECT * FROM orders WHERE customer_num = 104 AND order_num > 1001
UNION
SELECT * FROM orders WHERE order_num = 1008;

-- [1.3c] The correct rewrite: UNION ALL keeps duplicates, and the second branch drops the rows
-- the first branch already returned. IS NOT TRUE, not NOT: see [1.3j] and [1.3k]. Same rows as
-- [1.3a], and the second branch still routes to the single shard of order 1008.
SELECT * FROM orders WHERE customer_num = 104 AND order_num > 1001
UNION ALL
SELECT * FROM orders
WHERE order_num = 1008 AND (customer_num = 104 AND order_num > 1001) IS NOT TRUE;

-- [1.3d] The same filter with a projection that leaves out the key. Orders 1011 and 1013 give
-- the same (104, 'express', 10.4) row twice: 4 rows.
SELECT customer_num, ship_instruct, ship_weight FROM orders
WHERE (customer_num = 104 AND order_num > 1001) OR order_num = 1008;

-- [1.3e] WRONG: the document's UNION applied to [1.3d] removes the duplicate: 3 rows, not 4.
SELECT customer_num, ship_instruct, ship_weight FROM orders
WHERE customer_num = 104 AND order_num > 1001
UNION
SELECT customer_num, ship_instruct, ship_weight FROM orders WHERE order_num = 1008;

-- [1.3f] The correct rewrite of [1.3d]: same rows as [1.3d], duplicate included.
SELECT customer_num, ship_instruct, ship_weight FROM orders
WHERE customer_num = 104 AND order_num > 1001
UNION ALL
SELECT customer_num, ship_instruct, ship_weight FROM orders
WHERE order_num = 1008 AND (customer_num = 104 AND order_num > 1001) IS NOT TRUE;

-- [1.3g] Overlapping branches: order 1013 belongs to customer 104, so it satisfies both sides of
-- the OR. 3 rows: 1003, 1011, 1013.
SELECT * FROM orders WHERE (customer_num = 104 AND order_num > 1001) OR order_num = 1013;

-- [1.3h] Same rows as [1.3g]. Without the IS NOT TRUE guard, UNION ALL would return 1013 twice.
SELECT * FROM orders WHERE customer_num = 104 AND order_num > 1001
UNION ALL
SELECT * FROM orders
WHERE order_num = 1013 AND (customer_num = 104 AND order_num > 1001) IS NOT TRUE;

-- [1.3i] NULLs: order 1024 has no customer_num, so for it the first branch's predicate is NULL
-- (unknown), not false, while the OR as a whole is true. 4 rows: 1003, 1011, 1013, 1024.
SELECT * FROM orders WHERE (customer_num = 104 AND order_num > 1001) OR order_num = 1024;

-- [1.3j] Same rows as [1.3i]: NULL IS NOT TRUE is true, so the second branch keeps 1024.
SELECT * FROM orders WHERE customer_num = 104 AND order_num > 1001
UNION ALL
SELECT * FROM orders
WHERE order_num = 1024 AND (customer_num = 104 AND order_num > 1001) IS NOT TRUE;

-- [1.3k] WRONG: NOT (NULL) is NULL, so this loses order 1024: 3 rows, not 4.
SELECT * FROM orders WHERE customer_num = 104 AND order_num > 1001
UNION ALL
SELECT * FROM orders
WHERE order_num = 1024 AND NOT (customer_num = 104 AND order_num > 1001);

---------------------------------------------------------------------------------------------------
-- SEEDS 1.5: avoid hard pattern matches
---------------------------------------------------------------------------------------------------

-- [1.5a] The document's query: a LIKE pattern, scanned even with an index on zipcode. Five-
-- character zipcodes starting with 98: 13 rows, including 113's '98000'.
SELECT * FROM customer WHERE zipcode LIKE '98___';

-- [1.5b] The correct rewrite: the literal prefix '98' becomes the half-open range
-- ['98', '99'), which can use the index, and the LIKE stays as a residual filter because the
-- pattern has more after the prefix ('___': exactly three more characters). Same rows as [1.5a].
-- Valid because the prefix holds no letters (SQLite's LIKE ignores ASCII case, a range compares
-- bytes) and zipcode compares with the binary collation.
SELECT * FROM customer WHERE zipcode >= '98' AND zipcode < '99' AND zipcode LIKE '98___';

-- [1.5c] WRONG: the document's suggested replacement is a different query. It misses '98000'
-- (113: not greater than itself), and adds '99201' (110), '99501' (115) and the ZIP+4
-- '98104-1825' (127): 15 rows instead of 13.
SELECT * FROM customer WHERE zipcode > '98000';

-- [1.5d] A pattern that is only a prefix: '9800' followed by anything.
-- 3 rows: '98000' (113), '98004' (104) and the truncated '9800' (124).
SELECT * FROM customer WHERE zipcode LIKE '9800%';

-- [1.5e] Same rows as [1.5d], with no residual needed: every string in ['9800', '9801') starts
-- with '9800' and every string starting with '9800' is in it. (LIKE '98000%' would likewise
-- become zipcode >= '98000' AND zipcode < '98001'.)
SELECT * FROM customer WHERE zipcode >= '9800' AND zipcode < '9801';

-- [1.5f] A non-leading substring (Informix's zipcode[2,3] > '80'): no index on zipcode helps.
SELECT customer_num, zipcode FROM customer WHERE substr(zipcode, 2, 2) > '80';

-- [1.5g] A leading substring is another matter: every zipcode whose first two characters are
-- '98' lies in ['98', '99'), so SubstrPrefixToRange adds that range (which the index serves) and
-- keeps the substr: 16 rows, '9800' and '98104-1825' among them.
SELECT customer_num, zipcode FROM customer WHERE substr(zipcode, 1, 2) = '98';

---------------------------------------------------------------------------------------------------
-- SEEDS 1.6: temporary tables
---------------------------------------------------------------------------------------------------

-- [1.6a] The document's query, with its "..." filled in. cust and rcvbles are both distributed
-- by customer_id, so the join runs on each shard and the router only merges the sorted streams.
-- Customers 901..905 have invoices but no cust row: the inner join drops them.
SELECT cust.name, rcvbles.balance, rcvbles.due_date, cust.postcode, cust.customer_id
FROM cust, rcvbles
WHERE cust.customer_id = rcvbles.customer_id AND rcvbles.balance > 0
  AND cust.postcode > '98000'
ORDER BY cust.name;

-- [1.6b] The document's two steps as one statement. shardql has no SELECT ... INTO TEMP nor
-- CREATE TABLE ... AS: a CTE names the "customers with a balance" step. It carries postcode,
-- which the second step filters on (the document's "..." must include it). Same rows as [1.6a].
-- A CTE is not a cache: it is evaluated per statement, so this shows the shape of the rewrite,
-- not its saving.
WITH cust_with_balance AS (
  SELECT cust.customer_id, cust.name, cust.postcode, rcvbles.invoice_num, rcvbles.balance,
         rcvbles.due_date
  FROM cust, rcvbles
  WHERE cust.customer_id = rcvbles.customer_id AND rcvbles.balance > 0
)
SELECT name, balance, due_date, postcode, customer_id
FROM cust_with_balance
WHERE postcode > '98000'
ORDER BY name;

-- [1.6c] Materialised for real, as the document intends, with plain CREATE TABLE and
-- INSERT ... SELECT. Distributed like its sources (each row lands on the shard of its customer,
-- so it stays co-located with cust and rcvbles), and indexed on name so each shard reads in
-- order and the router merges: a hash-distributed table has no global order, and the final
-- query still needs its ORDER BY. The document's caveat holds: this is a snapshot that later
-- changes to cust or rcvbles do not reach, so it is dropped at the end (refresh it by running
-- the DROP, CREATE and INSERT again).
DROP TABLE IF EXISTS cust_with_balance;

CREATE TABLE cust_with_balance (
  customer_id INTEGER NOT NULL,
  invoice_num INTEGER NOT NULL,
  name        VARCHAR(40) NOT NULL,
  postcode    TEXT,
  balance     NUMERIC(10,2),
  due_date    TEXT,
  PRIMARY KEY (customer_id, invoice_num)
) DISTRIBUTE BY HASH (customer_id);

CREATE INDEX cust_with_balance_name_idx ON cust_with_balance (name);

INSERT INTO cust_with_balance (customer_id, invoice_num, name, postcode, balance, due_date)
SELECT cust.customer_id, rcvbles.invoice_num, cust.name, cust.postcode, rcvbles.balance,
       rcvbles.due_date
FROM cust, rcvbles
WHERE cust.customer_id = rcvbles.customer_id AND rcvbles.balance > 0;

-- [1.6c] (the query step) Same rows as [1.6a].
SELECT name, balance, due_date, postcode, customer_id
FROM cust_with_balance
WHERE postcode > '98000'
ORDER BY name;

DROP TABLE cust_with_balance;

-- [1.6d] A CTE read twice: customers with more orders than the average customer. The shards
-- count each customer's orders once (two phases: orders is distributed by order_num), and both
-- references read the one result in the router (ComputeSharedCtesOnce), instead of the router
-- fetching orders and counting it for each reference. Order 1024's NULL customer is a group too.
WITH per_customer AS (SELECT customer_num, count(*) AS n FROM orders GROUP BY customer_num)
SELECT customer_num, n FROM per_customer
WHERE n > (SELECT avg(n) FROM per_customer)
ORDER BY customer_num;

---------------------------------------------------------------------------------------------------
-- SEEDS 1.8: part / vendor / parven
---------------------------------------------------------------------------------------------------

-- [1.8a] The document's join. part and vendor are reference tables (a copy on every shard), so
-- the whole join runs shard-locally on parven's rows and the router merge-sorts by part_num.
-- Rows of one part come in no particular vendor order (the document sorts by part_num only).
SELECT part.part_num, part.description, vendor.vendor_num, vendor.name, parven.part_amount
FROM part, vendor, parven
WHERE part.part_num = parven.part_num AND vendor.vendor_num = parven.vendor_num
ORDER BY part.part_num;

-- [1.8b] Vendors per part, including parts nobody supplies (39, 40: count 0). A reference table
-- on the preserved side of an outer join with a distributed table cannot simply run on every
-- shard: each shard would report parts 39 and 40 (and every part it holds no parven rows for).
SELECT part.part_num, part.description, COUNT(parven.vendor_num) AS vendors
FROM part LEFT JOIN parven ON parven.part_num = part.part_num
GROUP BY part.part_num, part.description
ORDER BY part.part_num;

---------------------------------------------------------------------------------------------------
-- Everyday queries
---------------------------------------------------------------------------------------------------

-- [e.point] Point lookup on the shard key: one shard.
SELECT * FROM customer WHERE customer_num = 104;

-- [e.in] IN list on the shard key: only the shards of these keys (1999 does not exist).
SELECT order_num, order_date, customer_num, ship_date
FROM orders
WHERE order_num IN (1002, 1008, 1024, 1999)
ORDER BY order_num;

-- [e.scatter] A filter on a column that is not the shard key: every shard.
SELECT order_num, order_date, ship_instruct FROM orders WHERE customer_num = 104 ORDER BY order_num;

-- [e.colocated] Co-located join and aggregate: cust and rcvbles share the shard key, so each
-- customer's group is complete on one shard. NULL balances are ignored by SUM, and ROUND keeps
-- the result independent of the order in which shards add up REAL values.
SELECT cust.customer_id, cust.name, COUNT(*) AS invoices, ROUND(SUM(rcvbles.balance), 2) AS owed
FROM cust JOIN rcvbles ON rcvbles.customer_id = cust.customer_id
GROUP BY cust.customer_id, cust.name
HAVING SUM(rcvbles.balance) > 5000
ORDER BY owed DESC, cust.customer_id;

-- [e.groupby] GROUP BY a column that is not the shard key, with HAVING: partial counts from
-- every shard are combined before HAVING can be applied.
SELECT city, COUNT(*) AS customers
FROM cust
GROUP BY city
HAVING COUNT(*) >= 20
ORDER BY customers DESC, city;

-- [e.avg] AVG of an INTEGER column: 93 rows, 5 of them NULL, so the average is over 88 values
-- (145.75, not an integer). Merging per-shard averages would be wrong: the router must combine
-- sums and counts, and must not divide them as integers.
SELECT AVG(part_amount) AS avg_amount, COUNT(part_amount) AS amounts, COUNT(*) AS pairs
FROM parven;

-- [e.distinct] DISTINCT over a column that is not the shard key.
SELECT DISTINCT state FROM customer ORDER BY state;

-- [e.join] A join that is not co-located (customer by customer_num, orders by order_num):
-- rows must move. Customers 105, 113, 120, 125 and 129 have no orders (count 0).
SELECT c.customer_num, c.lname, COUNT(o.order_num) AS orders
FROM customer AS c LEFT JOIN orders AS o ON o.customer_num = c.customer_num
GROUP BY c.customer_num, c.lname
ORDER BY c.customer_num;

-- [e.noorders] The customers with no orders: 105, 113, 120, 125, 129.
SELECT customer_num, fname, lname
FROM customer AS c
WHERE NOT EXISTS (SELECT 1 FROM orders AS o WHERE o.customer_num = c.customer_num)
ORDER BY customer_num;

-- [e.notin] WRONG as an answer to the same question: order 1024's NULL customer_num makes
-- customer_num NOT IN (...) unknown for every customer, so this returns no rows at all.
SELECT customer_num, fname, lname
FROM customer
WHERE customer_num NOT IN (SELECT customer_num FROM orders)
ORDER BY customer_num;

-- [e.flight] Point lookup on flights' shard key, and an IN list of them (5001 does not exist).
SELECT * FROM flights WHERE flight_id = 42;

SELECT flight_id, flight_date, unique_carrier, flight_num, origin, dest
FROM flights
WHERE flight_id IN (1, 42, 4999, 5000, 5001)
ORDER BY flight_id;

-- [e.count] COUNT(*) against COUNT(column): cancelled flights have no dep_time, diverted ones no
-- arr_time.
SELECT COUNT(*) AS flights, COUNT(dep_time) AS departed, COUNT(arr_time) AS arrived,
       SUM(cancelled) AS cancelled, SUM(diverted) AS diverted
FROM flights;

-- [e.limit] ORDER BY ... LIMIT: each shard can send its own top 10, the router keeps 10 of them.
-- flight_id breaks ties so the answer is unique.
SELECT flight_id, flight_date, unique_carrier, flight_num, origin, dest, dep_delay
FROM flights
WHERE dep_delay IS NOT NULL
ORDER BY dep_delay DESC, flight_id
LIMIT 10;

-- [e.carriers] AVG of integers per group, with HAVING: average arrival delay per carrier, over
-- the flights that arrived (AVG ignores the NULLs of cancelled and diverted flights).
SELECT unique_carrier, COUNT(*) AS flights, COUNT(arr_delay) AS arrived,
       AVG(arr_delay) AS avg_arr_delay
FROM flights
GROUP BY unique_carrier
HAVING COUNT(*) >= 100
ORDER BY unique_carrier;

-- [e.routes] DISTINCT over two columns: the routes flown.
SELECT COUNT(*) AS routes FROM (SELECT DISTINCT origin, dest FROM flights) AS r;

---------------------------------------------------------------------------------------------------
-- SEEDS 4: the flight-records jobs
---------------------------------------------------------------------------------------------------

-- [4.filter] Filter (reads far more than it writes): flights per departure airport in a time
-- window, summer 2000. The window uses the integer date columns, so it means the same before
-- and after the Recorder job rewrites flight_date.
SELECT origin, COUNT(*) AS departures
FROM flights
WHERE month BETWEEN 6 AND 8
GROUP BY origin
ORDER BY departures DESC, origin;

-- [4.filter-both] The same window counting departures and arrivals per airport.
SELECT airport, COUNT(*) AS movements
FROM (
  SELECT origin AS airport FROM flights WHERE month BETWEEN 6 AND 8
  UNION ALL
  SELECT dest AS airport FROM flights WHERE month BETWEEN 6 AND 8
) AS m
GROUP BY airport
ORDER BY movements DESC, airport
LIMIT 10;

-- [4.recorder] Recorder (writes as much as it reads): '2000,12,05' becomes '2000-12-05'. The
-- WHERE makes it idempotent: a second run finds nothing to change.
UPDATE flights SET flight_date = replace(flight_date, ',', '-') WHERE flight_date LIKE '2000,%';

-- [4.recorder-check] 0 rows left with a comma, and dates now in ISO order from 2000-01-01.
SELECT COUNT(*) AS with_comma FROM flights WHERE flight_date LIKE '%,%';

SELECT MIN(flight_date) AS first_day, MAX(flight_date) AS last_day FROM flights;

-- [4.merge] Merge (writes about four times what it reads): a 1000-byte note on every row.
-- hex(zeroblob(500)) is 1000 '0' characters, i.e. 500 '00' pairs, each replaced by the hex
-- digits (at least 2) of a number scrambled from flight_id, then cut to 1000 characters. The
-- note varies by row but is deterministic, and no printf is needed. (hex and zeroblob are
-- SQLite functions, present in 3.40. On PostgreSQL the same note would be
-- substr(repeat(md5(flight_id::text), 32), 1, 1000).)
UPDATE flights
SET note = substr(replace(hex(zeroblob(500)), '00', hex((flight_id * 2654435761) % 4294967291)),
                  1, 1000)
WHERE note IS NULL;

-- [4.merge-check] Every row has a note of exactly 1000 bytes.
SELECT COUNT(*) AS flights, COUNT(note) AS with_note, MIN(length(note)) AS shortest,
       MAX(length(note)) AS longest
FROM flights;
