"""What the rule benchmarks share: a 4-shard SQLite cluster's config, and running a script
through `shardql shell` (a failure ends the benchmark with shardql's own words)."""
import os
import subprocess
import sys


def write_config(work, shards=4):
    config = os.path.join(work, "cluster.ini")
    with open(config, "w") as f:
        f.write("catalog = catalog.db\n")
        for s in range(shards):
            f.write(f"[shard.s{s}]\nsqlite = s{s}.db\n")
    return config


def shell(shardql, config, script, path):
    with open(path, "w") as f:
        f.write(script)
    p = subprocess.run([shardql, "shell", "--config", config, "-f", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"shardql failed ({p.returncode}): {p.stderr[:3000]}")
    return p.stdout
