#include "planner/commit_record.h"

#include "grammar/sql_error.h"
#include "planner/value_codec.h"

namespace shardql {
namespace {

constexpr const char* kDamaged = "a commit record in the catalog file is damaged";

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

std::vector<RedoStatement> ReadStatements(ByteReader& in, uint64_t count) {
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
  ByteReader in(bytes, kDamaged);
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
  ByteReader in(bytes, kDamaged);
  std::vector<RedoStatement> out = ReadStatements(in, count);
  if (!in.done())
    throw SqlError(sqlstate::kIoError, "a commit record in the catalog file is damaged");
  return out;
}

}  // namespace shardql
