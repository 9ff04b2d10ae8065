#include "executor/analyze_executor.h"

#include <fmt/format.h>

#include <chrono>
#include <map>

#include "executor/ddl_executor.h"
#include "planner/statistics_builder.h"

namespace shardql {
namespace {

double Number(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInteger:
      return static_cast<double>(v.integer());
    case Value::Kind::kReal:
      return v.real();
    default:
      return 0;
  }
}

// One shard's connection for the length of its part of ANALYZE.
class ShardReader {
 public:
  ShardReader(Cluster& cluster, const std::string& shard)
      : shard_(shard), pool_(*cluster.shard(cluster.ShardIndex(shard)).pool) {
    BackendStatus status;
    connection_ = pool_.Acquire(status);
    if (!connection_) throw ShardError(status, shard_, "ANALYZE: ");
  }
  ~ShardReader() { pool_.Release(std::move(connection_)); }

  std::vector<std::vector<Value>> Rows(const std::string& sql,
                                       const std::vector<Value>& params = {}) {
    CollectingRowSink collect;
    BackendStatus status = connection_->Execute(sql, params, &collect);
    if (!status.ok) throw ShardError(status, shard_, "ANALYZE: ");
    return std::move(collect.rows);
  }

 private:
  std::string shard_;
  ConnectionPool& pool_;
  std::unique_ptr<BackendConnection> connection_;
};

// What the shard's backend knows: rows, column summaries, indexes and their distinct counts.
ShardTableFacts ReadShard(ShardReader& reader, const std::string& shard, const TableInfo& table,
                          const Dialect& dialect) {
  ShardTableFacts facts;
  facts.shard = shard;
  const size_t columns = table.columns.size();
  reader.Rows(dialect.GatherStatisticsSql(table));
  std::vector<std::vector<Value>> summary = reader.Rows(dialect.ColumnSummarySql(table));
  const std::vector<Value>& row = summary.at(0);
  facts.rows = Number(row.at(0));
  for (size_t c = 0; c < columns; ++c) {
    facts.non_null.push_back(Number(row.at(1 + 3 * c)));
    const Value& min = row.at(2 + 3 * c);
    const Value& max = row.at(3 + 3 * c);
    facts.min.push_back(min.is_null() ? std::nullopt : std::optional<Value>(min));
    facts.max.push_back(max.is_null() ? std::nullopt : std::optional<Value>(max));
  }
  facts.distinct.assign(columns, std::nullopt);
  std::map<std::string, size_t> index_at;  // index name → its place in facts.indexes
  for (const std::vector<Value>& r : reader.Rows(dialect.IndexColumnsSql(table))) {
    std::string name(r.at(0).text());
    auto [it, added] = index_at.emplace(name, facts.indexes.size());
    if (added) {
      facts.indexes.push_back(
          {.name = name, .columns = {}, .unique = Number(r.at(1)) != 0, .shards = {shard}});
    }
    facts.indexes[it->second].columns.push_back(r.at(2).is_null() ? "(expression)"
                                                                  : std::string(r.at(2).text()));
  }
  for (const std::vector<Value>& r : reader.Rows(dialect.IndexDistinctSql(table))) {
    auto it = index_at.find(std::string(r.at(0).text()));
    if (it == index_at.end()) continue;
    int column = table.FindColumn(facts.indexes[it->second].columns.front());
    if (column < 0) continue;
    double d = facts.rows > 0 ? std::max(1.0, Number(r.at(1))) : 0;
    auto& figure = facts.distinct[static_cast<size_t>(column)];
    figure = figure ? std::max(*figure, d) : d;
  }
  return facts;
}

void AnalyzeTable(const TableInfo& table, Cluster& cluster, bool verbose, ResultSink& sink) {
  const Dialect& dialect = cluster.dialect();
  std::vector<std::string> shards = table.shards();
  if (table.distribution == DistributionKind::kReference)
    shards.resize(std::min<size_t>(shards.size(), 1));
  std::vector<std::unique_ptr<ShardReader>> readers;
  std::vector<ShardTableFacts> facts;
  for (const std::string& shard : shards) {
    readers.push_back(std::make_unique<ShardReader>(cluster, shard));
    facts.push_back(ReadShard(*readers.back(), shard, table, dialect));
  }
  double table_rows = 0;
  for (const ShardTableFacts& f : facts)
    table_rows += f.rows;
  // The sample, in proportion to each shard's rows: together a uniform sample of the table.
  for (size_t i = 0; i < facts.size(); ++i) {
    auto want = static_cast<int64_t>(SampleRowsFor(facts[i].rows, table_rows));
    if (want > 0)
      facts[i].sample = readers[i]->Rows(dialect.SampleSql(table), {Value::Integer(want)});
  }
  readers.clear();
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto statistics = std::make_shared<TableStatistics>(CombineShardFacts(
      table, facts, dialect, std::chrono::duration_cast<std::chrono::seconds>(now).count()));
  if (verbose) {
    sink.Notice(fmt::format("INFO:  analyzing \"{}\": {} shard{}, {:.0f} rows, {} rows in sample",
                            table.name, shards.size(), shards.size() == 1 ? "" : "s",
                            statistics->rows, statistics->sampled_rows));
  }
  cluster.catalog().SetStatistics(table.name, std::move(statistics));
}

}  // namespace

std::string ExecuteAnalyze(const ast::AnalyzeStatement& statement, Cluster& cluster,
                           ResultSink& sink) {
  auto snapshot = cluster.catalog().Snapshot();
  std::vector<std::shared_ptr<const TableInfo>> tables;
  if (statement.tables.empty()) {
    for (const auto& [name, table] : snapshot->tables())
      tables.push_back(table);
  }
  for (const auto& parts : statement.tables) {
    std::string name = UnqualifiedName(parts, statement.span);
    if (auto table = snapshot->FindTable(name)) {
      tables.push_back(table);
    } else if (snapshot->FindView(name)) {
      sink.Notice(fmt::format(
          "WARNING:  skipping \"{}\" --- cannot analyze non-tables or special system tables",
          name));
    } else {
      throw SqlError(sqlstate::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name),
                     statement.span.begin);
    }
  }
  for (const auto& table : tables)
    AnalyzeTable(*table, cluster, statement.verbose, sink);
  return "ANALYZE";
}

}  // namespace shardql
