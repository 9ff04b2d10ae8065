#include "planner/temporal.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <limits>
#include <string>

#include "grammar/sql_error.h"
#include "planner/calendar.h"
#include "planner/value_text.h"

namespace shardql::temporal {
namespace {

using namespace calendar;  // NOLINT(google-build-using-namespace): the calendar's vocabulary

bool IsTimestamp(TypeId id) {
  return id == TypeId::kTimestamp || id == TypeId::kTimestampTz;
}

bool IsInfinite(const Value& v) {
  if (v.kind() == Value::Kind::kDate) {
    return v.temporal() == Value::kDatePositiveInfinity ||
           v.temporal() == Value::kDateNegativeInfinity;
  }
  return v.temporal() == Value::kTimestampPositiveInfinity ||
         v.temporal() == Value::kTimestampNegativeInfinity;
}

[[noreturn]] void OutOfRange(const char* what) {
  throw SqlError(sqlstate::kDatetimeFieldOverflow, fmt::format("{} out of range", what));
}

Value CheckedDate(int64_t days) {
  Civil c = CivilOfDate(days);
  if (c.year < kMinYear || c.year > kMaxDateYear) OutOfRange("date");
  return Value::Date(static_cast<int32_t>(days));
}

Value MakeTimestamp(Value::Kind kind, int64_t micros) {
  Civil c = CivilOfDate(FloorDiv(micros, kMicrosPerDay));
  if (c.year < kMinYear || c.year > kMaxTimestampYear) OutOfRange("timestamp");
  return kind == Value::Kind::kTimestampTz ? Value::TimestampTz(micros) : Value::Timestamp(micros);
}

// PostgreSQL's timestamp + interval: months first (the day clamped to the month's length), then
// days, then the time.
Value AddInterval(Value::Kind kind, int64_t micros, Value::Interval iv, int sign) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t time = micros - days * kMicrosPerDay;
  if (iv.months != 0) {
    Civil c = CivilOfDate(days);
    int64_t month_index = c.year * 12 + (c.month - 1) + sign * int64_t{iv.months};
    int64_t year = FloorDiv(month_index, 12);
    int64_t month = month_index - year * 12 + 1;
    if (year < kMinYear || year > kMaxTimestampYear) OutOfRange("timestamp");
    days = DateOfCivil(year, month, std::min(c.day, DaysInMonth(year, month)));
  }
  days += sign * int64_t{iv.days};
  __int128 total =
      static_cast<__int128>(days) * kMicrosPerDay + time + static_cast<__int128>(sign) * iv.micros;
  if (total > std::numeric_limits<int64_t>::max() / 2 ||
      total < std::numeric_limits<int64_t>::min() / 2) {
    OutOfRange("timestamp");
  }
  return MakeTimestamp(kind, static_cast<int64_t>(total));
}

// Days since 2000-01-01 of the Thursday in v's ISO week, whose year is the ISO year.
int64_t IsoThursday(int64_t days) {
  // 2000-01-01 was a Saturday: weekday 0 = Monday ... 6 = Sunday.
  int64_t weekday = ((days + 5) % 7 + 7) % 7;
  return days - weekday + 3;
}

std::string Numeric(int64_t v) {
  return std::to_string(v);
}

// A numeric with six decimals from a count of microseconds: 5.500000, -0.000001.
std::string MicrosAsDecimal(__int128 micros, int64_t scale_down) {
  bool negative = micros < 0;
  __int128 a = negative ? -micros : micros;
  auto whole = static_cast<int64_t>(a / scale_down);
  auto fraction = static_cast<int64_t>(a % scale_down);
  int digits = scale_down == 1000000 ? 6 : 3;
  return fmt::format("{}{}.{:0{}d}", negative ? "-" : "", whole, fraction, digits);
}

}  // namespace

bool IsIntegerType(TypeId id) {
  return id == TypeId::kInt2 || id == TypeId::kInt4 || id == TypeId::kInt8;
}

bool IsTemporal(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kTime || id == TypeId::kTimestamp ||
         id == TypeId::kTimestampTz || id == TypeId::kInterval;
}

bool IsTemporal(Value::Kind kind) {
  return kind == Value::Kind::kDate || kind == Value::Kind::kTime ||
         kind == Value::Kind::kTimestamp || kind == Value::Kind::kTimestampTz ||
         kind == Value::Kind::kInterval;
}

std::optional<SqlType> TypeOfCastName(std::string_view name) {
  std::string lower;
  for (char c : name) {
    if (c == '(') break;  // the precision does not change the type
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  while (!lower.empty() && lower.back() == ' ')
    lower.pop_back();
  if (lower == "date") return SqlType(TypeId::kDate);
  if (lower == "time" || lower == "time without time zone") return SqlType(TypeId::kTime);
  if (lower == "timestamp" || lower == "timestamp without time zone") {
    return SqlType(TypeId::kTimestamp);
  }
  if (lower == "timestamptz" || lower == "timestamp with time zone") {
    return SqlType(TypeId::kTimestampTz);
  }
  if (lower == "interval") return SqlType(TypeId::kInterval);
  return std::nullopt;
}

std::optional<TypeId> ArithmeticType(ast::BinaryOp op, TypeId l, TypeId r) {
  bool plus = op == ast::BinaryOp::kAdd, minus = op == ast::BinaryOp::kSub;
  if (!plus && !minus) return std::nullopt;
  if (l == TypeId::kDate && IsIntegerType(r)) return TypeId::kDate;
  if (plus && IsIntegerType(l) && r == TypeId::kDate) return TypeId::kDate;
  if (minus && l == TypeId::kDate && r == TypeId::kDate) return TypeId::kInt4;
  if (l == TypeId::kDate && r == TypeId::kInterval) return TypeId::kTimestamp;
  if (plus && l == TypeId::kInterval && r == TypeId::kDate) return TypeId::kTimestamp;
  if (IsTimestamp(l) && r == TypeId::kInterval) return l;
  if (plus && l == TypeId::kInterval && IsTimestamp(r)) return r;
  if (minus && IsTimestamp(l) && l == r) return TypeId::kInterval;
  if (l == TypeId::kInterval && r == TypeId::kInterval) return TypeId::kInterval;
  return std::nullopt;
}

std::optional<Value> Arithmetic(ast::BinaryOp op, const Value& a, const Value& b) {
  TypeId l = TypeOfValueKind(a.kind()).id, r = TypeOfValueKind(b.kind()).id;
  if (a.kind() == Value::Kind::kInteger) l = TypeId::kInt8;
  if (b.kind() == Value::Kind::kInteger) r = TypeId::kInt8;
  std::optional<TypeId> result = ArithmeticType(op, l, r);
  if (!result) return std::nullopt;
  int sign = op == ast::BinaryOp::kSub ? -1 : 1;
  // Put the date/time operand on the left of a commutative +.
  const Value& x = IsTemporal(a.kind()) && a.kind() != Value::Kind::kInterval ? a : b;
  const Value& y = &x == &a ? b : a;
  switch (*result) {
    case TypeId::kDate: {
      if (IsInfinite(x)) return x;
      return CheckedDate(x.temporal() + sign * y.integer());
    }
    case TypeId::kInt4: {
      if (IsInfinite(a) || IsInfinite(b)) {
        throw SqlError(sqlstate::kDatetimeFieldOverflow, "cannot subtract infinite dates");
      }
      return Value::Integer(a.temporal() - b.temporal());
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t micros = x.kind() == Value::Kind::kDate ? x.temporal() * kMicrosPerDay : x.temporal();
      Value::Kind kind =
          *result == TypeId::kTimestampTz ? Value::Kind::kTimestampTz : Value::Kind::kTimestamp;
      if (IsInfinite(x)) {
        return MakeTimestamp(kind, x.temporal() > 0 ? Value::kTimestampPositiveInfinity
                                                    : Value::kTimestampNegativeInfinity);
      }
      return AddInterval(kind, micros, y.interval(), sign);
    }
    case TypeId::kInterval: {
      if (a.kind() == Value::Kind::kInterval) {
        Value::Interval p = a.interval(), q = b.interval(), out;
        int64_t months = int64_t{p.months} + sign * int64_t{q.months};
        int64_t days = int64_t{p.days} + sign * int64_t{q.days};
        if (months != static_cast<int32_t>(months) || days != static_cast<int32_t>(days)) {
          OutOfRange("interval");
        }
        out.months = static_cast<int32_t>(months);
        out.days = static_cast<int32_t>(days);
        out.micros = p.micros + sign * q.micros;
        return Value::MakeInterval(out);
      }
      // timestamp - timestamp: whole days and the rest, both with one sign (justify_hours).
      if (IsInfinite(a) || IsInfinite(b)) {
        throw SqlError(sqlstate::kDatetimeFieldOverflow, "cannot subtract infinite timestamps");
      }
      int64_t diff = a.temporal() - b.temporal();
      Value::Interval out;
      out.days = static_cast<int32_t>(diff / kMicrosPerDay);
      out.micros = diff % kMicrosPerDay;
      return Value::MakeInterval(out);
    }
    default:
      return std::nullopt;
  }
}

std::optional<Value> Cast(const Value& v, TypeId to) {
  Value::Kind from = v.kind();
  if (from == Value::Kind::kText) {
    std::optional<Value> parsed = ParseValueText(v.text(), SqlType(to));
    if (!parsed) {
      // Digits in a date's shape that name no day (1995-02-30) are out of range; anything else
      // is not a date/time at all.
      std::string_view t = TrimBlanks(v.text());
      size_t digits = 0, dashes = 0;
      for (char c : t.substr(0, std::min<size_t>(t.size(), 10))) {
        digits += c >= '0' && c <= '9';
        dashes += c == '-';
      }
      if (to != TypeId::kInterval && to != TypeId::kTime && dashes == 2 &&
          digits + dashes == std::min<size_t>(t.size(), 10)) {
        throw SqlError(sqlstate::kDatetimeFieldOverflow,
                       fmt::format("date/time field value out of range: \"{}\"", v.text()));
      }
      throw SqlError(
          sqlstate::kInvalidDatetimeFormat,
          fmt::format("invalid input syntax for type {}: \"{}\"", TypeName(SqlType(to)), v.text()));
    }
    return parsed;
  }
  if (TypeOfValueKind(from).id == to) return v;
  if (from == Value::Kind::kDate && IsTimestamp(to)) {
    if (IsInfinite(v)) {
      return MakeTimestamp(
          to == TypeId::kTimestampTz ? Value::Kind::kTimestampTz : Value::Kind::kTimestamp,
          v.temporal() > 0 ? Value::kTimestampPositiveInfinity : Value::kTimestampNegativeInfinity);
    }
    int64_t micros = v.temporal() * kMicrosPerDay;
    return to == TypeId::kTimestampTz ? Value::TimestampTz(micros) : Value::Timestamp(micros);
  }
  if ((from == Value::Kind::kTimestamp || from == Value::Kind::kTimestampTz) &&
      to == TypeId::kDate) {
    if (IsInfinite(v)) {
      return Value::Date(v.temporal() > 0 ? Value::kDatePositiveInfinity
                                          : Value::kDateNegativeInfinity);
    }
    return CheckedDate(FloorDiv(v.temporal(), kMicrosPerDay));
  }
  if ((from == Value::Kind::kTimestamp || from == Value::Kind::kTimestampTz) && IsTimestamp(to)) {
    // TimeZone is UTC: the same instant, the same clock reading.
    return to == TypeId::kTimestampTz ? Value::TimestampTz(v.temporal())
                                      : Value::Timestamp(v.temporal());
  }
  if ((from == Value::Kind::kTimestamp || from == Value::Kind::kTimestampTz) &&
      to == TypeId::kTime) {
    int64_t days = FloorDiv(v.temporal(), kMicrosPerDay);
    return Value::Time(v.temporal() - days * kMicrosPerDay);
  }
  return std::nullopt;
}

std::optional<std::string_view> CanonicalField(std::string_view field) {
  static const std::array<std::pair<std::string_view, std::string_view>, 40> kNames = {{
      {"year", "year"},
      {"years", "year"},
      {"y", "year"},
      {"yr", "year"},
      {"yrs", "year"},
      {"month", "month"},
      {"months", "month"},
      {"mon", "month"},
      {"mons", "month"},
      {"day", "day"},
      {"days", "day"},
      {"d", "day"},
      {"hour", "hour"},
      {"hours", "hour"},
      {"h", "hour"},
      {"hr", "hour"},
      {"hrs", "hour"},
      {"minute", "minute"},
      {"minutes", "minute"},
      {"m", "minute"},
      {"min", "minute"},
      {"mins", "minute"},
      {"second", "second"},
      {"seconds", "second"},
      {"s", "second"},
      {"sec", "second"},
      {"secs", "second"},
      {"quarter", "quarter"},
      {"week", "week"},
      {"weeks", "week"},
      {"dow", "dow"},
      {"isodow", "isodow"},
      {"doy", "doy"},
      {"epoch", "epoch"},
      {"decade", "decade"},
      {"century", "century"},
      {"millennium", "millennium"},
      {"isoyear", "isoyear"},
      {"milliseconds", "milliseconds"},
      {"microseconds", "microseconds"},
  }};
  std::string lower;
  for (char c : field)
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const auto& [name, canonical] : kNames) {
    if (name == lower) return canonical;
  }
  if (lower == "julian") return "julian";
  return std::nullopt;
}

bool FieldApplies(std::string_view f, TypeId type) {
  bool time_field =
      f == "hour" || f == "minute" || f == "second" || f == "milliseconds" || f == "microseconds";
  if (type == TypeId::kDate) return !time_field;
  if (f == "julian") return false;  // a timestamp's is a fraction PostgreSQL computes in numeric
  return type == TypeId::kTimestamp || type == TypeId::kTimestampTz;
}

Value Extract(std::string_view f, const Value& v) {
  if (IsInfinite(v)) {
    // PostgreSQL: ±Infinity for the fields that grow without end, NULL for the others.
    bool grows = f == "year" || f == "decade" || f == "century" || f == "millennium" ||
                 f == "isoyear" || f == "epoch" || f == "julian";
    if (!grows) return Value::Null();
    return Value::Numeric(v.temporal() > 0 ? "Infinity" : "-Infinity");
  }
  bool is_date = v.kind() == Value::Kind::kDate;
  int64_t days = is_date ? v.temporal() : FloorDiv(v.temporal(), kMicrosPerDay);
  int64_t time = is_date ? 0 : v.temporal() - days * kMicrosPerDay;
  Civil c = CivilOfDate(days);
  int64_t y = c.year;
  if (f == "year") return Value::Numeric(Numeric(y > 0 ? y : y - 1));
  if (f == "month") return Value::Numeric(Numeric(c.month));
  if (f == "day") return Value::Numeric(Numeric(c.day));
  if (f == "quarter") return Value::Numeric(Numeric((c.month - 1) / 3 + 1));
  if (f == "decade") return Value::Numeric(Numeric(y >= 0 ? y / 10 : -((8 - (y - 1)) / 10)));
  if (f == "century")
    return Value::Numeric(Numeric(y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100)));
  if (f == "millennium") {
    return Value::Numeric(Numeric(y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000)));
  }
  int64_t weekday = ((days + 5) % 7 + 7) % 7;  // 0 = Monday; 2000-01-01 was a Saturday
  if (f == "dow") return Value::Numeric(Numeric((weekday + 1) % 7));
  if (f == "isodow") return Value::Numeric(Numeric(weekday + 1));
  if (f == "doy") return Value::Numeric(Numeric(days - DateOfCivil(y, 1, 1) + 1));
  if (f == "week" || f == "isoyear") {
    int64_t thursday = IsoThursday(days);
    Civil t = CivilOfDate(thursday);
    if (f == "isoyear") return Value::Numeric(Numeric(t.year > 0 ? t.year : t.year - 1));
    return Value::Numeric(Numeric((thursday - DateOfCivil(t.year, 1, 1)) / 7 + 1));
  }
  if (f == "julian") return Value::Numeric(Numeric(days + 2451545));  // dates only
  if (f == "epoch") {
    __int128 micros = static_cast<__int128>(days + kPostgresEpochDays) * kMicrosPerDay + time;
    if (is_date)
      return Value::Numeric(Numeric(static_cast<int64_t>(micros / kMicrosPerDay) * 86400));
    return Value::Numeric(MicrosAsDecimal(micros, kMicrosPerSecond));
  }
  if (f == "hour") return Value::Numeric(Numeric(time / kMicrosPerHour));
  if (f == "minute") return Value::Numeric(Numeric(time % kMicrosPerHour / kMicrosPerMinute));
  int64_t second_micros = time % kMicrosPerMinute;
  if (f == "second") return Value::Numeric(MicrosAsDecimal(second_micros, kMicrosPerSecond));
  if (f == "milliseconds") return Value::Numeric(MicrosAsDecimal(second_micros, 1000));
  return Value::Numeric(Numeric(second_micros));  // microseconds
}

namespace {

// date_trunc's units, smallest first.
constexpr std::array<std::string_view, 13> kTruncationUnits = {
    "microseconds", "milliseconds", "second", "minute", "hour",    "day",       "week",
    "month",        "quarter",      "year",   "decade", "century", "millennium"};

// 1 for microseconds ... 13 for millennium; 0 for what is not a unit.
int TruncationRank(std::string_view f) {
  auto it = std::find(kTruncationUnits.begin(), kTruncationUnits.end(), f);
  return it == kTruncationUnits.end() ? 0 : static_cast<int>(it - kTruncationUnits.begin()) + 1;
}

// PostgreSQL's interval_trunc: the interval's fields as its tm (years, months, days, hours,
// minutes, seconds, microseconds, each truncated toward zero), the smaller ones cleared.
Value TruncateInterval(std::string_view f, const Value::Interval& iv) {
  int64_t years = iv.months / 12, months = iv.months % 12, days = iv.days;
  int64_t hours = iv.micros / kMicrosPerHour, minutes = iv.micros / kMicrosPerMinute % 60;
  int64_t seconds = iv.micros / kMicrosPerSecond % 60, fraction = iv.micros % kMicrosPerSecond;
  int rank = TruncationRank(f);  // how much to clear
  if (rank >= 13) years = years / 1000 * 1000;
  if (rank >= 12) years = years / 100 * 100;
  if (rank >= 11) years = years / 10 * 10;
  if (rank >= 10) months = 0;
  if (rank >= 9) months = months / 3 * 3;
  if (rank >= 8) days = 0;
  if (rank >= 6) hours = 0;
  if (rank >= 5) minutes = 0;
  if (rank >= 4) seconds = 0;
  if (rank >= 3) fraction = 0;
  if (rank == 2) fraction = fraction / 1000 * 1000;
  Value::Interval out;
  out.months = static_cast<int32_t>(years * 12 + months);
  out.days = static_cast<int32_t>(days);
  out.micros = ((hours * 60 + minutes) * 60 + seconds) * kMicrosPerSecond + fraction;
  return Value::MakeInterval(out);
}

}  // namespace

bool IsTruncationUnit(std::string_view f) {
  return TruncationRank(f) != 0;
}

Value Truncate(std::string_view f, const Value& v) {
  if (v.kind() == Value::Kind::kInterval) return TruncateInterval(f, v.interval());
  bool is_date = v.kind() == Value::Kind::kDate;
  Value::Kind kind = is_date ? Value::Kind::kTimestampTz : v.kind();
  if (IsInfinite(v)) {
    bool positive = v.temporal() > 0;
    int64_t micros =
        positive ? Value::kTimestampPositiveInfinity : Value::kTimestampNegativeInfinity;
    return kind == Value::Kind::kTimestampTz ? Value::TimestampTz(micros)
                                             : Value::Timestamp(micros);
  }
  int64_t days = is_date ? v.temporal() : FloorDiv(v.temporal(), kMicrosPerDay);
  int64_t time = is_date ? 0 : v.temporal() - days * kMicrosPerDay;
  if (f == "microseconds") return MakeTimestamp(kind, days * kMicrosPerDay + time);
  if (f == "milliseconds") return MakeTimestamp(kind, days * kMicrosPerDay + time / 1000 * 1000);
  int64_t unit = f == "second"   ? kMicrosPerSecond
                 : f == "minute" ? kMicrosPerMinute
                 : f == "hour"   ? kMicrosPerHour
                                 : 0;
  if (unit != 0) return MakeTimestamp(kind, days * kMicrosPerDay + time / unit * unit);
  if (f == "week") {
    int64_t weekday = ((days + 5) % 7 + 7) % 7;  // 0 = Monday; 2000-01-01 was a Saturday
    return MakeTimestamp(kind, (days - weekday) * kMicrosPerDay);
  }
  // PostgreSQL's timestamp_trunc on the astronomical year (0 is 1 BC).
  Civil c = CivilOfDate(days);
  int64_t y = c.year, m = c.month;
  if (f == "millennium")
    y = y > 0 ? (y + 999) / 1000 * 1000 - 999 : -((999 - (y - 1)) / 1000) * 1000 + 1;
  if (f == "century") y = y > 0 ? (y + 99) / 100 * 100 - 99 : -((99 - (y - 1)) / 100) * 100 + 1;
  if (f == "decade") y = y > 0 ? y / 10 * 10 : -((8 - (y - 1)) / 10) * 10;
  if (f == "quarter") m = 3 * ((m - 1) / 3) + 1;
  if (f != "month" && f != "quarter" && f != "day") m = 1;
  return MakeTimestamp(kind, DateOfCivil(y, m, f == "day" ? c.day : 1) * kMicrosPerDay);
}

int64_t MicrosNow() {
  auto since_1970 = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  return since_1970 - kPostgresEpochDays * kMicrosPerDay;
}

void CoerceParameters(const std::vector<ExprType>& types, std::vector<Value>& values) {
  for (size_t i = 0; i < types.size() && i < values.size(); ++i) {
    if (IsTemporal(types[i].type.id) && values[i].kind() == Value::Kind::kText) {
      values[i] = *Cast(values[i], types[i].type.id);
    }
  }
}

}  // namespace shardql::temporal
