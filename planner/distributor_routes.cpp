// Routes: a fragment, the shards that run it, the SQL each runs — and the per-shard IN lists of
// SplitInListPerShard.

#include <fmt/format.h>

#include <set>

#include "grammar/sql_error.h"
#include "planner/distributor_internal.h"
#include "planner/plan_verifier.h"
#include "planner/plan_visitor.h"
#include "planner/shard_pruning.h"

namespace shardql::distribute {

using plan::Expr;
using plan::ExprKind;

namespace {

// The top-level IN lists on the shard key of `fragment`'s one hash-distributed scan whose items
// are plain constants comparing under the key's own collation: those a shard can be sent only its
// share of. Empty when the fragment has several distributed scans (their lists are not ours).
std::set<const Expr*> SplittableInLists(const plan::PlanNode& fragment,
                                        const plan::ColumnTable& columns, const Dialect& dialect,
                                        const plan::ScanNode** scan_out) {
  DistributionAnalysis analysis(fragment, columns, dialect);
  const plan::ScanNode* scan = nullptr;
  for (const plan::ScanNode* s : analysis.scans()) {
    if (s->table->distribution != DistributionKind::kHash) continue;
    if (scan) return {};
    scan = s;
  }
  std::set<const Expr*> out;
  if (!scan) return out;
  *scan_out = scan;
  const TableInfo& table = *scan->table;
  plan::ColumnId key = 0;
  for (size_t i = 0; i < scan->column_indexes.size(); ++i) {
    if (scan->column_indexes[i] == table.shard_key) key = scan->outputs[i];
  }
  for (const Expr* predicate : analysis.ScanPredicates(*scan)) {
    plan::ForEachConjunct(*predicate, [&](const Expr& e) {
      if (e.kind != ExprKind::kInList || e.negated || e.operand().kind != ExprKind::kColumn ||
          e.operand().column != key) {
        return;
      }
      const ExprType& key_type = e.operand().type;
      for (size_t i = 0; i < e.item_count(); ++i) {
        const Expr& item = e.item(i);
        if (item.kind != ExprKind::kConstant ||
            !dialect.ComparesAsStored(key_type, item.type, key_type.collation)) {
          return;
        }
      }
      out.insert(&e);
    });
  }
  return out;
}

// A copy of the fragment whose splittable IN lists keep only the values `shard` owns; null when
// there is nothing to split.
plan::PlanPtr KeepShardValues(const plan::PlanNode& fragment, const plan::ColumnTable& columns,
                              uint32_t shard, const Dialect& dialect) {
  plan::PlanPtr copy = fragment.Clone();
  const plan::ScanNode* scan = nullptr;
  std::set<const Expr*> lists = SplittableInLists(*copy, columns, dialect, &scan);
  if (lists.empty()) return nullptr;
  const TableInfo& table = *scan->table;
  bool changed = false;
  plan::RewriteExprs(*copy, [&](plan::ExprPtr& e) {
    if (!lists.count(e.get())) return;
    std::vector<plan::ExprPtr> kept;
    kept.push_back(std::move(e->children[0]));
    for (size_t i = 1; i < e->children.size(); ++i) {
      const Value& v = e->children[i]->value;
      if (!v.is_null() && ShardIndexOfKey(v, table, dialect) == shard) {
        kept.push_back(std::move(e->children[i]));
      }
    }
    changed = changed || kept.size() != e->children.size();
    e->children = std::move(kept);
  });
  return changed ? std::move(copy) : nullptr;
}

// "Each shard gets only its own values": a route pruned by an IN list on the shard key sends every
// shard the IN list of the values it owns.
void SplitInListsPerShard(Context& ctx, Route& route) {
  if (route.choice.all || !route.choice.key_params.empty() || route.choice.fixed.size() < 2) return;
  std::vector<std::pair<uint32_t, std::string>> per_shard;
  for (uint32_t shard : route.choice.fixed) {
    plan::PlanPtr copy = KeepShardValues(*route.fragment, ctx.columns, shard, ctx.dialect);
    if (!copy) return;
    per_shard.emplace_back(shard, ctx.dialect.RenderPlan(*copy, ctx.columns));
  }
  if (!ctx.Enabled(kSplitInListPerShard)) return;
  ctx.Record(kSplitInListPerShard, TraceOutcome::kFired,
             fmt::format("{} shards each get their own values", per_shard.size()));
  route.per_shard_sql = std::move(per_shard);
}

// The statement's own (analysed) Materialize node that `copy`, a node of a route's fragment, was
// cloned from.
const plan::MaterializeNode& AnalysedMaterialize(Context& ctx, const plan::MaterializeNode& copy) {
  const plan::MaterializeNode* found = nullptr;
  plan::VisitPlan(
      *ctx.logical.root,
      [&](const plan::PlanNode& node) {
        if (node.kind == plan::NodeKind::kMaterialize &&
            node.Cast<plan::MaterializeNode>().table_name == copy.table_name) {
          found = &node.Cast<plan::MaterializeNode>();
        }
      },
      true);
  if (!found) {
    throw SqlError(sqlstate::kInternalError,
                   "internal error: a route reads a temporary table the statement does not make");
  }
  return *found;
}

// The route's temporary tables: each Materialize node of its fragment, its rows computed by a
// plan of their own, its columns typed as the table columns they copy, indexed where the fragment
// equates them with another column (the broadcast join's condition), so each shard seeks there.
void AddTempTables(Context& ctx, Route& route) {
  std::set<plan::ColumnId> equated = EquatedColumns(*route.fragment);
  plan::VisitPlan(
      *route.fragment,
      [&](const plan::PlanNode& node) {
        if (node.kind != plan::NodeKind::kMaterialize) return;
        const plan::MaterializeNode& analysed =
            AnalysedMaterialize(ctx, node.Cast<plan::MaterializeNode>());
        const plan::PlanNode* below = analysed.children[0].get();
        while (below->kind == plan::NodeKind::kFilter || below->kind == plan::NodeKind::kProject)
          below = below->children[0].get();
        const auto& scan = below->Cast<plan::ScanNode>();
        ShardTempTable temp;
        temp.name = analysed.table_name;
        for (size_t i = 0; i < analysed.outputs.size(); ++i) {
          size_t position = PositionOf(scan.outputs, analysed.outputs[i]);
          const ColumnInfo& column = scan.table->columns.at(scan.column_indexes.at(position));
          temp.column_definitions.push_back(ctx.dialect.RenderColumnDefinition(
              analysed.column_names[i], column.type, column.collation));
          if (equated.count(analysed.outputs[i]))
            temp.index_columns.push_back(ctx.dialect.QuoteIdentifier(analysed.column_names[i]));
        }
        const plan::PlanNode& source = *analysed.children[0];
        std::optional<SubPlan> sub = TryDistribute(ctx, source);
        temp.source = sub ? std::move(sub->root) : GeneralPath(ctx, source).root;
        route.temp_tables.push_back(std::move(temp));
      },
      true);
}

}  // namespace

std::unique_ptr<Route> MakeRoute(Context& ctx, plan::PlanPtr fragment, const ShardChoice& choice,
                                 const TableInfo& table, std::string reason) {
  plan::VerifyPlanInDebug(*fragment, ctx.columns);
  auto route = std::make_unique<Route>();
  route->ring = table.ring;
  route->ring_shards = table.shards();
  route->choice = choice;
  route->variant = VariantOf(choice, table);
  route->reason = std::move(reason);
  route->width = fragment->outputs.size();
  route->sql = ctx.dialect.RenderPlan(*fragment, ctx.columns);
  route->fragment = std::move(fragment);
  AddTempTables(ctx, *route);
  SplitInListsPerShard(ctx, *route);
  return route;
}

std::unique_ptr<MergeNode> RouteNode(std::unique_ptr<Route> route) {
  auto node = std::make_unique<MergeNode>();
  node->kind = MergeKind::kRoute;
  node->width = route->width;
  node->route = std::move(route);
  return node;
}

}  // namespace shardql::distribute
