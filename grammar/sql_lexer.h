#pragma once
// The dialect's tokens, read by the one lexer every part of shardql uses: the parser (through
// ANTLR's token stream), the statement splitter, and the plan cache's literal normaliser.
// grammar/ShardQLLexer.g4 specifies the tokens; the lexer ANTLR generates from it is used only by
// a test that holds this one to it (tests/unit/grammar_lexer_test.cpp). It is hand-written because
// ANTLR's C++ lexer costs microseconds per short statement, more than the router's whole
// cached-plan path.

#include <cstdint>
#include <string_view>
#include <vector>

namespace shardql {

enum class TokenClass : uint8_t {
  kKeyword,           // SELECT, from, ... (reserved or not: the parser decides)
  kIdentifier,        // orders, _x, été
  kQuotedIdentifier,  // "Orders"
  kInteger,           // 42
  kDecimal,           // 4.2, .5, 1e9
  kHexInteger,        // 0x1F
  kString,            // 'it''s'
  kEscapeString,      // E'a\nb'
  kDollarString,      // $$...$$
  kBlob,              // X'0A'
  kParameter,         // $1
  kQuestion,          // ?
  kComparison,        // = == <> != < <= > >=
  kOperator,          // + - * / % || << >> & | ~ ::
  kLeftParen,         // (
  kRightParen,        // )
  kComma,             // ,
  kSemicolon,         // ;
  kDot,               // .
  kError,             // an unterminated quote, junk after a number or parameter, a stray character
  kEnd,               // end of input
};

struct SqlToken {
  uint16_t type = 0;  // the grammar's token type (a ShardQLLexer rule)
  TokenClass cls = TokenClass::kEnd;
  uint32_t begin = 0;  // byte offsets into the text
  uint32_t end = 0;
};

// Reads tokens one at a time; whitespace and comments are skipped. Never throws: what the
// grammar calls an error comes back as a kError token (ParseSql turns it into SqlError).
class SqlLexer {
 public:
  explicit SqlLexer(std::string_view text) : text_(text) {}
  SqlToken Next();
  // A /* comment was still open at the end of the text.
  bool unterminated_comment() const { return unterminated_comment_; }
  uint32_t unterminated_comment_start() const { return comment_start_; }

 private:
  void SkipBlanksAndComments();
  SqlToken Make(uint16_t type, TokenClass cls, size_t begin, size_t end) const;
  SqlToken Word(size_t begin);
  SqlToken Number(size_t begin);
  SqlToken Quoted(size_t begin, size_t body, char quote, bool doubled_escapes, uint16_t done,
                  uint16_t unterminated, TokenClass cls);
  SqlToken EscapeString(size_t begin);
  SqlToken Dollar(size_t begin);
  SqlToken Symbol(size_t begin);

  std::string_view text_;
  size_t pos_ = 0;
  bool unterminated_comment_ = false;
  uint32_t comment_start_ = 0;
};

// Every token of `text`, the end token last.
std::vector<SqlToken> LexSql(std::string_view text);

}  // namespace shardql
