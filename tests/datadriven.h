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

using CaseHandler = std::function<std::string(const TestCase&)>;

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
