#include "planner/statistics.h"

#include "grammar/sql_error.h"
#include "planner/value_codec.h"

namespace shardql {
namespace {

constexpr uint64_t kFormat = 1;
constexpr const char* kDamaged = "statistics in the catalog file are damaged (run ANALYZE again)";

void PutStrings(std::string& out, const std::vector<std::string>& strings) {
  PutInt(out, strings.size());
  for (const std::string& s : strings)
    PutBytes(out, s);
}

std::vector<std::string> ReadStrings(ByteReader& in) {
  std::vector<std::string> out;
  for (uint64_t n = in.Int(); n > 0; --n)  // not reserved: a damaged count fails at the end
    out.push_back(in.Bytes());
  return out;
}

void PutOptional(std::string& out, const std::optional<Value>& v) {
  PutInt(out, v ? 1 : 0);
  if (v) PutValue(out, *v);
}

std::optional<Value> ReadOptional(ByteReader& in) {
  if (in.Int() == 0) return std::nullopt;
  return in.Read();
}

}  // namespace

std::string EncodeStatistics(const TableStatistics& s) {
  std::string out;
  PutInt(out, kFormat);
  PutInt(out, static_cast<uint64_t>(s.taken_at));
  PutDouble(out, s.rows);
  PutInt(out, s.sampled_rows);
  PutInt(out, s.shard_rows.size());
  for (const auto& [shard, rows] : s.shard_rows) {
    PutBytes(out, shard);
    PutDouble(out, rows);
  }
  PutInt(out, s.columns.size());
  for (const ColumnStatistics& c : s.columns) {
    PutDouble(out, c.null_fraction);
    PutDouble(out, c.distinct);
    PutOptional(out, c.min);
    PutOptional(out, c.max);
    PutInt(out, c.most_common.size());
    for (const auto& [value, fraction] : c.most_common) {
      PutValue(out, value);
      PutDouble(out, fraction);
    }
    PutInt(out, c.histogram.size());
    for (const Value& bound : c.histogram)
      PutValue(out, bound);
  }
  PutInt(out, s.indexes.size());
  for (const ShardIndexStatistics& index : s.indexes) {
    PutBytes(out, index.name);
    PutStrings(out, index.columns);
    PutInt(out, index.unique ? 1 : 0);
    PutStrings(out, index.shards);
  }
  return out;
}

TableStatistics DecodeStatistics(const std::string& bytes) {
  ByteReader in(bytes, kDamaged);
  if (in.Int() != kFormat) throw SqlError(sqlstate::kIoError, kDamaged);
  TableStatistics s;
  s.taken_at = static_cast<int64_t>(in.Int());
  s.rows = in.Double();
  s.sampled_rows = in.Int();
  for (uint64_t n = in.Int(); n > 0; --n) {
    std::string shard = in.Bytes();
    s.shard_rows.emplace_back(std::move(shard), in.Double());
  }
  for (uint64_t n = in.Int(); n > 0; --n) {
    ColumnStatistics& c = s.columns.emplace_back();
    c.null_fraction = in.Double();
    c.distinct = in.Double();
    c.min = ReadOptional(in);
    c.max = ReadOptional(in);
    for (uint64_t m = in.Int(); m > 0; --m) {
      Value value = in.Read();
      c.most_common.emplace_back(std::move(value), in.Double());
    }
    for (uint64_t m = in.Int(); m > 0; --m)
      c.histogram.push_back(in.Read());
  }
  for (uint64_t n = in.Int(); n > 0; --n) {
    ShardIndexStatistics& index = s.indexes.emplace_back();
    index.name = in.Bytes();
    index.columns = ReadStrings(in);
    index.unique = in.Int() != 0;
    index.shards = ReadStrings(in);
  }
  if (!in.done()) throw SqlError(sqlstate::kIoError, kDamaged);
  return s;
}

}  // namespace shardql
