#include "executor/cluster_check.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

#include "executor/cluster.h"
#include "executor/recovery.h"
#include "grammar/sql_error.h"
#include "planner/catalog_store.h"
#include "planner/commit_record.h"
#include "planner/hash_ring.h"
#include "planner/shard_pruning.h"

namespace shardql {
namespace {

// Every row of one query on one shard.
std::vector<std::vector<Value>> Query(Cluster& cluster, size_t shard, const std::string& sql) {
  CollectingRowSink collect;
  ConnectionPool& pool = *cluster.shard(shard).pool;
  BackendStatus status;
  auto connection = pool.Acquire(status);
  if (connection) status = connection->Execute(sql, {}, &collect);
  pool.Release(std::move(connection));
  if (!status.ok) throw ShardError(status, cluster.shard(shard).name, "check: ");
  return std::move(collect.rows);
}

void Run(Cluster& cluster, size_t shard, const std::string& sql,
         const std::vector<Value>& params = {}) {
  ConnectionPool& pool = *cluster.shard(shard).pool;
  BackendStatus status;
  auto connection = pool.Acquire(status);
  if (connection) status = connection->Execute(sql, params, nullptr);
  pool.Release(std::move(connection));
  if (!status.ok) throw ShardError(status, cluster.shard(shard).name, "repair: ");
}

std::string Text(const Value& v) {
  return v.is_null() ? "" : std::string(v.text());
}

class Checker {
 public:
  Checker(Cluster& cluster, bool repair, CheckReport& report)
      : cluster_(cluster), repair_(repair), report_(report), dialect_(cluster.dialect()) {}

  void Run() {
    snapshot_ = cluster_.catalog().Snapshot();
    report_.shards = cluster_.shard_count();
    report_.tables = snapshot_->tables().size();
    report_.indexes = snapshot_->indexes().size();
    UnfinishedTransactions();
    for (size_t s = 0; s < cluster_.shard_count(); ++s)
      SchemaOf(s);
    for (const auto& [name, table] : snapshot_->tables()) {
      if (table->distribution == DistributionKind::kHash) {
        RowsInPlace(*table);
      } else {
        ReferenceCopies(*table);
      }
    }
    Counters();
  }

 private:
  void UnfinishedTransactions() {
    CatalogStore* store = cluster_.catalog().store();
    if (!store) return;
    std::set<std::string> pending;
    for (const CommitRecord& record : store->Commits()) {
      std::vector<std::string> shards;
      for (const auto& part : record.shards)
        shards.push_back(part.first);
      if (cluster_.IsRouterAlive(record.owner)) {
        report_.notes.push_back(
            fmt::format("transaction {} is committing (router {} runs)", record.gid, record.owner));
        pending.insert(record.gid);
        continue;
      }
      std::string what = fmt::format(
          "a decided transaction of a router that stopped is not "
          "finished: {} on {}",
          record.gid, fmt::join(shards, ", "));
      if (!repair_) {
        report_.problems.push_back(what);
        pending.insert(record.gid);
      }
    }
    if (repair_) {
      for (std::string& line : RecoverDeadRouters(cluster_))
        report_.repairs.push_back(std::move(line));
    }
    // Markers whose transaction is finished: left by a router that stopped right after it.
    for (size_t s = 0; s < cluster_.shard_count(); ++s) {
      for (const auto& row : Query(cluster_, s, "SELECT gid FROM shardql_applied")) {
        std::string gid = Text(row[0]);
        if (pending.count(gid)) continue;
        std::string router = gid.substr(0, gid.find(':'));
        if (cluster_.IsRouterAlive(router)) continue;
        if (repair_) {
          shardql::Run(cluster_, s, MarkerDeleteSql(dialect_), {Value::Text(gid)});
          report_.repairs.push_back(
              fmt::format("{}: removed the marker of finished transaction {}", Name(s), gid));
        } else {
          report_.notes.push_back(fmt::format(
              "{}: the marker of finished transaction {} is left (harmless)", Name(s), gid));
        }
      }
    }
  }

  // The shard's tables and indexes against the catalog's.
  void SchemaOf(size_t s) {
    const std::string& shard = Name(s);
    std::set<std::string> tables, indexes;
    std::map<std::string, std::string> index_table;
    for (const auto& row : Query(cluster_, s, dialect_.ListTablesSql()))
      tables.insert(Text(row[0]));
    for (const auto& row : Query(cluster_, s, dialect_.ListIndexesSql())) {
      indexes.insert(Text(row[0]));
      index_table[Text(row[0])] = Text(row[1]);
    }
    for (const auto& [name, table] : snapshot_->tables()) {
      bool placed = std::count(table->shards().begin(), table->shards().end(), shard) > 0;
      if (placed && !tables.count(name)) {
        missing_.insert({name, shard});
        Fix(fmt::format("{}: table {} is missing", shard, name),
            fmt::format("{}: made table {}", shard, name), s, dialect_.RenderCreateTable(*table));
      }
      if (!placed && tables.count(name)) {
        report_.problems.push_back(fmt::format(
            "{}: table {} is on this shard, which the catalog does not place it on", shard, name));
      }
    }
    for (const std::string& name : tables) {
      if (snapshot_->FindTable(name)) continue;
      int64_t rows = Query(cluster_, s, "SELECT count(*) FROM " + dialect_.QuoteIdentifier(name))
                         .at(0)
                         .at(0)
                         .integer();
      if (rows == 0) {
        Fix(fmt::format("{}: table {} is not in the catalog (it is empty)", shard, name),
            fmt::format("{}: dropped empty table {}, which the catalog does not have", shard, name),
            s, dialect_.RenderDropTable(name));
      } else {
        report_.problems.push_back(
            fmt::format("{}: table {} is not in the catalog and holds {} rows (left as it is)",
                        shard, name, rows));
      }
    }
    for (const auto& [name, index] : snapshot_->indexes()) {
      auto table = snapshot_->FindTable(index.table);
      bool placed = table && std::count(table->shards().begin(), table->shards().end(), shard);
      if (placed && !indexes.count(name)) {
        Fix(fmt::format("{}: index {} is missing", shard, name),
            fmt::format("{}: made index {}", shard, name), s, dialect_.RenderCreateIndex(index));
      }
    }
    for (const std::string& name : indexes) {
      if (snapshot_->FindIndex(name)) continue;
      Fix(fmt::format("{}: index {} (on {}) is not in the catalog", shard, name, index_table[name]),
          fmt::format("{}: dropped index {}, which the catalog does not have", shard, name), s,
          dialect_.RenderDropIndex(name));
    }
  }

  // Every row of a hashed table is on the shard its key belongs to, and a unique key is on one
  // shard only.
  void RowsInPlace(const TableInfo& table) {
    const ColumnInfo& key = table.shard_key_column();
    bool unique = key.rowid_alias || key.primary_key || key.unique;
    std::string sql = fmt::format("SELECT {} FROM {}", dialect_.QuoteIdentifier(key.name),
                                  dialect_.QuoteIdentifier(table.name));
    std::map<std::string, int> seen;
    for (uint32_t ring_index = 0; ring_index < table.shards().size(); ++ring_index) {
      if (missing_.count({table.name, table.shards()[ring_index]})) continue;
      size_t s = cluster_.ShardIndex(table.shards()[ring_index]);
      size_t misplaced = 0;
      for (const auto& row : Query(cluster_, s, sql)) {
        if (ShardIndexOfKey(row[0], table, dialect_) != ring_index) ++misplaced;
        if (unique && !row[0].is_null()) {
          std::string bytes;
          dialect_.AppendGroupKey(dialect_.StoredValue(row[0], key.type), key.collation, bytes);
          if (++seen[bytes] == 2) {
            report_.problems.push_back(fmt::format("{}: key {} = {} is on more than one shard",
                                                   table.name, key.name,
                                                   dialect_.FormatValue(row[0])));
          }
        }
      }
      if (misplaced > 0) {
        report_.problems.push_back(
            fmt::format("{}: {} rows on {} belong to other shards by their {} (left as they are)",
                        table.name, misplaced, Name(s), key.name));
      }
    }
  }

  // Every copy of a reference table holds the same rows.
  void ReferenceCopies(const TableInfo& table) {
    std::string sql = fmt::format("SELECT * FROM {}", dialect_.QuoteIdentifier(table.name));
    std::map<std::string, std::vector<std::string>> by_contents;
    for (const std::string& shard : table.shards()) {
      if (missing_.count({table.name, shard})) continue;
      size_t s = cluster_.ShardIndex(shard);
      std::multiset<std::string> rows;
      for (const auto& row : Query(cluster_, s, sql)) {
        std::string bytes;
        for (size_t c = 0; c < row.size(); ++c)
          dialect_.AppendGroupKey(row[c], table.columns[c].collation, bytes);
        rows.insert(bytes);
      }
      std::string contents;
      for (const std::string& r : rows)
        contents += std::to_string(StableHash(r)) + ",";
      by_contents[contents].push_back(shard);
    }
    if (by_contents.size() > 1) {
      std::vector<std::string> groups;
      for (const auto& [contents, shards] : by_contents)
        groups.push_back(fmt::format("{{{}}}", fmt::join(shards, ", ")));
      report_.problems.push_back(fmt::format("{}: the copies of this reference table differ: {}",
                                             table.name, fmt::join(groups, " vs ")));
    }
  }

  // The shared rowid counters are above every rowid the shards hold.
  void Counters() {
    if (!cluster_.catalog().persistent()) return;
    for (const auto& [name, table] : snapshot_->tables()) {
      if (table->distribution != DistributionKind::kHash || table->shard_key_column().rowid_alias) {
        continue;
      }
      int64_t above = 0;
      for (const std::string& shard : table->shards()) {
        if (missing_.count({name, shard})) continue;
        auto rows = Query(cluster_, cluster_.ShardIndex(shard),
                          "SELECT max(rowid) FROM " + dialect_.QuoteIdentifier(name));
        if (!rows.empty() && !rows[0][0].is_null())
          above = std::max(above, rows[0][0].integer() + 1);
      }
      int64_t next = cluster_.catalog().TakeNumbers("rowid " + name, 0, nullptr);
      if (next >= above) continue;
      if (repair_) {
        cluster_.catalog().TakeNumbers("rowid " + name, 0, [&] { return above; });
        report_.repairs.push_back(
            fmt::format("{}: raised its rowid counter from {} to {}", name, next, above));
      } else {
        report_.problems.push_back(
            fmt::format("{}: its rowid counter ({}) is not above the rows' rowids ({})", name, next,
                        above - 1));
      }
    }
  }

  void Fix(const std::string& problem, const std::string& repair, size_t s,
           const std::string& sql) {
    if (!repair_) {
      report_.problems.push_back(problem);
      return;
    }
    shardql::Run(cluster_, s, sql);
    report_.repairs.push_back(repair);
  }

  const std::string& Name(size_t s) const { return cluster_.shard(s).name; }

  Cluster& cluster_;
  bool repair_;
  CheckReport& report_;
  const Dialect& dialect_;
  std::shared_ptr<const CatalogSnapshot> snapshot_;
  std::set<std::pair<std::string, std::string>> missing_;  // (table, shard) reported missing
};

}  // namespace

CheckReport CheckCluster(Cluster& cluster, bool repair) {
  CheckReport report;
  Checker(cluster, repair, report).Run();
  return report;
}

}  // namespace shardql
