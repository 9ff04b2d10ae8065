#pragma once
// The SQL front door: text in, AST out. Everything ANTLR stays behind this header.

#include <cstdint>
#include <string>
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

// Script text cut into statements where the parser will see them end: at each ';' outside
// quotes, comments and CREATE TRIGGER bodies, with the grammar's own lexer (the shell and script
// runners split with it before anything runs, as psql does).
struct SqlPieces {
  // The complete statements, each without its ';' and keeping its own leading text, so an error in
  // it counts lines from its own start (as psql's do). Blank ones (`;;`) are left out.
  std::vector<std::string> statements;
  std::string rest;        // what follows the last ';': an unfinished statement
  bool rest_blank = true;  // rest holds only whitespace and closed comments
};
// Never throws: text the lexer cannot read comes back whole as `rest`, for ParseSql to report.
SqlPieces SplitSql(std::string_view text);

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
