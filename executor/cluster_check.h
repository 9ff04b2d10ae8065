#pragma once
// `shardql check`: what a cluster's shards hold, checked against the catalog and against each
// other — unfinished transactions of routers that died, tables and indexes a shard lacks or has
// beyond the catalog, rows on a shard their key does not belong to, a unique key on two shards,
// reference-table copies that differ, counters behind the rows. With `repair`, what recovery can
// decide is finished or undone (a decided transaction redone, a half-made index dropped or made),
// and each step is said; what needs a person (rows in the wrong place) is only reported.

#include <string>
#include <vector>

namespace shardql {

class Cluster;

struct CheckReport {
  std::vector<std::string> problems;  // what is wrong and stays wrong
  std::vector<std::string> repairs;   // what --repair did
  std::vector<std::string> notes;     // what is worth knowing but not wrong
  size_t shards = 0, tables = 0, indexes = 0;
};

// Runs every check; the caller holds the cluster lock exclusively, so no statement runs beside
// it. Throws SqlError when a shard cannot be read.
CheckReport CheckCluster(Cluster& cluster, bool repair);

}  // namespace shardql
