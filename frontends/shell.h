#pragma once
// The interactive shell, with psql's habits: statements run when a line ends with ';', line
// editing and history (libedit) at a terminal — each statement added to the history file as it
// runs — a script read from a pipe otherwise, output aligned (or unaligned, CSV, tuples only, to a
// file with \o), backslash commands (\d, \timing, \x, \a, \t, \pset, \o, \copy, \i, \q, \?),
// errors shown with their SQLSTATE and a caret (and, from a file, the file and line), Ctrl-C that
// cancels the running statement or clears the line being typed (shell_signals.h).

#include <fstream>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "executor/session.h"
#include "frontends/table_printer.h"

namespace shardql {

struct ShellOptions {
  std::vector<std::string> commands;  // -c, in order
  std::vector<std::string> files;     // -f, in order
  std::string name = "shardql";       // the prompt's name
  std::string banner;                 // printed before an interactive session
  OutputFormat format;                // -A, -t, -F, --csv
};

class Shell {
 public:
  Shell(Session& session, std::ostream& out, std::ostream& err);

  // -c and -f if given, else the terminal or stdin. Returns the process exit status: 0, or 1 when
  // a statement failed in -c / -f / piped input.
  int Run(const ShellOptions& options);

  // Runs script text (statements and backslash commands, one per line) as psql -f does: every
  // statement runs, errors are reported (with `source`:line when given) and remembered. Returns
  // false after \q.
  bool RunScript(std::istream& in, bool interactive, const std::string& source = "");
  // One line typed at the prompt; false at end of input, `interrupted` after Ctrl-C.
  bool ReadTypedLine(const std::string& prompt, std::string& line, bool& interrupted);
  // Runs one buffer of complete statements. Returns false when a statement failed.
  bool RunBuffer(const std::string& sql, bool stop_on_error);

  bool had_error() const { return had_error_; }

 private:
  // Runs statements in order; returns false when one failed (stopping there if asked to). An
  // error is prefixed with `where` ("shardql:script.sql:3: ") when given.
  bool RunStatements(const std::vector<std::string>& statements, bool stop_on_error,
                     const std::string& where = "");
  // A backslash command; returns false for \q.
  bool RunMetaCommand(const std::string& line, const std::string& where = "");
  void SetPset(const std::string& argument);
  void DescribeAll();
  void Describe(const std::string& name, bool plus);
  void PrintHelp();
  std::string Prompt(bool continuation) const;
  // Where results go: stdout, or the file of \o.
  std::ostream& results() { return output_file_ ? *output_file_ : out_; }

  Session& session_;
  std::ostream& out_;
  std::ostream& err_;
  std::string name_ = "shardql";
  OutputFormat format_;
  std::unique_ptr<std::ofstream> output_file_;
  bool timing_ = false;
  bool had_error_ = false;
};

}  // namespace shardql
