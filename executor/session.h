#pragma once
// A Session is one client's conversation with the router: it runs statements (SQL text, several
// per string) and keeps the client's settings, temporary views and transaction. Every SELECT,
// INSERT, UPDATE and DELETE — run, explained or prepared — gets its plan from the one lookup in
// front of the planning pipeline (PlanThroughCache), so EXPLAIN shows the plan that runs. Fronts
// (shell, slt runner, the PostgreSQL-protocol server) each drive one Session per client and catch
// SqlError once.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "executor/cluster.h"
#include "executor/cluster_lock.h"
#include "executor/exec_context.h"
#include "executor/result_sink.h"
#include "executor/settings.h"
#include "planner/binder.h"
#include "planner/pipeline.h"
#include "planner/plan_cache.h"

namespace shardql {

// A statement prepared by name (PREPARE, or a wire protocol's Parse): its text, and what
// Describe tells a client.
struct PreparedStatement {
  std::string name;
  std::string sql;
  ast::StatementKind kind = ast::StatementKind::kSelect;
  std::vector<std::string> declared_types;  // PREPARE name (int, text): as written, lower case
  std::vector<ExprType> param_types;        // declared, else what the statement compares with
  std::vector<plan::OutputColumn> columns;  // the result's columns; empty for a write
};

class Session {
 public:
  explicit Session(Cluster& cluster);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs every statement of `sql` in order. Throws SqlError at the first statement that fails
  // (its position relative to `sql`); the statements before it have taken effect.
  void Execute(std::string_view sql, ResultSink& sink, const std::vector<Value>& params = {});

  // The plan the router runs for `sql` (one SELECT / INSERT / UPDATE / DELETE) with these
  // parameters, and the values it runs with: from the plan cache, or planned and cached. nullopt
  // when the text is not one such statement, or the session plans without the cache (it has
  // temporary views, or its transaction failed).
  std::optional<PlanLookup> PlanFor(std::string_view sql, const std::vector<Value>& params = {});

  // The plan and parameters the last SELECT / INSERT / UPDATE / DELETE ran with (tests compare it
  // with EXPLAIN's).
  const std::optional<PlanLookup>& last_plan() const { return last_plan_; }

  // Cancels the statement running now, if one is (57014, "canceling statement due to user
  // request"): its shards are interrupted. Safe to call from any thread — a front's cancel
  // request, a Ctrl-C handler's thread.
  void Cancel();

  // ---- Prepared statements and portals (PostgreSQL's extended query protocol; the shell's
  // PREPARE / EXECUTE / DEALLOCATE)

  // Parses and plans `sql` (one SELECT / INSERT / UPDATE / DELETE) so that errors show now, and
  // keeps it under `name` ("" is the unnamed statement, replaced by the next). `param_types`
  // are type names; values bound later are converted to them. 42P05 when the name is taken.
  const PreparedStatement& Prepare(const std::string& name, std::string_view sql,
                                   std::vector<std::string> param_types = {});
  // 26000 when there is no such statement.
  const PreparedStatement& Prepared(const std::string& name) const;
  void Deallocate(const std::string& name);
  void DeallocateAll();

  // Binds `params` to a prepared statement as portal `portal` ("" is the unnamed portal). The
  // values are converted to the declared parameter types (22P02 when one cannot be); 42601 for
  // a wrong number of them.
  void Bind(const std::string& portal, const std::string& statement, std::vector<Value> params);
  // Runs a portal: at most `max_rows` rows (0: all) go to `sink`. True when the portal is
  // suspended with rows left (run it again for more); false when it is complete, its command
  // tag sent. A write runs whole on the first call.
  bool ExecutePortal(const std::string& portal, ResultSink& sink, size_t max_rows = 0);
  void ClosePortal(const std::string& portal);

  bool in_transaction() const { return transaction_ != nullptr; }
  bool transaction_failed() const { return transaction_failed_; }

  // SET / RESET / SHOW by name; throw SqlError 42704 for an unknown setting, 22023 for a bad
  // value, 55P02 for a read-only one.
  void Set(const std::string& name, const std::string& value);
  void Reset(const std::string& name);
  std::string Show(const std::string& name) const;
  // Every setting, in name order, for SHOW ALL.
  std::vector<std::pair<std::string, std::string>> Settings() const;
  const SessionSettings& settings() const { return settings_; }

  Cluster& cluster() { return cluster_; }

 private:
  friend class ExplainRunner;

  void ExecuteStatement(const ast::Statement& statement, std::string_view sql, ResultSink& sink,
                        const std::vector<Value>& params, bool only_statement);
  // The plan for a bindable statement whose text is `text`: through the plan cache when the
  // session uses it, else planned afresh from the AST.
  PlanLookup Plan(const ast::Statement& statement, std::string_view text,
                  const std::vector<Value>& params, bool parsed_alone);
  void RunPlan(const PlanLookup& lookup, ResultSink& sink);
  void RunSelect(const PlannedStatement& plan, const std::vector<Value>& params,
                 CancelToken& cancel, ResultSink& sink);
  void RunWrite(const PlannedStatement& plan, const std::vector<Value>& params, CancelToken& cancel,
                ResultSink& sink);
  void RunDdl(const ast::Statement& statement, std::string_view text, ResultSink& sink);
  void RunTransaction(const ast::TransactionStatement& statement, ResultSink& sink);
  void RunSet(const ast::SetStatement& statement, ResultSink& sink);
  void RunPrepare(const ast::PrepareStatement& statement, std::string_view sql, ResultSink& sink);
  void RunExecute(const ast::ExecuteStatement& statement, std::string_view sql, ResultSink& sink);
  // The plan and values EXECUTE name(args) runs with.
  PlanLookup PlanExecute(const ast::ExecuteStatement& statement, std::string_view sql);
  // EXECUTE's argument values: constant expressions, evaluated by the router.
  std::vector<Value> EvaluateArguments(const ast::ExecuteStatement& statement,
                                       std::string_view sql);
  void RunShow(const ast::ShowStatement& statement, ResultSink& sink);
  void RunAnalyze(const ast::AnalyzeStatement& statement, ResultSink& sink);

  bool UsesPlanCache() const { return temp_views_.empty() && !transaction_failed_; }
  // For as long as it lives, `token` is the running statement's (Session::Cancel cancels it),
  // armed with statement_timeout. A new token unless one is given (a portal keeps its own).
  class RunningStatement {
   public:
    explicit RunningStatement(Session& session, std::shared_ptr<CancelToken> token = nullptr)
        : session_(session), token_(token ? std::move(token) : std::make_shared<CancelToken>()) {
      int64_t timeout = session.settings_.exec.statement_timeout_ms;
      if (timeout > 0) {
        armed_ = session.cluster_.timer().Arm(token_, std::chrono::milliseconds(timeout));
      }
      std::lock_guard lock(session.running_mutex_);
      session.running_ = token_;
    }
    ~RunningStatement() {
      armed_.Disarm();
      std::lock_guard lock(session_.running_mutex_);
      session_.running_.reset();
    }
    RunningStatement(const RunningStatement&) = delete;
    RunningStatement& operator=(const RunningStatement&) = delete;
    CancelToken& token() { return *token_; }

   private:
    Session& session_;
    std::shared_ptr<CancelToken> token_;
    StatementTimer::Armed armed_;
  };
  PlanningContext PlanningContextNow() const;
  // The connections statements use: the open transaction's, or the pools'.
  ConnectionProvider& Connections();

  // The shared lock a statement holds (exclusive for DDL), taken with the catalog brought up to
  // date: other routers' DDL is seen before the statement plans, and never runs beside it.
  ClusterLock::Hold LockForStatement(bool exclusive);

  Cluster& cluster_;
  ClusterLock lock_;
  // Held from BEGIN to COMMIT / ROLLBACK.
  ClusterLock::Hold transaction_lock_;
  SessionSettings settings_;
  // CREATE TEMP VIEW: this session's views, gone when it ends.
  SessionViews temp_views_;
  std::unique_ptr<ShardTransaction> transaction_;
  bool transaction_failed_ = false;
  int64_t transaction_start_ = 0;  // temporal::MicrosNow() at BEGIN: what now() reads in it
  PooledConnections pooled_;
  std::optional<PlanLookup> last_plan_;
  std::mutex running_mutex_;
  std::shared_ptr<CancelToken> running_;
  std::map<std::string, PreparedStatement> prepared_;
  struct Portal;
  std::map<std::string, std::unique_ptr<Portal>> portals_;
};

}  // namespace shardql
