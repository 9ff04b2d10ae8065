#pragma once
// Golden data-driven test files in the style of cockroachdb/datadriven. A file is a series of
// cases; each case is
//
//   command [arg arg=value ...]
//   input lines
//   ----
//   expected output lines
//
// separated by a blank line. When the expected output itself has blank lines, the separator is
// doubled (`----` twice) and the output ends at the next doubled `----` pair. Lines starting with
// `#` between cases are comments. Run the test binary with --rewrite to regenerate expectations.
//
// A case expects an error exactly when it says so: its command is `error`, or it has the
// argument `error`. An error where none was expected, success where an error was, and an
// unknown command fail the case — in rewrite mode too, which then keeps the old expectation
// rather than record the surprise as expected.

#include <functional>
#include <string>
#include <vector>

namespace shardql::testing {

struct TestCase {
  std::string file;
  int line = 0;  // line of the command
  std::string command;
  std::vector<std::string> args;  // "name" or "name=value" as written
  std::string input;
  std::string expected;

  bool HasArg(const std::string& name) const;
  std::string ArgValue(const std::string& name, const std::string& fallback = "") const;
};

// What a case produced.
struct CaseResult {
  std::string output;
  bool error = false;            // the output reports an error the input raised
  bool unknown_command = false;  // the handler does not know the case's command

  // Plain output converts implicitly, so handlers return strings as before.
  CaseResult(std::string text = "")
      : output(std::move(text)) {}                // NOLINT(google-explicit-constructor)
  CaseResult(const char* text) : output(text) {}  // NOLINT(google-explicit-constructor)
  static CaseResult Error(std::string text) {
    CaseResult r(std::move(text));
    r.error = true;
    return r;
  }
  static CaseResult UnknownCommand(const TestCase& test) {
    CaseResult r("unknown command " + test.command);
    r.unknown_command = true;
    return r;
  }
};

using CaseHandler = std::function<CaseResult(const TestCase&)>;

// Runs every case of one file through `handler` and checks (or, in rewrite mode, rewrites) the
// expected output. Mismatches are reported through doctest with the file and line.
void RunDataDrivenFile(const std::string& path, const CaseHandler& handler);

// Every regular file under `dir` (sorted), each through RunDataDrivenFile.
void RunDataDrivenDir(const std::string& dir, const CaseHandler& handler);

// The source folder of the golden files, set by CMake.
std::string GoldenDir(const std::string& sub);

bool RewriteMode();
void SetRewriteMode(bool on);

}  // namespace shardql::testing
