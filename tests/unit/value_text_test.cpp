// PostgreSQL's types carried without loss: each type's output text reads back as a value that
// writes the very same text, the types announce pg_type's oids and modifiers, and what is not a
// value of the type is refused.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "planner/types.h"
#include "planner/value_text.h"

using namespace shardql;

namespace {

// Reads `text` as `type` and writes it back.
std::string RoundTrip(const std::string& text, SqlType type) {
  std::optional<Value> v = ParseValueText(text, type);
  REQUIRE_MESSAGE(v.has_value(), "\"" << text << "\" did not read as " << TypeName(type));
  return FormatValueText(*v, type);
}

}  // namespace

TEST_CASE("PostgreSQL's output text of every type reads back to the same text") {
  // Each as PostgreSQL 15 prints it (DateStyle ISO, IntervalStyle postgres, TimeZone UTC).
  const std::vector<std::pair<TypeId, std::vector<std::string>>> cases = {
      {TypeId::kBool, {"t", "f"}},
      {TypeId::kInt2, {"0", "-32768", "32767"}},
      {TypeId::kInt4, {"-2147483648", "2147483647"}},
      {TypeId::kInt8, {"-9223372036854775808", "9223372036854775807"}},
      {TypeId::kNumeric,
       {"0", "-12.340", "0.00", "123456789012345678901234567890.000000000000000000001", "NaN",
        "Infinity", "-Infinity"}},
      {TypeId::kFloat8,
       {"0", "-0", "1.5", "0.1", "1e+20", "1e-05", "0.0001", "123456789012345", "1e+15",
        "1.7976931348623157e+308", "5e-324", "NaN", "Infinity", "-Infinity", "-2.5"}},
      {TypeId::kFloat4, {"1.5", "0.1", "1e+06", "123456", "3.4028235e+38"}},
      {TypeId::kText, {"", "it's", "  spaced  ", "ünïcödé"}},
      {TypeId::kBytea, {"\\x", "\\x00ff10", "\\xdeadbeef"}},
      {TypeId::kDate,
       {"2000-01-01", "1999-12-31", "2000-02-29", "1900-03-01", "0001-01-01", "0044-03-15 BC",
        "4713-01-01 BC", "5874897-12-31", "infinity", "-infinity"}},
      {TypeId::kTime, {"00:00:00", "12:34:56.5", "23:59:59.999999", "24:00:00"}},
      {TypeId::kTimestamp,
       {"2000-01-01 00:00:00", "1970-01-01 00:00:00.000001", "1999-12-31 23:59:59.5",
        "0044-03-15 12:00:00 BC", "294276-12-31 23:59:59.999999", "infinity", "-infinity"}},
      {TypeId::kTimestampTz,
       {"2000-06-07 12:00:00+00", "1969-12-31 23:59:59.25+00", "0001-01-01 00:00:00+00 BC",
        "infinity"}},
      {TypeId::kInterval,
       {"00:00:00", "1 year", "2 years 3 mons", "1 mon", "-1 days", "1 day 02:03:04",
        "-1 days +02:00:00", "-1 years -2 mons +3 days -04:05:06.5", "-00:00:01", "100:00:00",
        "3 days", "-1 years -2 mons"}},
      {TypeId::kUuid,
       {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000000-0000-0000-0000-000000000000"}},
      {TypeId::kJsonb, {"{\"a\": [1, 2.5, null]}", "[]"}},
  };
  for (const auto& entry : cases) {  // not a structured binding: INFO's lambda captures `id`
    const TypeId id = entry.first;
    for (const std::string& text : entry.second) {
      INFO(TypeName(SqlType(id)) << " " << text);
      CHECK(RoundTrip(text, SqlType(id)) == text);
    }
  }
}

TEST_CASE("input forms PostgreSQL accepts read as the canonical value") {
  CHECK(RoundTrip("+01.50e1", SqlType(TypeId::kNumeric)) == "15.0");
  CHECK(RoundTrip("1e3", SqlType(TypeId::kNumeric)) == "1000");
  CHECK(RoundTrip("-0.00", SqlType(TypeId::kNumeric)) == "0.00");
  CHECK(RoundTrip(".5", SqlType(TypeId::kNumeric)) == "0.5");
  CHECK(RoundTrip("12.5e-3", SqlType(TypeId::kNumeric)) == "0.0125");
  CHECK(RoundTrip("nan", SqlType(TypeId::kNumeric)) == "NaN");
  CHECK(RoundTrip(" 42 ", SqlType(TypeId::kInt4)) == "42");
  CHECK(RoundTrip("TRUE", SqlType(TypeId::kBool)) == "t");
  CHECK(RoundTrip("off", SqlType(TypeId::kBool)) == "f");
  CHECK(RoundTrip("{A0EEBC999C0B4EF8BB6D6BB9BD380A11}", SqlType(TypeId::kUuid)) ==
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  CHECK(RoundTrip("2000-01-01T10:00:00", SqlType(TypeId::kTimestamp)) == "2000-01-01 10:00:00");
  CHECK(RoundTrip("2000-01-01", SqlType(TypeId::kTimestamp)) == "2000-01-01 00:00:00");
  // A zone's offset is folded into UTC.
  CHECK(RoundTrip("2000-01-01 05:30:00+05:30", SqlType(TypeId::kTimestampTz)) ==
        "2000-01-01 00:00:00+00");
  CHECK(RoundTrip("1999-12-31 22:00:00-03", SqlType(TypeId::kTimestampTz)) ==
        "2000-01-01 01:00:00+00");
  CHECK(RoundTrip("90 days", SqlType(TypeId::kInterval)) == "90 days");
  CHECK(RoundTrip("3 months", SqlType(TypeId::kInterval)) == "3 mons");
  CHECK(RoundTrip("1 hour 30 minutes", SqlType(TypeId::kInterval)) == "01:30:00");
  // Fractions round as PostgreSQL's do (checked against PostgreSQL 15): through a double, to even.
  CHECK(RoundTrip("12:00:00.1234565", SqlType(TypeId::kTime)) == "12:00:00.123456");
  CHECK(RoundTrip("12:00:00.1234575", SqlType(TypeId::kTime)) == "12:00:00.123458");
  CHECK(RoundTrip("00:00:00.0000005", SqlType(TypeId::kTime)) == "00:00:00");
  CHECK(RoundTrip("1", SqlType(TypeId::kInterval)) == "00:00:01");
  CHECK(RoundTrip("1e131071", SqlType(TypeId::kNumeric)).size() == 131072);
  // A timestamp without time zone ignores the zone it is given.
  CHECK(RoundTrip("2000-01-01 10:00:00+01", SqlType(TypeId::kTimestamp)) == "2000-01-01 10:00:00");
  CHECK(RoundTrip("ab\\\\c\\001", SqlType(TypeId::kBytea)) == "\\x61625c6301");
}

TEST_CASE("text that is not a value of the type is refused") {
  const std::vector<std::pair<TypeId, std::vector<std::string>>> bad = {
      {TypeId::kBool, {"", "maybe", "2"}},
      {TypeId::kInt2, {"32768", "1.5", "", "12a"}},
      {TypeId::kInt4, {"2147483648"}},
      {TypeId::kInt8, {"9223372036854775808", "--1"}},
      {TypeId::kNumeric, {"", ".", "1e", "1e131072", "1e-16384", "1.2.3", "abc"}},
      {TypeId::kFloat8, {"", "1.5x", "--1"}},
      {TypeId::kDate, {"2001-02-29", "2000-13-01", "2000-00-10", "0000-01-01", "2000-1-1x"}},
      {TypeId::kTime, {"24:00:01", "12:60:00", "12"}},
      {TypeId::kTimestamp, {"2000-01-01 25:00:00", "2000-01-01 10:00:00+x", "294277-01-01"}},
      {TypeId::kTimestampTz, {"2000-01-01 10:00:00+16"}},
      {TypeId::kInterval, {"", "1 fortnight", "2 3", "1:2:3:4"}},
      {TypeId::kUuid,
       {"", "a0eebc99", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g",
        "-a0eebc999c0b4ef8bb6d6bb9bd380a11"}},
      {TypeId::kBytea, {"\\x0", "\\xzz", "a\\b"}},
  };
  for (const auto& entry : bad) {
    const TypeId id = entry.first;
    for (const std::string& text : entry.second) {
      INFO(TypeName(SqlType(id)) << " \"" << text << "\"");
      CHECK_FALSE(ParseValueText(text, SqlType(id)).has_value());
    }
  }
}

TEST_CASE("types announce PostgreSQL's names, oids, lengths and modifiers") {
  CHECK(TypeName(SqlType(TypeId::kVarchar, 20)) == "character varying(20)");
  CHECK(TypeName(SqlType(TypeId::kNumeric, 10, 2)) == "numeric(10,2)");
  CHECK(TypeName(SqlType(TypeId::kTimestampTz, 3)) == "timestamp(3) with time zone");
  CHECK(TypeName(SqlType(TypeId::kFloat8)) == "double precision");
  CHECK(TypeOid(TypeId::kInt4) == 23);
  CHECK(TypeOid(TypeId::kNumeric) == 1700);
  CHECK(TypeOid(TypeId::kTimestampTz) == 1184);
  CHECK(TypeOid(TypeId::kJsonb) == 3802);
  CHECK(TypeOid(TypeId::kUnknown) == 25);  // sent as text
  CHECK(TypeLength(TypeId::kInterval) == 16);
  CHECK(TypeLength(TypeId::kText) == -1);
  CHECK(TypeModifier(SqlType(TypeId::kVarchar, 20)) == 24);
  CHECK(TypeModifier(SqlType(TypeId::kNumeric, 10, 2)) == (10 << 16 | 2) + 4);
  CHECK(TypeModifier(SqlType(TypeId::kText)) == -1);
  CHECK(TypeIdOfOid(1043) == TypeId::kVarchar);
  CHECK(TypeIdOfOid(25) == TypeId::kText);
  CHECK_FALSE(TypeIdOfOid(600).has_value());  // point: not carried
}

TEST_CASE("collations are interned by name") {
  Collation a = Collation::Named("NOCASE");
  CHECK(a == Collation::Named("NOCASE"));
  CHECK(a != Collation());
  CHECK(a.name() == "NOCASE");
  CHECK(Collation().is_default());
}
