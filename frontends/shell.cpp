#include "frontends/shell.h"

#include <editline/readline.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "frontends/copy_command.h"
#include "frontends/describe.h"
#include "frontends/shell_signals.h"
#include "frontends/table_printer.h"
#include "grammar/parser.h"
#include "grammar/sql_error.h"

namespace shardql {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool IsNumeric(const Value& v) {
  return v.kind() == Value::Kind::kInteger || v.kind() == Value::Kind::kReal ||
         v.kind() == Value::Kind::kNumeric;
}

// Collects one statement's rows and prints them as psql would when it completes.
class ShellSink : public ResultSink {
 public:
  ShellSink(std::ostream& out, std::ostream& err, const Dialect& dialect,
            const OutputFormat& format)
      : out_(out), err_(err), dialect_(dialect), format_(format) {}

  void BeginRows(const std::vector<plan::OutputColumn>& columns) override {
    table_ = PrintedTable{};
    for (const auto& c : columns)
      table_.headers.push_back(c.name);
    numeric_.assign(columns.size(), true);
    seen_value_.assign(columns.size(), false);
    has_rows_ = true;
  }

  void Rows(const RowBatch& batch) override {
    for (size_t r = 0; r < batch.rows(); ++r) {
      std::vector<std::string> row;
      std::vector<bool> nulls;
      for (size_t c = 0; c < batch.width; ++c) {
        const Value& v = batch.at(r, c);
        if (!v.is_null()) {
          seen_value_[c] = true;
          if (!IsNumeric(v)) numeric_[c] = false;
        }
        row.push_back(v.is_null() ? "" : dialect_.FormatValue(v));
        nulls.push_back(v.is_null());
      }
      table_.rows.push_back(std::move(row));
      table_.nulls.push_back(std::move(nulls));
    }
  }

  void Complete(const std::string& tag) override {
    if (has_rows_) {
      for (size_t c = 0; c < numeric_.size(); ++c) {
        table_.right_aligned.push_back(numeric_[c] && seen_value_[c]);
      }
      out_ << FormatTable(table_, format_);
      // psql leaves a blank line after an aligned table.
      if (format_.kind == OutputFormat::Kind::kAligned) out_ << "\n";
      has_rows_ = false;
    } else if (!format_.tuples_only) {
      out_ << tag << "\n";
    }
  }

  void Notice(const std::string& message) override { err_ << message << "\n"; }

 private:
  std::ostream& out_;
  std::ostream& err_;
  const Dialect& dialect_;
  const OutputFormat& format_;
  PrintedTable table_;
  std::vector<bool> numeric_, seen_value_;
  bool has_rows_ = false;
};

std::string HistoryFile() {
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/.shardql_history" : "";
}

}  // namespace

Shell::Shell(Session& session, std::ostream& out, std::ostream& err)
    : session_(session), out_(out), err_(err) {}

std::string Shell::Prompt(bool continuation) const {
  char state = session_.transaction_failed() ? '!' : session_.in_transaction() ? '*' : ' ';
  std::string mark = continuation ? "-" : "=";
  if (state == ' ') return name_ + mark + "> ";
  return name_ + mark + state + "> ";
}

bool Shell::RunBuffer(const std::string& sql, bool stop_on_error) {
  SqlPieces pieces = SplitSql(sql);
  if (!pieces.rest_blank) pieces.statements.push_back(std::move(pieces.rest));
  return RunStatements(pieces.statements, stop_on_error);
}

bool Shell::RunStatements(const std::vector<std::string>& statements, bool stop_on_error,
                          const std::string& where) {
  bool ok = true;
  for (const std::string& statement : statements) {
    auto start = std::chrono::steady_clock::now();
    try {
      ShellSink sink(results(), err_, session_.cluster().dialect(), format_);
      shell_signals::Running ctrl_c(session_);
      session_.Execute(statement, sink);
    } catch (const SqlError& e) {
      err_ << where << FormatError(e, statement) << "\n";
      had_error_ = true;
      ok = false;
      if (stop_on_error) return false;
    }
    if (timing_) {
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      out_ << fmt::format("Time: {:.3f} ms", ms) << "\n";
    }
    // Each statement's outcome is out before the next starts, as psql has it: a script's reader
    // (or a pipe) sees what was done even if the shell dies later.
    results().flush();
    err_.flush();
  }
  return ok;
}

// Its own function so that the jump back from a Ctrl-C at the prompt clobbers nothing of the
// caller's: only this frame's locals live across sigsetjmp.
bool Shell::ReadTypedLine(const std::string& prompt, std::string& line, bool& interrupted) {
  if (sigsetjmp(shell_signals::PromptJump(), 1) != 0) {
    interrupted = true;
    return true;
  }
  shell_signals::EnterPrompt();
  char* raw = readline(prompt.c_str());
  shell_signals::LeavePrompt();
  if (!raw) return false;
  line = raw;
  std::free(raw);
  return true;
}

bool Shell::RunScript(std::istream& in, bool interactive, const std::string& source) {
  std::string buffer;
  std::string history = interactive ? HistoryFile() : "";
  if (!history.empty()) {
    // psql's HISTSIZE default; the whole file is rewritten after each line, which is cheap at
    // this size (libedit's append_history repeats the previous entry).
    stifle_history(500);
    read_history(history.c_str());
  }
  size_t line_number = 0;
  bool keep_going = true;
  auto where = [&] {
    return source.empty() ? std::string() : fmt::format("shardql:{}:{}: ", source, line_number);
  };
  for (;;) {
    std::string line;
    if (interactive) {
      bool interrupted = false;
      if (!ReadTypedLine(Prompt(!buffer.empty()), line, interrupted)) {
        out_ << "\n";
        break;
      }
      if (interrupted) {
        // Ctrl-C at the prompt drops the line, and the statement gathered so far, as psql does.
        out_ << "\n";
        buffer.clear();
        continue;
      }
      if (!Trim(line).empty()) {
        add_history(line.c_str());
        // Kept as it is typed: a shell that is killed loses none of it.
        if (!history.empty()) write_history(history.c_str());
      }
    } else if (!std::getline(in, line)) {
      break;
    }
    ++line_number;
    std::string trimmed = Trim(line);
    if (buffer.empty() && !trimmed.empty() && trimmed[0] == '\\') {
      if (!RunMetaCommand(trimmed, where())) {
        keep_going = false;
        break;
      }
      continue;
    }
    buffer += line + "\n";
    if (line.find(';') == std::string::npos) continue;  // no statement can end on this line
    SqlPieces pieces = SplitSql(buffer);
    buffer = pieces.rest_blank ? "" : std::move(pieces.rest);
    RunStatements(pieces.statements, false, where());
  }
  // A last statement without ';' still runs, as psql does at the end of a file.
  if (keep_going && !buffer.empty()) {
    SqlPieces pieces = SplitSql(buffer);
    if (!pieces.rest_blank) pieces.statements.push_back(std::move(pieces.rest));
    RunStatements(pieces.statements, false, where());
  }
  return keep_going;
}

void Shell::PrintHelp() {
  out_ << "General\n"
          "  \\q                     quit\n"
          "  \\timing [on|off]       toggle timing of statements\n"
          "  \\x [on|off]            toggle expanded output\n"
          "  \\a                     toggle aligned / unaligned output\n"
          "  \\t [on|off]            toggle tuples only (no header, no footer)\n"
          "  \\pset format aligned|unaligned|csv, \\pset fieldsep SEP, \\pset tuples_only\n"
          "  \\o [FILE]              send results to FILE, or back to standard output\n"
          "  \\copy TABLE [(cols)] FROM|TO FILE [WITH (FORMAT csv|text, HEADER, ...)]\n"
          "  \\i FILE                run statements from FILE\n"
          "Informational\n"
          "  \\d                     list tables and views\n"
          "  \\d NAME                describe a table or view: columns, indexes, distribution\n"
          "  \\d+ NAME               the same, with the statistics ANALYZE recorded\n"
          "SQL\n"
          "  statements end with ';' and may span lines; EXPLAIN shows the distributed plan\n";
}

bool Shell::RunMetaCommand(const std::string& line, const std::string& where) {
  std::istringstream words(line);
  std::string command, argument;
  words >> command;
  std::getline(words, argument);
  argument = Trim(argument);
  if (command == "\\q" || command == "\\quit") return false;
  if (command == "\\?" || command == "\\help") {
    PrintHelp();
  } else if (command == "\\timing") {
    timing_ = argument.empty() ? !timing_ : argument == "on";
    out_ << "Timing is " << (timing_ ? "on" : "off") << ".\n";
  } else if (command == "\\x") {
    format_.expanded = argument.empty() ? !format_.expanded : argument == "on";
    out_ << "Expanded display is " << (format_.expanded ? "on" : "off") << ".\n";
  } else if (command == "\\a") {
    bool aligned = format_.kind != OutputFormat::Kind::kAligned;
    format_.kind = aligned ? OutputFormat::Kind::kAligned : OutputFormat::Kind::kUnaligned;
    out_ << "Output format is " << (aligned ? "aligned" : "unaligned") << ".\n";
  } else if (command == "\\t") {
    format_.tuples_only = argument.empty() ? !format_.tuples_only : argument == "on";
    out_ << "Tuples only is " << (format_.tuples_only ? "on" : "off") << ".\n";
  } else if (command == "\\pset") {
    SetPset(argument);
  } else if (command == "\\o" || command == "\\out") {
    output_file_.reset();
    if (!argument.empty()) {
      auto file = std::make_unique<std::ofstream>(argument);
      if (!*file) {
        err_ << where << argument << ": could not open for writing\n";
        had_error_ = true;
      } else {
        output_file_ = std::move(file);
      }
    }
  } else if (command == "\\copy") {
    try {
      shell_signals::Running ctrl_c(session_);
      RunCopyCommand(session_, argument, results(), err_);
    } catch (const SqlError& e) {
      err_ << where << FormatError(e, "") << "\n";
      had_error_ = true;
    }
  } else if (command == "\\d" || command == "\\d+") {
    if (argument.empty()) {
      DescribeAll();
    } else {
      Describe(argument, command == "\\d+");
    }
  } else if (command == "\\i" || command == "\\include") {
    std::ifstream file(argument);
    if (!file) {
      err_ << argument << ": No such file or directory\n";
      had_error_ = true;
    } else {
      return RunScript(file, false, argument);
    }
  } else {
    err_ << where << "invalid command " << command << "\nTry \\? for help.\n";
    had_error_ = true;
  }
  return true;
}

void Shell::SetPset(const std::string& argument) {
  std::istringstream words(argument);
  std::string option, value;
  words >> option;
  std::getline(words, value);
  value = Trim(value);
  if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
    value = value.substr(1, value.size() - 2);
  }
  if (option == "format") {
    if (value == "aligned") {
      format_.kind = OutputFormat::Kind::kAligned;
    } else if (value == "unaligned") {
      format_.kind = OutputFormat::Kind::kUnaligned;
    } else if (value == "csv") {
      format_.kind = OutputFormat::Kind::kCsv;
    } else {
      err_ << "\\pset: allowed formats are aligned, unaligned, csv\n";
      had_error_ = true;
      return;
    }
    out_ << "Output format is " << value << ".\n";
  } else if (option == "fieldsep") {
    format_.field_separator = value;
    out_ << "Field separator is \"" << value << "\".\n";
  } else if (option == "tuples_only") {
    format_.tuples_only = value.empty() ? !format_.tuples_only : value == "on";
    out_ << "Tuples only is " << (format_.tuples_only ? "on" : "off") << ".\n";
  } else if (option == "expanded") {
    format_.expanded = value.empty() ? !format_.expanded : value == "on";
    out_ << "Expanded display is " << (format_.expanded ? "on" : "off") << ".\n";
  } else {
    err_ << "\\pset: unknown option: " << option << "\n";
    had_error_ = true;
  }
}

void Shell::DescribeAll() {
  out_ << DescribeRelations(session_.cluster());
}

void Shell::Describe(const std::string& name, bool plus) {
  if (std::optional<std::string> text = DescribeRelation(session_.cluster(), name, plus)) {
    out_ << *text;
    return;
  }
  err_ << "Did not find any relation named \"" << name << "\".\n";
  had_error_ = true;
}

int Shell::Run(const ShellOptions& options) {
  name_ = options.name;
  format_ = options.format;
  if (!options.commands.empty() || !options.files.empty()) {
    for (const std::string& command : options.commands) {
      std::string trimmed = Trim(command);
      if (!trimmed.empty() && trimmed[0] == '\\') {
        RunMetaCommand(trimmed);
      } else if (!RunBuffer(command, true)) {
        return 1;
      }
    }
    for (const std::string& file : options.files) {
      if (file == "-") {
        RunScript(std::cin, false);
        continue;
      }
      std::ifstream in(file);
      if (!in) {
        err_ << "shardql: could not read file \"" << file << "\"\n";
        return 1;
      }
      if (!RunScript(in, false, file)) break;
    }
    return had_error_ ? 1 : 0;
  }
  bool interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
  if (interactive) out_ << options.banner;
  RunScript(std::cin, interactive);
  return !interactive && had_error_ ? 1 : 0;
}

}  // namespace shardql
