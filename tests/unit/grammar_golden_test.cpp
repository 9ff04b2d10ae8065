// Golden parse tests: tests/golden/parse/*. Commands:
//   parse   the DebugString of each statement, one per line; the input must stay on the fast SLL
//           path (add `ll-ok` to allow the full-LL retry)
//   error   FormatError of the SqlError the input raises
// A `parse` that fails prints the error and fails the case (see tests/datadriven.h).
#include <doctest/doctest.h>

#include <string>

#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "tests/datadriven.h"

namespace shardql {
namespace {

testing::CaseResult RunParse(const testing::TestCase& test) {
  uint64_t fallbacks_before = internal::LlFallbackCount();
  std::string out;
  try {
    for (const ast::StatementPtr& statement : ParseSql(test.input)) {
      out += ast::DebugString(*statement) + "\n";
    }
  } catch (const SqlError& e) {
    return testing::CaseResult::Error(FormatError(e, test.input));
  }
  if (internal::LlFallbackCount() != fallbacks_before && !test.HasArg("ll-ok")) {
    out += "(needed the full-LL retry)\n";
  }
  return out;
}

testing::CaseResult RunError(const testing::TestCase& test) {
  try {
    size_t count = ParseSql(test.input).size();
    return std::to_string(count) + " statement(s)";
  } catch (const SqlError& e) {
    return testing::CaseResult::Error(FormatError(e, test.input));
  }
}

TEST_CASE("golden parse files") {
  testing::RunDataDrivenDir(testing::GoldenDir("parse"),
                            [](const testing::TestCase& test) -> testing::CaseResult {
                              if (test.command == "parse") return RunParse(test);
                              if (test.command == "error") return RunError(test);
                              return testing::CaseResult::UnknownCommand(test);
                            });
}

}  // namespace
}  // namespace shardql
