#!/usr/bin/env python3
"""Loading TPC-H data: shardql on 4 SQLite shards against the sqlite3 CLI on one file (WAL).

Side by side in one run, alternating (A/B/A/B) --runs times, each run into fresh files:
  shardql \\copy     each table's CSV through `\\copy` in one `shardql shell -f` script
  shardql INSERTs   the same rows as 500-row INSERT statements through `shardql shell -f`
  sqlite3 CLI       those INSERT statements through `sqlite3` into one file in WAL mode
with the tables and primary keys of tests/tpch/tpch.py (lineitem and orders on the order key,
partsupp and part on the part key, customer and supplier on their keys, nation and region as
reference tables). Prints each run and the medians, the ratios to the CLI, and the peak RSS of
any one shardql process.

Usage: tpch_load.py --shardql BIN --data ../shared/extern/tpch/data/sf0.1 [--runs 3]
"""
import argparse
import csv
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "tpch"))
from tpch import TABLES, create_sql  # noqa: E402


def sql_literal(value):
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value.replace("'", "''") + "'"


def run_timed(argv, stdin=None):
    """Wall seconds and peak RSS (KB) of one process; exits on failure. GNU time measures the RSS:
    a child forked from this (large) Python process would count the parent's pages."""
    started = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "maxrss %M", *argv], stdin=stdin,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if p.returncode != 0 or "ERROR" in p.stderr:
        sys.exit(f"{' '.join(argv[:3])} failed: {p.stderr[:2000]}")
    return seconds, int(p.stderr.rsplit("maxrss ", 1)[1].split()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shardql", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    shardql = os.path.abspath(args.shardql)
    work = tempfile.mkdtemp(prefix="shardql-load-")
    try:
        files, inserts = {}, os.path.join(work, "inserts.sql")
        with open(inserts, "w") as out:
            out.write("PRAGMA journal_mode = WAL;\n")
            for name in TABLES:
                files[name] = os.path.join(work, f"{name}.tbl")
                with gzip.open(os.path.join(args.data, f"{name}.tbl.gz"), "rb") as src, \
                        open(files[name], "wb") as dst:
                    shutil.copyfileobj(src, dst)
                out.write(create_sql(name, True) + ";\n")
                # Streamed: a large parent would count in its children's peak RSS (fork).
                with open(files[name], newline="") as f:
                    batch = []
                    for row in csv.reader(f, delimiter="|"):
                        batch.append("(" + ", ".join(sql_literal(v) for v in row) + ")")
                        if len(batch) == 500:
                            out.write(f"INSERT INTO {name} VALUES {', '.join(batch)};\n")
                            batch = []
                    if batch:
                        out.write(f"INSERT INTO {name} VALUES {', '.join(batch)};\n")
        # The CLI reads the same statements without the DISTRIBUTE BY clauses; shardql without
        # SQLite's PRAGMA.
        cli_inserts = os.path.join(work, "cli.sql")
        shardql_inserts = os.path.join(work, "shardql.sql")
        with open(inserts) as src, open(cli_inserts, "w") as cli, open(shardql_inserts, "w") as sq:
            for line in src:
                if not line.startswith("PRAGMA"):
                    sq.write(line)
                if line.startswith("CREATE TABLE"):
                    line = line[:line.index(" DISTRIBUTE BY")] + ";\n"
                cli.write(line)

        def fresh(side):
            folder = os.path.join(work, side)
            shutil.rmtree(folder, ignore_errors=True)
            os.makedirs(folder)
            with open(os.path.join(folder, "cluster.ini"), "w") as f:
                for i in range(4):
                    f.write(f"[shard.s{i}]\nsqlite = s{i}.db\n")
            return folder

        def copy_load():
            config = os.path.join(fresh("copy"), "cluster.ini")
            script = os.path.join(work, "copy.sql")
            with open(script, "w") as f:
                for name in TABLES:
                    f.write(create_sql(name, True) + ";\n")
                    f.write(f"\\copy {name} FROM '{files[name]}' (FORMAT csv, DELIMITER '|')\n")
            return run_timed([shardql, "shell", "--config", config, "-f", script])

        def insert_load():
            config = os.path.join(fresh("insert"), "cluster.ini")
            return run_timed([shardql, "shell", "--config", config, "-f", shardql_inserts])

        def cli_load():
            folder = fresh("cli")
            with open(cli_inserts) as f:
                return run_timed(["sqlite3", os.path.join(folder, "one.db")], stdin=f)

        results = {"copy": [], "insert": [], "cli": []}
        peaks = {"copy": 0, "insert": 0, "cli": 0}
        copy_title = "shardql \\copy s"
        print(f"{'run':4} {copy_title:>16} {'shardql INSERTs s':>18} {'sqlite3 CLI s':>14}")
        for run in range(args.runs):
            for side, load in (("copy", copy_load), ("cli", cli_load), ("insert", insert_load)):
                seconds, rss = load()
                results[side].append(seconds)
                peaks[side] = max(peaks[side], rss)
            print(f"{run + 1:<4} {results['copy'][-1]:16.2f} {results['insert'][-1]:18.2f} "
                  f"{results['cli'][-1]:14.2f}", flush=True)
        median = {side: statistics.median(v) for side, v in results.items()}
        print(f"median: shardql \\copy {median['copy']:.2f} s ({median['copy'] / median['cli']:.2f}x "
              f"the CLI), shardql INSERTs {median['insert']:.2f} s "
              f"({median['insert'] / median['cli']:.2f}x), sqlite3 CLI {median['cli']:.2f} s")
        print(f"peak RSS: shardql \\copy {peaks['copy'] // 1024} MB, shardql INSERTs "
              f"{peaks['insert'] // 1024} MB, sqlite3 CLI {peaks['cli'] // 1024} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
