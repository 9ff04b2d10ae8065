#!/usr/bin/env python3
"""Measures the cost model's constants (planner/cost_model.h) on this machine.

Builds a 4-shard SQLite cluster with one table `cal(k INTEGER PRIMARY KEY, g, v, pad)` hashed on
k, an index on g (each g value on `--rows`/1000 rows) and none on v, then times, through
`shardql shell` with `\\timing on`, pairs of statements that differ in one thing only. The
statements of every kind run interleaved, round after round, so load from elsewhere on this
shared machine hits each kind alike; the figures are medians.

  route_ms       4 shards answering "no rows" through an index  vs  1 shard doing the same
  scan_row_ms    4 shards scanning every row for v = -1          vs  the index lookup above
  seek_ms        200 index descents per shard (IN list, no rows)  vs  an IN list of one
  seek_row_ms    an index range read, rows then rejected by v     vs  1 descent per shard
  return_row_ms  the same range with its rows sent to the router  vs  rejected on the shards
  merge_row_ms   those rows through the merge engine (a window)   vs  sent straight through
  ship_row_ms    a broadcast join copying 20,000 rows to each shard vs one copying 200

Each constant is the difference divided by the visits, descents or rows it adds. A wall-clock
figure of 4 shards run in parallel on 2 cores: what a user waits for, which is what the rules
compare. Prints the medians and the block to paste into planner/cost_constants.cpp.

Usage: calibrate_cost.py --shardql BIN [--rows 400000] [--rounds 21]
"""
import argparse
import os
import random
import re
import statistics
import sys
import tempfile

from shardql_cluster import shell, write_config




SMALL_ROWS = 20_000  # cal_small: the side a broadcast join copies
FEW_COPIED = 200


def build_cluster(shardql, work, rows):
    config = write_config(work)
    data = os.path.join(work, "cal.csv")
    rng = random.Random(7)
    with open(data, "w") as f:
        for k in range(1, rows + 1):
            f.write(f"{k},{k % 1000},{rng.randrange(1, 1_000_000)},{'x' * 40}\n")
    small = os.path.join(work, "cal_small.csv")
    with open(small, "w") as f:
        for k in range(1, SMALL_ROWS + 1):
            f.write(f"{k},{2_000_000 + k}\n")  # no cal.g is this large: the joins find nothing
    shell(shardql, config, f"""
CREATE TABLE cal (k INTEGER PRIMARY KEY, g INTEGER, v INTEGER, pad TEXT) DISTRIBUTE BY HASH (k);
CREATE INDEX cal_g ON cal (g);
\\copy cal FROM '{data}' WITH (FORMAT csv)
CREATE TABLE cal_small (k INTEGER PRIMARY KEY, h INTEGER) DISTRIBUTE BY HASH (k);
\\copy cal_small FROM '{small}' WITH (FORMAT csv)
ANALYZE cal_small;
""", os.path.join(work, "load.sql"))
    return config


def statements(rows, round_no):
    """One statement of each kind; literals change every round (the plan cache keeps the shape)."""
    c = (round_no * 37) % 900
    width = 50  # g values in the range: rows * width / 1000 rows read
    miss = 2_000_000 + round_no  # no row has k, g or v this large
    # Positive literals only: `= -5` is not a literal to the plan cache (it is `-` applied to
    # one) and would be planned afresh every round. IN lists are planned with their values, so
    # both IN statements keep one text.
    misses = ", ".join(str(2_000_000 + i) for i in range(200))
    return {
        "one_shard_empty": f"SELECT k FROM cal WHERE k = {miss};",
        "four_shards_empty": f"SELECT k FROM cal WHERE g = {miss};",
        "scan": f"SELECT k FROM cal WHERE v = {miss};",
        "one_seek": "SELECT k FROM cal WHERE g IN (1999999);",
        "seeks": f"SELECT k FROM cal WHERE g IN ({misses});",
        "range_rejected": f"SELECT k FROM cal WHERE g BETWEEN {c} AND {c + width - 1} AND v = {miss};",
        "range_returned": f"SELECT k FROM cal WHERE g BETWEEN {c} AND {c + width - 1};",
        "range_merged": f"SELECT k, row_number() OVER (ORDER BY v) FROM cal "
                        f"WHERE g BETWEEN {c} AND {c + width - 1};",
        # MaterializeTempTable fires on both: cal_small's rows are copied to every shard, each
        # probes cal's index on g once per copied row and finds nothing.
        "copy_few": f"SELECT count(*) FROM cal c JOIN cal_small s ON c.g = s.h "
                    f"WHERE s.k <= {FEW_COPIED};",
        "copy_many": f"SELECT count(*) FROM cal c JOIN cal_small s ON c.g = s.h "
                     f"WHERE s.k <= {SMALL_ROWS};",
    }, rows * width // 1000


def measure(shardql, config, work, rows, rounds):
    kinds = list(statements(rows, 0)[0])
    script = ["\\o /dev/null"]
    for k in kinds:  # warm-up: plans cached, pages read, not timed
        script.append(statements(rows, 0)[0][k])
    script.append("\\timing on")
    order = []
    for r in range(1, rounds + 1):
        shuffled = kinds[:]
        random.Random(r).shuffle(shuffled)
        for k in shuffled:
            script.append(statements(rows, r)[0][k])
            order.append(k)
    out = shell(shardql, config, "\n".join(script) + "\n", os.path.join(work, "measure.sql"))
    times = [float(t) for t in re.findall(r"^Time: ([0-9.]+) ms", out, re.M)]
    if len(times) != len(order):
        sys.exit(f"expected {len(order)} timings, got {len(times)}")
    samples = {k: [] for k in kinds}
    for k, t in zip(order, times):
        samples[k].append(t)
    return {k: statistics.median(v) for k, v in samples.items()}, statements(rows, 0)[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shardql", required=True)
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--rounds", type=int, default=21)
    args = ap.parse_args()
    shardql = os.path.abspath(args.shardql)
    with tempfile.TemporaryDirectory(prefix="shardql-calibrate-") as work:
        config = build_cluster(shardql, work, args.rows)
        m, range_rows = measure(shardql, config, work, args.rows, args.rounds)
    for k, v in m.items():
        print(f"  {k:18} {v:9.3f} ms (median of {args.rounds})")

    def positive(x):  # noise can make a tiny difference negative; a constant is never free
        return max(x, 1e-6)

    route = positive((m["four_shards_empty"] - m["one_shard_empty"]) / 3)
    scan_row = positive((m["scan"] - m["four_shards_empty"]) / args.rows)
    seek = positive((m["seeks"] - m["one_seek"]) / (4 * 199))
    seek_row = positive((m["range_rejected"] - m["four_shards_empty"]) / range_rows)
    return_row = positive((m["range_returned"] - m["range_rejected"]) / range_rows)
    merge_row = positive((m["range_merged"] - m["range_returned"]) / range_rows)
    # Per row per shard: the copy's extra rows, less their one trip from their shard to the
    # router. What the join then does with a copied row on each shard (here one index probe) is
    # part of it: the cost model charges a copied row nothing else.
    copied = SMALL_ROWS - FEW_COPIED
    ship_row = positive((m["copy_many"] - m["copy_few"]) / (4 * copied) - return_row / 4)
    print(f"""
// Measured by bench/calibrate_cost.py --rows {args.rows} --rounds {args.rounds}
  static const CostConstants constants{{
      .route_ms = {route:.4g},
      .scan_row_ms = {scan_row:.4g},
      .seek_ms = {seek:.4g},
      .seek_row_ms = {seek_row:.4g},
      .return_row_ms = {return_row:.4g},
      .merge_row_ms = {merge_row:.4g},
      .ship_row_ms = {ship_row:.4g},
  }};""")


if __name__ == "__main__":
    main()
