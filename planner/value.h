#pragma once
// Value is one datum as it travels between backends, merges and fronts. Its kinds are SQLite's
// storage classes plus a boolean for backends that have one; a Value knows nothing of SQL types
// or collations — comparing and combining values is the dialect's job (planner/dialect.h).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace shardql {

class Value {
 public:
  enum class Kind : uint8_t { kNull, kInteger, kReal, kText, kBlob, kBoolean };

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

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_numeric() const { return kind_ == Kind::kInteger || kind_ == Kind::kReal; }
  int64_t integer() const { return integer_; }
  double real() const { return real_; }
  bool boolean() const { return integer_ != 0; }
  // Text and blob bytes.
  const std::string& bytes() const { return bytes_; }
  std::string_view text() const { return bytes_; }

  // Exact identity (same kind, same bits/bytes): for tests and hashing, not SQL comparison.
  bool operator==(const Value& other) const;

  // A readable form for debugging and plan printing: 42, 1.5, 'it''s', x'0a', NULL, true.
  std::string DebugString() const;

 private:
  explicit Value(Kind kind) : kind_(kind) {}

  Kind kind_ = Kind::kNull;
  union {
    int64_t integer_ = 0;
    double real_;
  };
  std::string bytes_;
};

const char* ToString(Value::Kind kind);

}  // namespace shardql
