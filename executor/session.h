#pragma once
// A Session is one client's conversation with the router: it runs statements (SQL text, several
// per string), keeps the client's settings and its transaction. Fronts (shell, slt runner, the
// PostgreSQL-protocol server) each drive one Session per client and catch SqlError once.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "executor/cluster.h"
#include "executor/exec_context.h"
#include "planner/binder.h"
#include "planner/ddl.h"
#include "planner/distributed_plan.h"
#include "planner/logical_plan.h"
#include "planner/plan_cache.h"

namespace shardql {

// Where a statement's results go.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // A statement that returns rows is about to send them.
  virtual void BeginRows(const std::vector<plan::OutputColumn>& columns) {}
  virtual void Rows(const RowBatch& batch) {}
  // The statement finished: PostgreSQL's command tag ("SELECT 3", "INSERT 0 1", "CREATE TABLE").
  virtual void Complete(const std::string& tag) {}
  // A warning or notice that does not fail the statement.
  virtual void Notice(const std::string& message) {}
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

  // The plan the router runs for `sql` (one SELECT / INSERT / UPDATE / DELETE): from the plan
  // cache by its text, or by its text with literals replaced by parameters (their values go to
  // `literals`), planned and cached on a miss. Null when the statement is not for the cache.
  std::shared_ptr<const CachedPlan> CachedPlanFor(std::string_view sql,
                                                  const std::vector<Value>& params,
                                                  std::vector<Value>* literals);

  bool in_transaction() const { return transaction_ != nullptr; }
  bool transaction_failed() const { return transaction_failed_; }

  // SET / SHOW by name; throws SqlError 42704 for an unknown setting, 22023 for a bad value.
  void Set(const std::string& name, const std::string& value);
  std::string Show(const std::string& name) const;
  // Every setting, in name order, for SHOW ALL.
  std::vector<std::pair<std::string, std::string>> Settings() const;

  Cluster& cluster() { return cluster_; }
  const ExecSettings& exec_settings() const { return exec_settings_; }
  DefaultDistribution default_distribution() const { return default_distribution_; }

 private:
  void ExecuteStatement(const ast::Statement& statement, std::string_view text, ResultSink& sink,
                        const std::vector<Value>& params);
  // Binds and distributes a SELECT / INSERT / UPDATE / DELETE into a plan the cache can keep.
  std::shared_ptr<CachedPlan> PlanStatement(const ast::Statement& statement, std::string_view text);
  void RunPlan(const CachedPlan& plan, ResultSink& sink, const std::vector<Value>& params);
  void RunDistributed(const DistributedPlan& plan, ResultSink& sink,
                      const std::vector<Value>& params);
  void RunWritePlan(const plan::LogicalPlan& plan, ast::StatementKind kind, ResultSink& sink,
                    const std::vector<Value>& params);
  // Runs `sql` from the plan cache — by its text, or by its text with literals replaced by
  // parameters — planning the latter on a miss. False when the statement is not for the cache.
  bool RunFromCache(std::string_view sql, ResultSink& sink, const std::vector<Value>& params);
  std::string CacheKey(std::string_view sql) const;
  void RunDdl(const ast::Statement& statement, std::string_view text, ResultSink& sink);
  void RunTransaction(const ast::TransactionStatement& statement, ResultSink& sink);
  void RunExplain(const ast::ExplainStatement& statement, std::string_view text, ResultSink& sink,
                  const std::vector<Value>& params);
  void RunSet(const ast::SetStatement& statement, ResultSink& sink);
  void RunShow(const ast::ShowStatement& statement, ResultSink& sink);

  // The connections statements use: the open transaction's, or the pools'.
  ConnectionProvider& Connections();

  Cluster& cluster_;
  ExecSettings exec_settings_;
  DefaultDistribution default_distribution_ = DefaultDistribution::kHashFirstColumn;
  std::map<std::string, std::string> passive_settings_;  // accepted for client compatibility
  // CREATE TEMP VIEW: this session's views, gone when it ends.
  SessionViews temp_views_;
  std::unique_ptr<ShardTransaction> transaction_;
  bool transaction_failed_ = false;
  PooledConnections pooled_;
};

}  // namespace shardql
