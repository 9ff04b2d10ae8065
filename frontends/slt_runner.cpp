#include "frontends/slt_runner.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "backends/sqlite_values.h"
#include "executor/cluster.h"
#include "executor/cluster_check.h"
#include "executor/session.h"
#include "frontends/md5.h"
#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/ddl.h"

namespace shardql {
namespace {

constexpr const char* kEngine = "sqlite";

struct Record {
  enum class Kind { kStatement, kQuery, kHashThreshold, kHalt } kind = Kind::kStatement;
  int line = 0;
  bool expect_error = false;  // statement error
  std::string types;          // query
  std::string sort = "nosort";
  std::string label;
  std::string sql;
  std::vector<std::string> expected;
  bool has_expected = false;
  int threshold = 0;
};

// Reads records one at a time; comments and records for other engines are skipped.
class RecordReader {
 public:
  explicit RecordReader(std::istream& in) : in_(in) {}

  // The next record for this engine; nullopt at the end. `skipped` counts records skipped for
  // another engine.
  std::optional<Record> Next(size_t& skipped) {
    for (;;) {
      std::string line;
      // Skip blank lines and comments between records.
      do {
        if (!GetLine(line)) return std::nullopt;
      } while (Blank(line) || line[0] == '#');
      bool skip = false;
      while (StartsWith(line, "skipif ") || StartsWith(line, "onlyif ")) {
        std::string engine = Word(line, 1);
        if (StartsWith(line, "skipif ") ? engine == kEngine : engine != kEngine) skip = true;
        if (!GetLine(line)) return std::nullopt;
      }
      Record record;
      record.line = line_number_;
      std::string head = Word(line, 0);
      if (head == "statement") {
        record.kind = Record::Kind::kStatement;
        record.expect_error = Word(line, 1) == "error";
        record.sql = ReadSql(nullptr);
      } else if (head == "query") {
        record.kind = Record::Kind::kQuery;
        record.types = Word(line, 1);
        std::string sort = Word(line, 2);
        if (!sort.empty()) record.sort = sort;
        record.label = Word(line, 3);
        record.sql = ReadSql(&record.has_expected);
        if (record.has_expected) {
          std::string result;
          while (GetLine(result) && !Blank(result))
            record.expected.push_back(result);
        }
      } else if (head == "hash-threshold") {
        record.kind = Record::Kind::kHashThreshold;
        record.threshold = std::atoi(Word(line, 1).c_str());
      } else if (head == "halt") {
        record.kind = Record::Kind::kHalt;
      } else {
        // Unknown record types are passed over to the next blank line.
        std::string rest;
        while (GetLine(rest) && !Blank(rest)) {
        }
        continue;
      }
      if (skip) {
        if (record.kind == Record::Kind::kStatement || record.kind == Record::Kind::kQuery) {
          ++skipped;
        }
        continue;
      }
      return record;
    }
  }

 private:
  bool GetLine(std::string& line) {
    if (!std::getline(in_, line)) return false;
    ++line_number_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  }
  static bool Blank(const std::string& s) {
    return s.find_first_not_of(" \t") == std::string::npos;
  }
  static bool StartsWith(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
  }
  static std::string Word(const std::string& s, size_t n) {
    std::istringstream words(s);
    std::string w;
    for (size_t i = 0; i <= n; ++i) {
      if (!(words >> w)) return "";
    }
    return w;
  }
  // SQL lines up to a blank line, or up to `----` for a query (then `found_separator` is set).
  std::string ReadSql(bool* found_separator) {
    std::string sql, line;
    while (GetLine(line) && !Blank(line)) {
      if (found_separator && line == "----") {
        *found_separator = true;
        break;
      }
      sql += (sql.empty() ? "" : "\n") + line;
    }
    return sql;
  }

  std::istream& in_;
  int line_number_ = 0;
};

// Renders values exactly as sqllogictest's SQLite driver does (sqlite3_column_int for I,
// sqlite3_column_double with "%.3f" for R, sqlite3_column_text for T), by asking SQLite itself.
class ValueRenderer {
 public:
  ValueRenderer() {
    sqlite3_open(":memory:", &db_);
    sqlite3_prepare_v2(db_, "SELECT ?1", -1, &stmt_, nullptr);
  }
  ~ValueRenderer() {
    sqlite3_finalize(stmt_);
    sqlite3_close(db_);
  }

  std::string Render(const Value& v, char type) {
    if (v.is_null()) return "NULL";
    BindSqliteValue(stmt_, 1, v);
    std::string out;
    if (sqlite3_step(stmt_) == SQLITE_ROW) out = RenderColumn(stmt_, 0, type);
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return out;
  }

  static std::string RenderColumn(sqlite3_stmt* stmt, int i, char type) {
    if (sqlite3_column_type(stmt, i) == SQLITE_NULL) return "NULL";
    char buffer[64];
    switch (type) {
      case 'I':
        sqlite3_snprintf(sizeof buffer, buffer, "%d", sqlite3_column_int(stmt, i));
        return buffer;
      case 'R':
        sqlite3_snprintf(sizeof buffer, buffer, "%.3f", sqlite3_column_double(stmt, i));
        return buffer;
      default: {
        const char* z = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        if (!z || z[0] == 0) return "(empty)";
        std::string out(z);
        for (char& c : out) {
          if (c < ' ' || c > '~') c = '@';
        }
        return out;
      }
    }
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// One plain SQLite database holding all rows: the answer shardql must reproduce.
class Oracle {
 public:
  Oracle() { sqlite3_open(":memory:", &db_); }
  ~Oracle() { sqlite3_close(db_); }

  // Runs every statement of `sql`; rows of the last one that returns rows are rendered with
  // `types`. Returns false (and the message) on error.
  bool Run(const std::string& sql, const std::string& types,
           std::vector<std::vector<std::string>>* rows, std::string* error) {
    std::string text = WithoutDistribution(sql);
    const char* tail = text.c_str();
    while (tail && *tail) {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db_, tail, -1, &stmt, &tail) != SQLITE_OK) {
        *error = sqlite3_errmsg(db_);
        return false;
      }
      if (!stmt) break;
      int rc;
      while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (!rows) continue;
        std::vector<std::string> row;
        for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
          char type = static_cast<size_t>(c) < types.size() ? types[c] : 'T';
          row.push_back(ValueRenderer::RenderColumn(stmt, c, type));
        }
        rows->push_back(std::move(row));
      }
      std::string message = sqlite3_errmsg(db_);
      sqlite3_finalize(stmt);
      // A query's rows end at a stepping error, as in sqllogictest's driver; a statement fails.
      if (rc != SQLITE_DONE && !rows) {
        *error = message;
        return false;
      }
    }
    return true;
  }

 private:
  // The oracle is plain SQLite: shardql's DISTRIBUTE BY clauses are cut out of the text.
  static std::string WithoutDistribution(const std::string& sql) {
    try {
      std::vector<ast::StatementPtr> statements = ParseSql(sql);
      std::string out = sql;
      for (auto it = statements.rbegin(); it != statements.rend(); ++it) {
        if ((*it)->kind != ast::StatementKind::kCreateTable) continue;
        const auto& d = (*it)->As<ast::CreateTableStatement>().distribution;
        if (d.kind != ast::DistributionKind::kNone)
          out.erase(d.span.begin, d.span.end - d.span.begin);
      }
      return out;
    } catch (const SqlError&) {
      return sql;
    }
  }

  sqlite3* db_ = nullptr;
};

class CollectSink : public ResultSink {
 public:
  void BeginRows(const std::vector<plan::OutputColumn>& columns) override {
    width = columns.size();
    rows.clear();
    begun = true;
  }
  bool begun = false;
  void Rows(const RowBatch& batch) override { batch.AppendRowsTo(rows); }
  size_t width = 0;
  std::vector<std::vector<Value>> rows;
};

std::vector<std::string> Flatten(std::vector<std::vector<std::string>> rows,
                                 const std::string& sort) {
  if (sort == "rowsort") std::sort(rows.begin(), rows.end());
  std::vector<std::string> values;
  for (auto& row : rows) {
    for (auto& v : row)
      values.push_back(std::move(v));
  }
  if (sort == "valuesort") std::sort(values.begin(), values.end());
  return values;
}

std::string HashValues(const std::vector<std::string>& values) {
  Md5 md5;
  for (const std::string& v : values) {
    md5.Update(v);
    md5.Update("\n");
  }
  return md5.HexDigest();
}

std::string Shorten(const std::string& s, size_t n = 200) {
  return s.size() <= n ? s : s.substr(0, n) + "…";
}

// "FILE:LINE" of records expected to fail, with the reason given for each.
using KnownFailures = std::map<std::pair<std::string, int>, std::string>;

KnownFailures ReadKnownFailures(const std::string& path) {
  KnownFailures out;
  if (path.empty()) return out;
  std::ifstream in(path);
  if (!in) throw SqlError(sqlstate::kConfigFileError, "cannot read known failures file " + path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.find_first_of(" \t");
    std::string location = line.substr(0, space);
    size_t colon = location.rfind(':');
    if (colon == std::string::npos) continue;
    std::string reason =
        space == std::string::npos ? "" : line.substr(line.find_first_not_of(" \t", space));
    out[{location.substr(0, colon), std::atoi(location.c_str() + colon + 1)}] = reason;
  }
  return out;
}

bool EndsWithPath(const std::string& path, const std::string& suffix) {
  return path.size() >= suffix.size() &&
         path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0 &&
         (path.size() == suffix.size() || path[path.size() - suffix.size() - 1] == '/');
}

class FileRun {
 public:
  FileRun(const SltOptions& options, const std::string& path, const KnownFailures& known,
          std::ostream& err)
      : options_(options), path_(path), known_(known), err_(err) {}

  SltCounts Run() {
    std::ifstream in(path_);
    if (!in) {
      err_ << path_ << ": cannot be read\n";
      ++counts_.failed;
      return counts_;
    }
    // Fresh shards in a temporary folder, removed afterwards.
    char dir_template[] = "/tmp/shardql-slt-XXXXXX";
    const char* dir = mkdtemp(dir_template);
    if (!dir) {
      err_ << path_ << ": cannot create a temporary folder\n";
      ++counts_.failed;
      return counts_;
    }
    {
      ClusterSpec spec;
      for (size_t i = 0; i < options_.shards; ++i) {
        spec.shards.push_back(
            {fmt::format("s{}", i), BackendKind::kSqlite, fmt::format("{}/s{}.db", dir, i)});
      }
      std::unique_ptr<Cluster> cluster = Cluster::Open(spec);
      Session session(*cluster);
      session.Set("default_distribution",
                  options_.distribution == DefaultDistribution::kReference ? "reference" : "hash");
      if (options_.force_general_path) session.Set("force_general_path", "on");
      if (options_.disabled_rules == "all") {
        session.Set("enable_rewrites", "off");
      } else if (!options_.disabled_rules.empty()) {
        session.Set("disabled_rules", options_.disabled_rules);
      }
      RecordReader reader(in);
      size_t skipped = 0;
      while (std::optional<Record> record = reader.Next(skipped)) {
        if (record->kind == Record::Kind::kHalt) break;
        // Whether a result is hashed is decided by the file's expected block, which the
        // threshold already shaped; nothing else depends on it.
        if (record->kind == Record::Kind::kHashThreshold) continue;
        std::string failure = record->kind == Record::Kind::kStatement
                                  ? RunStatement(session, *record)
                                  : RunQuery(session, *record);
        bool listed = IsKnown(record->line);
        if (failure.empty()) {
          ++counts_.passed;
          if (listed) {
            ++counts_.stale;
            err_ << fmt::format("{}:{}: listed as a known failure, but passes\n", path_,
                                record->line);
          }
        } else {
          ++counts_.failed;
          if (listed) {
            ++counts_.known;
          } else {
            ++counts_.unexpected;
          }
          if (!listed && counts_.unexpected <= options_.failures_shown) {
            err_ << fmt::format("{}:{}: {}\n    {}\n", path_, record->line, failure,
                                Shorten(record->sql));
          }
        }
      }
      counts_.skipped = skipped;
      // Whatever the file wrote, the shards must agree with the catalog and with each other.
      std::vector<std::string> problems;
      try {
        problems = CheckCluster(*cluster, false).problems;
      } catch (const SqlError& e) {
        problems.push_back(e.what());
      }
      for (const std::string& problem : problems) {
        ++counts_.failed;
        ++counts_.unexpected;
        err_ << fmt::format("{}: shardql check at the end: {}\n", path_, problem);
      }
    }
    std::filesystem::remove_all(dir);
    return counts_;
  }

 private:
  std::string RunStatement(Session& session, const Record& record) {
    std::string error;
    try {
      CollectSink sink;
      session.Execute(record.sql, sink);
    } catch (const SqlError& e) {
      error = fmt::format("{}: {}", e.sqlstate(), e.message());
    }
    std::string oracle_error;
    bool oracle_ok = true;
    if (options_.oracle) oracle_ok = oracle_.Run(record.sql, "", nullptr, &oracle_error);
    if (record.expect_error && error.empty()) return "statement succeeded but should have failed";
    if (!record.expect_error && !error.empty()) return "statement failed: " + error;
    if (options_.oracle && oracle_ok != error.empty()) {
      return oracle_ok ? "plain SQLite succeeded where shardql failed"
                       : "plain SQLite failed where shardql succeeded: " + oracle_error;
    }
    return "";
  }

  std::string RunQuery(Session& session, const Record& record) {
    CollectSink sink;
    try {
      session.Execute(record.sql, sink);
    } catch (const SqlError& e) {
      // sqllogictest's SQLite driver stops reading rows at an error raised while stepping (it
      // loops `while (sqlite3_step(...) == SQLITE_ROW)`): a data exception (SQLSTATE class 22,
      // such as SUM's integer overflow) then yields the rows produced so far. The files' expected
      // results record that.
      if (e.sqlstate().rfind("22", 0) != 0 || !sink.begun) {
        return fmt::format("query failed: {}: {}", e.sqlstate(), e.message());
      }
    }
    if (sink.width != record.types.size()) {
      return fmt::format("query returned {} columns, the record expects {}", sink.width,
                         record.types.size());
    }
    std::vector<std::vector<std::string>> rendered;
    for (const auto& row : sink.rows) {
      std::vector<std::string> out;
      for (size_t c = 0; c < row.size(); ++c)
        out.push_back(renderer_.Render(row[c], record.types[c]));
      rendered.push_back(std::move(out));
    }
    std::vector<std::string> values = Flatten(rendered, record.sort);
    std::string hash = HashValues(values);

    if (options_.oracle) {
      std::vector<std::vector<std::string>> oracle_rows;
      std::string oracle_error;
      if (!oracle_.Run(record.sql, record.types, &oracle_rows, &oracle_error)) {
        return "plain SQLite failed where shardql answered: " + oracle_error;
      }
      // Compare as multisets unless the query fixes an order.
      std::string sort = record.sort == "nosort" ? "nosort" : record.sort;
      std::vector<std::string> expected = Flatten(oracle_rows, sort);
      if (expected != values) return "differs from plain SQLite";
    }
    if (!record.label.empty()) {
      auto [it, inserted] = labels_.try_emplace(record.label, hash);
      if (!inserted && it->second != hash) {
        return fmt::format("differs from an earlier query labelled {}", record.label);
      }
    }
    if (!record.has_expected) return "";
    if (record.expected.size() == 1 &&
        record.expected[0].find(" values hashing to ") != std::string::npos) {
      std::istringstream words(record.expected[0]);
      size_t count = 0;
      std::string ignored, expected_hash;
      words >> count >> ignored >> ignored >> ignored >> expected_hash;
      if (count != values.size() || expected_hash != hash) {
        return fmt::format("expected {} values hashing to {}, got {} values hashing to {}", count,
                           expected_hash, values.size(), hash);
      }
      return "";
    }
    if (values == record.expected) return "";
    // Some files write a row per line, columns separated by spaces.
    std::vector<std::string> by_row;
    for (const auto& row : rendered) {
      std::string line;
      for (const auto& v : row)
        line += (line.empty() ? "" : " ") + v;
      by_row.push_back(line);
    }
    if (record.sort == "rowsort") std::sort(by_row.begin(), by_row.end());
    if (by_row == record.expected && !by_row.empty()) return "";
    std::string got, want;
    for (size_t i = 0; i < std::min<size_t>(values.size(), 8); ++i)
      got += values[i] + " ";
    for (size_t i = 0; i < std::min<size_t>(record.expected.size(), 8); ++i) {
      want += record.expected[i] + " ";
    }
    return fmt::format("wrong result: expected {} values [{}], got {} values [{}]",
                       record.expected.size(), Shorten(want, 120), values.size(),
                       Shorten(got, 120));
  }

  bool IsKnown(int line) const {
    for (const auto& [key, reason] : known_) {
      if (key.second == line && EndsWithPath(path_, key.first)) return true;
    }
    return false;
  }

  const SltOptions& options_;
  std::string path_;
  const KnownFailures& known_;
  std::ostream& err_;
  SltCounts counts_;
  ValueRenderer renderer_;
  Oracle oracle_;
  std::map<std::string, std::string> labels_;
};

}  // namespace

SltCounts RunSlt(const SltOptions& options, std::ostream& out, std::ostream& err) {
  SltCounts total;
  KnownFailures known = ReadKnownFailures(options.known_failures_file);
  for (const std::string& file : options.files) {
    auto start = std::chrono::steady_clock::now();
    SltCounts counts = FileRun(options, file, known, err).Run();
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    out << fmt::format("{}: {} passed, {} failed, {} skipped ({:.0f} ms)\n", file, counts.passed,
                       counts.failed, counts.skipped, ms)
        << std::flush;
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    total.known += counts.known;
    total.unexpected += counts.unexpected;
    total.stale += counts.stale;
  }
  if (!options.known_failures_file.empty()) {
    out << fmt::format(
        "{} of the failures are listed in {} as known; {} unexpected; {} listed "
        "records passed\n",
        total.known, options.known_failures_file, total.unexpected, total.stale);
  }
  out << fmt::format("{} passed, {} failed\n", total.passed, total.failed);
  return total;
}

}  // namespace shardql
