#pragma once
// From DDL statements to catalog entries: validation of CREATE TABLE / INDEX / VIEW against the
// catalog and the distribution rules, shared by statement execution and catalog loading.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/ast.h"
#include "planner/catalog.h"
#include "planner/dialect.h"

namespace shardql {

// How CREATE TABLE without DISTRIBUTE BY distributes (the session's `default_distribution`).
enum class DefaultDistribution : uint8_t {
  kHashFirstColumn,  // DISTRIBUTE BY HASH (first column)
  kReference,        // DISTRIBUTE BY REFERENCE
};

struct ShardLayout {
  std::vector<std::string> shards;  // every shard of the cluster, in config order
  uint32_t vnodes = 64;             // virtual nodes per shard on new rings
};

// `text` is the SQL the statement was parsed from (spans point into it). Throws SqlError for an
// invalid definition: duplicate columns (42701), unknown shard key (42703), several primary keys
// (42P16), unknown collation (42704), a PRIMARY KEY or UNIQUE constraint of a hash-distributed
// table that leaves out the shard key (0A000).
// Column types and collations are the dialect's (Dialect::ResolveType, FindCollation).
std::shared_ptr<TableInfo> BuildTableInfo(const ast::CreateTableStatement& stmt,
                                          std::string_view text, const ShardLayout& layout,
                                          DefaultDistribution default_distribution,
                                          const Dialect& dialect);

// CREATE INDEX on `table`: the columns must exist (42703); a UNIQUE index of a hash-distributed
// table must include the shard key (0A000). An unnamed index gets PostgreSQL's name, t_a_b_idx.
IndexInfo BuildIndexInfo(const ast::CreateIndexStatement& stmt, std::string_view text,
                         const TableInfo& table, const Dialect& dialect);

ViewInfo BuildViewInfo(const ast::CreateViewStatement& stmt, std::string_view text);

// The text of a span.
inline std::string_view SpanText(std::string_view text, ast::SourceSpan span) {
  if (span.begin > text.size() || span.end > text.size() || span.end < span.begin) return {};
  return text.substr(span.begin, span.end - span.begin);
}

// "name", inner quotes doubled: standard SQL, which SQLite and PostgreSQL both read.
std::string QuoteIdentifier(std::string_view name);

// A name for messages: "t" or "s.t".
std::string JoinName(const std::vector<std::string>& parts);

}  // namespace shardql
