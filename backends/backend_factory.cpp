#include "backends/backend_factory.h"

#include "backends/sqlite_backend.h"
#include "backends/sqlite_dialect.h"
#include "grammar/sql_error.h"

namespace shardql {

namespace {

[[noreturn]] void NotYet(BackendKind kind) {
  throw SqlError(sqlstate::kFeatureNotSupported,
                 std::string(ToString(kind)) + " shards are not supported yet");
}

}  // namespace

const char* ToString(BackendKind kind) {
  switch (kind) {
    case BackendKind::kSqlite:
      return "sqlite";
    case BackendKind::kPostgresql:
      return "postgresql";
  }
  return "?";
}

std::optional<BackendKind> BackendKindByName(std::string_view name) {
  if (name == "sqlite") return BackendKind::kSqlite;
  if (name == "postgresql") return BackendKind::kPostgresql;
  return std::nullopt;
}

std::unique_ptr<Backend> MakeBackend(const ShardSpec& shard) {
  if (shard.kind != BackendKind::kSqlite) NotYet(shard.kind);
  return std::make_unique<SqliteBackend>(shard.name, shard.location);
}

std::unique_ptr<Dialect> MakeDialect(BackendKind kind) {
  if (kind != BackendKind::kSqlite) NotYet(kind);
  return std::make_unique<SqliteDialect>();
}

std::unique_ptr<BackendConnection> OpenMergeDatabase(BackendKind kind, int64_t memory_limit_kb,
                                                     BackendStatus& status) {
  if (kind != BackendKind::kSqlite) NotYet(kind);
  return SqliteBackend::MergeDatabase(memory_limit_kb)->Connect(status);
}

}  // namespace shardql
