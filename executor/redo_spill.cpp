#include "executor/redo_spill.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "grammar/sql_error.h"

namespace shardql {
namespace {

constexpr const char* kSuffix = ".redo";

std::string Directory(const std::string& catalog_path) {
  return catalog_path + ".redo";
}

[[noreturn]] void Fail(const std::string& what, const std::string& path) {
  throw SqlError(sqlstate::kIoError,
                 "could not " + what + " the redo file \"" + path + "\": " + std::strerror(errno));
}

void PutInt(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>((v >> (8 * i)) & 0xff);
}

uint64_t GetInt(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

// Reads exactly n bytes; false at a clean end of file before the first.
bool ReadExactly(int fd, char* out, size_t n, const std::string& path) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::read(fd, out + done, n - done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) Fail("read", path);
    if (r == 0) {
      if (done == 0) return false;
      throw SqlError(sqlstate::kIoError, "the redo file \"" + path + "\" is damaged");
    }
    done += static_cast<size_t>(r);
  }
  return true;
}

void WriteAll(int fd, const char* data, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) Fail("write", path);
    data += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace

std::string RedoSpillPath(const std::string& catalog_path, const std::string& gid) {
  return Directory(catalog_path) + "/" + gid + kSuffix;
}

RedoSpillFile::RedoSpillFile(const std::string& catalog_path, std::string gid)
    : path_(RedoSpillPath(catalog_path, gid)), gid_(std::move(gid)) {
  ::mkdir(Directory(catalog_path).c_str(), 0755);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) Fail("create", path_);
}

RedoSpillFile::~RedoSpillFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!keep_) ::unlink(path_.c_str());
}

// A run: the shard's name, how many statements, how many bytes, then the statements as the commit
// record encodes them.
void RedoSpillFile::Append(const std::string& shard, const EncodedRedo& statements) {
  std::string header;
  PutInt(header, shard.size());
  header += shard;
  PutInt(header, statements.statements);
  PutInt(header, statements.bytes.size());
  WriteAll(fd_, header.data(), header.size(), path_);
  WriteAll(fd_, statements.bytes.data(), statements.bytes.size(), path_);
}

void RedoSpillFile::Sync() {
  if (::fsync(fd_) != 0) Fail("sync", path_);
  // The file's name, too: a decision must not outlive the entry that finds its redo.
  std::string dir = path_.substr(0, path_.rfind('/'));
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) Fail("open the folder of", path_);
  int synced = ::fsync(dir_fd);
  ::close(dir_fd);
  if (synced != 0) Fail("sync the folder of", path_);
}

void ForEachSpilledRedo(const std::string& catalog_path, const std::string& gid,
                        const std::string& shard,
                        const std::function<void(const std::vector<RedoStatement>&)>& fn) {
  std::string path = RedoSpillPath(catalog_path, gid);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return;
    Fail("open", path);
  }
  try {
    char word[8];
    // A run's later fields: the file ending before them is damage, not its end.
    auto field = [&](char* out, size_t n) {
      if (!ReadExactly(fd, out, n, path)) {
        throw SqlError(sqlstate::kIoError, "the redo file \"" + path + "\" is damaged");
      }
    };
    while (ReadExactly(fd, word, 8, path)) {
      std::string name(GetInt(word), '\0');
      field(name.data(), name.size());
      field(word, 8);
      uint64_t count = GetInt(word);
      field(word, 8);
      uint64_t length = GetInt(word);
      if (name != shard) {
        if (::lseek(fd, static_cast<off_t>(length), SEEK_CUR) < 0) Fail("read", path);
        continue;
      }
      std::string bytes(length, '\0');
      if (length > 0 && !ReadExactly(fd, bytes.data(), length, path)) {
        throw SqlError(sqlstate::kIoError, "the redo file \"" + path + "\" is damaged");
      }
      fn(DecodeRedoStatements(bytes, count));
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

void RemoveSpilledRedo(const std::string& catalog_path, const std::string& gid) {
  ::unlink(RedoSpillPath(catalog_path, gid).c_str());
}

std::vector<std::string> SpilledRedoGids(const std::string& catalog_path) {
  std::vector<std::string> out;
  DIR* dir = ::opendir(Directory(catalog_path).c_str());
  if (!dir) return out;
  const size_t suffix = std::strlen(kSuffix);
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name.size() > suffix && name.compare(name.size() - suffix, suffix, kSuffix) == 0) {
      out.push_back(name.substr(0, name.size() - suffix));
    }
  }
  ::closedir(dir);
  return out;
}

}  // namespace shardql
