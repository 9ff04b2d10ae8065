#include "executor/router_liveness.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "grammar/sql_error.h"

namespace shardql {

RouterLiveness::RouterLiveness(std::string folder) : folder_(std::move(folder)) {
  std::error_code error;
  std::filesystem::create_directories(folder_, error);
  std::random_device random;
  id_ = fmt::format("{:08x}{:08x}", random(), random());
  std::string path = folder_ + "/" + id_;
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0 || flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    throw SqlError(sqlstate::kIoError, fmt::format("could not register the router in \"{}\": {}",
                                                   folder_, std::strerror(errno)));
  }
}

RouterLiveness::~RouterLiveness() {
  std::error_code ignored;
  std::filesystem::remove(folder_ + "/" + id_, ignored);
  if (fd_ >= 0) close(fd_);
}

bool RouterLiveness::IsAlive(const std::string& id) const {
  if (id == id_) return true;
  int fd = open((folder_ + "/" + id).c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;  // never registered here, or already forgotten: not running
  bool locked_by_other = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close(fd);  // drops the lock this test may have taken
  return locked_by_other;
}

void RouterLiveness::ForgetDead() const {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder_, error))
    Forget(entry.path().filename().string());
}

void RouterLiveness::Forget(const std::string& id) const {
  if (id == id_ || IsAlive(id)) return;
  std::error_code ignored;
  std::filesystem::remove(folder_ + "/" + id, ignored);
}

}  // namespace shardql
