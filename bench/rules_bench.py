#!/usr/bin/env python3
"""The rewrite rules' speed-ups: each workload with the rules on (the default) against the same
statement with SET enable_rewrites = off, side by side in one run.

A cluster of 4 SQLite shards, built once per run in a temporary folder:
  orders(order_num INTEGER PRIMARY KEY, customer_num, ship, weight)   hashed on order_num,
      indexed on customer_num; --rows rows, customer_num uniform in 1..--rows/20
  customer(customer_num INTEGER PRIMARY KEY, name, zipcode TEXT, city TEXT COLLATE NOCASE)
      hashed on customer_num, indexed on zipcode and city; --rows rows, zipcode five digits
      uniform in 10000..99999 (so '98___' is about 1.1% of the rows)
  carrier(code INTEGER PRIMARY KEY, name, zone)   hashed on code; 1,000 rows, zone = code % 50
      (a join on orders.customer_num is not co-located: orders is hashed on order_num)
  the seed's part / vendor / parven: part(part_num PRIMARY KEY, name) hashed on part_num,
      --rows/10 rows; vendor(vendor_num PRIMARY KEY, name, zone) hashed on vendor_num, 1,000
      rows, zone = vendor_num % 50; parven(part_num, vendor_num, part_amount) hashed on part_num
      (co-located with part, not with vendor), --rows rows, indexed on part_num and vendor_num
      (the seed lists them part, vendor, parven; shardql does not reorder a comma join, and part
      beside vendor is a cross join, so the workload lists part, parven, vendor)
then ANALYZE. Every workload runs `--rounds` times on each side, the sides alternating statement
by statement (A/B/A/B) inside one `shardql shell` so load from elsewhere hits both; the figures
are medians of `\\timing`. Rows moved (shards to router) come from one EXPLAIN ANALYZE per side.

Workloads where a rule should fire (speed-up = off / on) and, for each rule, one where it
matches but the cost model must keep it from firing (never more than 1.05x slower with it on).
"Off" is SET enable_rewrites = off with the distributor's ComputeSharedCtesOnce switched off too
(MaterializeTempTable's half for a CTE read twice).

Usage: rules_bench.py --shardql BIN [--rows 1000000] [--rounds 9]
"""
import argparse
import os
import random
import re
import statistics
import sys
import tempfile

from shardql_cluster import shell, write_config

WORKLOADS = [
    # (name, rule, must fire?, statement)
    ("seed OR query", "SplitOrToUnion", True,
     "SELECT * FROM orders WHERE (customer_num = 104 AND order_num > 1001) OR order_num = 1008"),
    ("OR of two keys", "SplitOrToUnion", True,
     "SELECT * FROM orders WHERE order_num = 1001 OR order_num = 500008"),
    ("OR on a non-key indexed column", "SplitOrToUnion", False,
     "SELECT * FROM orders WHERE customer_num = 104 OR customer_num = 2007"),
    ("LIKE '98___' with an index", "LikePrefixToRange", True,
     "SELECT customer_num, zipcode FROM customer WHERE zipcode LIKE '98___'"),
    ("LIKE without wildcards", "LikePrefixToRange", True,
     "SELECT customer_num FROM customer WHERE zipcode LIKE '98101'"),
    ("LIKE on a NOCASE column SQLite indexes itself", "LikePrefixToRange", False,
     "SELECT customer_num FROM customer WHERE city LIKE 'sea%'"),
    ("LIKE '9%' matching a tenth of the rows", "LikePrefixToRange", False,
     "SELECT count(*) FROM customer WHERE zipcode LIKE '9%'"),
    ("broadcast join: 1,000 carriers x orders", "MaterializeTempTable", True,
     "SELECT c.zone, count(*), sum(o.weight) FROM orders o JOIN carrier c "
     "ON o.customer_num = c.code WHERE c.zone < 20 GROUP BY c.zone"),
    ("broadcast join: an eighth of customer x orders", "MaterializeTempTable", True,
     "SELECT count(*) FROM orders o JOIN customer c ON c.customer_num = o.customer_num "
     "WHERE c.city = 'Seattle'"),
    ("join of two large tables, nothing filtered", "MaterializeTempTable", False,
     "SELECT count(*) FROM orders o JOIN customer c ON c.customer_num = o.customer_num"),
    ("seed cust/rcvbles: balances of zipcodes > '98000'", "MaterializeTempTable", True,
     "SELECT c.name, o.weight FROM customer c, orders o WHERE c.customer_num = o.customer_num "
     "AND o.weight > 99 AND c.zipcode > '98000' ORDER BY c.name, o.weight"),
    ("seed part/vendor/parven, vendors of zone 7", "MaterializeTempTable", True,
     "SELECT part.part_num, vendor.vendor_num, parven.part_amount FROM part, parven, vendor "
     "WHERE part.part_num = parven.part_num AND vendor.vendor_num = parven.vendor_num "
     "AND vendor.zone = 7 ORDER BY part.part_num, vendor.vendor_num"),
    ("substr(zipcode, 1, 2) = '98' with an index", "SubstrPrefixToRange", True,
     "SELECT customer_num, zipcode FROM customer WHERE substr(zipcode, 1, 2) = '98'"),
    ("substr(zipcode, 1, 1) = '9', a tenth of the rows", "SubstrPrefixToRange", True,
     "SELECT count(*) FROM customer WHERE substr(zipcode, 1, 1) = '9'"),
    ("substr of a column without an index", "SubstrPrefixToRange", False,
     "SELECT count(*) FROM customer WHERE substr(name, 1, 5) = 'name1'"),
    ("CTE read twice: customers above the average", "ComputeSharedCtesOnce", True,
     "WITH t AS (SELECT customer_num, count(*) AS n, sum(weight) AS w FROM orders "
     "GROUP BY customer_num) SELECT count(*) FROM t WHERE w > (SELECT avg(w) FROM t)"),
]

# Each side's settings, one statement each.
SIDES = {
    "on": ["SET enable_rewrites = on;", "SET disabled_rules = '';"],
    "off": ["SET enable_rewrites = off;", "SET disabled_rules = 'ComputeSharedCtesOnce';"],
}


def fired_in(rule, explain_output):
    if rule == "ComputeSharedCtesOnce":  # a distributor step: its table is in the plan
        return "Load shardql_cte_" in explain_output
    return f"{rule} fired" in explain_output




def build(shardql, work, rows):
    config = write_config(work)
    rng = random.Random(9)
    cities = ["Seattle", "Portland", "Spokane", "Tacoma", "Boise", "Eugene", "Salem", "Olympia"]
    with open(os.path.join(work, "orders.csv"), "w") as f:
        for k in range(1, rows + 1):
            f.write(f"{k},{rng.randint(1, max(rows // 20, 1))},{rng.choice(['express', 'ground'])},"
                    f"{rng.randint(1, 1000) / 10}\n")
    with open(os.path.join(work, "carrier.csv"), "w") as f:
        for k in range(1, 1001):
            f.write(f"{k},carrier{k},{k % 50}\n")
    with open(os.path.join(work, "customer.csv"), "w") as f:
        for k in range(1, rows + 1):
            f.write(f"{k},name{k},{rng.randint(10000, 99999)},{rng.choice(cities)}\n")
    parts = max(rows // 10, 1)
    with open(os.path.join(work, "part.csv"), "w") as f:
        for k in range(1, parts + 1):
            f.write(f"{k},part{k}\n")
    with open(os.path.join(work, "vendor.csv"), "w") as f:
        for k in range(1, 1001):
            f.write(f"{k},vendor{k},{k % 50}\n")
    with open(os.path.join(work, "parven.csv"), "w") as f:
        for _ in range(rows):
            f.write(f"{rng.randint(1, parts)},{rng.randint(1, 1000)},{rng.randint(1, 500)}\n")
    shell(shardql, config, f"""
CREATE TABLE orders (order_num INTEGER PRIMARY KEY, customer_num INTEGER, ship TEXT, weight REAL)
  DISTRIBUTE BY HASH (order_num);
CREATE INDEX orders_customer_num ON orders (customer_num);
CREATE TABLE customer (customer_num INTEGER PRIMARY KEY, name TEXT, zipcode TEXT,
  city TEXT COLLATE NOCASE) DISTRIBUTE BY HASH (customer_num);
CREATE INDEX customer_zipcode ON customer (zipcode);
CREATE INDEX customer_city ON customer (city);
\\copy orders FROM '{work}/orders.csv' WITH (FORMAT csv)
\\copy customer FROM '{work}/customer.csv' WITH (FORMAT csv)
CREATE TABLE carrier (code INTEGER PRIMARY KEY, name TEXT, zone INTEGER)
  DISTRIBUTE BY HASH (code);
\\copy carrier FROM '{work}/carrier.csv' WITH (FORMAT csv)
CREATE TABLE part (part_num INTEGER PRIMARY KEY, name TEXT) DISTRIBUTE BY HASH (part_num);
CREATE TABLE vendor (vendor_num INTEGER PRIMARY KEY, name TEXT, zone INTEGER)
  DISTRIBUTE BY HASH (vendor_num);
CREATE TABLE parven (part_num INTEGER, vendor_num INTEGER, part_amount INTEGER)
  DISTRIBUTE BY HASH (part_num);
CREATE INDEX parven_part_num ON parven (part_num);
CREATE INDEX parven_vendor_num ON parven (vendor_num);
\\copy part FROM '{work}/part.csv' WITH (FORMAT csv)
\\copy vendor FROM '{work}/vendor.csv' WITH (FORMAT csv)
\\copy parven FROM '{work}/parven.csv' WITH (FORMAT csv)
ANALYZE;
""", os.path.join(work, "load.sql"))
    return config


def rows_moved(explain_output):
    return sum(int(n) for n in re.findall(r"actual s\d+: (\d+) rows", explain_output))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shardql", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    shardql = os.path.abspath(args.shardql)
    with tempfile.TemporaryDirectory(prefix="shardql-rules-") as work:
        print(f"building {args.rows} rows per table on 4 shards ...", file=sys.stderr)
        config = build(shardql, work, args.rows)
        # Which rules fire, and the rows each side moves.
        fired, moved = {}, {}
        for name, rule, _, sql in WORKLOADS:
            out_on = shell(shardql, config, f"EXPLAIN ANALYZE {sql};\n", f"{work}/e.sql")
            out_off = shell(shardql, config,
                            "\n".join(SIDES["off"]) + f"\nEXPLAIN ANALYZE {sql};\n",
                            f"{work}/e.sql")
            fired[name] = fired_in(rule, out_on)
            moved[name] = (rows_moved(out_on), rows_moved(out_off))
        script = ["\\o /dev/null", "\\timing on"]
        order = []
        for r in range(args.rounds + 1):  # round 0 warms caches and plans, not counted
            for name, _, _, sql in WORKLOADS:
                for side in ("on", "off") if r % 2 == 0 else ("off", "on"):
                    script.extend(SIDES[side])
                    script.append(sql + ";")
                    order.append((r, name, side))
        out = shell(shardql, config, "\n".join(script) + "\n", f"{work}/bench.sql")
    times = [float(t) for t in re.findall(r"^Time: ([0-9.]+) ms", out, re.M)]
    # Every statement is timed, the SETs too: keep the queries' times.
    per_query = len(SIDES["on"]) + 1
    times = times[per_query - 1::per_query]
    if len(times) != len(order):
        sys.exit(f"expected {len(order)} timings, got {len(times)}")
    samples = {}
    for (r, name, side), t in zip(order, times):
        if r > 0:
            samples.setdefault((name, side), []).append(t)
    print(f"{'workload':52} {'rule':21} {'fires':>5} {'on ms':>9} {'off ms':>9} {'speed-up':>8}"
          f" {'rows moved on/off':>18}")
    for name, rule, must_fire, _ in WORKLOADS:
        on = statistics.median(samples[(name, "on")])
        off = statistics.median(samples[(name, "off")])
        flag = "yes" if fired[name] else "no"
        if fired[name] != must_fire:
            flag += "!"  # not what the workload is for
        print(f"{name:52} {rule:21} {flag:>5} {on:9.3f} {off:9.3f} {off / on:7.2f}x"
              f" {moved[name][0]:>8} / {moved[name][1]:<8}")


if __name__ == "__main__":
    main()
