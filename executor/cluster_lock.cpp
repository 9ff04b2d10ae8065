#include "executor/cluster_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "grammar/sql_error.h"

namespace shardql {

ClusterLock::ClusterLock(const std::string& path) {
  if (path.empty()) return;
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw SqlError(sqlstate::kIoError, "could not open the cluster's lock file \"" + path +
                                           "\": " + std::strerror(errno));
  }
}

ClusterLock::~ClusterLock() {
  if (fd_ >= 0) close(fd_);
}

void ClusterLock::Apply() {
  Mode wanted = exclusive_ > 0 ? Mode::kExclusive : shared_ > 0 ? Mode::kShared : Mode::kNone;
  if (wanted == mode_) return;
  if (fd_ >= 0) {
    // flock converts a lock by dropping it and waiting for the new one; nothing is assumed to
    // stay locked in between.
    int operation = wanted == Mode::kExclusive ? LOCK_EX
                    : wanted == Mode::kShared  ? LOCK_SH
                                               : LOCK_UN;
    while (flock(fd_, operation) != 0) {
      if (errno != EINTR) {
        throw SqlError(sqlstate::kIoError, std::string("could not lock the cluster's lock file: ") +
                                               std::strerror(errno));
      }
    }
  }
  mode_ = wanted;
}

ClusterLock::Hold ClusterLock::Shared() {
  ++shared_;
  try {
    Apply();
  } catch (...) {
    --shared_;
    throw;
  }
  return Hold(this, false);
}

ClusterLock::Hold ClusterLock::Exclusive() {
  ++exclusive_;
  try {
    Apply();
  } catch (...) {
    --exclusive_;
    throw;
  }
  return Hold(this, true);
}

ClusterLock::Hold& ClusterLock::Hold::operator=(Hold&& other) noexcept {
  if (this != &other) {
    Release();
    lock_ = other.lock_;
    exclusive_ = other.exclusive_;
    other.lock_ = nullptr;
  }
  return *this;
}

void ClusterLock::Hold::Release() {
  if (!lock_) return;
  ClusterLock* lock = lock_;
  lock_ = nullptr;
  --(exclusive_ ? lock->exclusive_ : lock->shared_);
  try {
    lock->Apply();
  } catch (const SqlError&) {
    // Unlocking an open descriptor does not fail; a weaker lock that could not be taken back is
    // taken again by the next statement.
  }
}

}  // namespace shardql
