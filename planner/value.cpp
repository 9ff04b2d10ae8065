#include "planner/value.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

#include "planner/value_text.h"

namespace shardql {

bool Value::operator==(const Value& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::kNull:
      return true;
    case Kind::kInteger:
    case Kind::kBoolean:
    case Kind::kDate:
    case Kind::kTime:
    case Kind::kTimestamp:
    case Kind::kTimestampTz:
      return integer_ == other.integer_;
    case Kind::kReal:
      return std::bit_cast<uint64_t>(real_) == std::bit_cast<uint64_t>(other.real_);
    case Kind::kInterval:
      return integer_ == other.integer_ && bytes_ == other.bytes_;
    case Kind::kText:
    case Kind::kBlob:
    case Kind::kNumeric:
    case Kind::kUuid:
    case Kind::kJson:
      return bytes_ == other.bytes_;
  }
  return false;
}

Value Value::MakeInterval(Interval v) {
  Value out(Kind::kInterval);
  out.integer_ = v.micros;
  out.bytes_.resize(8);
  std::memcpy(out.bytes_.data(), &v.months, 4);
  std::memcpy(out.bytes_.data() + 4, &v.days, 4);
  return out;
}

Value::Interval Value::interval() const {
  Interval out;
  out.micros = integer_;
  if (bytes_.size() == 8) {
    std::memcpy(&out.months, bytes_.data(), 4);
    std::memcpy(&out.days, bytes_.data() + 4, 4);
  }
  return out;
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
    case Kind::kNumeric:
    case Kind::kDate:
    case Kind::kTime:
    case Kind::kTimestamp:
    case Kind::kTimestampTz:
    case Kind::kInterval:
    case Kind::kUuid:
    case Kind::kJson:
      return fmt::format("{} '{}'", ToString(kind_), FormatValueText(*this));
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
    case Value::Kind::kNumeric:
      return "numeric";
    case Value::Kind::kDate:
      return "date";
    case Value::Kind::kTime:
      return "time";
    case Value::Kind::kTimestamp:
      return "timestamp";
    case Value::Kind::kTimestampTz:
      return "timestamptz";
    case Value::Kind::kInterval:
      return "interval";
    case Value::Kind::kUuid:
      return "uuid";
    case Value::Kind::kJson:
      return "json";
  }
  return "?";
}

}  // namespace shardql
