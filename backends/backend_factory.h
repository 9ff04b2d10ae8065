#pragma once
// The backend kinds a cluster configuration can name, and how each one's parts are made: its
// shards, its dialect, and the private database where the router finishes queries (the merge
// engine). The rest of the router sees only Backend, BackendConnection and Dialect.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "backends/backend.h"
#include "planner/dialect.h"

namespace shardql {

enum class BackendKind : uint8_t {
  kSqlite,      // `sqlite = FILE`
  kPostgresql,  // `postgresql = CONNINFO`: not yet supported
};

// The configuration key of a kind ("sqlite") and back.
const char* ToString(BackendKind kind);
std::optional<BackendKind> BackendKindByName(std::string_view name);

// One shard: its name in the catalog, its kind and where it is (a file; a libpq connection
// string).
struct ShardSpec {
  std::string name;
  BackendKind kind = BackendKind::kSqlite;
  std::string location;
};

// Throws SqlError: 0A000 for a kind not supported yet.
std::unique_ptr<Backend> MakeBackend(const ShardSpec& shard);
std::unique_ptr<Dialect> MakeDialect(BackendKind kind);
// A private database of `kind` for the merge engine: in memory up to `memory_limit_kb`, spilled
// to a temporary file beyond, gone when its connection closes. Null with `status` on failure.
std::unique_ptr<BackendConnection> OpenMergeDatabase(BackendKind kind, int64_t memory_limit_kb,
                                                     BackendStatus& status);

}  // namespace shardql
