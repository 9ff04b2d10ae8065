#pragma once
// A shard that is a SQLite database file. Connections keep their prepared statements (keyed by
// SQL text), so a fragment planned before runs without SQLite parsing it again.

#include <cstdint>
#include <memory>
#include <string>

#include "backends/backend.h"

namespace shardql {

class SqliteBackend : public Backend {
 public:
  // A shard in the file at `path`, in WAL mode.
  SqliteBackend(std::string shard_name, std::string path);
  // A private temporary database for the merge engine: in memory up to `memory_limit_kb`, then in
  // a temporary file (SQLite's own page cache and spill), deleted when the connection closes; no
  // journal, as nothing in it needs to survive.
  static std::unique_ptr<SqliteBackend> MergeDatabase(int64_t memory_limit_kb);

  const std::string& shard_name() const override { return shard_name_; }
  std::string location() const override { return "sqlite:" + path_; }
  BackendStatus Attach(const ShardIdentity& identity, bool holds_tables) override;
  std::unique_ptr<BackendConnection> Connect(BackendStatus& status) override;

  const std::string& path() const { return path_; }

 private:
  std::string shard_name_;
  std::string path_;
  // The PRAGMAs every connection starts with.
  std::string pragmas_ = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
};

// SQLite's result codes as PostgreSQL SQLSTATEs (23505 for a UNIQUE violation, 57014 for an
// interrupt, ...), with the message to refine the generic SQLITE_ERROR.
std::string SqliteErrorToSqlstate(int extended_code, const std::string& message);

}  // namespace shardql
