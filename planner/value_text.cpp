#include "planner/value_text.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "planner/calendar.h"

namespace shardql {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

namespace {

using namespace calendar;  // NOLINT(google-build-using-namespace): the calendar's vocabulary

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// "2000-06-07" or "0044-03-15" for 44 BC; the era suffix is the caller's.
std::string DatePart(int64_t days_since_2000, bool* bc) {
  Civil c = CivilFromDays(days_since_2000 + kPostgresEpochDays);
  *bc = c.year <= 0;
  int64_t shown = *bc ? 1 - c.year : c.year;
  return fmt::format("{:04d}-{:02d}-{:02d}", shown, c.month, c.day);
}

// HH:MM:SS with the fraction's trailing zeros dropped.
std::string TimePart(int64_t micros) {
  int64_t hours = micros / kMicrosPerHour;
  micros -= hours * kMicrosPerHour;
  int64_t minutes = micros / kMicrosPerMinute;
  micros -= minutes * kMicrosPerMinute;
  int64_t seconds = micros / kMicrosPerSecond;
  int64_t fraction = micros - seconds * kMicrosPerSecond;
  std::string out = fmt::format("{:02d}:{:02d}:{:02d}", hours, minutes, seconds);
  if (fraction != 0) {
    std::string digits = fmt::format("{:06d}", fraction);
    while (digits.back() == '0')
      digits.pop_back();
    out += "." + digits;
  }
  return out;
}

std::string FormatTimestamp(int64_t micros, bool with_zone) {
  if (micros == Value::kTimestampNegativeInfinity) return "-infinity";
  if (micros == Value::kTimestampPositiveInfinity) return "infinity";
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  bool bc = false;
  std::string out = DatePart(days, &bc) + " " + TimePart(micros - days * kMicrosPerDay);
  if (with_zone) out += "+00";
  if (bc) out += " BC";
  return out;
}

// PostgreSQL's IntervalStyle postgres: "1 year 2 mons -3 days +04:05:06.5"; a later part carries
// "+" when an earlier one was negative.
std::string FormatInterval(const Value::Interval& v) {
  std::string out;
  bool is_zero = true, is_before = false;
  auto add_part = [&](int64_t value, const char* unit) {
    if (value == 0) return;
    out += fmt::format("{}{}{} {}{}", is_zero ? "" : " ", is_before && value > 0 ? "+" : "", value,
                       unit, value != 1 ? "s" : "");
    is_before = value < 0;
    is_zero = false;
  };
  add_part(v.months / 12, "year");
  add_part(v.months % 12, "mon");
  add_part(v.days, "day");
  if (is_zero || v.micros != 0) {
    // The magnitude as unsigned: INT64_MIN has no positive int64.
    uint64_t magnitude =
        v.micros < 0 ? 0 - static_cast<uint64_t>(v.micros) : static_cast<uint64_t>(v.micros);
    const char* sign = v.micros < 0 ? "-" : is_before ? "+" : "";
    uint64_t hours = magnitude / kMicrosPerHour;
    std::string rest = TimePart(static_cast<int64_t>(magnitude % kMicrosPerHour));
    out += fmt::format("{}{}{:02d}{}", is_zero ? "" : " ", sign, hours, rest.substr(2));
  }
  return out;
}

std::string FormatUuid(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    auto b = static_cast<unsigned char>(bytes[i]);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// ---- Reading

// Reads an unsigned decimal number of at most `max_digits` digits at `s[*pos]`.
std::optional<int64_t> ReadNumber(std::string_view s, size_t* pos, size_t max_digits = 18) {
  size_t start = *pos;
  int64_t v = 0;
  while (*pos < s.size() && IsDigit(s[*pos]) && *pos - start < max_digits) {
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
  }
  if (*pos == start || (*pos < s.size() && IsDigit(s[*pos]))) return std::nullopt;
  return v;
}

bool ReadChar(std::string_view s, size_t* pos, char c) {
  if (*pos < s.size() && s[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

// ".ffffff" after seconds, in microseconds rounded as PostgreSQL rounds them: the fraction read
// as a double, scaled, rounded half to even.
std::optional<int64_t> ReadFraction(std::string_view s, size_t* pos) {
  if (!ReadChar(s, pos, '.')) return 0;
  size_t start = *pos;
  while (*pos < s.size() && IsDigit(s[*pos]))
    ++*pos;
  if (*pos == start) return std::nullopt;
  std::string fraction = "0." + std::string(s.substr(start, *pos - start));
  return static_cast<int64_t>(std::nearbyint(std::strtod(fraction.c_str(), nullptr) * 1e6));
}

// "HH:MM[:SS[.ffffff]]", as microseconds; 24:00:00 is the largest.
std::optional<int64_t> ReadTime(std::string_view s, size_t* pos) {
  auto hours = ReadNumber(s, pos, 2);
  if (!hours || !ReadChar(s, pos, ':')) return std::nullopt;
  auto minutes = ReadNumber(s, pos, 2);
  if (!minutes || *minutes > 59) return std::nullopt;
  int64_t seconds = 0, fraction = 0;
  if (ReadChar(s, pos, ':')) {
    auto sec = ReadNumber(s, pos, 2);
    auto frac = sec ? ReadFraction(s, pos) : std::nullopt;
    if (!sec || !frac || *sec > 60) return std::nullopt;
    seconds = *sec;
    fraction = *frac;
  }
  int64_t micros =
      *hours * kMicrosPerHour + *minutes * kMicrosPerMinute + seconds * kMicrosPerSecond + fraction;
  if (micros > kMicrosPerDay) return std::nullopt;
  return micros;
}

// "YYYY-MM-DD" as days since 2000-01-01, before any era suffix; `bc` years count backwards.
std::optional<int64_t> ReadDate(std::string_view s, size_t* pos, int64_t max_year, bool* bc_out) {
  auto year = ReadNumber(s, pos, 7);
  if (!year || !ReadChar(s, pos, '-')) return std::nullopt;
  auto month = ReadNumber(s, pos, 2);
  if (!month || !ReadChar(s, pos, '-')) return std::nullopt;
  auto day = ReadNumber(s, pos, 2);
  if (!day || *year == 0 || *month < 1 || *month > 12) return std::nullopt;
  // The era comes at the end of the text.
  std::string_view rest = s.substr(*pos);
  bool bc = rest.size() >= 3 && EqualsIgnoreCase(rest.substr(rest.size() - 3), " BC");
  *bc_out = bc;
  int64_t astronomical = bc ? 1 - *year : *year;
  if (astronomical < kMinYear || astronomical > max_year) return std::nullopt;
  if (*day < 1 || *day > DaysInMonth(astronomical, *month)) return std::nullopt;
  return DaysFromCivil(astronomical, *month, *day) - kPostgresEpochDays;
}

// "+HH", "+HH:MM", "-HH:MM:SS" after a time: the zone's offset east of UTC, in microseconds.
std::optional<int64_t> ReadZoneOffset(std::string_view s, size_t* pos) {
  if (*pos < s.size() && (s[*pos] == 'Z' || s[*pos] == 'z')) {
    ++*pos;
    return 0;
  }
  if (*pos >= s.size() || (s[*pos] != '+' && s[*pos] != '-')) return std::nullopt;
  bool negative = s[(*pos)++] == '-';
  auto hours = ReadNumber(s, pos, 2);
  if (!hours || *hours > 15) return std::nullopt;
  int64_t offset = *hours * kMicrosPerHour;
  for (int64_t unit : {kMicrosPerMinute, kMicrosPerSecond}) {
    if (!ReadChar(s, pos, ':')) break;
    auto v = ReadNumber(s, pos, 2);
    if (!v || *v > 59) return std::nullopt;
    offset += *v * unit;
  }
  return negative ? -offset : offset;
}

bool AtEraOrEnd(std::string_view s, size_t pos, bool bc) {
  return bc ? s.size() - pos == 3 : pos == s.size();
}

std::optional<Value> ParseTimestamp(std::string_view s, bool with_zone) {
  if (EqualsIgnoreCase(s, "infinity") || EqualsIgnoreCase(s, "+infinity")) {
    return with_zone ? Value::TimestampTz(Value::kTimestampPositiveInfinity)
                     : Value::Timestamp(Value::kTimestampPositiveInfinity);
  }
  if (EqualsIgnoreCase(s, "-infinity")) {
    return with_zone ? Value::TimestampTz(Value::kTimestampNegativeInfinity)
                     : Value::Timestamp(Value::kTimestampNegativeInfinity);
  }
  size_t pos = 0;
  bool bc = false;
  auto days = ReadDate(s, &pos, kMaxTimestampYear, &bc);
  if (!days) return std::nullopt;
  int64_t time = 0;
  if (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T')) {
    size_t after_separator = pos + 1;
    if (!AtEraOrEnd(s, pos, bc)) {
      pos = after_separator;
      auto t = ReadTime(s, &pos);
      if (!t) return std::nullopt;
      time = *t;
    }
  }
  int64_t micros = *days * kMicrosPerDay + time;
  if (!AtEraOrEnd(s, pos, bc)) {
    // A timestamp without time zone ignores a zone it is given, as PostgreSQL does.
    auto offset = ReadZoneOffset(s, &pos);
    if (!offset) return std::nullopt;
    if (with_zone) micros -= *offset;
  }
  if (!AtEraOrEnd(s, pos, bc)) return std::nullopt;
  return with_zone ? Value::TimestampTz(micros) : Value::Timestamp(micros);
}

std::optional<Value> ParseDate(std::string_view s) {
  if (EqualsIgnoreCase(s, "infinity") || EqualsIgnoreCase(s, "+infinity")) {
    return Value::Date(Value::kDatePositiveInfinity);
  }
  if (EqualsIgnoreCase(s, "-infinity")) return Value::Date(Value::kDateNegativeInfinity);
  size_t pos = 0;
  bool bc = false;
  auto days = ReadDate(s, &pos, kMaxDateYear, &bc);
  if (!days || !AtEraOrEnd(s, pos, bc)) return std::nullopt;
  return Value::Date(static_cast<int32_t>(*days));
}

// "1 year 2 mons -3 days +04:05:06.5" and the unit words PostgreSQL's input takes besides.
std::optional<Value> ParseInterval(std::string_view s) {
  Value::Interval v;
  int64_t months = 0, days = 0, micros = 0;
  bool any = false;
  while (!s.empty()) {
    size_t end = s.find(' ');
    std::string_view token = s.substr(0, end);
    s = end == std::string_view::npos ? std::string_view() : TrimBlanks(s.substr(end + 1));
    if (token.find(':') != std::string_view::npos) {
      bool negative = token.front() == '-';
      if (token.front() == '-' || token.front() == '+') token.remove_prefix(1);
      // Hours may exceed 24 in an interval: read them apart from ReadTime's clock.
      size_t colon = token.find(':');
      size_t pos = 0;
      auto hours = ReadNumber(token.substr(0, colon), &pos, 12);
      if (!hours || pos != colon) return std::nullopt;
      std::string clock = "00" + std::string(token.substr(colon));
      pos = 0;
      auto rest = ReadTime(clock, &pos);
      if (!rest || pos != clock.size()) return std::nullopt;
      int64_t t = *hours * kMicrosPerHour + *rest;
      micros += negative ? -t : t;
      any = true;
      continue;
    }
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(token.data() + (token.front() == '+' ? 1 : 0),
                                     token.data() + token.size(), n);
    if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
    if (s.empty()) {
      // A number without a unit counts seconds.
      micros += n * kMicrosPerSecond;
      any = true;
      continue;
    }
    end = s.find(' ');
    std::string_view unit = s.substr(0, end);
    s = end == std::string_view::npos ? std::string_view() : TrimBlanks(s.substr(end + 1));
    auto is = [&](const char* singular, const char* plural) {
      return EqualsIgnoreCase(unit, singular) || EqualsIgnoreCase(unit, plural);
    };
    if (is("year", "years")) {
      months += n * 12;
    } else if (is("mon", "mons") || is("month", "months")) {
      months += n;
    } else if (is("day", "days")) {
      days += n;
    } else if (is("hour", "hours")) {
      micros += n * kMicrosPerHour;
    } else if (is("min", "mins") || is("minute", "minutes")) {
      micros += n * kMicrosPerMinute;
    } else if (is("sec", "secs") || is("second", "seconds")) {
      micros += n * kMicrosPerSecond;
    } else {
      return std::nullopt;
    }
    any = true;
  }
  if (!any || months < std::numeric_limits<int32_t>::min() ||
      months > std::numeric_limits<int32_t>::max() || days < std::numeric_limits<int32_t>::min() ||
      days > std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  v.months = static_cast<int32_t>(months);
  v.days = static_cast<int32_t>(days);
  v.micros = micros;
  return Value::MakeInterval(v);
}

std::optional<Value> ParseUuid(std::string_view s) {
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
  std::string bytes;
  size_t digits = 0;
  int high = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '-') {
      // A hyphen may follow any group of four digits, never start, end or double.
      if (digits == 0 || digits % 4 != 0 || i + 1 == s.size() || s[i + 1] == '-') {
        return std::nullopt;
      }
      continue;
    }
    int nibble = c >= '0' && c <= '9'   ? c - '0'
                 : c >= 'a' && c <= 'f' ? c - 'a' + 10
                 : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                        : -1;
    if (nibble < 0) return std::nullopt;
    ++digits;
    if (high < 0) {
      high = nibble;
    } else {
      bytes += static_cast<char>(high << 4 | nibble);
      high = -1;
    }
  }
  if (digits != 32) return std::nullopt;
  return Value::Uuid(std::move(bytes));
}

std::optional<Value> ParseBytea(std::string_view s) {
  std::string out;
  if (s.size() >= 2 && s[0] == '\\' && (s[1] == 'x' || s[1] == 'X')) {
    int high = -1;
    for (char c : s.substr(2)) {
      if (c == ' ' || c == '\n' || c == '\t') continue;
      int nibble = c >= '0' && c <= '9'   ? c - '0'
                   : c >= 'a' && c <= 'f' ? c - 'a' + 10
                   : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : -1;
      if (nibble < 0) return std::nullopt;
      if (high < 0) {
        high = nibble;
      } else {
        out += static_cast<char>(high << 4 | nibble);
        high = -1;
      }
    }
    if (high >= 0) return std::nullopt;
    return Value::Blob(std::move(out));
  }
  // The escape format: \\ is a backslash, \ooo an octal byte.
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
    } else if (i + 1 < s.size() && s[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else if (i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
               s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
      i += 3;
    } else {
      return std::nullopt;
    }
  }
  return Value::Blob(std::move(out));
}

std::optional<Value> ParseInteger(std::string_view s, int64_t low, int64_t high) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < low || v > high) return std::nullopt;
  return Value::Integer(v);
}

std::optional<double> ParseDouble(std::string_view s) {
  if (EqualsIgnoreCase(s, "NaN")) return std::nan("");
  bool negative = !s.empty() && s.front() == '-';
  std::string_view magnitude = s;
  if (!magnitude.empty() && (magnitude.front() == '-' || magnitude.front() == '+')) {
    magnitude.remove_prefix(1);
  }
  if (EqualsIgnoreCase(magnitude, "Infinity") || EqualsIgnoreCase(magnitude, "inf")) {
    return negative ? -HUGE_VAL : HUGE_VAL;
  }
  if (magnitude.empty() || magnitude.front() == '-' || magnitude.front() == '+') {
    return std::nullopt;
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(magnitude.data(), magnitude.data() + magnitude.size(), d);
  if (ec != std::errc() || ptr != magnitude.data() + magnitude.size()) return std::nullopt;
  return negative ? -d : d;
}

std::optional<Value> ParseBool(std::string_view s) {
  for (const char* word : {"t", "true", "y", "yes", "on", "1"}) {
    if (EqualsIgnoreCase(s, word)) return Value::Boolean(true);
  }
  for (const char* word : {"f", "false", "n", "no", "off", "0"}) {
    if (EqualsIgnoreCase(s, word)) return Value::Boolean(false);
  }
  return std::nullopt;
}

// The shortest digits that read back as the value, laid out as PostgreSQL lays them out: plain
// for decimal exponents in [-4, precision), else d.ddde+XX.
template <typename Float>
std::string FormatFloat(Float f, int precision) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f < 0 ? "-Infinity" : "Infinity";
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, f, std::chars_format::scientific);
  std::string_view text(buffer, static_cast<size_t>(result.ptr - buffer));
  size_t e = text.find('e');
  std::string_view mantissa = text.substr(0, e);
  int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  bool negative = mantissa.front() == '-';
  std::string digits;
  for (char c : mantissa) {
    if (IsDigit(c)) digits += c;
  }
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= precision) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += fmt::format("e{}{:02d}", exponent < 0 ? '-' : '+', std::abs(exponent));
  } else if (exponent < 0) {
    out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  } else {
    auto whole = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= whole) {
      out += digits + std::string(whole - digits.size(), '0');
    } else {
      out += digits.substr(0, whole) + "." + digits.substr(whole);
    }
  }
  return out;
}

}  // namespace

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::string FormatFloat8(double d) {
  return FormatFloat(d, 15);
}
std::string FormatFloat4(float f) {
  return FormatFloat(f, 6);
}

std::optional<std::string> CanonicalNumeric(std::string_view text) {
  std::string_view s = TrimBlanks(text);
  if (EqualsIgnoreCase(s, "NaN")) return "NaN";
  bool negative = !s.empty() && s.front() == '-';
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  if (EqualsIgnoreCase(s, "Infinity") || EqualsIgnoreCase(s, "inf")) {
    return negative ? "-Infinity" : "Infinity";
  }
  std::string whole, fraction;
  size_t i = 0;
  while (i < s.size() && IsDigit(s[i]))
    whole += s[i++];
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i]))
      fraction += s[i++];
  }
  if (whole.empty() && fraction.empty()) return std::nullopt;
  int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exponent_negative = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t start = i;
    while (i < s.size() && IsDigit(s[i]) && i - start < 7)
      exponent = exponent * 10 + (s[i++] - '0');
    // Beyond PostgreSQL's digits either way: refused before any digits are made.
    if (i == start || exponent > 140000) return std::nullopt;
    if (exponent_negative) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;
  // Move the point by the exponent; the scale never goes below zero.
  std::string digits = whole + fraction;
  int64_t scale = static_cast<int64_t>(fraction.size()) - exponent;
  if (scale < 0) {
    digits += std::string(static_cast<size_t>(-scale), '0');
    scale = 0;
  }
  auto point = static_cast<int64_t>(digits.size()) - scale;
  if (point <= 0) {
    digits = std::string(static_cast<size_t>(1 - point), '0') + digits;
    point = 1;
  }
  std::string int_part = digits.substr(0, static_cast<size_t>(point));
  std::string frac_part = digits.substr(static_cast<size_t>(point));
  size_t first = int_part.find_first_not_of('0');
  int_part = first == std::string::npos ? "0" : int_part.substr(first);
  // PostgreSQL's numeric holds up to 131072 digits before the point and 16383 after.
  if (int_part.size() > 131072 || frac_part.size() > 16383) return std::nullopt;
  bool zero = int_part == "0" && frac_part.find_first_not_of('0') == std::string::npos;
  std::string out = negative && !zero ? "-" : "";
  out += int_part;
  if (!frac_part.empty()) out += "." + frac_part;
  return out;
}

std::string FormatValueText(const Value& value, const SqlType& type) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return "";
    case Value::Kind::kInteger:
      return std::to_string(value.integer());
    case Value::Kind::kReal:
      if (type.id == TypeId::kFloat4) return FormatFloat4(static_cast<float>(value.real()));
      return FormatFloat8(value.real());
    case Value::Kind::kBoolean:
      return value.boolean() ? "t" : "f";
    case Value::Kind::kText:
    case Value::Kind::kNumeric:
    case Value::Kind::kJson:
      return value.bytes();
    case Value::Kind::kBlob: {
      std::string out = "\\x";
      for (unsigned char c : value.bytes())
        out += fmt::format("{:02x}", c);
      return out;
    }
    case Value::Kind::kDate: {
      if (value.temporal() == Value::kDatePositiveInfinity) return "infinity";
      if (value.temporal() == Value::kDateNegativeInfinity) return "-infinity";
      bool bc = false;
      std::string out = DatePart(value.temporal(), &bc);
      return bc ? out + " BC" : out;
    }
    case Value::Kind::kTime:
      return TimePart(value.temporal());
    case Value::Kind::kTimestamp:
      return FormatTimestamp(value.temporal(), false);
    case Value::Kind::kTimestampTz:
      return FormatTimestamp(value.temporal(), true);
    case Value::Kind::kInterval:
      return FormatInterval(value.interval());
    case Value::Kind::kUuid:
      return FormatUuid(value.bytes());
  }
  return "";
}

std::optional<Value> ParseValueText(std::string_view text, const SqlType& type) {
  std::string_view s = TrimBlanks(text);
  switch (type.id) {
    case TypeId::kUnknown:
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
      return Value::Text(std::string(text));
    case TypeId::kJson:
    case TypeId::kJsonb:
      return Value::Json(std::string(text));
    case TypeId::kBool:
      return ParseBool(s);
    case TypeId::kInt2:
      return ParseInteger(s, std::numeric_limits<int16_t>::min(),
                          std::numeric_limits<int16_t>::max());
    case TypeId::kInt4:
      return ParseInteger(s, std::numeric_limits<int32_t>::min(),
                          std::numeric_limits<int32_t>::max());
    case TypeId::kInt8:
      return ParseInteger(s, std::numeric_limits<int64_t>::min(),
                          std::numeric_limits<int64_t>::max());
    case TypeId::kFloat4: {
      auto d = ParseDouble(s);
      if (!d) return std::nullopt;
      return Value::Real(static_cast<double>(static_cast<float>(*d)));
    }
    case TypeId::kFloat8: {
      auto d = ParseDouble(s);
      if (!d) return std::nullopt;
      return Value::Real(*d);
    }
    case TypeId::kNumeric: {
      auto digits = CanonicalNumeric(s);
      if (!digits) return std::nullopt;
      return Value::Numeric(std::move(*digits));
    }
    case TypeId::kBytea:
      return ParseBytea(text);
    case TypeId::kDate:
      return ParseDate(s);
    case TypeId::kTime: {
      size_t pos = 0;
      auto micros = ReadTime(s, &pos);
      if (!micros || pos != s.size()) return std::nullopt;
      return Value::Time(*micros);
    }
    case TypeId::kTimestamp:
      return ParseTimestamp(s, false);
    case TypeId::kTimestampTz:
      return ParseTimestamp(s, true);
    case TypeId::kInterval:
      return ParseInterval(s);
    case TypeId::kUuid:
      return ParseUuid(s);
  }
  return std::nullopt;
}

}  // namespace shardql
