#pragma once
// A large transaction's redo, written before its decision: a router does not hold every statement
// of a \copy or an INSERT ... SELECT in memory until the commit record is written. Past a few
// megabytes, each shard's statements so far go to a file of the transaction's own beside the
// catalog file (CATALOG.redo/GID.redo), synced just before the decision. The file counts only
// once a commit record with its gid exists: recovery redoes a shard's spilled statements, in
// order, before the record's own (planner/commit_record.h). A file whose transaction has no
// record and whose router is gone was never decided, and is removed; a finished one is removed
// by its router, which costs an unlink however large it grew.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "planner/commit_record.h"

namespace shardql {

class RedoSpillFile {
 public:
  RedoSpillFile(const std::string& catalog_path, std::string gid);
  ~RedoSpillFile();  // closes, and removes the file unless Keep() was called
  RedoSpillFile(const RedoSpillFile&) = delete;
  RedoSpillFile& operator=(const RedoSpillFile&) = delete;

  // Appends one shard's statements. Throws SqlError 58030 when the file cannot be written.
  void Append(const std::string& shard, const EncodedRedo& statements);
  // Makes what was appended, and the file's name, durable: before the decision.
  void Sync();
  // The decision was written: the file is recovery's until its router removes it.
  void Keep() { keep_ = true; }
  const std::string& gid() const { return gid_; }

 private:
  std::string path_;
  std::string gid_;
  int fd_ = -1;
  bool keep_ = false;
};

// Where the spilled redo of transaction `gid` is.
std::string RedoSpillPath(const std::string& catalog_path, const std::string& gid);
// Calls `fn` with each spilled run of `shard`'s statements of `gid`, in the order they were
// written; nothing when nothing was spilled. Throws SqlError 58030 for a damaged file.
void ForEachSpilledRedo(const std::string& catalog_path, const std::string& gid,
                        const std::string& shard,
                        const std::function<void(const std::vector<RedoStatement>&)>& fn);
void RemoveSpilledRedo(const std::string& catalog_path, const std::string& gid);
// The gids of every spill file beside the catalog.
std::vector<std::string> SpilledRedoGids(const std::string& catalog_path);

}  // namespace shardql
