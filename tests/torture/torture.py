#!/usr/bin/env python3
"""Crash torture: random multi-shard writes, transactions and DDL through a router process that is
killed (SIGKILL) at random moments. After each kill a new router opens the cluster (recovering
what the killed one decided), `shardql check` must find it consistent, and the rows must be
exactly what the acknowledged statements made: a statement whose tag was printed is there whole;
the one in flight at the kill is there whole or not at all. Nothing partial, nothing lost.

  tests/torture/torture.py --shardql build/release/shardql --kills 200 [--seed N] [--keep]
"""

import argparse
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROWS = 10000  # rows per batch: over 4 shards, so every batch statement writes every shard

CONFIG = """catalog = catalog.db
[shard.s0]
sqlite = s0.db
[shard.s1]
sqlite = s1.db
[shard.s2]
sqlite = s2.db
[shard.s3]
sqlite = s3.db
"""


def batch_rows(b, pad):
    return (f"SELECT {b} * 100000 + a.n * 1000 + b.n * 100 + c.n * 10 + d.n, {b}, '{pad}' "
            f"FROM nums a, nums b, nums c, nums d")


class Router:
    """A `shardql shell -f -` fed one statement at a time; its tags come back on stdout."""

    def __init__(self, shardql, config):
        self.proc = subprocess.Popen([shardql, "shell", "--config", config, "-f", "-"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines = queue.Queue()
        self.errors = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.errors),
                         daemon=True).start()

    @staticmethod
    def _read(stream, out):
        for line in stream:
            out.put(line.rstrip("\n"))
        out.put(None)

    def run(self, sql, tag, timeout=60):
        """Sends a statement; True once its tag is printed, False when the router died first."""
        try:
            self.proc.stdin.write(sql + ";\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=0.05)
            except queue.Empty:
                try:
                    error = self.errors.get_nowait()
                except queue.Empty:
                    continue
                if error is None:
                    return False
                raise RuntimeError(f"router refused {sql!r}: {error}")
            if line is None:
                return False
            if line.startswith(tag):
                return True
        raise RuntimeError(f"no answer to {sql!r} in {timeout} s")

    def kill(self):
        try:
            self.proc.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def query(shardql, config, sql):
    """Rows of a query through a fresh router, as lists of strings (unaligned output)."""
    out = subprocess.run([shardql, "shell", "--config", config, "-c", sql], capture_output=True,
                         text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"{sql}: {out.stderr}")
    rows = []
    for line in out.stdout.splitlines()[2:]:
        if line.startswith("("):
            break
        rows.append([cell.strip() for cell in line.split("|")])
    return rows


class Model:
    """What the acknowledged statements made."""

    def __init__(self):
        self.batches = {}  # batch -> pad
        self.refs = set()
        self.index = False

    def present(self):
        return sorted(self.batches)


def choose(rng, model, next_batch):
    """The next statement: (sql lines, final tag, apply(model), batch it concerns, kind)."""
    present = model.present()
    r = rng.random()
    b = next_batch
    if r < 0.35 or not present:
        pad = f"p{b}"
        return ([f"INSERT INTO big (id, batch, pad) {batch_rows(b, pad)}"], "INSERT 0",
                lambda m: m.batches.__setitem__(b, pad), b, "insert")
    x = rng.choice(present)
    if r < 0.5:
        pad = f"u{b}"
        return ([f"UPDATE big SET pad = '{pad}' WHERE batch = {x}"], "UPDATE",
                lambda m: m.batches.__setitem__(x, pad), x, "update")
    if r < 0.65 or len(present) > 25:
        return ([f"DELETE FROM big WHERE batch = {x}"], "DELETE",
                lambda m: m.batches.pop(x, None), x, "delete")
    if r < 0.8:
        pad = f"t{b}"

        def both(m):
            m.batches[b] = pad
            m.refs.add(b)
        return (["BEGIN", f"INSERT INTO ref VALUES ({b}, 'r')",
                 f"INSERT INTO big (id, batch, pad) {batch_rows(b, pad)}", "COMMIT"], "COMMIT",
                both, b, "transaction")
    if r < 0.9:
        # The rows move to other shards: their ids change, their count and pad do not.
        return ([f"UPDATE big SET id = id + 50000 WHERE batch = {x} AND id % 100000 < 50000"],
                "UPDATE", lambda m: None, x, "move")
    if model.index:
        return (["DROP INDEX big_pad"], "DROP INDEX", lambda m: setattr(m, "index", False), None,
                "ddl")
    return (["CREATE INDEX big_pad ON big (pad, id)"], "CREATE INDEX",
            lambda m: setattr(m, "index", True), None, "ddl")


def unfinished(shardql, config):
    """Decided transactions the killed router left for recovery (a check that finishes nothing)."""
    check = subprocess.run([shardql, "check", "--config", config], capture_output=True, text=True)
    return check.stdout.count("decided transaction of a router that stopped is not finished")


def verify(shardql, config, model, in_flight):
    """Compares the cluster with the model; resolves the in-flight statement. Returns the number of
    partial or lost statements found (0 is the only good answer)."""
    bad = 0
    rows = query(shardql, config,
                 "SELECT batch, count(*), min(pad), max(pad) FROM big GROUP BY batch")
    actual = {int(b): (int(n), lo, hi) for b, n, lo, hi in rows}
    refs = {int(r[0]) for r in query(shardql, config, "SELECT batch FROM ref")}
    for b, (n, lo, hi) in actual.items():
        if n != ROWS or lo != hi:
            print(f"  PARTIAL: batch {b} has {n} rows, pads {lo}..{hi}")
            bad += 1
    lines, _, apply, concern, kind = in_flight if in_flight else ([], None, None, None, None)
    after = None
    if in_flight:
        after = Model()
        after.batches = dict(model.batches)
        after.refs = set(model.refs)
        after.index = model.index
        apply(after)
    for candidate in ([model, after] if after else [model]):
        ok = (set(actual) == set(candidate.batches) and
              all(actual[b][1] == candidate.batches[b] for b in actual) and
              refs == candidate.refs)
        if ok:
            if candidate is after:
                model.batches, model.refs = after.batches, after.refs
            break
    else:
        print(f"  MISMATCH after {kind}: batches {sorted(actual)} refs {sorted(refs)}; "
              f"acknowledged {model.present()} refs {sorted(model.refs)}")
        bad += 1
    # The index: whatever the catalog says now, `shardql check` holds the shards to it.
    described = subprocess.run([shardql, "shell", "--config", config, "-c", "\\d big"],
                               capture_output=True, text=True).stdout
    model.index = "big_pad" in described
    check = subprocess.run([shardql, "check", "--config", config], capture_output=True, text=True)
    if check.returncode != 0:
        print("  CHECK FAILED:\n" + check.stdout + check.stderr)
        bad += 1
    return bad


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shardql", required=True)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--keep", action="store_true", help="keep the cluster's folder")
    args = parser.parse_args()
    shardql = os.path.abspath(args.shardql)
    rng = random.Random(args.seed)
    folder = tempfile.mkdtemp(prefix="shardql-torture-")
    config = os.path.join(folder, "cluster.ini")
    with open(config, "w") as f:
        f.write(CONFIG)
    setup = subprocess.run(
        [shardql, "shell", "--config", config, "-c",
         "CREATE TABLE nums (n INTEGER) DISTRIBUTE BY REFERENCE; "
         "INSERT INTO nums VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9); "
         "CREATE TABLE big (id INTEGER PRIMARY KEY, batch INTEGER, pad TEXT) "
         "DISTRIBUTE BY HASH (id); "
         "CREATE TABLE ref (batch INTEGER, note TEXT) DISTRIBUTE BY REFERENCE"],
        capture_output=True, text=True)
    if setup.returncode != 0:
        sys.exit(setup.stderr)
    print(f"torture: seed {args.seed}, {args.kills} kills, cluster in {folder}")
    model = Model()
    next_batch = 1
    statements = acknowledged = bad = recovered = 0
    kinds = {}
    started = time.time()
    for kill in range(1, args.kills + 1):
        router = Router(shardql, config)
        deadline = time.time() + rng.uniform(0.05, 1.5)
        killer = threading.Timer(deadline - time.time(), router.kill)
        killer.start()
        in_flight = None
        while True:
            step = choose(rng, model, next_batch)
            lines, tag, apply, concern, kind = step
            next_batch += 1
            in_flight = step
            statements += 1
            done = True
            for i, line in enumerate(lines):
                last = i == len(lines) - 1
                done = router.run(line, tag if last else line.split()[0].upper())
                if not done:
                    break
            if not done:
                break
            apply(model)
            acknowledged += 1
            kinds[kind] = kinds.get(kind, 0) + 1
            in_flight = None
        killer.cancel()
        router.kill()
        recovered += unfinished(shardql, config)
        found = verify(shardql, config, model, in_flight)
        bad += found
        if found or kill % 20 == 0:
            print(f"kill {kill}: {statements} statements, {acknowledged} acknowledged, "
                  f"{bad} partial or lost")
    elapsed = time.time() - started
    print(f"torture: {args.kills} kills in {elapsed:.0f} s; {statements} statements sent, "
          f"{acknowledged} acknowledged ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))});"
          f" {recovered} decided transactions finished by recovery; {bad} partial or lost")
    if not args.keep and bad == 0:
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
