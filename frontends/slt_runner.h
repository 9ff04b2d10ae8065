#pragma once
// `shardql slt`: runs files in the sqllogictest format through shardql on fresh shards — statement
// ok/error, query with type letters and nosort/rowsort/valuesort, labels, hash-threshold and
// "N values hashing to" results, skipif/onlyif (this engine is `sqlite` on SQLite shards), halt.
// Tables a file creates without DISTRIBUTE BY are distributed by `--distribute`. With --oracle,
// every record also runs on one plain SQLite database and any difference is a failure.

#include <iosfwd>
#include <string>
#include <vector>

#include "planner/ddl.h"

namespace shardql {

struct SltOptions {
  size_t shards = 4;
  DefaultDistribution distribution = DefaultDistribution::kHashFirstColumn;
  bool oracle = false;
  bool force_general_path = false;
  // --disable-rules: "all" (SET enable_rewrites = off) or a list for SET disabled_rules.
  std::string disabled_rules;
  size_t failures_shown = 5;  // per file
  std::vector<std::string> files;
  // Records expected to fail, as lines "FILE:LINE reason" (FILE matched by its trailing path).
  // A listed record that fails is reported as known; one that passes is a stale entry.
  std::string known_failures_file;
};

struct SltCounts {
  size_t passed = 0;
  size_t failed = 0;
  size_t skipped = 0;
  size_t known = 0;       // failures listed in the known-failures file
  size_t unexpected = 0;  // failures not listed there
  size_t stale = 0;       // listed records that passed
};

// Prints one line per file and a closing "N passed, N failed"; returns the totals.
SltCounts RunSlt(const SltOptions& options, std::ostream& out, std::ostream& err);

}  // namespace shardql
