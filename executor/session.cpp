#include "executor/session.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "executor/ddl_executor.h"
#include "executor/row_stream.h"
#include "executor/write_executor.h"
#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/binder.h"
#include "planner/distributor.h"
#include "planner/plan_printer.h"
#include "planner/statement_normalizer.h"

namespace shardql {
namespace {

// Settings PostgreSQL clients set on connect; kept so SHOW returns what was SET.
const std::map<std::string, std::string> kPassiveDefaults = {
    {"application_name", ""},
    {"client_encoding", "UTF8"},
    {"datestyle", "ISO, MDY"},
    {"extra_float_digits", "1"},
    {"search_path", "public"},
    {"timezone", "UTC"},
    {"standard_conforming_strings", "on"},
    {"disabled_rules", ""},
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool ParseBool(const std::string& value, const std::string& name) {
  std::string v = Lower(value);
  if (v == "on" || v == "true" || v == "1" || v == "yes") return true;
  if (v == "off" || v == "false" || v == "0" || v == "no") return false;
  throw SqlError(sqlstate::kInvalidParameterValue,
                 fmt::format("parameter \"{}\" requires a Boolean value", name));
}

// "256MB", "1GB", "4096kB", or a number of kilobytes.
int64_t ParseMemory(const std::string& value, const std::string& name) {
  size_t end = 0;
  int64_t n = 0;
  try {
    n = std::stoll(value, &end);
  } catch (...) {
    end = 0;
  }
  std::string unit = Lower(value.substr(end));
  while (!unit.empty() && unit.front() == ' ')
    unit.erase(unit.begin());
  int64_t factor = unit.empty() || unit == "kb" ? 1
                   : unit == "mb"               ? 1024
                   : unit == "gb"               ? 1024 * 1024
                                                : -1;
  if (end == 0 || factor < 0 || n <= 0) {
    SqlError error(sqlstate::kInvalidParameterValue,
                   fmt::format("invalid value for parameter \"{}\": \"{}\"", name, value));
    error.hint = "Valid units for this parameter are \"kB\", \"MB\" and \"GB\".";
    throw error;
  }
  return n * factor;
}

// A setting's value from SET's expression list: literals as their text, identifiers as names.
std::string SettingValue(const ast::SetStatement& stmt) {
  std::string out;
  for (const ast::ExprPtr& e : stmt.values) {
    if (!out.empty()) out += ", ";
    if (e->kind == ast::ExprKind::kLiteral) {
      out += e->As<ast::Literal>().text;
    } else if (e->kind == ast::ExprKind::kColumnRef) {
      out += e->As<ast::ColumnRef>().parts.back();
    } else if (e->kind == ast::ExprKind::kUnary && e->As<ast::Unary>().op == ast::UnaryOp::kMinus &&
               e->As<ast::Unary>().operand->kind == ast::ExprKind::kLiteral) {
      out += "-" + e->As<ast::Unary>().operand->As<ast::Literal>().text;
    } else {
      throw SqlError(sqlstate::kSyntaxError, fmt::format("SET {} takes a literal value", stmt.name),
                     e->span.begin);
    }
  }
  return out;
}

class SingleColumnResult {
 public:
  static void Send(ResultSink& sink, const std::string& column,
                   const std::vector<std::string>& lines, const std::string& tag) {
    sink.BeginRows({{column, ExprType{}}});
    RowBatch batch;
    batch.width = 1;
    for (const std::string& line : lines) {
      batch.values.push_back(Value::Text(line));
      ++batch.row_count;
    }
    sink.Rows(batch);
    sink.Complete(tag);
  }
};

}  // namespace

Session::Session(Cluster& cluster)
    : cluster_(cluster), passive_settings_(kPassiveDefaults), pooled_(cluster) {}

Session::~Session() {
  if (transaction_) transaction_->RollbackAll();
}

ConnectionProvider& Session::Connections() {
  if (transaction_) return *transaction_;
  return pooled_;
}

std::string Session::CacheKey(std::string_view sql) const {
  // The settings that change a plan are part of its key.
  std::string key(sql);
  key += exec_settings_.general_path_only ? "\x01g" : "\x01-";
  return key;
}

void Session::RunPlan(const CachedPlan& plan, ResultSink& sink, const std::vector<Value>& params) {
  try {
    if (plan.kind == ast::StatementKind::kSelect) {
      RunDistributed(*plan.distributed, sink, params);
    } else {
      RunWritePlan(plan.logical, plan.kind, sink, params);
    }
  } catch (const SqlError&) {
    // As in PostgreSQL, an error inside BEGIN ... COMMIT aborts the whole transaction.
    if (transaction_) transaction_failed_ = true;
    throw;
  }
}

std::shared_ptr<CachedPlan> Session::PlanStatement(const ast::Statement& statement,
                                                   std::string_view text) {
  auto snapshot = cluster_.catalog().Snapshot();
  auto planned = std::make_shared<CachedPlan>();
  planned->catalog_version = snapshot->version();
  planned->kind = statement.kind;
  plan::LogicalPlan logical = Bind(statement, text, snapshot, &temp_views_);
  if (statement.kind == ast::StatementKind::kSelect) {
    DistributorOptions options;
    options.general_path_only = exec_settings_.general_path_only;
    planned->distributed = std::make_unique<DistributedPlan>(
        DistributeQuery(std::move(logical), cluster_.dialect(), options));
  } else {
    planned->logical = std::move(logical);
  }
  return planned;
}

std::shared_ptr<const CachedPlan> Session::CachedPlanFor(std::string_view sql,
                                                         const std::vector<Value>& params,
                                                         std::vector<Value>* literals) {
  // Temporary views change what names mean; a failed transaction must report itself.
  if (!temp_views_.empty() || transaction_failed_) return nullptr;
  uint64_t version = cluster_.catalog().Snapshot()->version();
  if (auto cached = cluster_.plan_cache().Find(CacheKey(sql), version)) return cached;
  // Statements that differ only in literal values share the plan of their normalised text.
  if (!params.empty()) return nullptr;
  std::optional<NormalizedStatement> normalized = NormalizeLiterals(sql);
  if (!normalized) return nullptr;
  std::string key = CacheKey(normalized->text);
  std::shared_ptr<const CachedPlan> plan = cluster_.plan_cache().Find(key, version);
  if (!plan) {
    std::shared_ptr<CachedPlan> planned;
    try {
      std::vector<ast::StatementPtr> parsed = ParseSql(normalized->text);
      if (parsed.size() != 1 || !IsBindable(*parsed[0])) return nullptr;
      planned = PlanStatement(*parsed[0], normalized->text);
    } catch (const SqlError&) {
      // Planning the original text reports the error at the right place in it.
      return nullptr;
    }
    cluster_.plan_cache().Insert(key, planned);
    plan = std::move(planned);
  }
  *literals = std::move(normalized->literals);
  return plan;
}

bool Session::RunFromCache(std::string_view sql, ResultSink& sink,
                           const std::vector<Value>& params) {
  std::vector<Value> literals;
  std::shared_ptr<const CachedPlan> plan = CachedPlanFor(sql, params, &literals);
  if (!plan) return false;
  RunPlan(*plan, sink, literals.empty() ? params : literals);
  return true;
}

void Session::Execute(std::string_view sql, ResultSink& sink, const std::vector<Value>& params) {
  if (RunFromCache(sql, sink, params)) return;
  std::vector<ast::StatementPtr> statements = ParseSql(sql);
  bool cacheable = statements.size() == 1 && temp_views_.empty();
  for (const ast::StatementPtr& statement : statements) {
    if (cacheable && IsBindable(*statement)) {
      if (transaction_failed_) {
        throw SqlError(sqlstate::kInFailedSqlTransaction,
                       "current transaction is aborted, commands ignored until end of "
                       "transaction block");
      }
      std::shared_ptr<CachedPlan> planned;
      try {
        planned = PlanStatement(*statement, sql);
      } catch (const SqlError&) {
        if (transaction_) transaction_failed_ = true;
        throw;
      }
      RunPlan(*planned, sink, params);
      cluster_.plan_cache().Insert(CacheKey(sql), std::move(planned));
      continue;
    }
    ExecuteStatement(*statement, sql, sink, params);
  }
}

void Session::ExecuteStatement(const ast::Statement& statement, std::string_view text,
                               ResultSink& sink, const std::vector<Value>& params) {
  bool ends_transaction =
      statement.kind == ast::StatementKind::kTransaction &&
      statement.As<ast::TransactionStatement>().op != ast::TransactionOp::kBegin;
  if (transaction_failed_ && !ends_transaction) {
    throw SqlError(
        sqlstate::kInFailedSqlTransaction,
        "current transaction is aborted, commands ignored until end of transaction block");
  }
  try {
    switch (statement.kind) {
      case ast::StatementKind::kSelect:
      case ast::StatementKind::kInsert:
      case ast::StatementKind::kUpdate:
      case ast::StatementKind::kDelete:
        RunPlan(*PlanStatement(statement, text), sink, params);
        return;
      case ast::StatementKind::kCreateTable:
      case ast::StatementKind::kCreateIndex:
      case ast::StatementKind::kCreateView:
      case ast::StatementKind::kDrop:
        RunDdl(statement, text, sink);
        return;
      case ast::StatementKind::kTransaction:
        RunTransaction(statement.As<ast::TransactionStatement>(), sink);
        return;
      case ast::StatementKind::kExplain:
        RunExplain(statement.As<ast::ExplainStatement>(), text, sink, params);
        return;
      case ast::StatementKind::kSet:
        RunSet(statement.As<ast::SetStatement>(), sink);
        return;
      case ast::StatementKind::kShow:
        RunShow(statement.As<ast::ShowStatement>(), sink);
        return;
      case ast::StatementKind::kUnsupported: {
        const auto& unsupported = statement.As<ast::UnsupportedStatement>();
        throw SqlError(sqlstate::kFeatureNotSupported,
                       fmt::format("{} is not supported", unsupported.feature),
                       statement.span.begin);
      }
    }
  } catch (const SqlError&) {
    // As in PostgreSQL, an error inside BEGIN ... COMMIT aborts the whole transaction.
    if (transaction_ && !ends_transaction) transaction_failed_ = true;
    throw;
  }
}

void Session::RunDistributed(const DistributedPlan& plan, ResultSink& sink,
                             const std::vector<Value>& params) {
  if (params.size() < plan.param_count) {
    throw SqlError(sqlstate::kUndefinedParameter,
                   fmt::format("the statement uses ${} but {} parameters were given",
                               plan.param_count, params.size()));
  }
  ExecContext ctx{cluster_, Connections(), params, exec_settings_};
  std::unique_ptr<RowStream> rows = OpenMergeTree(*plan.root, ctx);
  sink.BeginRows(plan.output);
  RowBatch batch;
  size_t count = 0;
  while (rows->Next(batch)) {
    count += batch.rows();
    sink.Rows(batch);
  }
  sink.Complete(fmt::format("SELECT {}", count));
}

void Session::RunWritePlan(const plan::LogicalPlan& plan, ast::StatementKind kind, ResultSink& sink,
                           const std::vector<Value>& params) {
  if (params.size() < plan.param_count) {
    throw SqlError(sqlstate::kUndefinedParameter,
                   fmt::format("the statement uses ${} but {} parameters were given",
                               plan.param_count, params.size()));
  }
  int64_t rows = ExecuteWrite(plan, cluster_, transaction_.get(), pooled_, params, exec_settings_);
  switch (kind) {
    case ast::StatementKind::kInsert:
      sink.Complete(fmt::format("INSERT 0 {}", rows));
      break;
    case ast::StatementKind::kUpdate:
      sink.Complete(fmt::format("UPDATE {}", rows));
      break;
    default:
      sink.Complete(fmt::format("DELETE {}", rows));
      break;
  }
}

void Session::RunDdl(const ast::Statement& statement, std::string_view text, ResultSink& sink) {
  if (transaction_ && !ChangesOnlySessionViews(statement, temp_views_)) {
    throw SqlError(
        sqlstate::kActiveSqlTransaction,
        fmt::format("{} cannot run inside a transaction block", ast::ToString(statement.kind)),
        statement.span.begin);
  }
  sink.Complete(ExecuteDdl(statement, text, cluster_, default_distribution_, temp_views_, sink));
}

void Session::RunTransaction(const ast::TransactionStatement& statement, ResultSink& sink) {
  switch (statement.op) {
    case ast::TransactionOp::kBegin:
      if (transaction_) {
        sink.Notice("WARNING:  there is already a transaction in progress");
      } else {
        transaction_ = std::make_unique<ShardTransaction>(cluster_, false);
        transaction_failed_ = false;
      }
      sink.Complete("BEGIN");
      return;
    case ast::TransactionOp::kCommit: {
      if (!transaction_) {
        sink.Notice("WARNING:  there is no transaction in progress");
        sink.Complete("COMMIT");
        return;
      }
      std::unique_ptr<ShardTransaction> transaction = std::move(transaction_);
      bool failed = transaction_failed_;
      transaction_failed_ = false;
      if (failed) {
        transaction->RollbackAll();
        sink.Complete("ROLLBACK");
        return;
      }
      transaction->CommitAll();
      sink.Complete("COMMIT");
      return;
    }
    case ast::TransactionOp::kRollback:
      if (!transaction_) {
        sink.Notice("WARNING:  there is no transaction in progress");
      } else {
        transaction_->RollbackAll();
        transaction_.reset();
      }
      transaction_failed_ = false;
      sink.Complete("ROLLBACK");
      return;
  }
}

void Session::RunExplain(const ast::ExplainStatement& statement, std::string_view text,
                         ResultSink& sink, const std::vector<Value>& params) {
  const ast::Statement& inner = *statement.statement;
  if (!IsBindable(inner)) {
    throw SqlError(sqlstate::kFeatureNotSupported,
                   fmt::format("EXPLAIN {} is not supported", ast::ToString(inner.kind)),
                   inner.span.begin);
  }
  plan::LogicalPlan logical = Bind(inner, text, cluster_.catalog().Snapshot(), &temp_views_);
  std::string tree;
  if (inner.kind == ast::StatementKind::kSelect) {
    DistributorOptions options;
    options.general_path_only = exec_settings_.general_path_only;
    std::string logical_text = statement.verbose ? PrintPlan(logical) : "";
    DistributedPlan distributed = DistributeQuery(std::move(logical), cluster_.dialect(), options);
    tree = RenderExplainTree(ExplainDistributedPlan(distributed));
    if (statement.verbose) tree += "\n\nLogical plan:\n" + logical_text;
    if (statement.analyze) {
      if (params.size() < distributed.param_count) {
        throw SqlError(sqlstate::kUndefinedParameter,
                       "EXPLAIN ANALYZE needs the parameters' values");
      }
      auto start = std::chrono::steady_clock::now();
      ExecContext ctx{cluster_, Connections(), params, exec_settings_};
      std::unique_ptr<RowStream> rows = OpenMergeTree(*distributed.root, ctx);
      RowBatch batch;
      size_t count = 0;
      while (rows->Next(batch))
        count += batch.rows();
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      tree += fmt::format("\n\nExecution: {} rows in {:.3f} ms", count, ms);
    }
  } else {
    if (statement.analyze) {
      throw SqlError(sqlstate::kFeatureNotSupported,
                     "EXPLAIN ANALYZE of INSERT, UPDATE or DELETE is not supported: it would run "
                     "the write");
    }
    tree = ExplainWrite(logical, cluster_, params);
    if (statement.verbose) tree += "\n\nLogical plan:\n" + PrintPlan(logical);
  }
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= tree.size()) {
    size_t end = tree.find('\n', start);
    if (end == std::string::npos) end = tree.size();
    lines.push_back(tree.substr(start, end - start));
    start = end + 1;
  }
  SingleColumnResult::Send(sink, "QUERY PLAN", lines, "EXPLAIN");
}

void Session::Set(const std::string& raw_name, const std::string& value) {
  std::string name = Lower(raw_name);
  if (name == "default_distribution") {
    std::string v = Lower(value);
    if (v == "hash") {
      default_distribution_ = DefaultDistribution::kHashFirstColumn;
    } else if (v == "reference") {
      default_distribution_ = DefaultDistribution::kReference;
    } else {
      throw SqlError(
          sqlstate::kInvalidParameterValue,
          fmt::format("invalid value for parameter \"default_distribution\": \"{}\"", value));
    }
  } else if (name == "merge_memory_limit") {
    exec_settings_.merge_memory_limit_kb = ParseMemory(value, name);
  } else if (name == "force_general_path") {
    exec_settings_.general_path_only = ParseBool(value, name);
  } else if (passive_settings_.count(name)) {
    passive_settings_[name] = value;
  } else {
    throw SqlError(sqlstate::kUndefinedObject,
                   fmt::format("unrecognized configuration parameter \"{}\"", raw_name));
  }
}

std::string Session::Show(const std::string& raw_name) const {
  std::string name = Lower(raw_name);
  if (name == "default_distribution") {
    return default_distribution_ == DefaultDistribution::kReference ? "reference" : "hash";
  }
  if (name == "merge_memory_limit") {
    int64_t kb = exec_settings_.merge_memory_limit_kb;
    return kb % (1024 * 1024) == 0 ? fmt::format("{}GB", kb / (1024 * 1024))
           : kb % 1024 == 0        ? fmt::format("{}MB", kb / 1024)
                                   : fmt::format("{}kB", kb);
  }
  if (name == "force_general_path") return exec_settings_.general_path_only ? "on" : "off";
  if (name == "server_version") return "15.0 (shardql 0.1)";
  auto it = passive_settings_.find(name);
  if (it != passive_settings_.end()) return it->second;
  throw SqlError(sqlstate::kUndefinedObject,
                 fmt::format("unrecognized configuration parameter \"{}\"", raw_name));
}

std::vector<std::pair<std::string, std::string>> Session::Settings() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const char* name :
       {"default_distribution", "force_general_path", "merge_memory_limit", "server_version"}) {
    out.emplace_back(name, Show(name));
  }
  for (const auto& [name, value] : passive_settings_)
    out.emplace_back(name, value);
  std::sort(out.begin(), out.end());
  return out;
}

void Session::RunSet(const ast::SetStatement& statement, ResultSink& sink) {
  if (statement.to_default) {
    std::string name = Lower(statement.name);
    if (name == "default_distribution") {
      default_distribution_ = DefaultDistribution::kHashFirstColumn;
    } else if (name == "merge_memory_limit") {
      exec_settings_.merge_memory_limit_kb = ExecSettings{}.merge_memory_limit_kb;
    } else if (name == "force_general_path") {
      exec_settings_.general_path_only = false;
    } else if (kPassiveDefaults.count(name)) {
      passive_settings_[name] = kPassiveDefaults.at(name);
    } else {
      throw SqlError(sqlstate::kUndefinedObject,
                     fmt::format("unrecognized configuration parameter \"{}\"", statement.name));
    }
  } else {
    Set(statement.name, SettingValue(statement));
  }
  sink.Complete("SET");
}

void Session::RunShow(const ast::ShowStatement& statement, ResultSink& sink) {
  if (Lower(statement.name) == "all") {
    sink.BeginRows({{"name", ExprType{}}, {"setting", ExprType{}}});
    RowBatch batch;
    batch.width = 2;
    for (const auto& [name, value] : Settings()) {
      batch.values.push_back(Value::Text(name));
      batch.values.push_back(Value::Text(value));
      ++batch.row_count;
    }
    sink.Rows(batch);
    sink.Complete("SHOW");
    return;
  }
  SingleColumnResult::Send(sink, Lower(statement.name), {Show(statement.name)}, "SHOW");
}

}  // namespace shardql
