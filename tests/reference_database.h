#pragma once
// One plain SQLite database holding the same rows as a cluster, for tests that compare shardql's
// answers with the answer of one unsharded database; and the comparison itself.

#include <optional>
#include <string>
#include <vector>

#include "planner/value.h"

struct sqlite3;

namespace shardql::testing {

using Rows = std::vector<std::vector<Value>>;

class ReferenceDatabase {
 public:
  ReferenceDatabase();  // in memory
  ~ReferenceDatabase();
  ReferenceDatabase(const ReferenceDatabase&) = delete;
  ReferenceDatabase& operator=(const ReferenceDatabase&) = delete;

  // Runs statements with their DISTRIBUTE BY clauses removed; the error message when SQLite
  // refuses them, "" on success.
  std::string Exec(const std::string& sql);
  // The statement's rows, or nullopt when SQLite refuses it.
  std::optional<Rows> Query(const std::string& sql);

 private:
  sqlite3* db_ = nullptr;
};

// Each value with its type (`4:integer 4:real`), one row per line.
std::string RowsText(const Rows& rows);

// SQL leaves open which of several equal values a deduplication keeps: DISTINCT over 4 and 4.0,
// a GROUP BY key, min/max over ties, a UNION. SQLite keeps whichever its plan meets first, and so
// does each shard. Such a query may differ from the reference in that choice and nothing else: an
// integer where the reference has the equal real, or the other way round.
bool ChoosesAmongEqualValues(const std::string& sql);

// Rows in a canonical order, for comparing results whose order the query leaves open.
Rows Sorted(Rows rows);

// The rows match exactly, or, when `among_equal` allows, up to integer-vs-real representatives.
bool SameRows(const Rows& got, const Rows& expected, bool among_equal);

}  // namespace shardql::testing
