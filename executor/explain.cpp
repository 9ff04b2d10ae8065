#include "executor/explain.h"

#include <fmt/format.h>

#include <fmt/ranges.h>

#include <chrono>
#include <optional>
#include <regex>
#include <set>

#include "grammar/sql_error.h"
#include "planner/cost_model.h"
#include "planner/distribution.h"
#include "planner/index_advice.h"
#include "planner/plan_printer.h"
#include "planner/plan_visitor.h"
#include "rules/registry.h"

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

// The trace's lines; without `costs` (EXPLAIN (COSTS OFF)) the driver's "cost a → b" left out.
std::string TraceText(const RuleTrace& trace, bool rules_only, bool costs) {
  static const std::regex cost_figures(" \\(cost [^)]*\\)|: cost [0-9.e+-]+ → [0-9.e+-]+");
  std::set<std::string> rules;
  for (const rules::RuleEntry& rule : rules::RuleRegistry())
    rules.insert(rule.name);
  std::string out;
  for (const TraceEntry& e : trace.entries()) {
    if (rules_only && !rules.count(e.name)) continue;
    out += fmt::format("\n  {} {}: {}", e.name, ToString(e.outcome),
                       costs ? e.message : std::regex_replace(e.message, cost_figures, ""));
  }
  return out;
}

// The whole statement's estimate, and which tables it was made without statistics for.
std::string EstimateText(const PlannedStatement& plan, const CostModel& model,
                         const CatalogSnapshot& catalog) {
  Estimate e = model.Of(*plan.logical.root);
  std::string out = fmt::format("\n\nEstimate: {}, {:.0f} shard visits, {:.0f} rows moved",
                                FormatEstimate(e), e.shard_visits, e.rows_moved);
  struct TablesWithout : plan::ConstPlanVisitor {
    explicit TablesWithout(const CatalogSnapshot& catalog)
        : ConstPlanVisitor(true), catalog(catalog) {}
    void VisitNode(const plan::PlanNode& node) override {
      if (node.kind != plan::NodeKind::kScan) return;
      const TableInfo& table = *node.Cast<plan::ScanNode>().table;
      if (!catalog.StatisticsOf(table.name)) names.insert(table.name);
    }
    const CatalogSnapshot& catalog;
    std::set<std::string> names;
  } without(catalog);
  without.Walk(*plan.logical.root);
  if (!without.names.empty()) {
    out += fmt::format("\n  no statistics for {}: default figures (ANALYZE gathers them)",
                       fmt::join(without.names, ", "));
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
  auto catalog = cluster.catalog().Snapshot();
  std::optional<CostModel> model;
  if (options.costs && options.planner && plan.kind == ast::StatementKind::kSelect) {
    model.emplace(*catalog, cluster.dialect(), plan.logical.columns, *options.planner, &params);
    tree += EstimateText(plan, *model, *catalog);
    std::vector<std::string> advice = IndexAdvice(plan.logical, *model);
    if (!advice.empty())
      tree += "\n\nIndex advice:\n  " + fmt::format("{}", fmt::join(advice, "\n  "));
  }
  if (!options.verbose) {
    // The rewrites tried, fired or not, with why; VERBOSE lists the distribution steps too.
    std::string rewrites = TraceText(plan.trace, true, options.costs);
    if (!rewrites.empty()) tree += "\n\nRewrites:" + rewrites;
  }
  if (options.verbose) {
    if (plan.bound) tree += "\n\nBound plan:\n" + PrintPlan(*plan.bound);
    // Each node with where its rows live, as the distributor saw it.
    DistributionAnalysis analysis(*plan.logical.root, plan.logical.columns, cluster.dialect());
    PlanPrintOptions annotated;
    annotated.annotate = [&](const plan::PlanNode& node) {
      std::string text = "distribution: " + analysis.Of(node).Describe(plan.logical.columns);
      if (model) text += "; estimate: " + FormatEstimate(model->Of(node));
      return text;
    };
    tree += "\n\nLogical plan:\n" + PrintPlan(plan.logical, annotated);
    if (!plan.trace.entries().empty()) {
      tree += "\n\nRules and distribution steps:" + TraceText(plan.trace, false, options.costs);
      PlanPrintOptions ids;
      ids.column_ids = true;
      for (const TraceEntry& e : plan.trace.entries()) {
        if (!e.before || !e.after) continue;
        tree += fmt::format(
            "\n\n{} before:\n{}\n{} after:\n{}", e.name,
            RenderExplainTree(ExplainPlanNode(*e.before, plan.logical.columns, ids)), e.name,
            RenderExplainTree(ExplainPlanNode(*e.after, plan.logical.columns, ids)));
      }
    }
  }
  return SplitLines(tree + execution);
}

}  // namespace shardql
