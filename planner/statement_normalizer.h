#pragma once
// Normalises a statement for the plan cache (DESIGN.md): literals whose replacement by a parameter
// cannot change what the statement means become $1, $2, ..., so statements that differ only in
// those values share one plan, planned once. It reads the grammar's own tokens (sql_lexer.h), so
// it agrees with the parser on what is a literal. A literal that decides routing stays visible to
// routing: the plan is made with the values known, for values that route alike (plan_cache.h).
//
// Only values are replaced, never anything the planner reads as structure:
//   - an integer (in 64-bit range) or a plain '...' string,
//   - right after a comparison operator (= == <> != < <= > >=), or directly in a VALUES (...) row;
//     not a '...' string compared with a substr call (`substr(zip, 1, 2) = '98'`), whose value
//     a rewrite rule reads (SubstrPrefixToRange);
//   - in a VALUES row also a decimal numeral, when the dialect says exactly what its parser reads
//     it as (Dialect::DecimalLiteralValue): a 500-row INSERT of prices is one shape;
// never an IN (...) list (planned with its values, each shard is sent only the values it owns), a
// LIMIT or OFFSET count, an ORDER BY or GROUP BY position, another decimal (its digits go to the
// backend as written), an E'' / X'' / $$ literal, or anything in a statement that already has
// parameters or holds several statements. Equal literals share one parameter, so an expression
// repeated in GROUP BY or ORDER BY still matches its select item — except in VALUES rows, where
// nothing can repeat them, and sharing would make the shape depend on which values happen to be
// equal.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planner/value.h"

namespace shardql {

class Dialect;

struct NormalizedStatement {
  std::string text;             // the statement with literals replaced by $1..$n
  std::vector<Value> literals;  // the replaced values, $1 first
};

// nullopt when nothing would be replaced, or the statement must not be normalised.
std::optional<NormalizedStatement> NormalizeLiterals(std::string_view sql,
                                                     const Dialect* dialect = nullptr);

}  // namespace shardql
