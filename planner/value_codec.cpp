#include "planner/value_codec.h"

#include <cstring>

#include "grammar/sql_error.h"

namespace shardql {

void PutInt(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void PutBytes(std::string& out, const std::string& bytes) {
  PutInt(out, bytes.size());
  out += bytes;
}

void PutDouble(std::string& out, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  PutInt(out, bits);
}

void PutValue(std::string& out, const Value& v) {
  out += static_cast<char>(v.kind());
  switch (v.kind()) {
    case Value::Kind::kNull:
      return;
    case Value::Kind::kReal:
      PutDouble(out, v.real());
      return;
    case Value::Kind::kInteger:
    case Value::Kind::kBoolean:
    case Value::Kind::kDate:
    case Value::Kind::kTime:
    case Value::Kind::kTimestamp:
    case Value::Kind::kTimestampTz:
      PutInt(out, static_cast<uint64_t>(v.integer()));
      return;
    case Value::Kind::kInterval:
      PutInt(out, static_cast<uint64_t>(v.integer()));
      PutBytes(out, v.bytes());
      return;
    default:
      PutBytes(out, v.bytes());
      return;
  }
}

uint64_t ByteReader::Int() {
  Need(8);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
  pos_ += 8;
  return v;
}

std::string ByteReader::Bytes() {
  uint64_t n = Int();
  Need(n);
  std::string out = bytes_.substr(pos_, n);
  pos_ += n;
  return out;
}

double ByteReader::Double() {
  uint64_t bits = Int();
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

Value ByteReader::Read() {
  Need(1);
  auto kind = static_cast<Value::Kind>(bytes_[pos_++]);
  switch (kind) {
    case Value::Kind::kNull:
      return Value::Null();
    case Value::Kind::kInteger:
      return Value::Integer(static_cast<int64_t>(Int()));
    case Value::Kind::kBoolean:
      return Value::Boolean(Int() != 0);
    case Value::Kind::kReal:
      return Value::Real(Double());
    case Value::Kind::kDate:
      return Value::Date(static_cast<int32_t>(Int()));
    case Value::Kind::kTime:
      return Value::Time(static_cast<int64_t>(Int()));
    case Value::Kind::kTimestamp:
      return Value::Timestamp(static_cast<int64_t>(Int()));
    case Value::Kind::kTimestampTz:
      return Value::TimestampTz(static_cast<int64_t>(Int()));
    case Value::Kind::kInterval: {
      auto micros = static_cast<int64_t>(Int());
      std::string rest = Bytes();
      Value::Interval iv;
      iv.micros = micros;
      if (rest.size() == 8) {
        std::memcpy(&iv.months, rest.data(), 4);
        std::memcpy(&iv.days, rest.data() + 4, 4);
      }
      return Value::MakeInterval(iv);
    }
    case Value::Kind::kText:
      return Value::Text(Bytes());
    case Value::Kind::kBlob:
      return Value::Blob(Bytes());
    case Value::Kind::kNumeric:
      return Value::Numeric(Bytes());
    case Value::Kind::kUuid:
      return Value::Uuid(Bytes());
    case Value::Kind::kJson:
      return Value::Json(Bytes());
  }
  Fail();
}

void ByteReader::Need(uint64_t n) const {
  if (n > bytes_.size() - pos_) Fail();
}

void ByteReader::Fail() const {
  throw SqlError(sqlstate::kIoError, damaged_);
}

}  // namespace shardql
