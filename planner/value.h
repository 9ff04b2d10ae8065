#pragma once
// Value is one datum as it travels between backends, merges and fronts. Its kinds are SQLite's
// storage classes, a boolean, and PostgreSQL's kinds that need their own representation to be
// carried without loss (exact decimals, dates and times, intervals, uuids, json). A Value knows
// nothing of SQL types or collations — comparing and combining values is the dialect's job
// (planner/dialect.h); their text forms are in planner/value_text.h.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

namespace shardql {

class Value {
 public:
  enum class Kind : uint8_t {
    kNull,
    kInteger,  // int2, int4, int8; SQLite's INTEGER
    kReal,     // float4, float8; SQLite's REAL
    kText,     // text, varchar, char
    kBlob,     // bytea; SQLite's BLOB
    kBoolean,
    kNumeric,      // an exact decimal as its canonical text: "-12.340", "NaN", "Infinity"
    kDate,         // days since 2000-01-01 (PostgreSQL's epoch); ±infinity at the int32 limits
    kTime,         // microseconds since midnight
    kTimestamp,    // microseconds since 2000-01-01 00:00:00; ±infinity at the int64 limits
    kTimestampTz,  // the same, in UTC
    kInterval,     // months, days and microseconds, kept apart as PostgreSQL keeps them
    kUuid,         // the 16 bytes
    kJson,         // json or jsonb, as text
  };

  struct Interval {
    int32_t months = 0;
    int32_t days = 0;
    int64_t micros = 0;
    bool operator==(const Interval&) const = default;
  };

  static constexpr int32_t kDateNegativeInfinity = std::numeric_limits<int32_t>::min();
  static constexpr int32_t kDatePositiveInfinity = std::numeric_limits<int32_t>::max();
  static constexpr int64_t kTimestampNegativeInfinity = std::numeric_limits<int64_t>::min();
  static constexpr int64_t kTimestampPositiveInfinity = std::numeric_limits<int64_t>::max();

  Value() = default;
  static Value Null() { return Value(); }
  static Value Integer(int64_t v) {
    Value out(Kind::kInteger);
    out.integer_ = v;
    return out;
  }
  static Value Real(double v) {
    Value out(Kind::kReal);
    out.real_ = v;
    return out;
  }
  static Value Text(std::string v) {
    Value out(Kind::kText);
    out.bytes_ = std::move(v);
    return out;
  }
  static Value Blob(std::string v) {
    Value out(Kind::kBlob);
    out.bytes_ = std::move(v);
    return out;
  }
  static Value Boolean(bool v) {
    Value out(Kind::kBoolean);
    out.integer_ = v ? 1 : 0;
    return out;
  }
  // `digits` must be a canonical decimal (value_text.h's ParseNumeric makes one).
  static Value Numeric(std::string digits) {
    Value out(Kind::kNumeric);
    out.bytes_ = std::move(digits);
    return out;
  }
  static Value Date(int32_t days) { return Temporal(Kind::kDate, days); }
  static Value Time(int64_t micros) { return Temporal(Kind::kTime, micros); }
  static Value Timestamp(int64_t micros) { return Temporal(Kind::kTimestamp, micros); }
  static Value TimestampTz(int64_t micros) { return Temporal(Kind::kTimestampTz, micros); }
  static Value MakeInterval(Interval v);
  // `bytes` must be 16 bytes long.
  static Value Uuid(std::string bytes) {
    Value out(Kind::kUuid);
    out.bytes_ = std::move(bytes);
    return out;
  }
  static Value Json(std::string text) {
    Value out(Kind::kJson);
    out.bytes_ = std::move(text);
    return out;
  }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_numeric() const { return kind_ == Kind::kInteger || kind_ == Kind::kReal; }
  int64_t integer() const { return integer_; }
  double real() const { return real_; }
  bool boolean() const { return integer_ != 0; }
  // kDate: days; kTime, kTimestamp, kTimestampTz: microseconds.
  int64_t temporal() const { return integer_; }
  Interval interval() const;
  // Text, blob, numeric digits, uuid and json bytes.
  const std::string& bytes() const { return bytes_; }
  std::string_view text() const { return bytes_; }

  // Exact identity (same kind, same bits/bytes): for tests and hashing, not SQL comparison.
  bool operator==(const Value& other) const;

  // A readable form for debugging and plan printing: 42, 1.5, 'it''s', x'0a', NULL, true.
  std::string DebugString() const;

 private:
  explicit Value(Kind kind) : kind_(kind) {}
  static Value Temporal(Kind kind, int64_t v) {
    Value out(kind);
    out.integer_ = v;
    return out;
  }

  Kind kind_ = Kind::kNull;
  union {
    int64_t integer_ = 0;  // also a temporal value, or an interval's microseconds
    double real_;
  };
  std::string bytes_;  // an interval keeps its months and days here (8 bytes, no allocation)
};

const char* ToString(Value::Kind kind);

}  // namespace shardql
