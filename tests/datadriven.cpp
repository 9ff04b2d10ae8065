#include "tests/datadriven.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace shardql::testing {
namespace {

bool rewrite_mode = false;

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line))
    lines.push_back(line);
  return lines;
}

std::vector<std::string> SplitWords(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  std::string word;
  while (in >> word)
    words.push_back(word);
  return words;
}

std::string TrimTrailingNewlines(std::string s) {
  while (!s.empty() && s.back() == '\n')
    s.pop_back();
  return s;
}

bool IsBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// One parsed case plus where its pieces sit in the file, so rewrite can replace the output.
struct ParsedCase {
  TestCase test;
  size_t output_begin = 0;  // first line index of the expected output
  size_t output_end = 0;    // one past its last line (including a closing `----` pair)
};

std::vector<ParsedCase> ParseFile(const std::string& path, const std::vector<std::string>& lines) {
  std::vector<ParsedCase> cases;
  size_t i = 0;
  while (i < lines.size()) {
    if (IsBlank(lines[i]) || lines[i].rfind('#', 0) == 0) {
      ++i;
      continue;
    }
    ParsedCase pc;
    pc.test.file = path;
    pc.test.line = static_cast<int>(i + 1);
    std::vector<std::string> words = SplitWords(lines[i]);
    pc.test.command = words[0];
    pc.test.args.assign(words.begin() + 1, words.end());
    ++i;
    std::string input;
    while (i < lines.size() && lines[i] != "----") {
      input += lines[i] + "\n";
      ++i;
    }
    if (i == lines.size()) {
      throw std::runtime_error(path + ":" + std::to_string(pc.test.line) + ": missing ----");
    }
    pc.test.input = TrimTrailingNewlines(input);
    ++i;  // past ----
    pc.output_begin = i;
    std::string expected;
    if (i < lines.size() && lines[i] == "----") {
      // Doubled separator: output runs to the next `----` `----` pair.
      ++i;
      while (i + 1 < lines.size() && !(lines[i] == "----" && lines[i + 1] == "----")) {
        expected += lines[i] + "\n";
        ++i;
      }
      i = std::min(i + 2, lines.size());
    } else {
      while (i < lines.size() && !IsBlank(lines[i])) {
        expected += lines[i] + "\n";
        ++i;
      }
    }
    pc.output_end = i;
    pc.test.expected = TrimTrailingNewlines(expected);
    cases.push_back(std::move(pc));
  }
  return cases;
}

std::vector<std::string> FormatOutput(const std::string& output) {
  std::vector<std::string> out;
  std::string body = TrimTrailingNewlines(output);
  bool has_blank = false;
  std::istringstream in(body);
  std::string line;
  std::vector<std::string> body_lines;
  while (std::getline(in, line)) {
    if (IsBlank(line)) has_blank = true;
    body_lines.push_back(line);
  }
  if (has_blank) out.push_back("----");
  out.insert(out.end(), body_lines.begin(), body_lines.end());
  if (has_blank) {
    out.push_back("----");
    out.push_back("----");
  }
  return out;
}

}  // namespace

bool TestCase::HasArg(const std::string& name) const {
  return std::any_of(args.begin(), args.end(), [&](const std::string& a) {
    return a == name || a.rfind(name + "=", 0) == 0;
  });
}

std::string TestCase::ArgValue(const std::string& name, const std::string& fallback) const {
  for (const std::string& a : args) {
    if (a.rfind(name + "=", 0) == 0) return a.substr(name.size() + 1);
  }
  return fallback;
}

void RunDataDrivenFile(const std::string& path, const CaseHandler& handler) {
  std::vector<std::string> lines = ReadLines(path);
  std::vector<ParsedCase> cases = ParseFile(path, lines);
  std::vector<std::string> rewritten;
  size_t copied = 0;
  for (ParsedCase& pc : cases) {
    CaseResult result = handler(pc.test);
    std::string actual = TrimTrailingNewlines(result.output);
    INFO(pc.test.file << ":" << pc.test.line << ": " << pc.test.command << "\n" << pc.test.input);
    bool expects_error = pc.test.command == "error" || pc.test.HasArg("error");
    if (result.unknown_command) {
      FAIL_CHECK("unknown command " << pc.test.command);
      continue;
    }
    if (result.error != expects_error) {
      FAIL_CHECK((result.error ? "unexpected error (mark the case `error` if it is meant):\n"
                               : "expected an error, got:\n")
                 << actual);
      continue;
    }
    if (rewrite_mode) {
      rewritten.insert(rewritten.end(), lines.begin() + copied, lines.begin() + pc.output_begin);
      std::vector<std::string> out = FormatOutput(actual);
      rewritten.insert(rewritten.end(), out.begin(), out.end());
      copied = pc.output_end;
      continue;
    }
    CHECK(actual == pc.test.expected);
  }
  if (rewrite_mode) {
    rewritten.insert(rewritten.end(), lines.begin() + copied, lines.end());
    std::ofstream out(path, std::ios::trunc);
    for (const std::string& line : rewritten)
      out << line << "\n";
  }
}

void RunDataDrivenDir(const std::string& dir, const CaseHandler& handler) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE_MESSAGE(!files.empty(), "no golden files in " << dir);
  for (const std::string& file : files)
    RunDataDrivenFile(file, handler);
}

std::string GoldenDir(const std::string& sub) {
  return std::string(SHARDQL_SOURCE_DIR) + "/tests/golden/" + sub;
}

bool RewriteMode() {
  return rewrite_mode;
}
void SetRewriteMode(bool on) {
  rewrite_mode = on;
}

}  // namespace shardql::testing
