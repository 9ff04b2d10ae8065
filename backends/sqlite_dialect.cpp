#include "backends/sqlite_dialect.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sqlite3.h>

#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "backends/sql_renderer.h"
#include "backends/sqlite_values.h"
#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/ddl.h"
#include "planner/hash_ring.h"
#include "planner/temporal.h"
#include "planner/value_text.h"

namespace shardql {
namespace {

// SQLite's SQL: ?N parameters, IS / IS NOT for null-safe comparison, LIKE for ILIKE (SQLite's LIKE
// ignores ASCII case already), no ANY/ALL, and PostgreSQL's substring / position / overlay / btrim
// / extract / date_trunc written with SQLite's functions.
class SqliteRenderer : public SqlRenderer {
 public:
  using SqlRenderer::SqlRenderer;

 protected:
  std::string Param(uint32_t index) const override { return fmt::format("?{}", index); }
  std::string TempTable(const std::string& name) const override {
    return "temp." + QuoteIdentifier(name);
  }

  std::string IsDistinctFrom(const std::string& left, const std::string& right,
                             bool negated) const override {
    return fmt::format("({} IS {}{})", left, negated ? "" : "NOT ", right);
  }

  std::string Like(const std::string& operand, const std::string& pattern,
                   const std::string* escape, ast::LikeKind, bool negated) const override {
    std::string out = "(" + operand + (negated ? " NOT LIKE " : " LIKE ") + pattern;
    if (escape) out += " ESCAPE " + *escape;
    return out + ")";
  }

  std::string Function(const plan::Expr& call,
                       const std::vector<std::string>& args) const override {
    const std::string& name = call.name;
    if (name == "substring" && (args.size() == 2 || args.size() == 3)) return Substring(args);
    if (name == "position" && args.size() == 2) return Call("instr", {args[1], args[0]});
    if (name == "overlay" && (args.size() == 3 || args.size() == 4)) return Overlay(args);
    if (name == "btrim") return Call("trim", args);
    if ((name == "extract" || name == "date_part") && args.size() == 2) {
      std::string value = Extract(args[0], *call.children[1], args[1]);
      return name == "date_part" ? "CAST(" + value + " AS REAL)" : value;
    }
    if (name == "date_trunc" && args.size() == 2) {
      return DateTrunc(std::string(call.children[0]->value.text()), *call.children[1], args[1]);
    }
    return Call(name, args);
  }

  // PostgreSQL's substring(x FROM s FOR n) takes the characters at positions s .. s+n-1 that
  // exist (none before 1); SQLite's substr counts a start below 1 from the end. A negative n is
  // PostgreSQL's error 22011 (shardql_substring_length, registered by SqliteBackend).
  static std::string Substring(const std::vector<std::string>& args) {
    std::string start = fmt::format("max({}, 1)", args[1]);
    if (args.size() == 2) return Call("substr", {args[0], start});
    std::string length = Call("shardql_substring_length", {args[2]});
    return Call("substr",
                {args[0], start, fmt::format("max(({}) + {} - {}, 0)", args[1], length, start)});
  }

  // overlay(x PLACING r FROM s [FOR n]): substring(x FOR s - 1) || r || substring(x FROM s + n),
  // n the length of r by default; a start below 1 is the negative length's error.
  static std::string Overlay(const std::vector<std::string>& args) {
    std::string length = args.size() == 4 ? args[3] : Call("length", {args[1]});
    return fmt::format("(substr({0}, 1, shardql_substring_length(({2}) - 1)) || {1} || {3})",
                       args[0], args[1], args[2],
                       Substring({args[0], fmt::format("({}) + ({})", args[2], length)}));
  }

  // Stored timestamptz text without its "+00": the timestamp at UTC.
  static std::string WithoutZone(const std::string& x) {
    return fmt::format("substr({0}, 1, length({0}) - 3)", x);
  }

  // A date/time value as SQLite's date functions read it: timestamptz's stored text ends in
  // "+00", which SQLite reads only as "+00:00".
  static std::string DateArgument(const plan::Expr& arg, const std::string& text) {
    if (arg.type.type.id == TypeId::kTimestampTz) return "(" + text + " || ':00')";
    return text;
  }

  // date_trunc of a date (a timestamptz in PostgreSQL), timestamp or timestamptz column, as the
  // text the result type stores; the binder lets through only these fields.
  static std::string DateTrunc(const std::string& field, const plan::Expr& arg,
                               const std::string& text) {
    TypeId source = arg.type.type.id;
    std::string zone = source != TypeId::kTimestamp ? "+00" : "";
    if (field == "microseconds") return source == TypeId::kDate ? Midnight(text, zone) : text;
    std::string x = DateArgument(arg, text);
    if (field == "second" || field == "minute" || field == "hour") {
      const char* format = field == "second"   ? "%Y-%m-%d %H:%M:%S"
                           : field == "minute" ? "%Y-%m-%d %H:%M:00"
                                               : "%Y-%m-%d %H:00:00";
      return fmt::format("(strftime('{}', {}) || '{}')", format, x, zone);
    }
    auto year_back = [&](int span, int offset) {
      // Back to the first year of the decade (offset 0) or century / millennium (offset 1).
      return fmt::format(
          "date({}, 'start of year', printf('-%d years', "
          "(CAST(strftime('%Y', {}) AS INTEGER) - {}) % {}))",
          x, x, offset, span);
    };
    std::string day;
    if (field == "day") day = fmt::format("date({})", x);
    if (field == "week") day = fmt::format("date({}, '-6 days', 'weekday 1')", x);
    if (field == "month") day = fmt::format("date({}, 'start of month')", x);
    if (field == "quarter") {
      day = fmt::format(
          "date({}, 'start of month', printf('-%d months', "
          "(CAST(strftime('%m', {}) AS INTEGER) - 1) % 3))",
          x, x);
    }
    if (field == "year") day = fmt::format("date({}, 'start of year')", x);
    if (field == "decade") day = year_back(10, 0);
    if (field == "century") day = year_back(100, 1);
    if (field == "millennium") day = year_back(1000, 1);
    if (day.empty()) {
      throw SqlError(sqlstate::kInternalError, "date_trunc(" + field + ") has no SQLite rendering");
    }
    return Midnight(day, zone);
  }

  static std::string Midnight(const std::string& day, const std::string& zone) {
    return fmt::format("({} || ' 00:00:00{}')", day, zone);
  }

  // The binder lets through only the fields this computes (bind_temporal.cpp), of values stored
  // as ISO-8601 text. ISO weeks count from the Thursday of the value's week: x - 3 days, then
  // forward to a Thursday.
  static std::string Extract(const std::string& field, const plan::Expr& arg,
                             const std::string& text) {
    std::string x = DateArgument(arg, text);
    auto part = [&](const char* format, const std::string& of) {
      return fmt::format("CAST(strftime('{}', {}) AS INTEGER)", format, of);
    };
    if (field == "'second'" || field == "'milliseconds'" || field == "'microseconds'" ||
        (field == "'epoch'" && arg.type.type.id != TypeId::kDate)) {
      // From the stored text "YYYY-MM-DD HH:MM:SS[.f][+00]": the seconds and up to six digits of
      // fraction (trailing zeros are not stored), as microseconds.
      std::string t = arg.type.type.id == TypeId::kTimestampTz ? WithoutZone(text) : text;
      std::string micros = fmt::format(
          "(CAST(substr({0}, 18, 2) AS INTEGER) * 1000000 + CAST(CASE WHEN substr({0}, 20, 1) = "
          "'.' "
          "THEN substr(substr({0}, 21) || '000000', 1, 6) ELSE '0' END AS INTEGER))",
          t);
      if (field == "'microseconds'") return micros;
      if (field == "'milliseconds'") return "(" + micros + " / 1000.0)";
      if (field == "'second'") return "(" + micros + " / 1000000.0)";
      return fmt::format("({} + {} % 1000000 / 1000000.0)", part("%s", x), micros);
    }
    std::string thursday = fmt::format("date({}, '-3 days', 'weekday 4')", x);
    if (field == "'year'") return part("%Y", x);
    if (field == "'month'") return part("%m", x);
    if (field == "'day'") return part("%d", x);
    if (field == "'hour'") return part("%H", x);
    if (field == "'minute'") return part("%M", x);
    if (field == "'dow'") return part("%w", x);
    if (field == "'doy'") return part("%j", x);
    if (field == "'epoch'") return part("%s", x);
    if (field == "'quarter'") return "((" + part("%m", x) + " + 2) / 3)";
    if (field == "'isodow'") return "((" + part("%w", x) + " + 6) % 7 + 1)";
    if (field == "'week'") return "((" + part("%j", thursday) + " - 1) / 7 + 1)";
    if (field == "'isoyear'") return part("%Y", thursday);
    if (field == "'decade'") return "(" + part("%Y", x) + " / 10)";
    if (field == "'century'") return "((" + part("%Y", x) + " + 99) / 100)";
    if (field == "'millennium'") return "((" + part("%Y", x) + " + 999) / 1000)";
    throw SqlError(sqlstate::kInternalError, "extract(" + field + ") has no SQLite rendering");
  }

  // Between date, timestamp, timestamptz and time, on their stored ISO-8601 text (years 1 to
  // 9999, as all SQLite's date functions): a date is midnight, timestamptz is UTC ("+00").
  std::string Cast(const plan::Expr& e, const std::string& x) const override {
    TypeId from = e.children[0]->type.type.id, to = e.type.type.id;
    if (!temporal::IsTemporal(from) || !temporal::IsTemporal(to)) return SqlRenderer::Cast(e, x);
    if (from == to) return x;
    bool from_zone = from == TypeId::kTimestampTz;
    if (from == TypeId::kDate && to == TypeId::kTimestamp) return "(" + x + " || ' 00:00:00')";
    if (from == TypeId::kDate && to == TypeId::kTimestampTz) return "(" + x + " || ' 00:00:00+00')";
    if (from == TypeId::kTimestamp && to == TypeId::kTimestampTz) return "(" + x + " || '+00')";
    if (from_zone && to == TypeId::kTimestamp) return WithoutZone(x);
    if (from != TypeId::kDate && to == TypeId::kDate) return fmt::format("substr({}, 1, 10)", x);
    if (from == TypeId::kTimestamp && to == TypeId::kTime) return fmt::format("substr({}, 12)", x);
    if (from_zone && to == TypeId::kTime) return fmt::format("substr({}, 12)", WithoutZone(x));
    throw SqlError(sqlstate::kInternalError,
                   fmt::format("CAST of {} to {} has no SQLite rendering", TypeName(SqlType(from)),
                               TypeName(SqlType(to))));
  }

  // date ± integer is a date, date - date the days between: SQLite's date functions on the
  // ISO-8601 text, the only non-constant date arithmetic the binder lets through.
  std::optional<std::string> TypedBinary(const plan::Expr& e, const std::string& left,
                                         const std::string& right) const override {
    if (e.children[0]->type.type.id != TypeId::kDate) return std::nullopt;
    bool minus = e.binary_op == ast::BinaryOp::kSub;
    if (e.type.type.id == TypeId::kDate) {
      return fmt::format("date({}, printf('%+d days', {}{}))", left, minus ? "-" : "",
                         minus ? "(" + right + ")" : right);
    }
    if (e.type.type.id == TypeId::kInt4 && minus) {
      return fmt::format("CAST(julianday({}) - julianday({}) AS INTEGER)", left, right);
    }
    return std::nullopt;
  }

  // x op ANY (S) and x op ALL (S) with three-valued logic, from EXISTS:
  //   ANY: true if some comparison is true; else NULL if some is NULL; else false.
  //   ALL: false if some comparison is false; else NULL if some is NULL; else true.
  std::string Quantified(const std::string& left, ast::BinaryOp op, ast::Quantifier quantifier,
                         const std::string& subquery, const std::string& column_alias) override {
    std::string column = QuoteIdentifier(column_alias);
    std::string a = NewAlias('q'), b = NewAlias('q');
    std::string cmp_a = fmt::format("({} {} {}.{})", left, ast::ToString(op), a, column);
    std::string cmp_b = fmt::format("({} {} {}.{})", left, ast::ToString(op), b, column);
    bool all = quantifier == ast::Quantifier::kAll;
    return fmt::format(
        "CASE WHEN EXISTS (SELECT 1 FROM ({}) AS {} WHERE {}) THEN {} "
        "WHEN EXISTS (SELECT 1 FROM ({}) AS {} WHERE ({} IS NULL)) THEN NULL ELSE {} END",
        subquery, a, all ? "(NOT " + cmp_a + ")" : cmp_a, all ? 0 : 1, subquery, b, cmp_b,
        all ? 1 : 0);
  }

  const char* UnconditionedJoin() const override { return ", "; }
  bool OffsetNeedsLimit() const override { return true; }
  bool ParenthesizedSetOperands() const override { return false; }
};

int CompareIntReal(int64_t i, double r) {
  if (std::isnan(r)) return 1;
  if (r < -9223372036854775808.0) return 1;
  if (r >= 9223372036854775808.0) return -1;
  auto y = static_cast<int64_t>(r);
  if (i < y) return -1;
  if (i > y) return 1;
  double fraction = r - static_cast<double>(y);
  if (fraction > 0) return -1;
  if (fraction < 0) return 1;
  return 0;
}

int CompareBytes(std::string_view a, std::string_view b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

int CompareText(std::string_view a, std::string_view b, Collation collation) {
  if (collation.is_default()) return CompareBytes(a, b);
  if (collation == SqliteNoCase()) {
    size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
      if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x - 'A' + 'a');
      if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y - 'A' + 'a');
      if (x != y) return x < y ? -1 : 1;
    }
    return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
  }
  if (collation == SqliteRtrim()) {
    while (!a.empty() && a.back() == ' ')
      a.remove_suffix(1);
    while (!b.empty() && b.back() == ' ')
      b.remove_suffix(1);
  }
  return CompareBytes(a, b);
}

// Text as `collation` compares it: NOCASE folds ASCII letters, RTRIM drops trailing spaces.
std::string FoldText(std::string_view text, Collation collation) {
  std::string out(text);
  if (collation.is_default()) return out;
  if (collation == SqliteNoCase()) {
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  } else if (collation == SqliteRtrim()) {
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
  }
  return out;
}

bool IntegralReal(double d) {
  return d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == std::floor(d);
}

// SQLite's storage classes order: NULL < INTEGER/REAL < TEXT < BLOB.
int ClassRank(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return 0;
    case Value::Kind::kInteger:
    case Value::Kind::kReal:
    case Value::Kind::kBoolean:
      return 1;
    case Value::Kind::kText:
      return 2;
    case Value::Kind::kBlob:
      return 3;
    default:
      return 2;  // PostgreSQL's other kinds reach SQLite as their text (SqliteStorageValue)
  }
  return 0;
}

}  // namespace

std::string SqliteRealText(double d) {
  char buffer[64];
  sqlite3_snprintf(sizeof buffer, buffer, "%!.15g", d);
  return buffer;
}

SqliteDialect::SqliteDialect() {
  if (sqlite3_open_v2(":memory:", &scratch_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    throw SqlError(sqlstate::kInternalError, "could not open an in-memory SQLite database");
  }
  const Affinity kinds[] = {Affinity::kNone, Affinity::kText, Affinity::kNumeric,
                            Affinity::kInteger, Affinity::kReal};
  for (Affinity a : kinds) {
    std::string table = "conv_" + std::string(ToString(a));
    std::string create = "CREATE TABLE " + table + "(v " + std::string(ToString(a)) + ")";
    sqlite3_exec(scratch_, create.c_str(), nullptr, nullptr, nullptr);
    std::string store = "REPLACE INTO " + table + "(rowid, v) VALUES (1, ?1)";
    std::string load = "SELECT v FROM " + table + " WHERE rowid = 1";
    auto i = static_cast<size_t>(a);
    sqlite3_prepare_v2(scratch_, store.c_str(), -1, &store_[i], nullptr);
    sqlite3_prepare_v2(scratch_, load.c_str(), -1, &load_[i], nullptr);
  }
  // CAST of text to REAL reads it with the function SQLite's parser reads a numeral with.
  sqlite3_prepare_v2(scratch_, "SELECT CAST(?1 AS REAL)", -1, &real_, nullptr);
}

SqliteDialect::~SqliteDialect() {
  for (size_t i = 0; i < 5; ++i) {
    sqlite3_finalize(store_[i]);
    sqlite3_finalize(load_[i]);
  }
  sqlite3_finalize(real_);
  sqlite3_close(scratch_);
}

int SqliteDialect::Compare(const Value& a, const Value& b, Collation collation) const {
  if (!IsSqliteStorageClass(a) || !IsSqliteStorageClass(b)) {
    // Booleans and PostgreSQL's kinds compare as what SQLite stores for them.
    return Compare(SqliteStorageValue(a), SqliteStorageValue(b), collation);
  }
  int ra = ClassRank(a), rb = ClassRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1: {
      bool ai = a.kind() != Value::Kind::kReal, bi = b.kind() != Value::Kind::kReal;
      if (ai && bi) return a.integer() < b.integer() ? -1 : a.integer() > b.integer() ? 1 : 0;
      if (!ai && !bi) return a.real() < b.real() ? -1 : a.real() > b.real() ? 1 : 0;
      if (ai) return CompareIntReal(a.integer(), b.real());
      return -CompareIntReal(b.integer(), a.real());
    }
    case 2:
      return CompareText(a.text(), b.text(), collation);
    default:
      return CompareBytes(a.bytes(), b.bytes());
  }
}

namespace {

// Text that is an integer in its one canonical spelling ("0", "-42", at most 18 digits): what
// SQLite's numeric affinities make of it is plain, without asking SQLite (a \copy of a million
// keys would otherwise ask a million times). Anything else — spaces, "+", leading zeros, more
// digits — is SQLite's to decide.
std::optional<int64_t> CanonicalInteger(std::string_view s) {
  size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
  size_t digits = s.size() - i;
  if (digits == 0 || digits > 18 || (s[i] == '0' && (digits > 1 || i == 1))) return std::nullopt;
  int64_t n = 0;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return std::nullopt;
    n = n * 10 + (s[j] - '0');
  }
  return i ? -n : n;
}

}  // namespace

Value SqliteDialect::ApplyAffinity(const Value& in, Affinity affinity) const {
  if (!IsSqliteStorageClass(in)) return ApplyAffinity(SqliteStorageValue(in), affinity);
  const Value& v = in;
  if (v.is_null() || v.kind() == Value::Kind::kBlob || affinity == Affinity::kNone) return v;
  switch (affinity) {
    case Affinity::kText:
      if (v.kind() == Value::Kind::kInteger) return Value::Text(std::to_string(v.integer()));
      if (v.kind() == Value::Kind::kReal) return Value::Text(SqliteRealText(v.real()));
      return v;
    case Affinity::kInteger:
    case Affinity::kNumeric:
      if (v.kind() == Value::Kind::kInteger) return v;
      if (v.kind() == Value::Kind::kText) {
        if (std::optional<int64_t> n = CanonicalInteger(v.text())) return Value::Integer(*n);
      }
      if (v.kind() == Value::Kind::kReal) {
        double d = v.real();
        // A REAL with no fractional part that fits is stored as an INTEGER.
        if (IntegralReal(d)) return Value::Integer(static_cast<int64_t>(d));
        return v;
      }
      break;
    case Affinity::kReal:
      if (v.kind() == Value::Kind::kInteger) return Value::Real(static_cast<double>(v.integer()));
      if (v.kind() == Value::Kind::kReal) return v;
      break;
    case Affinity::kNone:
      return v;
  }
  return ApplyAffinityWithSqlite(v, affinity);
}

std::optional<Value> SqliteDialect::DecimalLiteralValue(std::string_view numeral) const {
  std::lock_guard lock(mutex_);
  sqlite3_bind_text(real_, 1, numeral.data(), static_cast<int>(numeral.size()), SQLITE_STATIC);
  std::optional<Value> out;
  if (sqlite3_step(real_) == SQLITE_ROW && sqlite3_column_type(real_, 0) == SQLITE_FLOAT) {
    out = Value::Real(sqlite3_column_double(real_, 0));
  }
  sqlite3_reset(real_);
  sqlite3_clear_bindings(real_);
  return out;
}

Value SqliteDialect::ApplyAffinityWithSqlite(const Value& v, Affinity affinity) const {
  std::lock_guard lock(mutex_);
  auto i = static_cast<size_t>(affinity);
  BindSqliteValue(store_[i], 1, v);
  sqlite3_step(store_[i]);
  sqlite3_reset(store_[i]);
  Value out = v;
  if (sqlite3_step(load_[i]) == SQLITE_ROW) out = SqliteColumnValue(load_[i], 0);
  sqlite3_reset(load_[i]);
  return out;
}

Value SqliteDialect::CombineSum(const Value& a, const Value& b) const {
  if (a.is_null()) return b;
  if (b.is_null()) return a;
  if (a.kind() == Value::Kind::kInteger && b.kind() == Value::Kind::kInteger) {
    int64_t out;
    if (__builtin_add_overflow(a.integer(), b.integer(), &out)) {
      throw SqlError(sqlstate::kNumericValueOutOfRange, "integer overflow");
    }
    return Value::Integer(out);
  }
  auto as_double = [](const Value& v) {
    return v.kind() == Value::Kind::kReal ? v.real() : static_cast<double>(v.integer());
  };
  return Value::Real(as_double(a) + as_double(b));
}

Value SqliteDialect::FinishAvg(const Value& total, const Value& count) const {
  if (count.is_null() || count.integer() == 0) return Value::Null();
  double sum = total.kind() == Value::Kind::kReal ? total.real()
               : total.is_null()                  ? 0.0
                                                  : static_cast<double>(total.integer());
  return Value::Real(sum / static_cast<double>(count.integer()));
}

void SqliteDialect::AppendGroupKey(const Value& in, Collation collation, std::string& out) const {
  if (!IsSqliteStorageClass(in)) return AppendGroupKey(SqliteStorageValue(in), collation, out);
  const Value& v = in;
  auto append_int = [&](char tag, uint64_t bits) {
    out += tag;
    for (int i = 0; i < 8; ++i)
      out += static_cast<char>((bits >> (8 * i)) & 0xff);
  };
  switch (v.kind()) {
    case Value::Kind::kNull:
      out += 'n';
      return;
    case Value::Kind::kReal: {
      double d = v.real();
      // An integral REAL equals the INTEGER of the same value.
      if (IntegralReal(d)) {
        append_int('i', static_cast<uint64_t>(static_cast<int64_t>(d)));
      } else {
        append_int('r', std::bit_cast<uint64_t>(d));
      }
      return;
    }
    case Value::Kind::kText: {
      std::string folded = FoldText(v.text(), collation);
      append_int('t', folded.size());
      out += folded;
      return;
    }
    case Value::Kind::kBlob:
      append_int('b', v.bytes().size());
      out += v.bytes();
      return;
    default:  // kInteger (a boolean is one in SQLite)
      append_int('i', static_cast<uint64_t>(v.integer()));
      return;
  }
}

// The hash bytes below are the ones clusters were placed with since the first release: they must
// never change.
uint64_t SqliteDialect::KeyHash(const Value& in, Collation collation) const {
  if (!IsSqliteStorageClass(in)) return KeyHash(SqliteStorageValue(in), collation);
  const Value& key = in;
  auto integer_bytes = [](int64_t v) {
    std::string out(1 + sizeof v, 'i');
    for (size_t i = 0; i < sizeof v; ++i)
      out[1 + i] = static_cast<char>((v >> (8 * i)) & 0xff);
    return out;
  };
  switch (key.kind()) {
    case Value::Kind::kNull:
      return StableHash(std::string_view("\0", 1));
    case Value::Kind::kReal: {
      double d = key.real();
      // An integral REAL is the same key as the INTEGER it equals.
      if (IntegralReal(d)) return StableHash(integer_bytes(static_cast<int64_t>(d)));
      std::string bytes(1 + sizeof d, 'r');
      std::memcpy(bytes.data() + 1, &d, sizeof d);
      return StableHash(bytes);
    }
    case Value::Kind::kText:
      return StableHash("t" + FoldText(key.text(), collation));
    case Value::Kind::kBlob:
      return StableHash("b" + key.bytes());
    default:  // kInteger
      return StableHash(integer_bytes(key.integer()));
  }
}

bool SqliteDialect::ComparesAsStored(const ExprType& column, const ExprType& other,
                                     Collation key_collation) const {
  // A comparison gives the column's affinity to an operand that has none
  // (sqlite3CompareAffinity).
  return SqliteAffinity(other) == Affinity::kNone &&
         ComparisonCollation(column, other) == key_collation;
}

bool SqliteDialect::EqualityHashesAlike(const ExprType& a, const ExprType& b) const {
  return SqliteAffinity(a) == SqliteAffinity(b) && a.collation == b.collation &&
         ComparisonCollation(a, b) == a.collation;
}

std::string SqliteDialect::RenderType(const SqlType& type) const {
  switch (SqliteAffinity(type)) {
    case Affinity::kInteger:
      return "INTEGER";
    case Affinity::kReal:
      return "REAL";
    case Affinity::kText:
      return "TEXT";
    case Affinity::kNumeric:
      return "NUMERIC";
    case Affinity::kNone:
      return type.id == TypeId::kBytea ? "BLOB" : "";
  }
  return "";
}

std::string SqliteDialect::RenderColumnDefinition(const std::string& name, const SqlType& type,
                                                  Collation collation) const {
  std::string out = QuoteIdentifier(name);
  std::string type_name = RenderType(type);
  if (!type_name.empty()) out += " " + type_name;
  return out + " COLLATE " + (collation.is_default() ? "BINARY" : collation.name());
}

std::optional<Collation> SqliteDialect::FindCollation(std::string_view name) const {
  auto is = [&](const char* upper) {
    if (name.size() != std::strlen(upper)) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(name[i])) != upper[i]) return false;
    }
    return true;
  };
  if (is("BINARY")) return Collation();
  if (is("NOCASE")) return SqliteNoCase();
  if (is("RTRIM")) return SqliteRtrim();
  return std::nullopt;
}

// sqlite3BinaryCompareCollSeq: an explicit collation on the left, then on the right, then the
// left's implicit one, then the right's; BINARY otherwise.
Collation SqliteDialect::ComparisonCollation(const ExprType& left, const ExprType& right) const {
  if (left.collation_source == CollationSource::kExplicit) return left.collation;
  if (right.collation_source == CollationSource::kExplicit) return right.collation;
  if (left.collation_source == CollationSource::kImplicit) return left.collation;
  if (right.collation_source == CollationSource::kImplicit) return right.collation;
  return Collation();
}

std::string SqliteDialect::FormatValue(const Value& v) const {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return "";
    case Value::Kind::kInteger:
      return std::to_string(v.integer());
    case Value::Kind::kBoolean:
      return v.boolean() ? "1" : "0";
    case Value::Kind::kReal:
      return SqliteRealText(v.real());
    case Value::Kind::kText:
      return v.bytes();
    case Value::Kind::kBlob: {
      std::string out = "\\x";
      for (unsigned char c : v.bytes())
        out += fmt::format("{:02x}", c);
      return out;
    }
    default:
      return FormatValueText(v);
  }
  return "";
}

std::string SqliteDialect::RenderPlan(const plan::PlanNode& root,
                                      const plan::ColumnTable& columns) const {
  SqliteRenderer renderer(columns);
  return renderer.Render(root);
}

std::string SqliteDialect::RenderCreateTable(const TableInfo& table) const {
  // The shard's table is the catalog's definition without its DISTRIBUTE BY clause.
  std::vector<ast::StatementPtr> parsed = ParseSql(table.definition_sql);
  const auto& stmt = parsed.at(0)->As<ast::CreateTableStatement>();
  std::string_view text = SpanText(table.definition_sql, stmt.span);
  if (stmt.distribution.kind == ast::DistributionKind::kNone) return std::string(text);
  size_t begin = stmt.distribution.span.begin - stmt.span.begin;
  size_t end = stmt.distribution.span.end - stmt.span.begin;
  std::string out = std::string(text.substr(0, begin)) + std::string(text.substr(end));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n'))
    out.pop_back();
  return out;
}

std::string SqliteDialect::ListTablesSql() const {
  return "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'shardql!_%' "
         "ESCAPE '!' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'";
}

std::string SqliteDialect::ListIndexesSql() const {
  // Indexes SQLite makes for PRIMARY KEY and UNIQUE constraints have no SQL of their own.
  return "SELECT name, tbl_name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND "
         "tbl_name NOT LIKE 'shardql!_%' ESCAPE '!'";
}

namespace {

// The range of the text values of a TEXT-affinity column that start with `prefix`, compared by
// the column's collation: BINARY compares bytes, NOCASE bytes with ASCII letters folded to lower
// case. Any shorter start bounds as well, so the start ends where a byte would not be exact:
// at a non-ASCII character (a malformed UTF-8 value could decode to it from other bytes), at
// 0x7f (its successor is not ASCII), and where `letters_match_either_case` at a letter, unless
// NOCASE folds letters as the match does. The upper bound is the start with its last byte + 1;
// on NOCASE that skips 'A'..'Z', which it would fold back below the start.
std::optional<Dialect::LikeBounds> TextPrefixBounds(const ExprType& column, std::string_view prefix,
                                                    bool letters_match_either_case) {
  if (SqliteAffinity(column) != Affinity::kText) return std::nullopt;
  bool nocase = column.collation == SqliteNoCase();
  if (!column.collation.is_default() && !nocase) return std::nullopt;
  std::string start;
  for (char c : prefix) {
    auto byte = static_cast<unsigned char>(c);
    bool letter = std::isalpha(byte) != 0;
    if (byte >= 0x7f || (letter && letters_match_either_case && !nocase)) break;
    start += nocase ? static_cast<char>(std::tolower(byte)) : c;
  }
  if (start.empty()) return std::nullopt;
  std::string high = start;
  high.back() = static_cast<char>(high.back() + 1);
  if (nocase && high.back() >= 'A' && high.back() <= 'Z') high.back() = '[';
  // Never an equality, even for a whole pattern: a text may hold a NUL byte, where LIKE and substr
  // stop reading ('ab' || char(0) || 'cd' LIKE 'ab' is true), while = compares every byte.
  return Dialect::LikeBounds{Value::Text(start), Value::Text(high), std::nullopt, std::nullopt};
}

}  // namespace

// SQLite's LIKE (and ILIKE, which is rendered as LIKE) folds ASCII letters and nothing else,
// compares other characters as code points, and reads any value as text. A TEXT-affinity column
// holds text, NULL or blobs; text compares with text by the column's collation, and every blob
// sorts after every text. So the range of a LIKE's start is TextPrefixBounds with letters
// matching either case: on a BINARY column the start ends before its first letter, on NOCASE the
// lowercased start bounds the folded values. Blobs can match too where this SQLite's LIKE reads
// their bytes as text (unless it was built with SQLITE_LIKE_DOESNT_MATCH_BLOBS, as Debian's is):
// `column >= X''` takes them in, and no text.
std::optional<Dialect::LikeBounds> SqliteDialect::LikePrefixBounds(const ExprType& column,
                                                                   ast::LikeKind,
                                                                   std::string_view prefix,
                                                                   bool /*whole_pattern*/) const {
  std::optional<LikeBounds> bounds = TextPrefixBounds(column, prefix, true);
  static const bool like_matches_blobs =
      sqlite3_compileoption_used("SQLITE_LIKE_DOESNT_MATCH_BLOBS") == 0;
  if (bounds && like_matches_blobs) bounds->other_kinds_from = Value::Blob("");
  return bounds;
}

// SQLite's substr result carries no collation, so `substr(column, 1, n) = 'prefix'` compares
// bytes: true only for a text whose first n characters are exactly `prefix` (a blob's substr is
// a blob, never equal to text), and so within TextPrefixBounds with letters kept as they are
// (folded on a NOCASE column, whose range then holds both cases). On an INTEGER or REAL column
// substr reads the number as text ('12' starts 12345) while a range compares numbers: none.
std::optional<Dialect::LikeBounds> SqliteDialect::SubstrPrefixBounds(
    const ExprType& column, std::string_view prefix) const {
  return TextPrefixBounds(column, prefix, false);
}

// SQLite's LIKE optimization: with case_sensitive_like off (the default), a TEXT column whose
// index uses NOCASE, the collation that folds case as LIKE does.
bool SqliteDialect::LikeServedByIndex(const ExprType& column) const {
  return SqliteAffinity(column) == Affinity::kText && column.collation == SqliteNoCase();
}

std::string SqliteDialect::GatherStatisticsSql(const TableInfo& table) const {
  return "ANALYZE " + QuoteIdentifier(table.name);
}

std::string SqliteDialect::ColumnSummarySql(const TableInfo& table) const {
  std::string sql = "SELECT count(*)";
  for (const ColumnInfo& c : table.columns) {
    std::string column = QuoteIdentifier(c.name);
    sql += fmt::format(", count({0}), min({0}), max({0})", column);
  }
  return sql + " FROM " + QuoteIdentifier(table.name);
}

std::string SqliteDialect::IndexColumnsSql(const TableInfo& table) const {
  // index_info names no column for an expression (cid -2) and for the rowid (cid -1).
  return fmt::format(
      "SELECT il.name, il.\"unique\", CASE WHEN ii.cid >= 0 THEN ii.name END "
      "FROM pragma_index_list({0}) AS il, pragma_index_info(il.name) AS ii "
      "WHERE ii.cid <> -1 ORDER BY il.name, ii.seqno",
      QuoteLiteral(Value::Text(table.name)));
}

std::string SqliteDialect::IndexDistinctSql(const TableInfo& table) const {
  // sqlite_stat1's stat is "N a ...": N rows in the index, a rows per distinct value of its
  // leading column (rounded up). A partial index counts only some rows: left out.
  std::string name = QuoteLiteral(Value::Text(table.name));
  return fmt::format(
      "SELECT idx, CAST(stat AS INTEGER) * 1.0 / "
      "max(CAST(substr(stat, instr(stat, ' ') + 1) AS INTEGER), 1) FROM sqlite_stat1 "
      "WHERE tbl = {0} AND instr(stat, ' ') > 0 AND idx IN "
      "(SELECT name FROM pragma_index_list({0}) WHERE partial = 0)",
      name);
}

std::string SqliteDialect::SampleSql(const TableInfo& table) const {
  std::vector<std::string> columns;
  for (const ColumnInfo& c : table.columns)
    columns.push_back(QuoteIdentifier(c.name));
  return fmt::format("SELECT {} FROM {} ORDER BY random() LIMIT ?1", fmt::join(columns, ", "),
                     QuoteIdentifier(table.name));
}

std::string SqliteDialect::RenderCreateIndex(const IndexInfo& index) const {
  return index.definition_sql;
}

std::string SqliteDialect::RenderDropTable(const std::string& table) const {
  return "DROP TABLE IF EXISTS " + QuoteIdentifier(table);
}

std::string SqliteDialect::RenderDropIndex(const std::string& index) const {
  return "DROP INDEX IF EXISTS " + QuoteIdentifier(index);
}

std::string SqliteDialect::QuoteIdentifier(const std::string& name) const {
  return shardql::QuoteIdentifier(name);
}

std::string SqliteDialect::TempTableName(const std::string& name) const {
  return "temp." + QuoteIdentifier(name);
}

std::string SqliteDialect::RenderTempTableIndex(const std::string& table, const std::string& index,
                                                const std::string& quoted_column) const {
  // The index is named in the temp schema; its table is named bare, as SQLite requires.
  return fmt::format("CREATE INDEX {} ON {} ({})", TempTableName(index), QuoteIdentifier(table),
                     quoted_column);
}

std::string SqliteDialect::RenderDefaultRows(const std::string& default_sql, size_t count) const {
  return fmt::format(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
      "SELECT {} FROM n",
      count, default_sql);
}

std::string SqliteDialect::QuoteLiteral(const Value& value) const {
  return SqlLiteral(value);
}

}  // namespace shardql
