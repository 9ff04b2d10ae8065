#pragma once
// A shard that is a SQLite database file. Connections keep their prepared statements (keyed by
// SQL text), so a fragment planned before runs without SQLite parsing it again.

#include <string>

#include "backends/backend.h"

namespace shardql {

class SqliteBackend : public Backend {
 public:
  SqliteBackend(std::string shard_name, std::string path);

  const std::string& shard_name() const override { return shard_name_; }
  std::string location() const override { return "sqlite:" + path_; }
  std::unique_ptr<BackendConnection> Connect(BackendStatus& status) override;

  const std::string& path() const { return path_; }

 private:
  std::string shard_name_;
  std::string path_;
};

// SQLite's result codes as PostgreSQL SQLSTATEs (23505 for a UNIQUE violation, 57014 for an
// interrupt, ...), with the message to refine the generic SQLITE_ERROR.
std::string SqliteErrorToSqlstate(int extended_code, const std::string& message);

}  // namespace shardql
