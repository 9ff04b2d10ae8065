#include "planner/commit_record.h"

#include <cstring>

#include "grammar/sql_error.h"

namespace shardql {
namespace {

void PutInt(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void PutBytes(std::string& out, const std::string& bytes) {
  PutInt(out, bytes.size());
  out += bytes;
}

// Values keep their kind and exact bits: a redone statement binds what the first run bound.
void PutValue(std::string& out, const Value& v) {
  out += static_cast<char>(v.kind());
  switch (v.kind()) {
    case Value::Kind::kNull:
      return;
    case Value::Kind::kReal: {
      uint64_t bits;
      double d = v.real();
      std::memcpy(&bits, &d, sizeof bits);
      PutInt(out, bits);
      return;
    }
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

class Reader {
 public:
  explicit Reader(const std::string& bytes) : bytes_(bytes) {}
  uint64_t Int() {
    Need(8);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return v;
  }
  std::string Bytes() {
    uint64_t n = Int();
    Need(n);
    std::string out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  Value Read() {
    Need(1);
    auto kind = static_cast<Value::Kind>(bytes_[pos_++]);
    switch (kind) {
      case Value::Kind::kNull:
        return Value::Null();
      case Value::Kind::kInteger:
        return Value::Integer(static_cast<int64_t>(Int()));
      case Value::Kind::kBoolean:
        return Value::Boolean(Int() != 0);
      case Value::Kind::kReal: {
        uint64_t bits = Int();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return Value::Real(d);
      }
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
  bool done() const { return pos_ == bytes_.size(); }

 private:
  void Need(uint64_t n) const {
    if (n > bytes_.size() - pos_) Fail();
  }
  [[noreturn]] static void Fail() {
    throw SqlError(sqlstate::kIoError, "a commit record in the catalog file is damaged");
  }
  const std::string& bytes_;
  size_t pos_ = 0;
};

}  // namespace

void EncodedRedo::Append(const std::string& sql, const std::vector<Value>& params) {
  PutBytes(bytes, sql);
  PutInt(bytes, params.size());
  for (const Value& v : params)
    PutValue(bytes, v);
  ++statements;
}

std::string EncodeRedo(const std::vector<std::pair<std::string, const EncodedRedo*>>& shards) {
  std::string out;
  PutInt(out, shards.size());
  for (const auto& [shard, redo] : shards) {
    PutBytes(out, shard);
    PutInt(out, redo->statements);
    out += redo->bytes;
  }
  return out;
}

std::string EncodeRedo(const CommitRecord& record) {
  std::string out;
  PutInt(out, record.shards.size());
  for (const auto& [shard, statements] : record.shards) {
    PutBytes(out, shard);
    PutInt(out, statements.size());
    for (const RedoStatement& s : statements) {
      PutBytes(out, s.sql);
      PutInt(out, s.params.size());
      for (const Value& v : s.params)
        PutValue(out, v);
    }
  }
  return out;
}

namespace {

std::vector<RedoStatement> ReadStatements(Reader& in, uint64_t count) {
  std::vector<RedoStatement> out;
  for (uint64_t j = 0; j < count; ++j) {
    RedoStatement s;
    s.sql = in.Bytes();
    uint64_t params = in.Int();
    for (uint64_t k = 0; k < params; ++k)
      s.params.push_back(in.Read());
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

void DecodeRedo(const std::string& bytes, CommitRecord& record) {
  Reader in(bytes);
  record.shards.clear();
  uint64_t shards = in.Int();
  for (uint64_t i = 0; i < shards; ++i) {
    std::pair<std::string, std::vector<RedoStatement>> part;
    part.first = in.Bytes();
    uint64_t count = in.Int();
    part.second = ReadStatements(in, count);
    record.shards.push_back(std::move(part));
  }
  if (!in.done())
    throw SqlError(sqlstate::kIoError, "a commit record in the catalog file is damaged");
}

std::vector<RedoStatement> DecodeRedoStatements(const std::string& bytes, uint64_t count) {
  Reader in(bytes);
  std::vector<RedoStatement> out = ReadStatements(in, count);
  if (!in.done())
    throw SqlError(sqlstate::kIoError, "a commit record in the catalog file is damaged");
  return out;
}

}  // namespace shardql
