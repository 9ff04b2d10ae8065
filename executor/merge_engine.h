#pragma once
// The merge engine: a private SQLite database inside the router where the general path finishes
// queries the shards cannot finish alone. It lives in memory up to a limit, then spills to a
// temporary file (SQLite's own page cache and temp-file machinery), so large intermediate results
// slow a query down instead of failing it.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "executor/row_stream.h"

struct sqlite3;

namespace shardql {

class MergeEngine {
 public:
  explicit MergeEngine(int64_t memory_limit_kb);
  ~MergeEngine();
  MergeEngine(const MergeEngine&) = delete;
  MergeEngine& operator=(const MergeEngine&) = delete;

  void CreateTable(const std::string& quoted_name, const std::vector<std::string>& columns);
  // Inserts every row of `rows` into the table, in one transaction; `columns` names the columns
  // the rows fill (all of them, in order, when empty).
  void Load(const std::string& quoted_name, RowStream& rows,
            const std::vector<std::string>& columns = {});
  // Runs a query; the stream steps it batch by batch. The engine must outlive the stream.
  std::unique_ptr<RowStream> Query(const std::string& sql, const std::vector<Value>& params,
                                   size_t batch_rows);
  // Makes what runs in the engine stop (57014) as soon as it can, and what starts after.
  // Thread-safe.
  void Interrupt();

 private:
  static int Progress(void* self);
  void Exec(const std::string& sql);
  sqlite3* db_ = nullptr;
  std::atomic<bool> interrupted_{false};
};

}  // namespace shardql
