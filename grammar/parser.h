#pragma once
// The SQL front door: text in, AST out. Everything ANTLR stays behind this header.

#include <cstdint>
#include <string_view>
#include <vector>

#include "grammar/ast.h"

namespace shardql {

// Parses every statement in `text`; statements are separated by ';', empty statements are skipped.
// Throws SqlError: 42601 syntax error (position = byte offset of the offending token, or
// text.size() at end of input); 54001 nesting too deep; 22021 invalid UTF-8 (position of the bad
// byte); 0A000 only for WITH RECURSIVE (unsupported statements come back as
// ast::UnsupportedStatement).
std::vector<ast::StatementPtr> ParseSql(std::string_view text);

// True when `text` contains a ';' outside quotes and comments as its last meaningful token (the
// shell keeps reading lines until this holds). A ';' inside an open CREATE TRIGGER body does not
// count. Never throws.
bool EndsWithSemicolon(std::string_view text);

// The deepest nesting ParseSql accepts: expression, query and statement levels, counting each
// operator of a left-folded chain (a + b + c is two levels). Deeper input fails with 54001.
inline constexpr int kMaxParseNestingDepth = 1000;

// The deepest parenthesis nesting ParseSql accepts before parsing (54001 beyond): ANTLR's
// prediction looks ahead through nested parentheses, so unbounded nesting would cost quadratic
// time.
inline constexpr int kMaxParenthesisDepth = 500;

namespace internal {
// How many ParseSql calls on this thread fell back from the fast SLL stage to full LL. Tests use
// it to check that valid SQL stays on the fast path.
uint64_t LlFallbackCount();
}  // namespace internal

}  // namespace shardql
