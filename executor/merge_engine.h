#pragma once
// The merge engine: a private database inside the router, of the cluster's own backend kind, where
// the general path finishes queries the shards cannot finish alone and a column's DEFAULT is
// evaluated. It keeps its tables in memory up to a limit, then spills to a temporary file (the
// backend's own machinery), so large intermediate results slow a query down instead of failing
// it. Everything it runs is written in the cluster's dialect, so it answers as one database of
// that kind would.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "executor/row_stream.h"

namespace shardql {

class Cluster;

class MergeEngine {
 public:
  virtual ~MergeEngine() = default;

  // A table with these column definitions (Dialect::RenderColumnDefinition).
  virtual void CreateTable(const std::string& quoted_name,
                           const std::vector<std::string>& columns) = 0;
  // Inserts every row of `rows` into the table, in one transaction; `columns` names the columns
  // the rows fill (all of them, in order, when empty).
  virtual void Load(const std::string& quoted_name, RowStream& rows,
                    const std::vector<std::string>& columns = {}) = 0;
  // An index on `quoted_columns` of a loaded table, so joins and correlated subqueries on them
  // seek instead of scanning (as they would in one database with its keys indexed).
  virtual void CreateIndex(const std::string& quoted_table,
                           const std::vector<std::string>& quoted_columns) = 0;
  // Gathers the statistics the engine's planner uses (SQLite: ANALYZE on a sample), after the
  // loads and indexes, so it picks join orders and indexes as one database with statistics would.
  virtual void Analyze() = 0;
  // Runs a query whose rows are `width` wide; the stream steps it batch by batch. The engine must
  // outlive the stream.
  virtual std::unique_ptr<RowStream> Query(const std::string& sql, const std::vector<Value>& params,
                                           size_t width, size_t batch_rows) = 0;
  // Makes what runs in the engine stop (57014) as soon as it can, and what starts after.
  // Thread-safe.
  virtual void Interrupt() = 0;
};

// A merge engine on a private database of the cluster's backend kind. Throws SqlError.
std::unique_ptr<MergeEngine> OpenMergeEngine(const Cluster& cluster, int64_t memory_limit_kb);

// A column's DEFAULT for `count` rows, computed by the merge engine in one statement
// (Dialect::RenderDefaultRows): a volatile default such as random() gets a value per row, as in
// one database.
std::vector<Value> EvaluateDefaults(const Cluster& cluster, const std::string& default_sql,
                                    size_t count, int64_t memory_limit_kb);

}  // namespace shardql
