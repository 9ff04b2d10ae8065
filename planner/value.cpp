#include "planner/value.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

namespace shardql {

bool Value::operator==(const Value& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::kNull:
      return true;
    case Kind::kInteger:
    case Kind::kBoolean:
      return integer_ == other.integer_;
    case Kind::kReal:
      return std::bit_cast<uint64_t>(real_) == std::bit_cast<uint64_t>(other.real_);
    case Kind::kText:
    case Kind::kBlob:
      return bytes_ == other.bytes_;
  }
  return false;
}

std::string Value::DebugString() const {
  switch (kind_) {
    case Kind::kNull:
      return "NULL";
    case Kind::kInteger:
      return std::to_string(integer_);
    case Kind::kReal:
      return fmt::format("{}", real_);
    case Kind::kBoolean:
      return integer_ ? "true" : "false";
    case Kind::kText: {
      std::string out = "'";
      for (char c : bytes_) {
        if (c == '\'') out += '\'';
        out += c;
      }
      return out + "'";
    }
    case Kind::kBlob: {
      std::string out = "x'";
      for (unsigned char c : bytes_)
        out += fmt::format("{:02x}", c);
      return out + "'";
    }
  }
  return "?";
}

const char* ToString(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kInteger:
      return "integer";
    case Value::Kind::kReal:
      return "real";
    case Value::Kind::kText:
      return "text";
    case Value::Kind::kBlob:
      return "blob";
    case Value::Kind::kBoolean:
      return "boolean";
  }
  return "?";
}

}  // namespace shardql
