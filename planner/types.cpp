#include "planner/types.h"

#include <fmt/format.h>

#include <deque>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <unordered_map>

namespace shardql {

std::string TypeName(const SqlType& type) {
  auto with_precision = [&](const char* name) {
    return type.precision >= 0 ? fmt::format("{}({})", name, type.precision) : std::string(name);
  };
  switch (type.id) {
    case TypeId::kUnknown:
      return "unknown";
    case TypeId::kBool:
      return "boolean";
    case TypeId::kInt2:
      return "smallint";
    case TypeId::kInt4:
      return "integer";
    case TypeId::kInt8:
      return "bigint";
    case TypeId::kNumeric:
      if (type.precision < 0) return "numeric";
      return fmt::format("numeric({},{})", type.precision, std::max(type.scale, 0));
    case TypeId::kFloat4:
      return "real";
    case TypeId::kFloat8:
      return "double precision";
    case TypeId::kText:
      return "text";
    case TypeId::kVarchar:
      return with_precision("character varying");
    case TypeId::kChar:
      return with_precision("character");
    case TypeId::kBytea:
      return "bytea";
    case TypeId::kDate:
      return "date";
    case TypeId::kTime:
      return with_precision("time") + " without time zone";
    case TypeId::kTimestamp:
      return with_precision("timestamp") + " without time zone";
    case TypeId::kTimestampTz:
      return with_precision("timestamp") + " with time zone";
    case TypeId::kInterval:
      return with_precision("interval");
    case TypeId::kUuid:
      return "uuid";
    case TypeId::kJson:
      return "json";
    case TypeId::kJsonb:
      return "jsonb";
  }
  return "unknown";
}

namespace {

struct OidEntry {
  TypeId id;
  uint32_t oid;
  int16_t length;
};

// pg_type's oid and typlen of each type. A value of unknown type travels as text.
constexpr OidEntry kOids[] = {
    {TypeId::kUnknown, 25, -1},      {TypeId::kBool, 16, 1},        {TypeId::kInt2, 21, 2},
    {TypeId::kInt4, 23, 4},          {TypeId::kInt8, 20, 8},        {TypeId::kNumeric, 1700, -1},
    {TypeId::kFloat4, 700, 4},       {TypeId::kFloat8, 701, 8},     {TypeId::kText, 25, -1},
    {TypeId::kVarchar, 1043, -1},    {TypeId::kChar, 1042, -1},     {TypeId::kBytea, 17, -1},
    {TypeId::kDate, 1082, 4},        {TypeId::kTime, 1083, 8},      {TypeId::kTimestamp, 1114, 8},
    {TypeId::kTimestampTz, 1184, 8}, {TypeId::kInterval, 1186, 16}, {TypeId::kUuid, 2950, 16},
    {TypeId::kJson, 114, -1},        {TypeId::kJsonb, 3802, -1},
};

const OidEntry& EntryOf(TypeId id) {
  for (const OidEntry& e : kOids) {
    if (e.id == id) return e;
  }
  return kOids[0];
}

}  // namespace

uint32_t TypeOid(TypeId id) {
  return EntryOf(id).oid;
}

int16_t TypeLength(TypeId id) {
  return EntryOf(id).length;
}

int32_t TypeModifier(const SqlType& type) {
  constexpr int32_t kHeaderSize = 4;  // PostgreSQL's VARHDRSZ, which its typmods include
  if (type.precision < 0) return -1;
  switch (type.id) {
    case TypeId::kVarchar:
    case TypeId::kChar:
      return type.precision + kHeaderSize;
    case TypeId::kNumeric:
      return ((type.precision << 16) | std::max(type.scale, 0)) + kHeaderSize;
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return type.precision;
    case TypeId::kInterval:
      return (0x7FFF << 16) | type.precision;  // every field, with a precision
    default:
      return -1;
  }
}

std::optional<TypeId> TypeIdOfOid(uint32_t oid) {
  for (const OidEntry& e : kOids) {
    if (e.oid == oid && e.id != TypeId::kUnknown) return e.id;
  }
  return std::nullopt;
}

SqlType TypeOfValueKind(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNull:
      return SqlType();
    case Value::Kind::kInteger:
      return SqlType(TypeId::kInt8);
    case Value::Kind::kReal:
      return SqlType(TypeId::kFloat8);
    case Value::Kind::kText:
      return SqlType(TypeId::kText);
    case Value::Kind::kBlob:
      return SqlType(TypeId::kBytea);
    case Value::Kind::kBoolean:
      return SqlType(TypeId::kBool);
    case Value::Kind::kNumeric:
      return SqlType(TypeId::kNumeric);
    case Value::Kind::kDate:
      return SqlType(TypeId::kDate);
    case Value::Kind::kTime:
      return SqlType(TypeId::kTime);
    case Value::Kind::kTimestamp:
      return SqlType(TypeId::kTimestamp);
    case Value::Kind::kTimestampTz:
      return SqlType(TypeId::kTimestampTz);
    case Value::Kind::kInterval:
      return SqlType(TypeId::kInterval);
    case Value::Kind::kUuid:
      return SqlType(TypeId::kUuid);
    case Value::Kind::kJson:
      return SqlType(TypeId::kJsonb);
  }
  return SqlType();
}

namespace {

// Interned collation names. A deque keeps every name where it is while others are added, so
// name() can hand out references.
struct CollationNames {
  std::shared_mutex mutex;
  std::deque<std::string> names{"default"};
  std::unordered_map<std::string, uint16_t> ids{{"default", 0}};
};

CollationNames& Names() {
  static CollationNames names;
  return names;
}

}  // namespace

Collation Collation::Named(std::string_view canonical_name) {
  CollationNames& n = Names();
  std::string key(canonical_name);
  {
    std::shared_lock lock(n.mutex);
    auto it = n.ids.find(key);
    if (it != n.ids.end()) return Collation(it->second);
  }
  std::unique_lock lock(n.mutex);
  auto it = n.ids.find(key);
  if (it != n.ids.end()) return Collation(it->second);
  if (n.names.size() > UINT16_MAX) throw std::length_error("too many collations");
  auto id = static_cast<uint16_t>(n.names.size());
  n.names.push_back(key);
  n.ids.emplace(std::move(key), id);
  return Collation(id);
}

const std::string& Collation::name() const {
  CollationNames& n = Names();
  std::shared_lock lock(n.mutex);
  return n.names[id_];
}

ExprType DeclaredColumnType(const SqlType& type, Collation collation) {
  ExprType out;
  out.type = type;
  out.declared = true;
  out.collation = collation;
  out.collation_source = CollationSource::kImplicit;
  return out;
}

}  // namespace shardql
