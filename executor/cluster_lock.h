#pragma once
// Routers that share one catalog file (several shells, several proxies) coordinate through a lock
// file beside it: every statement holds it shared, DDL and recovery hold it exclusive. So DDL
// never runs beside a statement planned on the catalog it changes, and a statement that starts
// after DDL sees it: it checks the catalog's version first (Cluster::Refresh). The lock is
// flock(2) on a descriptor of the session's own, so sessions of one process exclude each other as
// routers do; a router that dies drops its locks with its descriptors.

#include <string>

namespace shardql {

class ClusterLock {
 public:
  // The lock file at `path` (created if needed); with an empty path, a lock that locks nothing
  // (an in-memory catalog has one router). Throws SqlError 58030 when the file cannot be opened.
  explicit ClusterLock(const std::string& path);
  ~ClusterLock();
  ClusterLock(const ClusterLock&) = delete;
  ClusterLock& operator=(const ClusterLock&) = delete;

  // One hold of the lock; the file stays locked, in the strongest mode held, while any hold
  // lives (a transaction's shared hold outlives its statements').
  class Hold {
   public:
    Hold() = default;
    Hold(ClusterLock* lock, bool exclusive) : lock_(lock), exclusive_(exclusive) {}
    Hold(Hold&& other) noexcept : lock_(other.lock_), exclusive_(other.exclusive_) {
      other.lock_ = nullptr;
    }
    Hold& operator=(Hold&& other) noexcept;
    ~Hold() { Release(); }
    void Release();
    bool held() const { return lock_ != nullptr; }

   private:
    ClusterLock* lock_ = nullptr;
    bool exclusive_ = false;
  };

  // Blocks until granted. Not thread-safe: one session uses its lock from one thread at a time.
  Hold Shared();
  Hold Exclusive();

 private:
  // Locks the file in the mode the holds need.
  void Apply();

  int fd_ = -1;
  int shared_ = 0, exclusive_ = 0;
  enum class Mode { kNone, kShared, kExclusive } mode_ = Mode::kNone;
};

}  // namespace shardql
