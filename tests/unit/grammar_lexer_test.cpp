// The hand-written lexer (grammar/sql_lexer.h) against the lexer ANTLR generates from
// grammar/ShardQLLexer.g4, the tokens' specification: the same token types at the same byte spans
// on every golden parse input, the project's SQL files, and thousands of random strings made of
// the fragments where lexers go wrong (quotes, doubled quotes, dollar quotes, exponents, junk
// after numbers, comments that nest or never close, non-ASCII words).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ShardQLLexer.h"
#include "antlr4-runtime.h"
#include "grammar/sql_lexer.h"

namespace shardql {
namespace {

using Generated = shardql_gen::ShardQLLexer;

struct Tok {
  size_t type;
  size_t begin, end;
  bool operator==(const Tok& o) const { return type == o.type && begin == o.begin && end == o.end; }
};

std::string Show(const std::vector<Tok>& tokens, const std::string& text) {
  std::string out;
  for (const Tok& t : tokens) {
    out += std::to_string(t.type) + "[" + text.substr(t.begin, t.end - t.begin) + "] ";
  }
  return out;
}

// ANTLR's input stream over code points we decode ourselves.
class CodePointStream : public antlr4::ANTLRInputStream {
 public:
  explicit CodePointStream(std::u32string chars) {
    _data = std::move(chars);
    reset();
  }
};

bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || c == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// The grammar's own lexer, fed as the parser once fed it: one character per code point, every
// non-ASCII one as U+0001 (a real U+0001 as U+0002), block comments read past with a depth count.
std::vector<Tok> ReferenceTokens(const std::string& text) {
  std::u32string chars;
  std::vector<size_t> offsets;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    chars.push_back(n > 1 ? 0x01 : (c == 0x01 ? 0x02 : c));
    offsets.push_back(i);
    i += n;
  }
  offsets.push_back(text.size());
  CodePointStream input(chars);
  Generated lexer(&input);
  lexer.removeErrorListeners();
  std::vector<Tok> out;
  for (;;) {
    std::unique_ptr<antlr4::Token> t = lexer.nextToken();
    if (t->getType() == antlr4::Token::EOF) break;
    if (t->getType() == Generated::BLOCK_COMMENT_OPEN) {
      size_t p = input.index();
      int depth = 1;
      while (p < chars.size() && depth > 0) {
        char32_t c = chars[p++];
        char32_t next = p < chars.size() ? chars[p] : 0;
        if (c == '*' && next == '/') {
          ++p;
          --depth;
        } else if (c == '/' && next == '*') {
          ++p;
          ++depth;
        }
      }
      input.seek(p);
      continue;
    }
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    out.push_back({t->getType(), offsets[t->getStartIndex()], offsets[t->getStopIndex() + 1]});
  }
  return out;
}

std::vector<Tok> HandTokens(const std::string& text) {
  std::vector<Tok> out;
  for (const SqlToken& t : LexSql(text)) {
    if (t.cls != TokenClass::kEnd) out.push_back({t.type, t.begin, t.end});
  }
  return out;
}

int Compare(const std::string& text) {
  if (!ValidUtf8(text)) return 0;
  std::vector<Tok> want = ReferenceTokens(text);
  std::vector<Tok> got = HandTokens(text);
  INFO("input: " << text << "\nANTLR: " << Show(want, text) << "\nhand:  " << Show(got, text));
  CHECK(got == want);
  return 1;
}

std::vector<std::string> ProjectSqlLines() {
  std::vector<std::string> out;
  std::string root = SHARDQL_SOURCE_DIR;
  for (const char* dir : {"/tests/golden/parse", "/tests/slt", "/examples/demo",
                          "/tests/golden/bind", "/tests/golden/distribute"}) {
    for (const auto& entry : std::filesystem::directory_iterator(root + dir)) {
      std::ifstream in(entry.path());
      std::string line;
      while (std::getline(in, line))
        out.push_back(line);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the hand-written lexer reads the project's SQL as the grammar's lexer does") {
  int compared = 0;
  for (const std::string& line : ProjectSqlLines())
    compared += Compare(line);
  CHECK(compared > 2000);
}

TEST_CASE("the hand-written lexer agrees with the grammar's lexer on random tricky text") {
  const std::vector<std::string> fragments = {"'",       "''",     "\"",
                                              "\"\"",    "$",      "$$",
                                              "$1",      "$12a",   "e'",
                                              "E'",      "x'",     "X'",
                                              "\\",      "\\'",    "0",
                                              "1",       "42",     "0x",
                                              "0x1F",    "0x1G",   "1e",
                                              "1e5",     "1e+",    "1.",
                                              ".",       ".5",     "1.5e-3",
                                              "e",       "E",      "+",
                                              "-",       "--",     "/*",
                                              "*/",      "*",      "/",
                                              "a",       "_",      "$x",
                                              "é",       "日本",   "\x01",
                                              "\n",      " ",      "\t",
                                              "<",       ">",      "<>",
                                              "<=",      "<<",     "=",
                                              "==",      "!",      "!=",
                                              "|",       "||",     ":",
                                              "::",      "?",      "(",
                                              ")",       ",",      ";",
                                              "select",  "SELECT", "from",
                                              "null",    "NULL",   "current_date",
                                              "current", "date",   "trueish",
                                              "in",      "abc123", "in$1"};
  std::mt19937_64 rng(20261205);
  std::uniform_int_distribution<size_t> pick(0, fragments.size() - 1);
  std::uniform_int_distribution<int> length(1, 12);
  int compared = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (int n = length(rng); n > 0; --n)
      text += fragments[pick(rng)];
    compared += Compare(text);
  }
  CHECK(compared > 19000);
}

}  // namespace shardql
