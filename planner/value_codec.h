#pragma once
// Values to bytes and back, keeping each value's kind and exact bits: the catalog file keeps
// commit records (a redone statement binds what the first run bound) and ANALYZE's statistics
// this way.

#include <cstdint>
#include <string>

#include "planner/value.h"

namespace shardql {

void PutInt(std::string& out, uint64_t v);  // 8 bytes, little-endian
void PutBytes(std::string& out, const std::string& bytes);
void PutDouble(std::string& out, double v);
void PutValue(std::string& out, const Value& v);

// Reads what the Put functions wrote. Bytes that end early or hold an unknown kind raise 58030
// with `damaged`, the message naming what was being read.
class ByteReader {
 public:
  ByteReader(const std::string& bytes, const char* damaged) : bytes_(bytes), damaged_(damaged) {}
  uint64_t Int();
  std::string Bytes();
  double Double();
  Value Read();
  bool done() const { return pos_ == bytes_.size(); }

 private:
  void Need(uint64_t n) const;
  [[noreturn]] void Fail() const;
  const std::string& bytes_;
  const char* damaged_;
  size_t pos_ = 0;
};

}  // namespace shardql
