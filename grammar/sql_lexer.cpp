#include "grammar/sql_lexer.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "ShardQLLexer.h"

namespace shardql {
namespace {

using L = shardql_gen::ShardQLLexer;

struct Keyword {
  const char* word;
  size_t type;
};

// Sorted by word (grammar/keywords.cmake).
constexpr Keyword kKeywords[] = {
#include "sql_keywords.inc"
};
constexpr size_t kLongestKeyword = 32;

// FNV-1a of the lower-case word.
uint32_t WordHash(const char* lower, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i)
    h = (h ^ static_cast<unsigned char>(lower[i])) * 16777619u;
  return h;
}

// The keywords by hash, open addressing: every word of every statement is looked up here, so
// the lookup is one hash and, mostly, one comparison.
class KeywordTable {
 public:
  KeywordTable() {
    for (const Keyword& k : kKeywords) {
      size_t n = std::strlen(k.word);
      uint32_t slot = WordHash(k.word, n) & kMask;
      while (slots_[slot].word)
        slot = (slot + 1) & kMask;
      slots_[slot] = {k.word, n, static_cast<uint16_t>(k.type)};
    }
  }
  size_t Find(const char* lower, size_t n) const {
    for (uint32_t slot = WordHash(lower, n) & kMask; slots_[slot].word; slot = (slot + 1) & kMask) {
      const Slot& s = slots_[slot];
      if (s.length == n && std::memcmp(s.word, lower, n) == 0) return s.type;
    }
    return 0;
  }

 private:
  static constexpr uint32_t kMask = 1023;  // 1024 slots for about 150 keywords
  struct Slot {
    const char* word = nullptr;
    size_t length = 0;
    uint16_t type = 0;
  };
  Slot slots_[kMask + 1];
};

const KeywordTable& Keywords() {
  static const KeywordTable table;
  return table;
}

bool IsDigit(unsigned char c) {
  return c >= '0' && c <= '9';
}
bool IsHexDigit(unsigned char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// The grammar's IDENTIFIER_START and IDENTIFIER_PART: every non-ASCII byte belongs to a word.
bool IsWordStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsWordPart(unsigned char c) {
  return IsWordStart(c) || IsDigit(c) || c == '$';
}
bool IsBlank(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The keyword `word` spells, or 0.
size_t KeywordType(std::string_view word) {
  if (word.size() > kLongestKeyword) return 0;
  char lower[kLongestKeyword];
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return Keywords().Find(lower, word.size());
}

}  // namespace

SqlToken SqlLexer::Make(uint16_t type, TokenClass cls, size_t begin, size_t end) const {
  return SqlToken{type, cls, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
}

void SqlLexer::SkipBlanksAndComments() {
  for (;;) {
    while (pos_ < text_.size() && IsBlank(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
    if (text_.substr(pos_, 2) == "--") {
      while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r')
        ++pos_;
      continue;
    }
    if (text_.substr(pos_, 2) == "/*") {
      // Block comments nest, as in PostgreSQL.
      size_t start = pos_;
      pos_ += 2;
      int depth = 1;
      while (pos_ < text_.size() && depth > 0) {
        if (text_.substr(pos_, 2) == "*/") {
          --depth;
          pos_ += 2;
        } else if (text_.substr(pos_, 2) == "/*") {
          ++depth;
          pos_ += 2;
        } else {
          ++pos_;
        }
      }
      if (depth > 0 && !unterminated_comment_) {
        unterminated_comment_ = true;
        comment_start_ = static_cast<uint32_t>(start);
      }
      continue;
    }
    return;
  }
}

SqlToken SqlLexer::Next() {
  SkipBlanksAndComments();
  size_t begin = pos_;
  if (pos_ >= text_.size()) return Make(0, TokenClass::kEnd, begin, begin);
  unsigned char c = static_cast<unsigned char>(text_[pos_]);
  unsigned char next = pos_ + 1 < text_.size() ? static_cast<unsigned char>(text_[pos_ + 1]) : 0;
  if (c == '\'') {
    return Quoted(begin, begin + 1, '\'', true, L::STRING_LITERAL, L::UNTERMINATED_STRING,
                  TokenClass::kString);
  }
  if (c == '"') {
    return Quoted(begin, begin + 1, '"', true, L::QUOTED_IDENTIFIER,
                  L::UNTERMINATED_QUOTED_IDENTIFIER, TokenClass::kQuotedIdentifier);
  }
  if ((c == 'e' || c == 'E') && next == '\'') return EscapeString(begin);
  if ((c == 'x' || c == 'X') && next == '\'') {
    // X'..' has no escapes; without its closing quote the X is a word of its own.
    size_t close = text_.find('\'', begin + 2);
    if (close != std::string_view::npos) {
      pos_ = close + 1;
      return Make(L::BLOB_LITERAL, TokenClass::kBlob, begin, pos_);
    }
  }
  if (IsWordStart(c)) return Word(begin);
  if (IsDigit(c) || (c == '.' && IsDigit(next))) return Number(begin);
  if (c == '$') return Dollar(begin);
  return Symbol(begin);
}

SqlToken SqlLexer::Word(size_t begin) {
  pos_ = begin + 1;
  while (pos_ < text_.size() && IsWordPart(static_cast<unsigned char>(text_[pos_])))
    ++pos_;
  size_t keyword = KeywordType(text_.substr(begin, pos_ - begin));
  if (keyword) return Make(static_cast<uint16_t>(keyword), TokenClass::kKeyword, begin, pos_);
  return Make(L::IDENTIFIER, TokenClass::kIdentifier, begin, pos_);
}

SqlToken SqlLexer::Quoted(size_t begin, size_t body, char quote, bool doubled_escapes,
                          uint16_t done, uint16_t unterminated, TokenClass cls) {
  size_t i = body;
  while (i < text_.size()) {
    if (text_[i] == quote) {
      if (doubled_escapes && i + 1 < text_.size() && text_[i + 1] == quote) {
        i += 2;
        continue;
      }
      pos_ = i + 1;
      return Make(done, cls, begin, pos_);
    }
    ++i;
  }
  pos_ = text_.size();
  return Make(unterminated, TokenClass::kError, begin, pos_);
}

SqlToken SqlLexer::EscapeString(size_t begin) {
  size_t i = begin + 2;
  while (i < text_.size()) {
    char c = text_[i];
    if (c == '\\') {
      if (i + 1 >= text_.size()) {
        i = text_.size();  // the grammar's trailing '\\'? of the unterminated form
        break;
      }
      i += 2;
      continue;
    }
    if (c == '\'') {
      if (i + 1 < text_.size() && text_[i + 1] == '\'') {
        i += 2;
        continue;
      }
      pos_ = i + 1;
      return Make(L::ESCAPE_STRING_LITERAL, TokenClass::kEscapeString, begin, pos_);
    }
    ++i;
  }
  pos_ = text_.size();
  return Make(L::UNTERMINATED_ESCAPE_STRING, TokenClass::kError, begin, pos_);
}

SqlToken SqlLexer::Dollar(size_t begin) {
  size_t n = text_.size();
  if (begin + 1 < n && text_[begin + 1] == '$') {
    // $$ ... $$, closed by the first $$ after the opening.
    size_t close = text_.find("$$", begin + 2);
    if (close != std::string_view::npos) {
      pos_ = close + 2;
      return Make(L::DOLLAR_STRING_LITERAL, TokenClass::kDollarString, begin, pos_);
    }
    pos_ = n;
    return Make(L::UNTERMINATED_DOLLAR_STRING, TokenClass::kError, begin, pos_);
  }
  size_t i = begin + 1;
  while (i < n && IsDigit(static_cast<unsigned char>(text_[i])))
    ++i;
  if (i == begin + 1) {
    pos_ = begin + 1;
    return Make(L::ERROR_CHAR, TokenClass::kError, begin, pos_);
  }
  if (i < n && IsWordStart(static_cast<unsigned char>(text_[i]))) {
    while (i < n && IsWordPart(static_cast<unsigned char>(text_[i])))
      ++i;
    pos_ = i;
    return Make(L::JUNK_PARAMETER, TokenClass::kError, begin, pos_);
  }
  pos_ = i;
  return Make(L::PARAMETER, TokenClass::kParameter, begin, pos_);
}

// INTEGER_LITERAL, DECIMAL_LITERAL, HEX_INTEGER_LITERAL and JUNK_NUMBER, by the lexer's rule:
// the longest match wins, and of equally long ones the rule defined first.
SqlToken SqlLexer::Number(size_t begin) {
  size_t n = text_.size();
  auto at = [&](size_t i) { return i < n ? static_cast<unsigned char>(text_[i]) : 0; };
  auto digits_from = [&](size_t i) {
    while (i < n && IsDigit(at(i)))
      ++i;
    return i;
  };
  // The end of an EXPONENT starting at i, or 0.
  auto exponent_end = [&](size_t i) -> size_t {
    if (at(i) != 'e' && at(i) != 'E') return 0;
    size_t j = i + 1;
    if (at(j) == '+' || at(j) == '-') ++j;
    size_t k = digits_from(j);
    return k > j ? k : 0;
  };
  // The numeral proper: DIGIT+ ('.' DIGIT*)? or '.' DIGIT+.
  size_t int_end = digits_from(begin);
  size_t decimal_end = 0;  // after the fraction, when there is a '.'
  if (at(begin) == '.') {
    decimal_end = digits_from(begin + 1);
  } else if (at(int_end) == '.') {
    decimal_end = digits_from(int_end + 1);
  }
  // DECIMAL_LITERAL: DIGIT+ '.' DIGIT* EXPONENT? | '.' DIGIT+ EXPONENT? | DIGIT+ EXPONENT.
  size_t decimal = 0;
  if (decimal_end) {
    size_t e = exponent_end(decimal_end);
    decimal = e ? e : decimal_end;
  } else if (size_t e = exponent_end(int_end)) {
    decimal = e;
  }
  size_t integer = at(begin) == '.' ? 0 : int_end;
  size_t hex = 0;
  if (at(begin) == '0' && (at(begin + 1) == 'x' || at(begin + 1) == 'X') &&
      IsHexDigit(at(begin + 2))) {
    hex = begin + 2;
    while (IsHexDigit(at(hex)))
      ++hex;
  }
  // JUNK_NUMBER: the numeral, an optional EXPONENT, then a word. Inside a run of digits the next
  // character is a digit, which starts no word, so only the ends of the digit runs can be
  // followed by one.
  size_t junk = 0;
  auto word_end = [&](size_t i) {
    while (IsWordPart(at(i)))
      ++i;
    return i;
  };
  for (size_t stem : {at(begin) == '.' ? size_t{0} : int_end, decimal_end}) {
    if (!stem) continue;
    if (IsWordStart(at(stem))) junk = std::max(junk, word_end(stem + 1));
    if (size_t e = exponent_end(stem); e && IsWordStart(at(e)))
      junk = std::max(junk, word_end(e + 1));
  }
  // Rule order: INTEGER, DECIMAL, HEX, JUNK; a later rule wins only by being longer.
  uint16_t type = L::INTEGER_LITERAL;
  TokenClass cls = TokenClass::kInteger;
  size_t end = integer;
  if (decimal > end) {
    type = L::DECIMAL_LITERAL;
    cls = TokenClass::kDecimal;
    end = decimal;
  }
  if (hex > end) {
    type = L::HEX_INTEGER_LITERAL;
    cls = TokenClass::kHexInteger;
    end = hex;
  }
  if (junk > end) {
    type = L::JUNK_NUMBER;
    cls = TokenClass::kError;
    end = junk;
  }
  pos_ = end;
  return Make(type, cls, begin, end);
}

SqlToken SqlLexer::Symbol(size_t begin) {
  unsigned char c = static_cast<unsigned char>(text_[begin]);
  unsigned char next = begin + 1 < text_.size() ? static_cast<unsigned char>(text_[begin + 1]) : 0;
  auto one = [&](uint16_t type, TokenClass cls) {
    pos_ = begin + 1;
    return Make(type, cls, begin, pos_);
  };
  auto two = [&](uint16_t type, TokenClass cls = TokenClass::kOperator) {
    pos_ = begin + 2;
    return Make(type, cls, begin, pos_);
  };
  constexpr TokenClass kCmp = TokenClass::kComparison;
  switch (c) {
    case ';':
      return one(L::SEMICOLON, TokenClass::kSemicolon);
    case ',':
      return one(L::COMMA, TokenClass::kComma);
    case '.':
      return one(L::DOT, TokenClass::kDot);
    case '(':
      return one(L::LEFT_PAREN, TokenClass::kLeftParen);
    case ')':
      return one(L::RIGHT_PAREN, TokenClass::kRightParen);
    case '*':
      return one(L::STAR, TokenClass::kOperator);
    case '+':
      return one(L::PLUS, TokenClass::kOperator);
    case '-':
      return one(L::MINUS, TokenClass::kOperator);
    case '/':
      return one(L::SLASH, TokenClass::kOperator);
    case '%':
      return one(L::PERCENT, TokenClass::kOperator);
    case '&':
      return one(L::AMPERSAND, TokenClass::kOperator);
    case '~':
      return one(L::TILDE, TokenClass::kOperator);
    case '?':
      return one(L::QUESTION, TokenClass::kQuestion);
    case '|':
      return next == '|' ? two(L::CONCAT) : one(L::PIPE, TokenClass::kOperator);
    case '=':
      return next == '=' ? two(L::EQ_EQ, kCmp) : one(L::EQ, kCmp);
    case '!':
      if (next == '=') return two(L::BANG_EQ, kCmp);
      break;
    case '<':
      if (next == '>') return two(L::NOT_EQ, kCmp);
      if (next == '=') return two(L::LT_EQ, kCmp);
      if (next == '<') return two(L::SHIFT_LEFT);
      return one(L::LT, kCmp);
    case '>':
      if (next == '=') return two(L::GT_EQ, kCmp);
      if (next == '>') return two(L::SHIFT_RIGHT);
      return one(L::GT, kCmp);
    case ':':
      if (next == ':') return two(L::TYPE_CAST);
      break;
    default:
      break;
  }
  return one(L::ERROR_CHAR, TokenClass::kError);
}

std::vector<SqlToken> LexSql(std::string_view text) {
  std::vector<SqlToken> tokens;
  SqlLexer lexer(text);
  for (;;) {
    tokens.push_back(lexer.Next());
    if (tokens.back().cls == TokenClass::kEnd) return tokens;
  }
}

}  // namespace shardql
