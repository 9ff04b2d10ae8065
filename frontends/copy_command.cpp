#include "frontends/copy_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "frontends/table_printer.h"
#include "grammar/sql_error.h"
#include "planner/ddl.h"

namespace shardql {
namespace {

struct CopyCommand {
  std::string table;
  std::vector<std::string> columns;
  bool from = true;
  std::string file;
  bool csv = false;
  bool header = false;
  char delimiter = '\t';
  std::string null_text = "\\N";
};

[[noreturn]] void Bad(const std::string& message) {
  throw SqlError(sqlstate::kSyntaxError, "\\copy: " + message);
}

// Words of the command: identifiers, 'quoted strings' (quotes doubled inside), punctuation.
std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')' || c == ',') {
      out.emplace_back(1, c);
      ++i;
    } else if (c == '\'' || c == '"') {
      std::string word(1, c);
      ++i;
      while (i < text.size()) {
        if (text[i] == c && i + 1 < text.size() && text[i + 1] == c) {
          word += c;
          i += 2;
        } else if (text[i] == c) {
          ++i;
          break;
        } else {
          word += text[i++];
        }
      }
      out.push_back(word);
    } else {
      std::string word;
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) &&
             text[i] != '(' && text[i] != ')' && text[i] != ',') {
        word += text[i++];
      }
      out.push_back(word);
    }
  }
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A word as a name or a string: quotes removed, unquoted names folded to lower case.
std::string Unquote(const std::string& word, bool fold) {
  if (!word.empty() && (word[0] == '\'' || word[0] == '"')) return word.substr(1);
  return fold ? Lower(word) : word;
}

bool Truthy(const std::string& word) {
  std::string w = Lower(Unquote(word, false));
  return w == "true" || w == "on" || w == "1" || w == "yes";
}

CopyCommand Parse(const std::string& arguments) {
  std::vector<std::string> words = Words(arguments);
  size_t i = 0;
  auto next = [&]() -> std::string {
    if (i >= words.size()) Bad("unexpected end of command");
    return words[i++];
  };
  auto peek = [&]() { return i < words.size() ? Lower(words[i]) : std::string(); };
  CopyCommand copy;
  copy.table = Unquote(next(), true);
  if (peek() == "(") {
    ++i;
    for (;;) {
      copy.columns.push_back(Unquote(next(), true));
      std::string sep = next();
      if (sep == ")") break;
      if (sep != ",") Bad("a column list is names separated by commas");
    }
  }
  std::string direction = Lower(next());
  if (direction != "from" && direction != "to") Bad("expected FROM or TO, not " + direction);
  copy.from = direction == "from";
  copy.file = Unquote(next(), false);
  if (peek() == "with") ++i;
  auto option = [&](std::string name, std::optional<std::string> value) {
    name = Lower(name);
    if (name == "format") {
      std::string f = Lower(Unquote(value.value_or(""), false));
      if (f != "csv" && f != "text") Bad("FORMAT is csv or text, not " + f);
      copy.csv = f == "csv";
    } else if (name == "csv") {
      copy.csv = true;
    } else if (name == "header") {
      copy.header = !value || Truthy(*value);
    } else if (name == "delimiter") {
      std::string d = Unquote(value.value_or(""), false);
      if (d.size() != 1) Bad("DELIMITER must be one character");
      copy.delimiter = d[0];
    } else if (name == "null") {
      copy.null_text = Unquote(value.value_or(""), false);
    } else {
      Bad("unknown option " + name);
    }
  };
  bool delimiter_given = false, null_given = false;
  if (peek() == "(") {
    ++i;
    for (;;) {
      std::string name = next();
      std::optional<std::string> value;
      if (peek() != "," && peek() != ")") value = next();
      delimiter_given = delimiter_given || Lower(name) == "delimiter";
      null_given = null_given || Lower(name) == "null";
      option(name, value);
      std::string sep = next();
      if (sep == ")") break;
      if (sep != ",") Bad("options are separated by commas");
    }
  } else {
    // The old form: CSV, HEADER, DELIMITER [AS] 'x', NULL [AS] 'x'.
    while (i < words.size()) {
      std::string name = Lower(next());
      std::optional<std::string> value;
      if (name == "delimiter" || name == "null") {
        if (peek() == "as") ++i;
        value = next();
      }
      delimiter_given = delimiter_given || name == "delimiter";
      null_given = null_given || name == "null";
      option(name, value);
    }
  }
  if (i < words.size()) Bad("unexpected " + words[i]);
  if (copy.csv) {
    if (!delimiter_given) copy.delimiter = ',';
    if (!null_given) copy.null_text = "";
  }
  return copy;
}

// ---- Reading

// One record of the file: its fields (nullopt for NULL), and the line it started on.
struct Record {
  std::vector<std::optional<std::string>> fields;
  size_t line = 0;
};

class RecordReader {
 public:
  RecordReader(std::istream& in, const CopyCommand& copy) : in_(in), copy_(copy) {}

  bool Next(Record& record) {
    record.fields.clear();
    std::string line;
    if (!std::getline(in_, line)) return false;
    record.line = ++line_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (copy_.csv) {
      ReadCsv(line, record);
    } else {
      ReadText(line, record);
    }
    return true;
  }

 private:
  // PostgreSQL's text format: backslash escapes, the NULL string alone in a field.
  void ReadText(const std::string& line, Record& record) {
    size_t start = 0;
    for (;;) {
      size_t end = line.find(copy_.delimiter, start);
      std::string raw =
          line.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (raw == copy_.null_text) {
        record.fields.emplace_back(std::nullopt);
      } else {
        std::string field;
        for (size_t i = 0; i < raw.size(); ++i) {
          if (raw[i] != '\\' || i + 1 == raw.size()) {
            field += raw[i];
            continue;
          }
          char e = raw[++i];
          field += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
        }
        record.fields.emplace_back(std::move(field));
      }
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }

  // RFC 4180: quoted fields may hold the delimiter, quotes (doubled) and line breaks; an unquoted
  // field equal to the NULL string is NULL.
  void ReadCsv(std::string line, Record& record) {
    size_t i = 0;
    for (;;) {
      std::string field;
      bool quoted = false;
      if (i < line.size() && line[i] == '"') {
        quoted = true;
        ++i;
        for (;;) {
          if (i >= line.size()) {
            std::string more;
            if (!std::getline(in_, more)) {
              throw SqlError("22P04",
                             fmt::format("unterminated CSV quoted field (line {})", record.line));
            }
            ++line_;
            if (!more.empty() && more.back() == '\r') more.pop_back();
            field += '\n';  // the quoted field goes on on the next line
            line = std::move(more);
            i = 0;
            continue;
          }
          if (line[i] == '"') {
            if (i + 1 < line.size() && line[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          field += line[i++];
        }
      }
      while (i < line.size() && line[i] != copy_.delimiter)
        field += line[i++];
      if (!quoted && field == copy_.null_text) {
        record.fields.emplace_back(std::nullopt);
      } else {
        record.fields.emplace_back(std::move(field));
      }
      if (i >= line.size()) break;
      ++i;  // the delimiter
    }
  }

  std::istream& in_;
  const CopyCommand& copy_;
  size_t line_ = 0;
};

// ---- Writing

std::string TextField(const Value& v, const CopyCommand& copy, const Dialect& dialect) {
  if (v.is_null()) return copy.null_text;
  std::string text = dialect.FormatValue(v);
  if (copy.csv) {
    bool quote = text.empty() || text == copy.null_text ||
                 text.find_first_of(std::string(1, copy.delimiter) + "\"\r\n") != std::string::npos;
    return quote ? CsvQuoted(text) : text;
  }
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == copy.delimiter) {
      out += std::string("\\") + c;
    } else {
      out += c;
    }
  }
  return out;
}

class FileSink : public ResultSink {
 public:
  FileSink(std::ostream& file, const CopyCommand& copy, const Dialect& dialect)
      : file_(file), copy_(copy), dialect_(dialect) {}
  void BeginRows(const std::vector<plan::OutputColumn>& columns) override {
    if (!copy_.header) return;
    for (size_t c = 0; c < columns.size(); ++c)
      file_ << (c ? std::string(1, copy_.delimiter) : "") << columns[c].name;
    file_ << "\n";
  }
  void Rows(const RowBatch& batch) override {
    for (size_t r = 0; r < batch.rows(); ++r) {
      for (size_t c = 0; c < batch.width; ++c) {
        if (c) file_ << copy_.delimiter;
        file_ << TextField(batch.at(r, c), copy_, dialect_);
      }
      file_ << "\n";
      ++rows;
    }
  }
  size_t rows = 0;

 private:
  std::ostream& file_;
  const CopyCommand& copy_;
  const Dialect& dialect_;
};

class DiscardSink : public ResultSink {};

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns)
    out += (out.empty() ? "" : ", ") + QuoteIdentifier(c);
  return out;
}

void CopyTo(Session& session, const CopyCommand& copy, std::ostream& out) {
  std::ofstream file(copy.file);
  if (!file) {
    throw SqlError(sqlstate::kIoError,
                   fmt::format("could not open file \"{}\" for writing", copy.file));
  }
  FileSink sink(file, copy, session.cluster().dialect());
  session.Execute(
      fmt::format("SELECT {} FROM {}", copy.columns.empty() ? "*" : ColumnList(copy.columns),
                  QuoteIdentifier(copy.table)),
      sink);
  file.close();
  if (!file) {
    throw SqlError(sqlstate::kIoError, fmt::format("could not write file \"{}\"", copy.file));
  }
  out << "COPY " << sink.rows << "\n";
}

void CopyFrom(Session& session, const CopyCommand& copy, std::ostream& out,
              std::ostream& progress) {
  std::ifstream file(copy.file);
  if (!file) {
    throw SqlError(sqlstate::kIoError,
                   fmt::format("could not open file \"{}\" for reading", copy.file));
  }
  auto table = session.cluster().catalog().Snapshot()->FindTable(copy.table);
  if (!table) {
    throw SqlError(sqlstate::kUndefinedTable,
                   fmt::format("relation \"{}\" does not exist", copy.table));
  }
  std::vector<std::string> columns = copy.columns;
  if (columns.empty()) {
    for (const ColumnInfo& c : table->columns)
      columns.push_back(c.name);
  }
  const size_t width = columns.size();
  // SQLite binds at most 32766 values in one statement.
  const size_t per_statement = std::max<size_t>(1, std::min<size_t>(500, 32766 / width));
  DiscardSink discard;
  bool own_transaction = !session.in_transaction();
  if (own_transaction) session.Execute("BEGIN", discard);
  size_t rows = 0;
  std::vector<Value> params;
  size_t pending = 0;
  auto flush = [&] {
    if (pending == 0) return;
    std::string sql = fmt::format("INSERT INTO {} ({}) VALUES ", QuoteIdentifier(copy.table),
                                  ColumnList(columns));
    for (size_t r = 0; r < pending; ++r) {
      sql += r ? ", (" : "(";
      for (size_t c = 0; c < width; ++c)
        sql += fmt::format("{}${}", c ? ", " : "", r * width + c + 1);
      sql += ")";
    }
    session.Execute(sql, discard, params);
    params.clear();
    pending = 0;
  };
  auto started = std::chrono::steady_clock::now();
  auto reported = started;
  bool said_progress = false;
  try {
    RecordReader reader(file, copy);
    Record record;
    bool first = true;
    while (reader.Next(record)) {
      if (first && copy.header) {
        first = false;
        continue;
      }
      first = false;
      if (record.fields.size() != width) {
        throw SqlError("22P04",
                       fmt::format("{} (COPY {}, line {})",
                                   record.fields.size() > width ? "extra data after last "
                                                                  "expected column"
                                                                : "missing data for a column",
                                   copy.table, record.line));
      }
      for (auto& field : record.fields)
        params.push_back(field ? Value::Text(std::move(*field)) : Value::Null());
      ++rows;
      if (++pending == per_statement) flush();
      auto now = std::chrono::steady_clock::now();
      if (now - reported > std::chrono::seconds(1)) {
        double seconds = std::chrono::duration<double>(now - started).count();
        progress << fmt::format("\rCOPY {}: {} rows ({:.0f} rows/s)", copy.table, rows,
                                rows / seconds)
                 << std::flush;
        reported = now;
        said_progress = true;
      }
    }
    flush();
    if (own_transaction) session.Execute("COMMIT", discard);
  } catch (...) {
    if (said_progress) progress << "\n";
    if (own_transaction && session.in_transaction()) session.Execute("ROLLBACK", discard);
    throw;
  }
  if (said_progress) progress << "\n";
  out << "COPY " << rows << "\n";
}

}  // namespace

void RunCopyCommand(Session& session, const std::string& arguments, std::ostream& out,
                    std::ostream& progress) {
  CopyCommand copy = Parse(arguments);
  if (copy.from) {
    CopyFrom(session, copy, out, progress);
  } else {
    CopyTo(session, copy, out);
  }
}

}  // namespace shardql
