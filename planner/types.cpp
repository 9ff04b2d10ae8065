#include "planner/types.h"

#include <algorithm>
#include <cctype>

namespace shardql {
namespace {
std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}
}  // namespace

Affinity AffinityOfDeclaredType(std::string_view declared_type) {
  std::string t = Upper(declared_type);
  auto has = [&](const char* s) { return t.find(s) != std::string::npos; };
  // The order of these tests is SQLite's: "CHARINT" has INTEGER affinity, "FLOATING POINT" REAL.
  if (has("INT")) return Affinity::kInteger;
  if (has("CHAR") || has("CLOB") || has("TEXT")) return Affinity::kText;
  if (t.empty() || has("BLOB")) return Affinity::kNone;
  if (has("REAL") || has("FLOA") || has("DOUB")) return Affinity::kReal;
  return Affinity::kNumeric;
}

bool IsNumericAffinity(Affinity a) {
  return a == Affinity::kNumeric || a == Affinity::kInteger || a == Affinity::kReal;
}

const char* ToString(Affinity a) {
  switch (a) {
    case Affinity::kNone:
      return "BLOB";
    case Affinity::kText:
      return "TEXT";
    case Affinity::kNumeric:
      return "NUMERIC";
    case Affinity::kInteger:
      return "INTEGER";
    case Affinity::kReal:
      return "REAL";
  }
  return "?";
}

std::optional<Collation> CollationByName(std::string_view name) {
  std::string n = Upper(name);
  if (n == "BINARY") return Collation::kBinary;
  if (n == "NOCASE") return Collation::kNoCase;
  if (n == "RTRIM") return Collation::kRtrim;
  return std::nullopt;
}

const char* ToString(Collation c) {
  switch (c) {
    case Collation::kBinary:
      return "BINARY";
    case Collation::kNoCase:
      return "NOCASE";
    case Collation::kRtrim:
      return "RTRIM";
  }
  return "?";
}

Collation ComparisonCollation(const ExprType& left, const ExprType& right) {
  if (left.collation_source == CollationSource::kExplicit) return left.collation;
  if (right.collation_source == CollationSource::kExplicit) return right.collation;
  if (left.collation_source == CollationSource::kImplicit) return left.collation;
  if (right.collation_source == CollationSource::kImplicit) return right.collation;
  return Collation::kBinary;
}

Affinity ComparisonAffinity(const ExprType& left, const ExprType& right) {
  bool left_has = left.affinity != Affinity::kNone;
  bool right_has = right.affinity != Affinity::kNone;
  if (left_has && right_has) {
    return IsNumericAffinity(left.affinity) || IsNumericAffinity(right.affinity)
               ? Affinity::kNumeric
               : Affinity::kNone;
  }
  return left_has ? left.affinity : right.affinity;
}

}  // namespace shardql
