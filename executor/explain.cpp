#include "executor/explain.h"

#include <fmt/format.h>

#include <chrono>

#include "grammar/sql_error.h"
#include "planner/distribution.h"
#include "planner/plan_printer.h"

namespace shardql {
namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string TraceText(const RuleTrace& trace) {
  std::string out;
  for (const TraceEntry& e : trace.entries()) {
    out += fmt::format("\n  {} {}: {}", e.name, ToString(e.outcome), e.message);
  }
  return out;
}

}  // namespace

std::vector<std::string> ExplainLines(const PlannedStatement& plan,
                                      const std::vector<Value>& params,
                                      const ExplainOptions& options, Cluster& cluster,
                                      ExecStats* stats, const std::function<size_t()>& run) {
  if (plan.kind != ast::StatementKind::kSelect && options.analyze) {
    throw SqlError(sqlstate::kFeatureNotSupported,
                   "EXPLAIN ANALYZE of INSERT, UPDATE or DELETE is not supported: it would run "
                   "the write");
  }
  // ANALYZE runs first: the tree then carries what running it measured.
  std::string execution;
  if (options.analyze) {
    if (params.size() < plan.param_count) {
      throw SqlError(sqlstate::kUndefinedParameter, "EXPLAIN ANALYZE needs the parameters' values");
    }
    auto start = std::chrono::steady_clock::now();
    size_t rows = run();
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    execution = fmt::format("\n\nExecution: {} rows in {:.3f} ms", rows, ms);
  }
  PlanAnnotations annotations;
  if (options.analyze && stats) {
    annotations.route = [stats](const Route& route) {
      std::vector<std::string> lines;
      auto it = stats->routes.find(&route);
      if (it == stats->routes.end()) return lines;
      for (const auto& [shard, s] : it->second) {
        lines.push_back(fmt::format("actual {}: {} rows in {} batches, {:.3f} ms", shard, s.rows,
                                    s.batches, s.ms));
      }
      return lines;
    };
    annotations.merge = [stats](const MergeNode& node) -> std::string {
      if (node.kind == MergeKind::kRoute) return "";
      auto it = stats->merge_rows.find(&node);
      return it == stats->merge_rows.end() ? "actual: not run"
                                           : fmt::format("actual: {} rows", it->second);
    };
  }
  std::string tree = RenderExplainTree(ExplainDistributedPlan(
      plan.distributed, &params, &cluster.dialect(), options.analyze ? &annotations : nullptr));
  if (options.verbose) {
    if (plan.bound) tree += "\n\nBound plan:\n" + PrintPlan(*plan.bound);
    // Each node with where its rows live, as the distributor saw it.
    DistributionAnalysis analysis(*plan.logical.root, plan.logical.columns, cluster.dialect());
    PlanPrintOptions annotated;
    annotated.annotate = [&](const plan::PlanNode& node) {
      return "distribution: " + analysis.Of(node).Describe(plan.logical.columns);
    };
    tree += "\n\nLogical plan:\n" + PrintPlan(plan.logical, annotated);
    if (!plan.trace.entries().empty()) {
      tree += "\n\nRules and distribution steps:" + TraceText(plan.trace);
    }
  }
  return SplitLines(tree + execution);
}

}  // namespace shardql
