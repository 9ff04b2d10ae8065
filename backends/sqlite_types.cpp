#include "backends/sqlite_types.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

namespace shardql {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// A declared name split into its words (upper case, single spaces) and its numeric modifiers:
// "timestamp(3)  with time zone" -> "TIMESTAMP WITH TIME ZONE", {3}.
struct DeclaredName {
  std::string words;
  std::vector<int32_t> modifiers;
};

DeclaredName SplitDeclared(std::string_view declared) {
  DeclaredName out;
  std::string words;
  size_t i = 0;
  while (i < declared.size()) {
    char c = declared[i];
    if (c == '(') {
      size_t close = declared.find(')', i);
      std::string_view inside = declared.substr(
          i + 1, (close == std::string_view::npos ? declared.size() : close) - i - 1);
      while (!inside.empty()) {
        size_t comma = inside.find(',');
        std::string_view part = inside.substr(0, comma);
        while (!part.empty() && part.front() == ' ')
          part.remove_prefix(1);
        int32_t v = -1;
        std::from_chars(part.data(), part.data() + part.size(), v);
        out.modifiers.push_back(v);
        inside = comma == std::string_view::npos ? std::string_view() : inside.substr(comma + 1);
      }
      i = close == std::string_view::npos ? declared.size() : close + 1;
      words += ' ';
      continue;
    }
    words += c;
    ++i;
  }
  // Single spaces between words, none at the ends.
  std::string upper = Upper(words);
  for (char c : upper) {
    bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (space && (out.words.empty() || out.words.back() == ' ')) continue;
    out.words += space ? ' ' : c;
  }
  if (!out.words.empty() && out.words.back() == ' ') out.words.pop_back();
  return out;
}

int32_t Modifier(const DeclaredName& name, size_t i) {
  return i < name.modifiers.size() ? name.modifiers[i] : -1;
}

}  // namespace

Affinity AffinityOfDeclaredType(std::string_view declared_type) {
  std::string t = Upper(declared_type);
  auto has = [&](const char* s) { return t.find(s) != std::string::npos; };
  // The order of these tests is SQLite's: "CHARINT" has INTEGER affinity, "FLOATING POINT" too.
  if (has("INT")) return Affinity::kInteger;
  if (has("CHAR") || has("CLOB") || has("TEXT")) return Affinity::kText;
  if (t.empty() || has("BLOB")) return Affinity::kNone;
  if (has("REAL") || has("FLOA") || has("DOUB")) return Affinity::kReal;
  return Affinity::kNumeric;
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

SqlType SqliteTypeOf(std::string_view declared_type) {
  DeclaredName name = SplitDeclared(declared_type);
  const std::string& w = name.words;
  switch (AffinityOfDeclaredType(declared_type)) {
    case Affinity::kInteger:
      return SqlType(TypeId::kInt8);
    case Affinity::kReal:
      return SqlType(TypeId::kFloat8);
    case Affinity::kNone:
      return SqlType(declared_type.empty() ? TypeId::kUnknown : TypeId::kBytea);
    case Affinity::kText:
      if (w == "VARCHAR" || w == "CHARACTER VARYING" || w == "NVARCHAR" ||
          w == "VARYING CHARACTER" || w == "NATIVE CHARACTER VARYING") {
        return SqlType(TypeId::kVarchar, Modifier(name, 0));
      }
      if (w == "CHAR" || w == "CHARACTER" || w == "NCHAR" || w == "NATIVE CHARACTER" ||
          w == "BPCHAR") {
        return SqlType(TypeId::kChar, Modifier(name, 0));
      }
      return SqlType(TypeId::kText);
    case Affinity::kNumeric:
      break;
  }
  if (w == "BOOLEAN" || w == "BOOL") return SqlType(TypeId::kBool);
  if (w == "DATE") return SqlType(TypeId::kDate);
  if (w == "TIME" || w == "TIME WITHOUT TIME ZONE") {
    return SqlType(TypeId::kTime, Modifier(name, 0));
  }
  if (w == "TIMESTAMP" || w == "DATETIME" || w == "TIMESTAMP WITHOUT TIME ZONE") {
    return SqlType(TypeId::kTimestamp, Modifier(name, 0));
  }
  if (w == "TIMESTAMPTZ" || w == "TIMESTAMP WITH TIME ZONE") {
    return SqlType(TypeId::kTimestampTz, Modifier(name, 0));
  }
  if (w == "UUID") return SqlType(TypeId::kUuid);
  if (w == "JSON") return SqlType(TypeId::kJson);
  if (w == "JSONB") return SqlType(TypeId::kJsonb);
  if (w == "NUMERIC" || w == "DECIMAL") {
    return SqlType(TypeId::kNumeric, Modifier(name, 0), Modifier(name, 1));
  }
  return SqlType(TypeId::kNumeric);
}

Affinity SqliteAffinity(const SqlType& type) {
  switch (type.id) {
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
      return Affinity::kInteger;
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kChar:
      return Affinity::kText;
    case TypeId::kFloat4:
    case TypeId::kFloat8:
      return Affinity::kReal;
    case TypeId::kUnknown:
    case TypeId::kBytea:
      return Affinity::kNone;
    default:
      return Affinity::kNumeric;
  }
}

Affinity SqliteAffinity(const ExprType& type) {
  return type.declared ? SqliteAffinity(type.type) : Affinity::kNone;
}

Collation SqliteNoCase() {
  static const Collation kNoCase = Collation::Named("NOCASE");
  return kNoCase;
}

Collation SqliteRtrim() {
  static const Collation kRtrim = Collation::Named("RTRIM");
  return kRtrim;
}

}  // namespace shardql
