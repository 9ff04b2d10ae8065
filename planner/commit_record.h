#pragma once
// A commit record: a router's decision to commit a transaction that wrote several shards (or ran
// DDL), kept durably in the catalog file until every shard has committed its part. It holds what
// redoes each shard's part — the statements it ran there, in order, its marker row included — so
// recovery can finish the transaction on a shard whose part was lost with the router
// (executor/commit_log.h).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "planner/value.h"

namespace shardql {

struct RedoStatement {
  std::string sql;
  std::vector<Value> params;
};

struct CommitRecord {
  int64_t id = 0;     // given by the catalog file
  std::string owner;  // the router that decided it (executor/router_liveness.h)
  std::string gid;    // the transaction's id: what its marker row on each shard holds
  // Shard name -> the statements that redo its part.
  std::vector<std::pair<std::string, std::vector<RedoStatement>>> shards;
  // When not empty: the shards' parts already encoded (EncodeRedo's bytes), as a router builds
  // them while the statements run; `shards` is then empty.
  std::string encoded;
};

// A shard's statements in the record's encoding, appended as they run: a router keeps these
// bytes rather than a copy of every value it wrote.
struct EncodedRedo {
  std::string bytes;
  uint64_t statements = 0;
  void Append(const std::string& sql, const std::vector<Value>& params);
  void Clear() {
    bytes.clear();
    statements = 0;
  }
};

// The shards' parts as bytes, and back (throws SqlError 58030 for bytes that are not a record).
std::string EncodeRedo(const CommitRecord& record);
std::string EncodeRedo(const std::vector<std::pair<std::string, const EncodedRedo*>>& shards);
void DecodeRedo(const std::string& bytes, CommitRecord& record);
// An EncodedRedo's statements, back.
std::vector<RedoStatement> DecodeRedoStatements(const std::string& bytes, uint64_t count);

}  // namespace shardql
