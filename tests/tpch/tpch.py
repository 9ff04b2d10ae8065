#!/usr/bin/env python3
"""TPC-H on SQLite shards, checked against PostgreSQL 15 and timed against one SQLite file.

Loads the generated data (../shared/extern/tpch/data/sfN) into a 4-shard SQLite cluster through
shardql's \\copy (lineitem and orders on the order key, partsupp and part on the part key,
customer and supplier on their keys, nation and region as reference tables), into one SQLite file
with the same primary keys, and into a private PostgreSQL server. Each of the 22 queries runs
unchanged (PostgreSQL's text) through shardql and PostgreSQL, whose answer is the oracle; the
one-file time is the same query in SQLite's spelling. Prints a line per query and
`N passed, N failed`; exit status 1 when any failed.

Usage: tpch.py --shardql BIN --data DIR --queries DIR [--timeout S] [--only q01,q06] [--runs N]
               [--keep DIR]

--runs N times each query N times on both sides, alternating, and prints the medians. --keep DIR
loads the cluster and the one file into DIR once and reuses them on the next run with the same DIR
(for trying a change to the planner; the PostgreSQL side is loaded every time).
"""
import argparse
import csv
import gzip
import math
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pg"))
from pg_server import PostgresServer  # noqa: E402

# Columns of dss.ddl, with the primary keys the TPC-H spec names.
TABLES = {
    "region": ("r_regionkey INTEGER NOT NULL, r_name CHAR(25) NOT NULL, r_comment VARCHAR(152)",
               "r_regionkey", None),
    "nation": ("n_nationkey INTEGER NOT NULL, n_name CHAR(25) NOT NULL, "
               "n_regionkey INTEGER NOT NULL, n_comment VARCHAR(152)", "n_nationkey", None),
    "part": ("p_partkey INTEGER NOT NULL, p_name VARCHAR(55) NOT NULL, p_mfgr CHAR(25) NOT NULL, "
             "p_brand CHAR(10) NOT NULL, p_type VARCHAR(25) NOT NULL, p_size INTEGER NOT NULL, "
             "p_container CHAR(10) NOT NULL, p_retailprice DECIMAL(15,2) NOT NULL, "
             "p_comment VARCHAR(23) NOT NULL", "p_partkey", "p_partkey"),
    "supplier": ("s_suppkey INTEGER NOT NULL, s_name CHAR(25) NOT NULL, "
                 "s_address VARCHAR(40) NOT NULL, s_nationkey INTEGER NOT NULL, "
                 "s_phone CHAR(15) NOT NULL, s_acctbal DECIMAL(15,2) NOT NULL, "
                 "s_comment VARCHAR(101) NOT NULL", "s_suppkey", "s_suppkey"),
    "partsupp": ("ps_partkey INTEGER NOT NULL, ps_suppkey INTEGER NOT NULL, "
                 "ps_availqty INTEGER NOT NULL, ps_supplycost DECIMAL(15,2) NOT NULL, "
                 "ps_comment VARCHAR(199) NOT NULL", "ps_partkey, ps_suppkey", "ps_partkey"),
    "customer": ("c_custkey INTEGER NOT NULL, c_name VARCHAR(25) NOT NULL, "
                 "c_address VARCHAR(40) NOT NULL, c_nationkey INTEGER NOT NULL, "
                 "c_phone CHAR(15) NOT NULL, c_acctbal DECIMAL(15,2) NOT NULL, "
                 "c_mktsegment CHAR(10) NOT NULL, c_comment VARCHAR(117) NOT NULL",
                 "c_custkey", "c_custkey"),
    "orders": ("o_orderkey INTEGER NOT NULL, o_custkey INTEGER NOT NULL, "
               "o_orderstatus CHAR(1) NOT NULL, o_totalprice DECIMAL(15,2) NOT NULL, "
               "o_orderdate DATE NOT NULL, o_orderpriority CHAR(15) NOT NULL, "
               "o_clerk CHAR(15) NOT NULL, o_shippriority INTEGER NOT NULL, "
               "o_comment VARCHAR(79) NOT NULL", "o_orderkey", "o_orderkey"),
    "lineitem": ("l_orderkey INTEGER NOT NULL, l_partkey INTEGER NOT NULL, "
                 "l_suppkey INTEGER NOT NULL, l_linenumber INTEGER NOT NULL, "
                 "l_quantity DECIMAL(15,2) NOT NULL, l_extendedprice DECIMAL(15,2) NOT NULL, "
                 "l_discount DECIMAL(15,2) NOT NULL, l_tax DECIMAL(15,2) NOT NULL, "
                 "l_returnflag CHAR(1) NOT NULL, l_linestatus CHAR(1) NOT NULL, "
                 "l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, "
                 "l_receiptdate DATE NOT NULL, l_shipinstruct CHAR(25) NOT NULL, "
                 "l_shipmode CHAR(10) NOT NULL, l_comment VARCHAR(44) NOT NULL",
                 "l_orderkey, l_linenumber", "l_orderkey"),
}


def create_sql(name, distributed):
    columns, key, hash_key = TABLES[name]
    sql = f"CREATE TABLE {name} ({columns}, PRIMARY KEY ({key}))"
    if distributed:
        sql += f" DISTRIBUTE BY HASH ({hash_key})" if hash_key else " DISTRIBUTE BY REFERENCE"
    return sql


def sqlite_spelling(name, sql):
    """The query as one SQLite file runs it: dates as ISO text, strftime, substr."""
    sql = re.sub(r"CAST\('([^']*)' AS date\)", r"'\1'", sql)
    sql = re.sub(r"\bdate '([^']*)'", r"'\1'", sql)
    sql = re.sub(r"extract\(year FROM (\w+)\)", r"CAST(strftime('%Y', \1) AS INTEGER)", sql)
    sql = re.sub(r"substring\((\w+) FROM (\d+) FOR (\d+)\)", r"substr(\1, \2, \3)", sql)
    if name == "q13":  # no derived column lists in SQLite
        sql = sql.replace("count(o_orderkey)", "count(o_orderkey) AS c_count")
        sql = re.sub(r"AS c_orders \(c_custkey,\s*c_count\)", "AS c_orders", sql)
    return sql


def same_rows(expected, got):
    """PostgreSQL's rows against shardql's: numbers to 1e-9 relative (SQLite computes DECIMAL in
    REAL), text without CHAR(n)'s blank padding, which SQLite does not add."""
    if len(expected) != len(got):
        return f"{len(got)} rows, PostgreSQL {len(expected)}"
    for i, (a, b) in enumerate(zip(expected, got)):
        if len(a) != len(b):
            return f"row {i + 1}: {len(b)} columns, PostgreSQL {len(a)}"
        for x, y in zip(a, b):
            if x.rstrip() == y.rstrip():
                continue
            try:
                fx, fy = float(x), float(y)
            except ValueError:
                return f"row {i + 1}: {b} vs PostgreSQL {a}"
            if abs(fx - fy) > 1e-9 * max(1.0, abs(fx), abs(fy)):
                return f"row {i + 1}: {b} vs PostgreSQL {a}"
    return None


def rows_of(text):
    """-At output: a line per row, even a row of one NULL (an empty line)."""
    if not text:
        return []
    return [line.split("|") for line in text[:-1].split("\n")] if text.endswith("\n") else \
        [line.split("|") for line in text.split("\n")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shardql", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--only", default="")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--keep", default="")
    args = ap.parse_args()
    shardql = os.path.abspath(args.shardql)
    queries = sorted(f[:-4] for f in os.listdir(args.queries) if re.match(r"q\d\d\.sql$", f))
    if args.only:
        queries = [q for q in queries if q in args.only.split(",")]

    work = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="shardql-tpch-")
    os.makedirs(work, exist_ok=True)
    loaded_marker = os.path.join(work, "loaded")
    reuse = bool(args.keep) and os.path.exists(loaded_marker)
    try:
        config = os.path.join(work, "cluster.ini")
        with open(config, "w") as f:
            for i in range(4):
                f.write(f"[shard.s{i}]\nsqlite = s{i}.db\n")

        def run_shardql(*argv, timeout=None):
            return subprocess.run([shardql, "shell", "--config", config, *argv],
                                  capture_output=True, text=True, timeout=timeout)

        # The data, unzipped once for all three loaders.
        files = {}
        for name in TABLES:
            files[name] = os.path.join(work, f"{name}.tbl")
            with gzip.open(os.path.join(args.data, f"{name}.tbl.gz"), "rb") as src, \
                    open(files[name], "wb") as dst:
                shutil.copyfileobj(src, dst)

        if not reuse:
            for f in os.listdir(work):
                if f.endswith((".db", ".db-wal", ".db-shm")) or ".db." in f:
                    path = os.path.join(work, f)
                    shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        started = time.perf_counter()
        for name in TABLES if not reuse else []:
            p = run_shardql("-c", create_sql(name, True), "-c",
                            f"\\copy {name} FROM '{files[name]}' (FORMAT csv, DELIMITER '|')")
            if p.returncode != 0:
                sys.exit(f"loading {name} into shardql failed: {p.stderr}")
        shardql_load = time.perf_counter() - started

        one = sqlite3.connect(os.path.join(work, "one.db"))
        one.execute("PRAGMA journal_mode = WAL")
        started = time.perf_counter()
        for name in TABLES if not reuse else []:
            one.execute(create_sql(name, False))
            with open(files[name], newline="") as f:
                rows = list(csv.reader(f, delimiter="|"))
            marks = ", ".join("?" * len(rows[0]))
            one.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
            one.commit()
        sqlite_load = time.perf_counter() - started
        if reuse:
            print(f"reusing the cluster and the one file loaded in {work}")
        else:
            print(f"loaded: shardql \\copy {shardql_load:.1f} s, "
                  f"one SQLite file {sqlite_load:.1f} s")
            open(loaded_marker, "w").close()

        passed = failed = 0
        ratios = []
        with PostgresServer() as pg:
            for name in TABLES:
                code, _, err = pg.psql(create_sql(name, False))
                code2, _, err2 = pg.psql(
                    f"\\copy {name} FROM '{files[name]}' (FORMAT csv, DELIMITER '|')")
                if code or code2:
                    sys.exit(f"loading {name} into PostgreSQL failed: {err}{err2}")
            pg.psql("ANALYZE")
            print(f"{'query':6} {'result':8} {'shardql ms':>11} {'1 file ms':>10} {'ratio':>6} "
                  f"{'rows moved':>11}")
            for q in queries:
                sql = open(os.path.join(args.queries, f"{q}.sql")).read()
                code, pg_out, pg_err = pg.psql(sql)
                if code != 0:
                    sys.exit(f"{q}: PostgreSQL failed: {pg_err}")
                timed = os.path.join(work, f"{q}.sql")
                with open(timed, "w") as f:
                    f.write("\\timing on\n" + sql)
                shardql_times, one_times, problem = [], [], None
                for _ in range(args.runs):
                    try:
                        p = run_shardql("-At", "-f", timed, timeout=args.timeout)
                        out = [line for line in p.stdout.splitlines() if line != "Timing is on."]
                        ms = [float(m) for m in re.findall(r"^Time: ([0-9.]+) ms",
                                                           "\n".join(out), re.M)]
                        rows = [line for line in out if not line.startswith("Time: ")]
                        body = "".join(line + "\n" for line in rows)
                        problem = (p.stderr.strip().splitlines() or ["failed"])[0] \
                            if p.returncode else same_rows(rows_of(pg_out), rows_of(body))
                        shardql_times.append(ms[0] if ms else float("nan"))
                    except subprocess.TimeoutExpired:
                        problem = f"timed out after {args.timeout:.0f} s"
                        shardql_times.append(float("nan"))
                    started = time.perf_counter()
                    one.execute(sqlite_spelling(q, sql)).fetchall()
                    one_times.append((time.perf_counter() - started) * 1000)
                    if problem:
                        break
                shardql_ms = statistics.median(shardql_times)
                one_ms = statistics.median(one_times)
                moved = "-"
                if not problem:
                    e = run_shardql("-At", "-c", "EXPLAIN ANALYZE " + sql.rstrip().rstrip(";"),
                                    timeout=args.timeout)
                    moved = sum(int(n) for n in re.findall(r"actual s\w+: (\d+) rows", e.stdout))
                status = "equal" if not problem else "FAILED"
                print(f"{q:6} {status:8} {shardql_ms:11.1f} {one_ms:10.1f} "
                      f"{shardql_ms / one_ms if one_ms else float('nan'):6.2f} {moved:>11}"
                      + (f"  {problem}" if problem else ""), flush=True)
                if problem:
                    failed += 1
                else:
                    passed += 1
                    if one_ms > 0 and shardql_ms == shardql_ms:
                        ratios.append(shardql_ms / one_ms)
        if ratios:
            geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
            print(f"ratio shardql / one file: geometric mean {geomean:.2f}, "
                  f"{sum(r <= 1.5 for r in ratios)} of {len(ratios)} within 1.5x")
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
