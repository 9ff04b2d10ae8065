#pragma once
// A Session is one client's conversation with the router: it runs statements (SQL text, several
// per string) and keeps the client's settings, temporary views and transaction. Every SELECT,
// INSERT, UPDATE and DELETE — run, explained or prepared — gets its plan from the one lookup in
// front of the planning pipeline (PlanThroughCache), so EXPLAIN shows the plan that runs. Fronts
// (shell, slt runner, the PostgreSQL-protocol server) each drive one Session per client and catch
// SqlError once.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "executor/cluster.h"
#include "executor/exec_context.h"
#include "executor/result_sink.h"
#include "executor/settings.h"
#include "planner/binder.h"
#include "planner/pipeline.h"
#include "planner/plan_cache.h"

namespace shardql {

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
  void RunShow(const ast::ShowStatement& statement, ResultSink& sink);

  bool UsesPlanCache() const { return temp_views_.empty() && !transaction_failed_; }
  // The running statement's cancel token, armed with statement_timeout, for as long as it lives.
  class RunningStatement;
  PlanningContext PlanningContextNow() const;
  // The connections statements use: the open transaction's, or the pools'.
  ConnectionProvider& Connections();

  Cluster& cluster_;
  SessionSettings settings_;
  // CREATE TEMP VIEW: this session's views, gone when it ends.
  SessionViews temp_views_;
  std::unique_ptr<ShardTransaction> transaction_;
  bool transaction_failed_ = false;
  PooledConnections pooled_;
  std::optional<PlanLookup> last_plan_;
  std::mutex running_mutex_;
  std::shared_ptr<CancelToken> running_;
};

}  // namespace shardql
