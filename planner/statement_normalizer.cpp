#include "planner/statement_normalizer.h"

#include <charconv>
#include <cstring>
#include <map>

namespace shardql {
namespace {

enum class Kind : uint8_t {
  kWord,        // identifier or keyword
  kInteger,     // digits only
  kString,      // a plain '...' literal
  kOther,       // any other literal or token that only needs passing over
  kComparison,  // = == <> != < <= > >=
  kLeftParen,
  kRightParen,
  kComma,
  kSemicolon,
  kEnd,
  kAbort,  // the statement must not be normalised
};

struct Token {
  Kind kind = Kind::kEnd;
  size_t begin = 0;
  size_t end = 0;
};

bool IsWordStart(unsigned char c) {
  return std::isalpha(c) || c == '_' || c >= 0x80;
}
bool IsWordPart(unsigned char c) {
  return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

class Scanner {
 public:
  explicit Scanner(std::string_view sql) : sql_(sql) {}

  Token Next() {
    SkipBlanks();
    Token t;
    t.begin = pos_;
    if (pos_ >= sql_.size()) {
      t.kind = aborted_ ? Kind::kAbort : Kind::kEnd;
      return t;
    }
    unsigned char c = static_cast<unsigned char>(sql_[pos_]);
    if (c == '\'') {
      t.kind = SkipQuoted('\'') ? Kind::kString : Kind::kAbort;
    } else if (c == '"') {
      t.kind = SkipQuoted('"') ? Kind::kWord : Kind::kAbort;
    } else if (IsWordStart(c)) {
      while (pos_ < sql_.size() && IsWordPart(static_cast<unsigned char>(sql_[pos_])))
        ++pos_;
      t.kind = Kind::kWord;
      // E'..', X'..', B'..', N'..', U&'..': prefixed literals are passed over, never replaced.
      if (pos_ < sql_.size() && (sql_[pos_] == '\'' || sql_[pos_] == '&') && pos_ - t.begin <= 2) {
        if (sql_[pos_] == '&') ++pos_;
        t.kind = pos_ < sql_.size() && sql_[pos_] == '\'' && SkipQuoted('\'') ? Kind::kOther
                                                                              : Kind::kAbort;
      }
    } else if (std::isdigit(c) || (c == '.' && pos_ + 1 < sql_.size() &&
                                   std::isdigit(static_cast<unsigned char>(sql_[pos_ + 1])))) {
      bool only_digits = true;
      while (pos_ < sql_.size() && std::isdigit(static_cast<unsigned char>(sql_[pos_])))
        ++pos_;
      // Anything after the digits (a fraction, an exponent, 0x.., junk) makes it not an integer.
      while (pos_ < sql_.size() &&
             (IsWordPart(static_cast<unsigned char>(sql_[pos_])) || sql_[pos_] == '.' ||
              ((sql_[pos_] == '+' || sql_[pos_] == '-') &&
               (sql_[pos_ - 1] == 'e' || sql_[pos_ - 1] == 'E')))) {
        only_digits = false;
        ++pos_;
      }
      t.kind = only_digits ? Kind::kInteger : Kind::kOther;
    } else if (c == '$') {
      // $1 is the statement's own parameter: leave the statement alone. $$..$$ is a string.
      if (pos_ + 1 < sql_.size() && std::isdigit(static_cast<unsigned char>(sql_[pos_ + 1]))) {
        t.kind = Kind::kAbort;
      } else if (pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '$') {
        size_t close = sql_.find("$$", pos_ + 2);
        t.kind = close == std::string_view::npos ? Kind::kAbort : Kind::kOther;
        pos_ = close == std::string_view::npos ? sql_.size() : close + 2;
      } else {
        ++pos_;
        t.kind = Kind::kOther;
      }
    } else if (c == '?') {
      t.kind = Kind::kAbort;
      ++pos_;
    } else if (c == '(' || c == ')' || c == ',' || c == ';') {
      t.kind = c == '('   ? Kind::kLeftParen
               : c == ')' ? Kind::kRightParen
               : c == ',' ? Kind::kComma
                          : Kind::kSemicolon;
      ++pos_;
    } else {
      t.kind = Operator();
    }
    t.end = pos_;
    return t;
  }

 private:
  void SkipBlanks() {
    while (pos_ < sql_.size()) {
      char c = sql_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '-' && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '-') {
        while (pos_ < sql_.size() && sql_[pos_] != '\n')
          ++pos_;
      } else if (c == '/' && pos_ + 1 < sql_.size() && sql_[pos_ + 1] == '*') {
        int depth = 0;
        do {
          if (sql_.compare(pos_, 2, "/*") == 0) {
            ++depth;
            pos_ += 2;
          } else if (sql_.compare(pos_, 2, "*/") == 0) {
            --depth;
            pos_ += 2;
          } else {
            ++pos_;
          }
        } while (depth > 0 && pos_ < sql_.size());
        if (depth > 0) aborted_ = true;
      } else {
        return;
      }
    }
  }

  // Past a quoted run whose quote doubles to escape itself; false when it never closes.
  bool SkipQuoted(char quote) {
    ++pos_;
    while (pos_ < sql_.size()) {
      if (sql_[pos_] == quote) {
        if (pos_ + 1 < sql_.size() && sql_[pos_ + 1] == quote) {
          pos_ += 2;
          continue;
        }
        ++pos_;
        return true;
      }
      ++pos_;
    }
    return false;
  }

  Kind Operator() {
    static const char* kComparisons[] = {"<=", ">=", "<>", "!=", "==", "=", "<", ">"};
    static const char* kOthers[] = {"<<", ">>", "||", "::"};
    for (const char* op : kOthers) {
      if (sql_.compare(pos_, std::strlen(op), op) == 0) {
        pos_ += std::strlen(op);
        return Kind::kOther;
      }
    }
    for (const char* op : kComparisons) {
      if (sql_.compare(pos_, std::strlen(op), op) == 0) {
        pos_ += std::strlen(op);
        return Kind::kComparison;
      }
    }
    ++pos_;
    return Kind::kOther;
  }

  std::string_view sql_;
  size_t pos_ = 0;
  bool aborted_ = false;
};

bool WordIs(std::string_view sql, const Token& t, const char* word) {
  size_t n = std::strlen(word);
  if (t.kind != Kind::kWord || t.end - t.begin != n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (std::toupper(static_cast<unsigned char>(sql[t.begin + i])) != word[i]) return false;
  }
  return true;
}

// What a parenthesis holds: a VALUES row whose literals may be replaced, or anything else.
enum class Parens : uint8_t { kList, kOther };

}  // namespace

std::optional<NormalizedStatement> NormalizeLiterals(std::string_view sql) {
  std::vector<Token> tokens;
  Scanner scanner(sql);
  for (;;) {
    Token t = scanner.Next();
    if (t.kind == Kind::kAbort) return std::nullopt;
    if (t.kind == Kind::kEnd) break;
    tokens.push_back(t);
  }
  // One statement only (a trailing ';' is fine), of a kind the plan cache holds.
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == Kind::kSemicolon && i + 1 != tokens.size()) return std::nullopt;
  }
  if (tokens.empty() || !(WordIs(sql, tokens[0], "SELECT") || WordIs(sql, tokens[0], "INSERT") ||
                          WordIs(sql, tokens[0], "UPDATE") || WordIs(sql, tokens[0], "DELETE") ||
                          WordIs(sql, tokens[0], "WITH") || WordIs(sql, tokens[0], "VALUES"))) {
    return std::nullopt;
  }

  std::vector<bool> replace(tokens.size(), false);
  std::vector<Parens> parens;
  std::vector<size_t> values_depth;  // paren depths at which a VALUES list is open
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    const Token* prev = i > 0 ? &tokens[i - 1] : nullptr;
    const Token* next = i + 1 < tokens.size() ? &tokens[i + 1] : nullptr;
    switch (t.kind) {
      case Kind::kLeftParen: {
        bool values_row = !values_depth.empty() && values_depth.back() == parens.size() && prev &&
                          (WordIs(sql, *prev, "VALUES") || prev->kind == Kind::kComma);
        parens.push_back(values_row ? Parens::kList : Parens::kOther);
        break;
      }
      case Kind::kRightParen:
        while (!values_depth.empty() && values_depth.back() > parens.size())
          values_depth.pop_back();
        if (!parens.empty()) parens.pop_back();
        while (!values_depth.empty() && values_depth.back() > parens.size())
          values_depth.pop_back();
        break;
      case Kind::kWord:
        if (WordIs(sql, t, "VALUES")) {
          values_depth.push_back(parens.size());
        } else if (!values_depth.empty() && values_depth.back() == parens.size()) {
          values_depth.pop_back();  // the VALUES list ended (ON, RETURNING, ...)
        }
        break;
      case Kind::kInteger:
      case Kind::kString: {
        bool after_comparison = prev && prev->kind == Kind::kComparison;
        bool list_item = !parens.empty() && parens.back() == Parens::kList && prev &&
                         (prev->kind == Kind::kLeftParen || prev->kind == Kind::kComma) && next &&
                         (next->kind == Kind::kComma || next->kind == Kind::kRightParen);
        replace[i] = after_comparison || list_item;
        break;
      }
      default:
        break;
    }
  }

  NormalizedStatement out;
  std::map<std::pair<Kind, std::string_view>, size_t> numbers;  // equal literals share a parameter
  size_t copied = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!replace[i]) continue;
    const Token& t = tokens[i];
    std::string_view text = sql.substr(t.begin, t.end - t.begin);
    Value value;
    if (t.kind == Kind::kInteger) {
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
    auto [it, inserted] = numbers.try_emplace({t.kind, text}, out.literals.size() + 1);
    if (inserted) out.literals.push_back(std::move(value));
    out.text.append(sql.substr(copied, t.begin - copied));
    out.text += "$" + std::to_string(it->second);
    copied = t.end;
  }
  if (out.literals.empty()) return std::nullopt;
  out.text.append(sql.substr(copied));
  return out;
}

}  // namespace shardql
