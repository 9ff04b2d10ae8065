#pragma once
// Splits script text into statements at top-level semicolons, the way psql does before sending
// anything: quotes ('…', "…", E'…', $$…$$) and comments (-- and nested /* */) are skipped, so a
// semicolon inside them does not end a statement. Each piece keeps its own text, so an error in it
// reports lines counted from its own start, as psql's do.

#include <string>
#include <string_view>
#include <vector>

namespace shardql {

struct SplitResult {
  std::vector<std::string> statements;  // complete statements, each without its ';'
  std::string rest;                     // text after the last ';' (an unfinished statement)
};

SplitResult SplitStatements(std::string_view text);

// True when text holds nothing but whitespace and comments.
bool IsBlankSql(std::string_view text);

}  // namespace shardql
