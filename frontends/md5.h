#pragma once
// MD5 (RFC 1321), for sqllogictest's "N values hashing to <md5>" results. Not for security.

#include <cstdint>
#include <string>
#include <string_view>

namespace shardql {

class Md5 {
 public:
  Md5();
  void Update(std::string_view data);
  // The digest as 32 lower-case hex digits; the object is spent afterwards.
  std::string HexDigest();

 private:
  void Transform(const unsigned char block[64]);

  uint32_t state_[4];
  uint64_t length_ = 0;  // bytes
  unsigned char buffer_[64];
  size_t buffered_ = 0;
};

}  // namespace shardql
