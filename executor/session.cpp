#include "executor/session.h"

#include <fmt/format.h>

#include <algorithm>

#include "executor/analyze_executor.h"
#include "executor/ddl_executor.h"
#include "executor/explain.h"
#include "executor/row_stream.h"
#include "executor/session_portal.h"
#include "executor/write_executor.h"
#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/ddl.h"
#include "planner/temporal.h"

namespace shardql {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
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

const SettingDef& SettingOrThrow(const std::string& name) {
  const SettingDef* def = FindSetting(name);
  if (!def) {
    throw SqlError(sqlstate::kUndefinedObject,
                   fmt::format("unrecognized configuration parameter \"{}\"", name));
  }
  return *def;
}

[[noreturn]] void ThrowTransactionAborted() {
  throw SqlError(sqlstate::kInFailedSqlTransaction,
                 "current transaction is aborted, commands ignored until end of transaction block");
}

}  // namespace

void SendTextColumn(ResultSink& sink, const std::string& column,
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

void Session::Cancel() {
  std::shared_ptr<CancelToken> running;
  {
    std::lock_guard lock(running_mutex_);
    running = running_;
  }
  if (running) running->Cancel(CancelToken::Reason::kUserRequest);
}

Session::Session(Cluster& cluster)
    : cluster_(cluster),
      lock_(cluster.lock_path()),
      settings_(DefaultSessionSettings()),
      pooled_(cluster) {}

ClusterLock::Hold Session::LockForStatement(bool exclusive) {
  ClusterLock::Hold hold = exclusive ? lock_.Exclusive() : lock_.Shared();
  cluster_.Refresh();
  return hold;
}

Session::~Session() {
  if (transaction_) transaction_->RollbackAll();
}

ConnectionProvider& Session::Connections() {
  if (transaction_) return *transaction_;
  return pooled_;
}

PlanningContext Session::PlanningContextNow() const {
  PlanningContext context;
  context.catalog = cluster_.catalog().Snapshot();
  context.session_views = &temp_views_;
  context.dialect = &cluster_.dialect();
  context.settings = &settings_.planner;
  // now() is the transaction's start, statement_timestamp() this statement's, as in PostgreSQL.
  int64_t now = temporal::MicrosNow();
  context.clock = temporal::StatementClock{transaction_ ? transaction_start_ : now, now};
  return context;
}

std::optional<PlanLookup> Session::PlanFor(std::string_view sql, const std::vector<Value>& params) {
  if (!UsesPlanCache()) return std::nullopt;
  return PlanThroughCache(cluster_.plan_cache(), sql, params, PlanningContextNow());
}

PlanLookup Session::Plan(const ast::Statement& statement, std::string_view text,
                         const std::vector<Value>& params, bool parsed_alone) {
  if (UsesPlanCache()) {
    // A statement of a longer script is looked up by its own text, so it shares plans with the
    // same statement run alone.
    std::string_view own_text = parsed_alone ? text : SpanText(text, statement.span);
    try {
      if (auto lookup =
              PlanThroughCache(cluster_.plan_cache(), own_text, params, PlanningContextNow(),
                               parsed_alone ? &statement : nullptr)) {
        return *lookup;
      }
    } catch (SqlError& e) {
      if (!parsed_alone && e.position) *e.position += statement.span.begin;
      throw;
    }
  }
  // Planned for this one execution: with its parameter values.
  PlanningContext context = PlanningContextNow();
  context.param_values = &params;
  return PlanLookup{PlanStatement(statement, text, context), params};
}

void Session::Execute(std::string_view sql, ResultSink& sink, const std::vector<Value>& params) {
  ClusterLock::Hold hold = LockForStatement(false);
  // The common case, a statement planned before: no parse.
  if (UsesPlanCache()) {
    if (auto hit = FindCachedPlan(cluster_.plan_cache(), sql, params, PlanningContextNow())) {
      RunPlan(*hit, sink);
      return;
    }
  }
  std::vector<ast::StatementPtr> statements = ParseSql(sql);
  for (const ast::StatementPtr& statement : statements)
    ExecuteStatement(*statement, sql, sink, params, statements.size() == 1);
}

void Session::ExecuteStatement(const ast::Statement& statement, std::string_view sql,
                               ResultSink& sink, const std::vector<Value>& params,
                               bool only_statement) {
  bool ends_transaction =
      statement.kind == ast::StatementKind::kTransaction &&
      statement.As<ast::TransactionStatement>().op != ast::TransactionOp::kBegin;
  if (transaction_failed_ && !ends_transaction) ThrowTransactionAborted();
  try {
    switch (statement.kind) {
      case ast::StatementKind::kSelect:
      case ast::StatementKind::kInsert:
      case ast::StatementKind::kUpdate:
      case ast::StatementKind::kDelete:
        RunPlan(Plan(statement, sql, params, only_statement), sink);
        return;
      case ast::StatementKind::kCreateTable:
      case ast::StatementKind::kCreateIndex:
      case ast::StatementKind::kCreateView:
      case ast::StatementKind::kDrop:
        RunDdl(statement, sql, sink);
        return;
      case ast::StatementKind::kTransaction:
        RunTransaction(statement.As<ast::TransactionStatement>(), sink);
        return;
      case ast::StatementKind::kExplain: {
        const auto& explain = statement.As<ast::ExplainStatement>();
        const ast::Statement& inner = *explain.statement;
        PlanLookup lookup;
        if (inner.kind == ast::StatementKind::kExecute) {
          // EXPLAIN EXECUTE: the prepared statement, planned for these arguments as EXECUTE
          // plans it.
          lookup = PlanExecute(inner.As<ast::ExecuteStatement>(), sql);
        } else if (!IsBindable(inner)) {
          throw SqlError(sqlstate::kFeatureNotSupported,
                         fmt::format("EXPLAIN {} is not supported", ast::ToString(inner.kind)),
                         inner.span.begin);
        } else {
          // The inner statement is planned exactly as running it alone would plan it.
          lookup = Plan(inner, sql, params, false);
        }
        ExplainOptions options{explain.analyze, explain.verbose, explain.costs, &settings_.planner};
        ExecStats stats;
        std::vector<std::string> lines =
            ExplainLines(*lookup.plan, lookup.params, options, cluster_, &stats, [&] {
              RunningStatement running(*this);
              ExecContext ctx{cluster_,       Connections(),   lookup.params,
                              settings_.exec, running.token(), &stats};
              std::unique_ptr<RowStream> rows = OpenMergeTree(*lookup.plan->distributed.root, ctx);
              RowBatch batch;
              size_t count = 0;
              while (rows->Next(batch))
                count += batch.rows();
              return count;
            });
        SendTextColumn(sink, "QUERY PLAN", lines, "EXPLAIN");
        return;
      }
      case ast::StatementKind::kSet:
        RunSet(statement.As<ast::SetStatement>(), sink);
        return;
      case ast::StatementKind::kShow:
        RunShow(statement.As<ast::ShowStatement>(), sink);
        return;
      case ast::StatementKind::kPrepare:
        RunPrepare(statement.As<ast::PrepareStatement>(), sql, sink);
        return;
      case ast::StatementKind::kExecute:
        RunExecute(statement.As<ast::ExecuteStatement>(), sql, sink);
        return;
      case ast::StatementKind::kDeallocate: {
        const auto& deallocate = statement.As<ast::DeallocateStatement>();
        if (deallocate.all) {
          DeallocateAll();
          sink.Complete("DEALLOCATE ALL");
        } else {
          Deallocate(deallocate.name);
          sink.Complete("DEALLOCATE");
        }
        return;
      }
      case ast::StatementKind::kAnalyze:
        RunAnalyze(statement.As<ast::AnalyzeStatement>(), sink);
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

void Session::RunPlan(const PlanLookup& given, ResultSink& sink) {
  if (transaction_failed_) ThrowTransactionAborted();
  PlanLookup lookup = given;
  const PlannedStatement& plan = *lookup.plan;
  temporal::CoerceParameters(plan.param_types, lookup.params);
  if (lookup.params.size() < plan.param_count) {
    throw SqlError(sqlstate::kUndefinedParameter,
                   fmt::format("the statement uses ${} but {} parameters were given",
                               plan.param_count, lookup.params.size()));
  }
  last_plan_ = lookup;
  try {
    RunningStatement running(*this);
    if (plan.kind == ast::StatementKind::kSelect) {
      RunSelect(plan, lookup.params, running.token(), sink);
    } else {
      RunWrite(plan, lookup.params, running.token(), sink);
    }
  } catch (const SqlError&) {
    if (transaction_) transaction_failed_ = true;
    throw;
  }
}

void Session::RunSelect(const PlannedStatement& plan, const std::vector<Value>& params,
                        CancelToken& cancel, ResultSink& sink) {
  ExecContext ctx{cluster_, Connections(), params, settings_.exec, cancel};
  std::unique_ptr<RowStream> rows = OpenMergeTree(*plan.distributed.root, ctx);
  sink.BeginRows(plan.output);
  RowBatch batch;
  size_t count = 0;
  while (rows->Next(batch)) {
    count += batch.rows();
    sink.Rows(batch);
  }
  sink.Complete(fmt::format("SELECT {}", count));
}

void Session::RunWrite(const PlannedStatement& plan, const std::vector<Value>& params,
                       CancelToken& cancel, ResultSink& sink) {
  int64_t rows = ExecuteWrite(plan.distributed, cluster_, transaction_.get(), pooled_, params,
                              settings_.exec, cancel);
  switch (plan.kind) {
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
  // DDL alone in the cluster: no statement of any router runs beside it.
  ClusterLock::Hold hold = LockForStatement(!transaction_);
  sink.Complete(
      ExecuteDdl(statement, text, cluster_, settings_.default_distribution, temp_views_, sink));
}

void Session::RunAnalyze(const ast::AnalyzeStatement& statement, ResultSink& sink) {
  // Each shard writes its own statistics (SQLite's sqlite_stat1) on a connection of its own,
  // which this session's open transaction on that shard would block.
  if (transaction_) {
    throw SqlError(sqlstate::kActiveSqlTransaction, "ANALYZE cannot run inside a transaction block",
                   statement.span.begin);
  }
  ClusterLock::Hold hold = LockForStatement(false);
  sink.Complete(ExecuteAnalyze(statement, cluster_, sink));
}

void Session::RunTransaction(const ast::TransactionStatement& statement, ResultSink& sink) {
  // As in PostgreSQL, a transaction's end closes its portals.
  portals_.clear();
  switch (statement.op) {
    case ast::TransactionOp::kBegin:
      if (transaction_) {
        sink.Notice("WARNING:  there is already a transaction in progress");
      } else {
        transaction_ = std::make_unique<ShardTransaction>(cluster_, false);
        transaction_start_ = temporal::MicrosNow();
        transaction_failed_ = false;
        transaction_lock_ = lock_.Shared();
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
      ClusterLock::Hold transaction_lock = std::move(transaction_lock_);
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
        transaction_lock_.Release();
      }
      transaction_failed_ = false;
      sink.Complete("ROLLBACK");
      return;
  }
}

void Session::Set(const std::string& name, const std::string& value) {
  const SettingDef& def = SettingOrThrow(name);
  def.set(settings_, def, value);
}

void Session::Reset(const std::string& name) {
  const SettingDef& def = SettingOrThrow(name);
  def.set(settings_, def, def.default_value);
}

std::string Session::Show(const std::string& name) const {
  const SettingDef& def = SettingOrThrow(name);
  return def.show(settings_, def);
}

std::vector<std::pair<std::string, std::string>> Session::Settings() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const SettingDef& def : SettingRegistry())
    out.emplace_back(def.name, def.show(settings_, def));
  return out;
}

void Session::RunSet(const ast::SetStatement& statement, ResultSink& sink) {
  if (statement.to_default) {
    Reset(statement.name);
  } else {
    Set(statement.name, SettingValue(statement));
  }
  sink.Complete("SET");
}

void Session::RunShow(const ast::ShowStatement& statement, ResultSink& sink) {
  if (Lower(statement.name) == "all") {
    sink.BeginRows({{"name", ExprType{}}, {"setting", ExprType{}}, {"description", ExprType{}}});
    RowBatch batch;
    batch.width = 3;
    for (const SettingDef& def : SettingRegistry()) {
      batch.values.push_back(Value::Text(def.name));
      batch.values.push_back(Value::Text(def.show(settings_, def)));
      batch.values.push_back(Value::Text(def.description));
      ++batch.row_count;
    }
    sink.Rows(batch);
    sink.Complete("SHOW");
    return;
  }
  SendTextColumn(sink, Lower(statement.name), {Show(statement.name)}, "SHOW");
}

}  // namespace shardql
