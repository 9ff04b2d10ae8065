#pragma once
// Which routers are alive. Each router sharing a catalog holds an exclusive flock(2) on a file of
// its own in a folder beside the catalog file (catalog.db.routers/ID) for as long as it runs; a
// router that finds another's file unlocked knows that router died, so the transactions it had
// decided are for recovery to finish (executor/recovery.h). A lock dies with its process, however
// the process ends.

#include <string>

namespace shardql {

class RouterLiveness {
 public:
  // Registers this router in `folder` (created if needed) under a new random id. Throws SqlError
  // 58030 when the file cannot be made or locked.
  explicit RouterLiveness(std::string folder);
  ~RouterLiveness();  // unregisters: unlocks and removes the file
  RouterLiveness(const RouterLiveness&) = delete;
  RouterLiveness& operator=(const RouterLiveness&) = delete;

  const std::string& id() const { return id_; }
  // Whether the router `id` still runs (this one always does).
  bool IsAlive(const std::string& id) const;
  // Removes a dead router's file, once what it left has been recovered.
  void Forget(const std::string& id) const;
  // Removes the files of every router that is not alive (all it left is recovered).
  void ForgetDead() const;

 private:
  std::string folder_;
  std::string id_;
  int fd_ = -1;
};

}  // namespace shardql
