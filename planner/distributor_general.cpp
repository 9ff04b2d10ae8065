// Strategy 3, the general path: every table the statement reads is fetched — only the columns it
// uses, only the rows its own predicates allow, only from the shards that can hold them — into a
// table of the same name, type and collation in the router's merge engine (an engine of the
// backend's own dialect), which then runs the whole statement. The temp table keeps each column's
// type (on SQLite, its affinity) and collation, so the merge engine compares values exactly as one
// database holding all the rows would.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

#include "planner/distributor_internal.h"
#include "planner/plan_visitor.h"

namespace shardql::distribute {

using plan::ColumnId;
using plan::Expr;
using plan::ExprKind;
using plan::NodeKind;
using plan::PlanNode;

namespace {

// The merge engine has no shard's temporary tables: a Materialize node reads its child in place.
class ReadMaterializedInPlace : public plan::PlanMutator {
 public:
  ReadMaterializedInPlace() : PlanMutator(true) {}

 protected:
  void VisitNode(plan::PlanPtr& node) override {
    if (node->kind == NodeKind::kMaterialize) node = std::move(node->children[0]);
  }
};

}  // namespace

std::set<ColumnId> EquatedColumns(const PlanNode& root) {
  std::set<ColumnId> equated;
  VisitPlan(
      root,
      [&](const PlanNode& node) {
        for (const Expr* e : NodeExpressions(node)) {
          VisitExpr(*e, [&](const Expr& sub) {
            if (sub.kind == ExprKind::kBinary && sub.binary_op == ast::BinaryOp::kEq &&
                sub.left().kind == ExprKind::kColumn && sub.right().kind == ExprKind::kColumn) {
              equated.insert(sub.left().column);
              equated.insert(sub.right().column);
            }
          });
        }
      },
      true);
  return equated;
}

SubPlan GeneralPath(Context& ctx, const PlanNode& root) {
  DistributionAnalysis& analysis = ctx.analysis;
  SettledFilters settled = SettleSubqueryFilters(ctx, root);
  SubqueryResults answered = AnswerSubqueriesOnShards(ctx, root, settled.subqueries);
  std::set<const PlanNode*> taken = answered.answered_scans;
  taken.insert(settled.scans.begin(), settled.scans.end());
  SharedCteResults shared = ComputeSharedCtesOnce(ctx, root, taken);
  // What the merge engine runs; its scans are the statement's, so the analysis of `root` holds.
  plan::PlanPtr query = root.Clone();
  DropSettledFilters(*query, root, settled);
  ReadMaterializedInPlace().Walk(query);
  ReadSubqueryResults(ctx, *query, answered);
  ReadSharedCteResults(ctx, query, shared);
  SimplifyExists(*query);
  std::set<ColumnId> referenced;
  VisitPlan(
      *query,
      [&](const PlanNode& node) {
        for (const Expr* e : NodeExpressions(node)) {
          for (ColumnId id : ReferencedColumns(*e, false))
            referenced.insert(id);
        }
      },
      true);

  // The merge engine indexes them.
  std::set<ColumnId> equated = EquatedColumns(*query);

  std::map<std::string, std::vector<const plan::ScanNode*>> by_table;
  VisitPlan(
      root,
      [&](const PlanNode& node) {
        if (node.kind == NodeKind::kScan && !taken.count(&node) && !shared.scans.count(&node)) {
          const auto& scan = node.Cast<plan::ScanNode>();
          by_table[scan.table->name].push_back(&scan);
        }
      },
      true);

  auto local = std::make_unique<MergeNode>();
  local->kind = MergeKind::kLocalQuery;
  local->loads = std::move(answered.loads);
  for (TempTableLoad& load : shared.loads)
    local->loads.push_back(std::move(load));
  int aliases = 0;
  for (const auto& [name, scans] : by_table) {
    const TableInfo& table = *scans.front()->table;
    // The fetch reads the table through fresh column ids; every scan's predicates are remapped
    // onto them.
    std::vector<int> fetch_indexes;
    std::vector<ColumnId> fetch_ids;
    for (size_t j = 0; j < table.columns.size(); ++j) {
      const ColumnInfo& col = table.columns[j];
      ExprType type = DeclaredColumnType(col.type, col.collation);
      fetch_indexes.push_back(static_cast<int>(j));
      fetch_ids.push_back(ctx.columns.Add({col.name, table.name, type}));
    }

    std::set<int> needed, indexed;
    bool filter_everything_in = false;
    std::vector<plan::ExprPtr> disjuncts;
    ShardChoice choice;
    bool first_choice = true;
    std::vector<std::string> reasons;
    for (const plan::ScanNode* scan : scans) {
      std::map<ColumnId, ColumnId> ids;
      for (size_t i = 0; i < scan->outputs.size(); ++i) {
        if (scan->column_indexes[i] == plan::kRowidColumn) continue;
        ids[scan->outputs[i]] = fetch_ids[scan->column_indexes[i]];
        if (referenced.count(scan->outputs[i])) needed.insert(scan->column_indexes[i]);
        if (equated.count(scan->outputs[i])) indexed.insert(scan->column_indexes[i]);
      }
      if (plan::ExprPtr filter = FetchFilter(ctx, *scan, ids, aliases)) {
        disjuncts.push_back(std::move(filter));
      } else {
        filter_everything_in = true;
      }
      if (table.distribution == DistributionKind::kHash) {
        std::string reason;
        ShardChoice c = analysis.Choice(*scan, &reason);
        reasons.push_back(reason);
        if (first_choice) {
          choice = c;
        } else if (c.all || choice.all) {
          choice.all = true;
        } else {
          for (uint32_t s : c.fixed) {
            if (std::find(choice.fixed.begin(), choice.fixed.end(), s) == choice.fixed.end()) {
              choice.fixed.push_back(s);
            }
          }
          std::sort(choice.fixed.begin(), choice.fixed.end());
          choice.key_params.insert(choice.key_params.end(), c.key_params.begin(),
                                   c.key_params.end());
        }
        first_choice = false;
      }
    }
    // A count(*) reads no column, but the rows must still come: fetch the narrowest choice.
    if (needed.empty()) needed.insert(table.shard_key >= 0 ? table.shard_key : 0);

    // The rowid comes along, so the merge engine keeps one database's row order.
    plan::ColumnId rowid = ctx.columns.Add({"rowid", table.name, ExprType{}});
    fetch_indexes.push_back(plan::kRowidColumn);
    fetch_ids.push_back(rowid);
    plan::PlanPtr fragment =
        plan::MakeScan(scans.front()->table, table.name, fetch_indexes, fetch_ids);
    if (!filter_everything_in) {
      plan::ExprPtr predicate;
      for (plan::ExprPtr& d : disjuncts) {
        predicate = predicate
                        ? plan::MakeBinary(ast::BinaryOp::kOr, std::move(predicate), std::move(d))
                        : std::move(d);
      }
      fragment = plan::MakeFilter(std::move(fragment), std::move(predicate));
    }
    TempTableLoad load;
    load.table = table.name;
    std::vector<ColumnId> fetched = {rowid};
    load.insert_columns.push_back("rowid");
    for (int j : needed) {
      fetched.push_back(fetch_ids[j]);
      const ColumnInfo& column = table.columns[j];
      load.column_definitions.push_back(
          ctx.dialect.RenderColumnDefinition(column.name, column.type, column.collation));
      load.insert_columns.push_back(ctx.dialect.QuoteIdentifier(table.columns[j].name));
      if (indexed.count(j)) load.index_columns.push_back(load.insert_columns.back());
    }
    plan::PlanPtr project = plan::MakePickColumns(std::move(fragment), fetched, ctx.columns);

    std::string reason;
    if (table.distribution == DistributionKind::kReference) {
      choice = ShardChoice{};
      choice.fixed = {0};
      reason = "reference table: one shard has every row";
    } else {
      reason = fmt::format("{}", fmt::join(reasons, "; "));
    }
    load.source = MakeRoute(ctx, std::move(project), choice, table, reason);
    if (table.distribution == DistributionKind::kReference) {
      load.source->variant = RouteVariant::kAnyShard;
    }
    local->loads.push_back(std::move(load));
  }
  local->sql = ctx.dialect.RenderPlan(*query, ctx.columns);
  local->width = root.outputs.size();
  return SubPlan{std::move(local), "general path"};
}

}  // namespace shardql::distribute
