#pragma once
// Values in PostgreSQL's text format: what its server sends (DateStyle ISO, IntervalStyle
// postgres, bytea_output hex, TimeZone UTC) and what its input functions accept in that form.
// The wire protocol's text format and libpq's results are this format, so a value that comes
// in as text goes out as the same text: nothing is lost on the way through the router.

#include <optional>
#include <string>
#include <string_view>

#include "planner/types.h"
#include "planner/value.h"

namespace shardql {

// PostgreSQL's output text of a value: 42, 1.5, 1e+20, t, \x0a1b, 2000-06-07, 12:00:00.5,
// 2000-06-07 12:00:00+00, 1 year 2 mons -3 days +04:05:06, a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11.
// NULL has no text: the empty string. A real of `type` real (float4) is written with float4's
// shortest digits.
std::string FormatValueText(const Value& value, const SqlType& type = SqlType());

// Reads `text` as a value of `type` (the format FormatValueText writes, and the common input
// forms of numbers, booleans and uuids); nullopt when it is not one. Integers are checked
// against the type's range.
std::optional<Value> ParseValueText(std::string_view text, const SqlType& type);

// The parts of the above that others reuse.
std::optional<std::string> CanonicalNumeric(std::string_view text);  // "+01.50e1" -> "15.0"
std::string FormatFloat8(double d);  // shortest text that reads back as d, PostgreSQL's layout
std::string FormatFloat4(float f);
std::string_view TrimBlanks(std::string_view s);  // spaces, tabs, newlines at both ends
bool EqualsIgnoreCase(std::string_view a, std::string_view b);  // ASCII letters only

}  // namespace shardql
