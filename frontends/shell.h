#pragma once
// The interactive shell, with psql's habits: statements run when a line ends with ';', line
// editing and history (libedit) at a terminal, a script read from a pipe otherwise, aligned output
// with a row-count footer, backslash commands (\d, \timing, \x, \i, \q, \?), and errors shown with
// their SQLSTATE and a caret under the offending text.

#include <iosfwd>
#include <string>
#include <vector>

#include "executor/session.h"

namespace shardql {

struct ShellOptions {
  std::vector<std::string> commands;  // -c, in order
  std::vector<std::string> files;     // -f, in order
  std::string name = "shardql";       // the prompt's name
  std::string banner;                 // printed before an interactive session
};

class Shell {
 public:
  Shell(Session& session, std::ostream& out, std::ostream& err);

  // -c and -f if given, else the terminal or stdin. Returns the process exit status: 0, or 1 when
  // a statement failed in -c / -f / piped input.
  int Run(const ShellOptions& options);

  // Runs script text (statements and backslash commands, one per line) as psql -f does: every
  // statement runs, errors are reported and remembered. Returns false after \q.
  bool RunScript(std::istream& in, bool interactive);
  // Runs one buffer of complete statements. Returns false when a statement failed.
  bool RunBuffer(const std::string& sql, bool stop_on_error);

  bool had_error() const { return had_error_; }

 private:
  // Runs statements in order; returns false when one failed (stopping there if asked to).
  bool RunStatements(const std::vector<std::string>& statements, bool stop_on_error);
  // A backslash command; returns false for \q.
  bool RunMetaCommand(const std::string& line);
  void DescribeAll();
  void Describe(const std::string& name);
  void PrintHelp();
  std::string Prompt(bool continuation) const;

  Session& session_;
  std::ostream& out_;
  std::ostream& err_;
  std::string name_ = "shardql";
  bool timing_ = false;
  bool expanded_ = false;
  bool had_error_ = false;
};

}  // namespace shardql
