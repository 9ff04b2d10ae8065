#!/usr/bin/env python3
"""PostgreSQL's dates and times on a SQLite cluster, checked against PostgreSQL 15 itself.

The same table and rows go into a 3-shard SQLite cluster and into a private PostgreSQL server;
every statement below runs on both. shardql must give PostgreSQL's answer (numbers compared as
numbers: SQLite prints a double 9 as 9.0; booleans are 1 and 0 on a SQLite cluster), or
PostgreSQL's error SQLSTATE, or — only for the
statements marked REFUSED — refuse with 0A000. Any other outcome is a failure: a different
answer would be silent data corruption for a user.
Usage: pg_dates_test.py path/to/shardql
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pg"))
from pg_server import PostgresServer  # noqa: E402

SHARDQL = sys.argv[1]
os.environ["PGTZ"] = "UTC"  # shardql's TimeZone: timestamptz is compared and shown at UTC
REFUSED = "refused"

SETUP = [
    "CREATE TABLE ev (id INTEGER PRIMARY KEY, d DATE, ts TIMESTAMP, tz TIMESTAMPTZ)",
    "INSERT INTO ev VALUES (1, '1995-09-01', '1995-09-01 10:20:30', '1995-09-01 10:20:30+02'), "
    "(2, '1996-02-29', '1996-02-29 23:59:59', '1996-02-29 23:59:59.25'), "
    "(3, '2021-01-03', '2021-01-03 00:00:00', '2021-01-03 00:00:00'), "
    "(4, '2020-12-31', '2020-12-31 12:00:00', '2020-12-31 12:00:00'), "
    "(5, '2019-12-30', '2019-12-30 06:07:08', '2019-12-30 06:07:08'), "
    "(6, '2005-01-01', '2005-01-01 00:00:01', '2005-01-01 00:00:01'), "
    "(7, '2008-12-29', '2008-12-29 18:00:00', '2008-12-29 18:00:00'), "
    "(8, '2000-01-01', '2000-01-01 00:00:00', '2000-01-01 00:00:00'), "
    "(9, '1999-12-31', '1999-12-31 23:59:59', '1999-12-31 23:59:59'), "
    "(10, NULL, NULL, NULL)",
]
TRUNC_FIELDS = ["microseconds", "second", "minute", "hour", "day", "week", "month", "quarter",
                "year", "decade", "century", "millennium"]

FIELDS_DATE = ["year", "month", "day", "quarter", "week", "dow", "isodow", "doy", "decade",
               "century", "millennium", "isoyear", "epoch"]
FIELDS_TS = ["year", "month", "day", "quarter", "week", "dow", "isodow", "doy", "hour", "minute",
             "second", "milliseconds", "microseconds", "epoch", "isoyear", "decade", "century"]

CASES = [
    # Literals, casts and :: of constants.
    ("SELECT CAST('1998-09-02' AS date), '1998-09-02'::date, date '1995-09-01'", None),
    ("SELECT timestamp '1995-09-01 10:00:00.25', '2000-01-01'::timestamp", None),
    ("SELECT interval '90' day, interval '3 months', interval '1' year, interval '2 days 03:04:05'",
     None),
    ("SELECT date '1995-1-1', date ' 1995-02-03 '", None),
    ("SELECT date 'garbage'", None),
    ("SELECT date '1995-02-30'", None),
    ("SELECT CAST(NULL AS date), CAST('infinity' AS date)", None),
    # Arithmetic of constants.
    ("SELECT date '1995-09-01' + interval '3 months', date '1998-12-01' - interval '90' day", None),
    ("SELECT date '2020-01-31' + interval '1' month, date '2020-03-31' - interval '1 month'", None),
    ("SELECT date '1995-09-01' + 30, 30 + date '1995-09-01', date '1995-09-01' - 1", None),
    ("SELECT date '1995-09-01' - date '1995-01-01', date '1995-01-01' - date '1995-09-01'", None),
    ("SELECT timestamp '2000-01-01 10:00' + interval '1 day 02:00:00'", None),
    ("SELECT timestamp '2000-01-02 10:00' - timestamp '2000-01-01 12:30'", None),
    ("SELECT timestamp '2000-01-01 00:00' - timestamp '2000-01-03 01:00'", None),
    ("SELECT interval '1 day' + interval '3 hours', interval '1 year' - interval '1 month'", None),
    ("SELECT date '1995-09-01' + date '1995-09-01'", None),
    ("SELECT date '1995-09-01' + interval '1 year 2 mons 3 days 04:05:06'", None),
    # extract / date_part of constants.
    *[(f"SELECT extract({f} FROM date '2021-01-03'), extract({f} FROM date '2008-12-29')", None)
      for f in FIELDS_DATE],
    ("SELECT extract(second FROM timestamp '2000-01-01 00:00:01.5'), "
     "extract(epoch FROM timestamp '2000-01-01 00:00:01.5'), "
     "extract(milliseconds FROM timestamp '2000-01-01 00:00:01.5')", None),
    ("SELECT date_part('year', date '1995-09-01'), date_part('doy', timestamp '1996-12-31 10:00')",
     None),
    ("SELECT extract(hour FROM date '1995-09-01')", None),
    ("SELECT extract(fortnight FROM date '1995-09-01')", None),
    # Columns: stored as ISO text on SQLite, compared and computed with PostgreSQL's meaning.
    ("SELECT id, d, ts FROM ev ORDER BY id", None),
    *[(f"SELECT id, extract({f} FROM d) FROM ev ORDER BY id", None) for f in FIELDS_DATE],
    *[(f"SELECT id, extract({f} FROM ts) FROM ev ORDER BY id", None) for f in FIELDS_TS],
    ("SELECT id, date_part('month', d), date_part('week', ts) FROM ev ORDER BY id", None),
    ("SELECT id FROM ev WHERE d >= '1996-01-01' ORDER BY id", None),
    ("SELECT id FROM ev WHERE d = '1995-9-1'", None),
    ("SELECT id FROM ev WHERE d < CAST('2000-01-01' AS date) ORDER BY id", None),
    ("SELECT id FROM ev WHERE d >= date '1995-09-01' + interval '1 month' ORDER BY id", None),
    ("SELECT id FROM ev WHERE d BETWEEN '1999-01-01' AND '2005-12-31' ORDER BY id", None),
    ("SELECT id FROM ev WHERE d IN ('2000-01-01', '1995-09-01') ORDER BY id", None),
    ("SELECT id FROM ev WHERE d = timestamp '2000-01-01 00:00:00'", None),
    ("SELECT id FROM ev WHERE ts >= date '2020-12-31' ORDER BY id", None),
    ("SELECT id FROM ev WHERE ts < '2000-01-01 00:00:00.5' ORDER BY id", None),
    ("SELECT id FROM ev WHERE d = 'nope'", None),
    ("SELECT id, d + 1, d - 1, 7 + d FROM ev ORDER BY id", None),
    ("SELECT id, d - date '1995-01-01', date '2030-01-01' - d FROM ev ORDER BY id", None),
    ("SELECT a.id, a.d - b.d FROM ev a, ev b WHERE b.id = 1 ORDER BY a.id", None),
    ("SELECT extract(year FROM d) AS y, count(*) FROM ev GROUP BY extract(year FROM d) "
     "ORDER BY y NULLS LAST", None),
    ("SELECT min(d), max(d), min(ts), max(ts) FROM ev", None),
    ("SELECT id FROM ev ORDER BY d DESC NULLS LAST, id", None),
    # timestamptz columns (UTC), casts between the types, comparisons across them.
    ("SELECT id, tz FROM ev ORDER BY id", None),
    *[(f"SELECT id, extract({f} FROM tz) FROM ev ORDER BY id", None) for f in FIELDS_TS],
    ("SELECT id FROM ev WHERE tz > timestamp '2000-01-01 00:00:00' ORDER BY id", None),
    ("SELECT id FROM ev WHERE tz = '1995-09-01 08:20:30' ORDER BY id", None),
    ("SELECT id FROM ev WHERE ts = '2000-01-01 00:00:00+00'::timestamptz ORDER BY id", None),
    ("SELECT id, CAST(ts AS date), CAST(tz AS date), CAST(d AS timestamp), CAST(tz AS timestamp), "
     "CAST(ts AS timestamptz), CAST(d AS timestamptz), CAST(ts AS time), CAST(tz AS time) "
     "FROM ev ORDER BY id", None),
    ("SELECT id FROM ev WHERE d < timestamp '2000-01-01 12:00:00' ORDER BY id", None),
    ("SELECT id FROM ev WHERE timestamp '2000-01-01 00:00:00' = d ORDER BY id", None),
    ("SELECT id FROM ev WHERE ts BETWEEN tz AND tz ORDER BY id", None),
    ("SELECT id FROM ev WHERE d BETWEEN ts AND tz ORDER BY id", None),
    ("SELECT id FROM ev WHERE date '2000-01-01' BETWEEN ts AND tz ORDER BY id", None),
    ("SELECT id FROM ev WHERE d IN (ts, date '1995-09-01') ORDER BY id", None),
    ("SELECT id FROM ev WHERE tz IN (ts) ORDER BY id", None),
    ("SELECT CAST(date '2000-01-01' AS time)", None),
    ("SELECT id, CAST(d AS time) FROM ev ORDER BY id", None),
    ("SELECT id FROM ev WHERE d = ts ORDER BY id", None),
    ("SELECT id FROM ev WHERE ts <= tz ORDER BY id", None),
    ("SELECT a.id, b.id FROM ev a JOIN ev b ON a.d = b.ts ORDER BY a.id, b.id", None),
    # date_trunc of constants and columns.
    *[(f"SELECT date_trunc('{f}', timestamp '2021-01-03 10:20:30.123456'), "
       f"date_trunc('{f}', CAST('1999-12-31 23:59:59.5+00' AS timestamptz)), "
       f"date_trunc('{f}', date '2008-12-29')", None) for f in TRUNC_FIELDS],
    ("SELECT date_trunc('milliseconds', timestamp '2021-01-03 10:20:30.123456'), "
     "date_trunc('mon', timestamp '2021-05-03'), date_trunc('YEAR', date '0005-06-07')", None),
    *[(f"SELECT date_trunc('{f}', interval '1234 years 11 mons 40 days 05:06:07.891'), "
       f"date_trunc('{f}', interval '-14 mons -3 days -01:02:03')", None)
      for f in TRUNC_FIELDS if f != "week"],
    ("SELECT date_trunc('week', interval '3 days')", None),
    ("SELECT date_trunc('dow', timestamp '2021-01-03')", None),
    ("SELECT date_trunc('dow', interval '3 days')", None),
    ("SELECT date_trunc('month', '2001-02-16 20:38:40')", None),
    ("SELECT date_trunc('fortnight', date '2021-01-03')", None),
    ("SELECT date_trunc('day', NULL::timestamp), date_trunc('day', timestamp 'infinity')", None),
    *[(f"SELECT id, date_trunc('{f}', d), date_trunc('{f}', ts), date_trunc('{f}', tz) "
       "FROM ev ORDER BY id", None) for f in TRUNC_FIELDS],
    ("SELECT date_trunc('month', d) AS m, count(*) FROM ev GROUP BY date_trunc('month', d) "
     "ORDER BY m NULLS LAST", None),
    ("SELECT id FROM ev WHERE date_trunc('year', ts) = timestamp '2020-01-01' ORDER BY id", None),
    # The clock: one value per transaction, on every shard and in the router.
    ("SELECT now() = current_timestamp, now() = transaction_timestamp(), "
     "current_date = CAST(now() AS date), localtimestamp = CAST(now() AS timestamp), "
     "localtime = CAST(now() AS time)", None),
    ("SELECT count(DISTINCT now()), count(*) FROM ev", None),
    ("SELECT current_date - date '2000-01-01' > 9000, now() > '2026-01-01 00:00+00'::timestamptz",
     None),
    ("SELECT id FROM ev WHERE tz < now() - interval '1 day' ORDER BY id", None),
    # What SQLite cannot compute with PostgreSQL's meaning: refused, never approximated.
    ("SELECT id, d + interval '1 month' FROM ev ORDER BY id", REFUSED),
    ("SELECT id, ts + interval '1 hour' FROM ev ORDER BY id", REFUSED),
    ("SELECT id, extract(julian FROM d) FROM ev ORDER BY id", REFUSED),
    ("SELECT id, date_trunc('milliseconds', ts) FROM ev ORDER BY id", REFUSED),
    ("SELECT current_time", REFUSED),
    # Strings.
    ("SELECT substring('hello' FOR 2), substring('hello' FROM 2 FOR 3), substring('hello' FROM 2)",
     None),
    ("SELECT substring('hello' FROM -1 FOR 3), substring('hello' FROM 0), "
     "substring('hello' FROM 4 FOR 10), substring('hello', 2, 2), substring(NULL FROM 1)", None),
    ("SELECT substring('hello' FROM 2 FOR -1)", None),
    ("SELECT id, substring('hello' FROM 2 FOR 3 - id) FROM ev ORDER BY id", None),
    ("SELECT overlay('abc' PLACING 'X' FROM 0)", None),
    ("SELECT position('lo' IN 'hello'), position('x' IN 'hello'), position('' IN 'hello')", None),
    ("SELECT overlay('Txxxxas' PLACING 'hom' FROM 2 FOR 4), overlay('abc' PLACING 'XY' FROM 2), "
     "overlay('abc' PLACING 'XY' FROM 5), overlay('abcdef' PLACING 'X' FROM 3 FOR 0)", None),
    ("SELECT trim(BOTH 'xy' FROM 'xyxabcyx'), trim(LEADING 'x' FROM 'xxabcxx'), "
     "trim(TRAILING 'x' FROM 'xxabcxx'), '[' || trim('  a  ') || ']', "
     "'[' || trim(LEADING FROM '  a  ') || ']', '[' || trim(FROM '  a  ') || ']', "
     "trim('xxaxx', 'x'), btrim('xxaxx', 'x'), ltrim('xxa', 'x'), rtrim('axx', 'x')", None),
    ("SELECT id, trim(BOTH '0' FROM CAST(id AS text)), substring(CAST(d AS text) FROM 6 FOR 2), "
     "overlay(CAST(d AS text) PLACING '##' FROM 1 FOR 2) FROM ev ORDER BY id", None),
]

failures = []


def error_code(stderr):
    m = re.search(r"ERROR:\s+([0-9A-Z]{5}):", stderr)
    return m.group(1) if m else None


def same_value(x, y):
    """Equal, or equal numbers, or the same boolean (a SQLite cluster shows true as 1)."""
    if x == y or (x, y) in (("t", "1"), ("f", "0")):
        return True
    try:
        fx, fy = float(x), float(y)
    except ValueError:
        return False
    return abs(fx - fy) <= 1e-9 * max(1.0, abs(fx), abs(fy))


def same_rows(a, b):
    rows_a, rows_b = a.splitlines(), b.splitlines()
    if len(rows_a) != len(rows_b):
        return False
    for ra, rb in zip(rows_a, rows_b):
        fa, fb = ra.split("|"), rb.split("|")
        if len(fa) != len(fb):
            return False
        if not all(same_value(x, y) for x, y in zip(fa, fb)):
            return False
    return True


with PostgresServer() as pg, tempfile.TemporaryDirectory() as work:
    config = os.path.join(work, "cluster.ini")
    with open(config, "w") as f:
        f.write("[shard.s0]\nsqlite = s0.db\n[shard.s1]\nsqlite = s1.db\n[shard.s2]\nsqlite = s2.db\n")

    def shardql(sql):
        p = subprocess.run([SHARDQL, "shell", "--config", config, "-At", "-c", sql],
                           capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr

    for statement in SETUP:
        code, _, err = pg.psql(statement)
        assert code == 0, err
        code, _, err = shardql(statement.replace("DATE, ts TIMESTAMP)",
                                                 "DATE, ts TIMESTAMP) DISTRIBUTE BY HASH (id)"))
        assert code == 0, err

    refused = 0
    for sql, expect in CASES:
        pg_code, pg_out, pg_err = pg.psql(sql)
        sq_code, sq_out, sq_err = shardql(sql)
        if expect == REFUSED:
            if pg_code != 0:
                failures.append(f"{sql}: PostgreSQL failed, the case is wrong: {pg_err}")
            elif error_code(sq_err) != "0A000":
                failures.append(f"{sql}: expected a 0A000 refusal, got {sq_out!r} {sq_err!r}")
            else:
                refused += 1
            continue
        if pg_code != 0:
            if error_code(sq_err) != error_code(pg_err):
                failures.append(f"{sql}: PostgreSQL says {error_code(pg_err)} "
                                f"({pg_err.splitlines()[0]}), shardql {sq_out!r} {sq_err!r}")
            continue
        if sq_code != 0:
            failures.append(f"{sql}: PostgreSQL answers {pg_out!r}, shardql fails: {sq_err!r}")
        elif not same_rows(pg_out, sq_out):
            failures.append(f"{sql}:\n  PostgreSQL: {pg_out!r}\n  shardql:    {sq_out!r}")

    # now() is the transaction's start in every statement of it; statement_timestamp() moves on.
    p = subprocess.run([SHARDQL, "shell", "--config", config, "-At", "-c", "BEGIN",
                        "-c", "SELECT now()", "-c", "SELECT count(*) FROM ev",
                        "-c", "SELECT now(), statement_timestamp() > now()", "-c", "COMMIT",
                        "-c", "SELECT now()"], capture_output=True, text=True)
    clock = [line for line in p.stdout.splitlines() if "+00" in line]
    if p.returncode != 0 or len(clock) != 3 or clock[1] != clock[0] + "|1" or clock[2] <= clock[0]:
        failures.append(f"now() in a transaction: {p.stdout!r} {p.stderr!r}")

    for f in failures:
        print("FAIL:", f)
    print(f"{len(CASES) - len(failures)} of {len(CASES)} statements as PostgreSQL answers them "
          f"({refused} refused as planned)")
    sys.exit(1 if failures else 0)
