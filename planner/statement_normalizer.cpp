#include "planner/statement_normalizer.h"

#include <charconv>
#include <map>

#include "grammar/sql_lexer.h"
#include "planner/dialect.h"

namespace shardql {
namespace {

class Tokens {
 public:
  explicit Tokens(std::string_view sql) : sql_(sql) {}

  std::string_view Text(const SqlToken& t) const { return sql_.substr(t.begin, t.end - t.begin); }

  bool IsWord(const SqlToken& t, std::string_view upper) const {
    if (t.cls != TokenClass::kKeyword && t.cls != TokenClass::kIdentifier) return false;
    std::string_view text = Text(t);
    if (text.size() != upper.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != upper[i]) return false;
    }
    return true;
  }

 private:
  std::string_view sql_;
};

// Whether tokens[close] is the `)` of a substr(...) or substring(...) call.
bool ClosesSubstrCall(const std::vector<SqlToken>& tokens, size_t close, const Tokens& tk) {
  if (tokens[close].cls != TokenClass::kRightParen) return false;
  int depth = 0;
  for (size_t j = close + 1; j-- > 0;) {
    if (tokens[j].cls == TokenClass::kRightParen) ++depth;
    if (tokens[j].cls == TokenClass::kLeftParen && --depth == 0) {
      return j > 0 && (tk.IsWord(tokens[j - 1], "SUBSTR") || tk.IsWord(tokens[j - 1], "SUBSTRING"));
    }
  }
  return false;
}

// What a parenthesis holds: a VALUES row whose literals may be replaced, or anything else.
enum class Parens : uint8_t { kList, kOther };

}  // namespace

std::optional<NormalizedStatement> NormalizeLiterals(std::string_view sql, const Dialect* dialect) {
  std::vector<SqlToken> tokens;
  tokens.reserve(64);
  SqlLexer lexer(sql);
  for (;;) {
    SqlToken t = lexer.Next();
    if (t.cls == TokenClass::kEnd) break;
    // The statement's own parameters, or text the parser will refuse: leave it as written.
    if (t.cls == TokenClass::kParameter || t.cls == TokenClass::kQuestion ||
        t.cls == TokenClass::kError) {
      return std::nullopt;
    }
    tokens.push_back(t);
  }
  if (lexer.unterminated_comment()) return std::nullopt;
  Tokens tk(sql);
  // One statement only (a trailing ';' is fine), of a kind the plan cache holds.
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].cls == TokenClass::kSemicolon && i + 1 != tokens.size()) return std::nullopt;
  }
  if (tokens.empty() || !(tk.IsWord(tokens[0], "SELECT") || tk.IsWord(tokens[0], "INSERT") ||
                          tk.IsWord(tokens[0], "UPDATE") || tk.IsWord(tokens[0], "DELETE") ||
                          tk.IsWord(tokens[0], "WITH") || tk.IsWord(tokens[0], "VALUES"))) {
    return std::nullopt;
  }

  std::vector<bool> replace(tokens.size(), false);
  std::vector<bool> in_values_row(tokens.size(), false);
  std::vector<Parens> parens;
  std::vector<size_t> values_depth;  // paren depths at which a VALUES list is open
  for (size_t i = 0; i < tokens.size(); ++i) {
    const SqlToken& t = tokens[i];
    const SqlToken* prev = i > 0 ? &tokens[i - 1] : nullptr;
    const SqlToken* next = i + 1 < tokens.size() ? &tokens[i + 1] : nullptr;
    if (t.cls == TokenClass::kLeftParen) {
      bool values_row = !values_depth.empty() && values_depth.back() == parens.size() && prev &&
                        (tk.IsWord(*prev, "VALUES") || prev->cls == TokenClass::kComma);
      parens.push_back(values_row ? Parens::kList : Parens::kOther);
    } else if (t.cls == TokenClass::kRightParen) {
      while (!values_depth.empty() && values_depth.back() > parens.size())
        values_depth.pop_back();
      if (!parens.empty()) parens.pop_back();
      while (!values_depth.empty() && values_depth.back() > parens.size())
        values_depth.pop_back();
    } else if (t.cls == TokenClass::kKeyword || t.cls == TokenClass::kIdentifier ||
               t.cls == TokenClass::kQuotedIdentifier) {
      if (tk.IsWord(t, "VALUES")) {
        values_depth.push_back(parens.size());
      } else if (!values_depth.empty() && values_depth.back() == parens.size()) {
        values_depth.pop_back();  // the VALUES list ended (ON, RETURNING, ...)
      }
    } else if (t.cls == TokenClass::kInteger || t.cls == TokenClass::kString ||
               t.cls == TokenClass::kDecimal) {
      // A text compared with a substr call stays: SubstrPrefixToRange rewrites by its value (the
      // '98' of `substr(zip, 1, 2) = '98'`).
      bool after_comparison =
          prev && prev->cls == TokenClass::kComparison &&
          !(t.cls == TokenClass::kString && i >= 2 && ClosesSubstrCall(tokens, i - 2, tk));
      bool list_item = !parens.empty() && parens.back() == Parens::kList && prev &&
                       (prev->cls == TokenClass::kLeftParen || prev->cls == TokenClass::kComma) &&
                       next &&
                       (next->cls == TokenClass::kComma || next->cls == TokenClass::kRightParen);
      in_values_row[i] = list_item;
      replace[i] = t.cls == TokenClass::kDecimal ? list_item && dialect != nullptr
                                                 : after_comparison || list_item;
    }
  }

  NormalizedStatement out;
  // Equal literals share a parameter: by class and spelling.
  std::map<std::pair<TokenClass, std::string_view>, size_t> numbers;
  size_t copied = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!replace[i]) continue;
    const SqlToken& t = tokens[i];
    std::string_view text = tk.Text(t);
    Value value;
    if (t.cls == TokenClass::kDecimal) {
      std::optional<Value> read = dialect->DecimalLiteralValue(text);
      if (!read) continue;
      value = std::move(*read);
    } else if (t.cls == TokenClass::kInteger) {
      int64_t v = 0;
      auto [ptr, error] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (error != std::errc() || ptr != text.data() + text.size()) continue;  // leave big ones
      value = Value::Integer(v);
    } else {
      std::string unquoted;
      for (size_t k = 1; k + 1 < text.size(); ++k) {
        unquoted += text[k];
        if (text[k] == '\'') ++k;  // '' is one quote
      }
      value = Value::Text(std::move(unquoted));
    }
    size_t number = out.literals.size() + 1;
    if (in_values_row[i]) {
      out.literals.push_back(std::move(value));
    } else {
      auto [it, inserted] = numbers.try_emplace({t.cls, text}, number);
      if (inserted) out.literals.push_back(std::move(value));
      number = it->second;
    }
    out.text.append(sql.substr(copied, t.begin - copied));
    out.text += "$" + std::to_string(number);
    copied = t.end;
  }
  if (out.literals.empty()) return std::nullopt;
  out.text.append(sql.substr(copied));
  return out;
}

}  // namespace shardql
