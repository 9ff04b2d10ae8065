// Golden parse tests: tests/golden/parse/*. Commands:
//   parse   the DebugString of each statement, one per line; the input must stay on the fast SLL
//           path (add `ll-ok` to allow the full-LL retry)
//   error   FormatError of the SqlError the input raises
#include <doctest/doctest.h>

#include <string>

#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "tests/datadriven.h"

namespace shardql {
namespace {

std::string RunParse(const testing::TestCase& test) {
  uint64_t fallbacks_before = internal::LlFallbackCount();
  std::string out;
  try {
    for (const ast::StatementPtr& statement : ParseSql(test.input)) {
      out += ast::DebugString(*statement) + "\n";
    }
  } catch (const SqlError& e) {
    return "unexpected error: " + FormatError(e, test.input);
  }
  if (internal::LlFallbackCount() != fallbacks_before && !test.HasArg("ll-ok")) {
    out += "(needed the full-LL retry)\n";
  }
  return out;
}

std::string RunError(const testing::TestCase& test) {
  try {
    size_t count = ParseSql(test.input).size();
    return "unexpected success: " + std::to_string(count) + " statement(s)";
  } catch (const SqlError& e) {
    return FormatError(e, test.input);
  }
}

TEST_CASE("golden parse files") {
  testing::RunDataDrivenDir(testing::GoldenDir("parse"), [](const testing::TestCase& test) {
    if (test.command == "parse") return RunParse(test);
    if (test.command == "error") return RunError(test);
    return "unknown command " + test.command;
  });
}

}  // namespace
}  // namespace shardql
