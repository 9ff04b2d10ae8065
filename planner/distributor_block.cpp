// Query blocks as the distributor sees them: peeled into their canonical parts, and finished in
// the router (ORDER BY, DISTINCT, LIMIT, the strip of hidden sort keys) over merged rows.

#include <fmt/format.h>

#include <algorithm>

#include "grammar/sql_error.h"
#include "planner/distributor_internal.h"

namespace shardql::distribute {

using plan::ColumnId;
using plan::ExprKind;
using plan::NodeKind;
using plan::PlanNode;

namespace {

bool PureColumns(const plan::ProjectNode& project) {
  return std::all_of(project.exprs.begin(), project.exprs.end(),
                     [](const auto& e) { return e->kind == ExprKind::kColumn; });
}

// LIMIT / OFFSET as a constant or a parameter; false when it is anything else.
bool LimitOperand(const plan::ExprPtr& e, std::optional<int64_t>& constant, uint32_t& param) {
  if (!e) return true;
  if (e->kind == ExprKind::kParam) {
    param = e->param_index;
    return true;
  }
  if (e->kind == ExprKind::kConstant && e->value.kind() == Value::Kind::kInteger) {
    constant = e->value.integer();
    return true;
  }
  return false;
}

}  // namespace

std::optional<BlockParts> PeelBlock(const PlanNode& root) {
  BlockParts parts;
  const PlanNode* node = &root;
  if (node->kind == NodeKind::kProject && PureColumns(node->Cast<plan::ProjectNode>()) &&
      (node->children[0]->kind == NodeKind::kLimit || node->children[0]->kind == NodeKind::kSort)) {
    parts.strip = &node->Cast<plan::ProjectNode>();
    node = node->children[0].get();
  }
  if (node->kind == NodeKind::kLimit) {
    parts.limit = &node->Cast<plan::LimitNode>();
    node = node->children[0].get();
  }
  if (node->kind == NodeKind::kSort) {
    parts.sort = &node->Cast<plan::SortNode>();
    node = node->children[0].get();
  }
  // A UNION block has no hidden sort keys of its own; SplitOrToUnion's branches may carry them.
  if (node->kind == NodeKind::kSetOp) {
    parts.setop = &node->Cast<plan::SetOpNode>();
    return parts;
  }
  if (node->kind == NodeKind::kDistinct) {
    parts.distinct = &node->Cast<plan::DistinctNode>();
    node = node->children[0].get();
  }
  if (node->kind != NodeKind::kProject) return std::nullopt;
  parts.project = &node->Cast<plan::ProjectNode>();
  node = node->children[0].get();
  if (node->kind == NodeKind::kFilter && node->children[0]->kind == NodeKind::kAggregate) {
    parts.having = &node->Cast<plan::FilterNode>();
    node = node->children[0].get();
  }
  if (node->kind == NodeKind::kAggregate) {
    parts.aggregate = &node->Cast<plan::AggregateNode>();
    node = node->children[0].get();
  }
  parts.from = node;
  return parts;
}

std::optional<BlockLimit> ReadLimit(const BlockParts& parts) {
  BlockLimit out;
  if (parts.limit && (!LimitOperand(parts.limit->limit, out.limit, out.limit_param) ||
                      !LimitOperand(parts.limit->offset, out.offset, out.offset_param))) {
    return std::nullopt;
  }
  // SQLite reads a negative LIMIT as no limit and a negative OFFSET as none.
  if (out.limit && *out.limit < 0) out.limit.reset();
  if (out.offset && *out.offset < 0) out.offset = 0;
  return out;
}

size_t PositionOf(const std::vector<ColumnId>& ids, ColumnId id) {
  auto it = std::find(ids.begin(), ids.end(), id);
  if (it == ids.end()) {
    throw SqlError(sqlstate::kInternalError,
                   fmt::format("internal error: column #{} not found", id));
  }
  return static_cast<size_t>(it - ids.begin());
}

Collation KeyCollation(const ExprType& type) {
  return type.collation_source == CollationSource::kNone ? Collation() : type.collation;
}

std::vector<MergeSortKey> MergeKeys(const Context& ctx, const plan::SortNode& sort,
                                    const std::vector<ColumnId>& columns) {
  std::vector<MergeSortKey> keys;
  bool nulls_first_asc = ctx.dialect.NullsFirstWhenAscending();
  for (const plan::SortKey& k : sort.keys) {
    MergeSortKey key;
    key.column = PositionOf(columns, k.expr->column);
    key.descending = k.descending;
    key.nulls_first = k.nulls == ast::NullsOrder::kFirst ? true
                      : k.nulls == ast::NullsOrder::kLast
                          ? false
                          : (k.descending ? !nulls_first_asc : nulls_first_asc);
    key.collation = KeyCollation(ctx.columns[k.expr->column].type);
    key.label = ctx.columns[k.expr->column].name;
    keys.push_back(key);
  }
  return keys;
}

std::unique_ptr<MergeNode> Wrap(MergeKind kind, std::unique_ptr<MergeNode> child) {
  auto node = std::make_unique<MergeNode>();
  node->kind = kind;
  node->width = child->width;
  node->children.push_back(std::move(child));
  return node;
}

std::unique_ptr<MergeNode> PickColumns(std::unique_ptr<MergeNode> child,
                                       std::vector<size_t> columns) {
  bool identity = columns.size() == child->width;
  for (size_t i = 0; identity && i < columns.size(); ++i)
    identity = columns[i] == i;
  if (identity) return child;
  auto project = Wrap(MergeKind::kProject, std::move(child));
  project->width = columns.size();
  project->columns = std::move(columns);
  return project;
}

std::unique_ptr<MergeNode> FinishBlock(const Context& ctx, const BlockParts& parts,
                                       std::unique_ptr<MergeNode> node,
                                       const std::vector<ColumnId>& columns, bool sorted_input,
                                       const BlockLimit& limit) {
  if (parts.sort && !sorted_input) {
    node = Wrap(MergeKind::kSort, std::move(node));
    node->sort_keys = MergeKeys(ctx, *parts.sort, columns);
  }
  if (parts.distinct) {
    node = Wrap(MergeKind::kDistinct, std::move(node));
    for (ColumnId id : columns)
      node->column_collations.push_back(KeyCollation(ctx.columns[id].type));
  }
  if (parts.limit) {
    node = Wrap(MergeKind::kLimit, std::move(node));
    node->limit = limit.limit;
    node->offset = limit.offset;
    node->limit_param = limit.limit_param;
    node->offset_param = limit.offset_param;
  }
  if (parts.strip) {
    std::vector<size_t> picked;
    for (const auto& e : parts.strip->exprs)
      picked.push_back(PositionOf(columns, e->column));
    node = PickColumns(std::move(node), std::move(picked));
  }
  return node;
}

plan::PlanPtr ReadResultTable(Context& ctx, std::shared_ptr<const TableInfo> table,
                              std::string alias, const std::vector<plan::ColumnId>& outputs,
                              const std::vector<bool>& typed) {
  std::vector<int> indexes;
  std::vector<plan::ColumnId> scanned;
  std::vector<plan::ExprPtr> exprs;
  for (size_t i = 0; i < outputs.size(); ++i) {
    plan::ColumnMeta meta = ctx.columns[outputs[i]];
    indexes.push_back(static_cast<int>(i));
    scanned.push_back(ctx.columns.Add(meta));
    plan::ExprPtr column = plan::MakeColumn(scanned.back(), meta.type);
    if (!typed[i]) {
      column = plan::MakeUnary(ast::UnaryOp::kPlus, std::move(column));
      column->type = meta.type;
    }
    exprs.push_back(std::move(column));
  }
  return plan::MakeProject(
      plan::MakeScan(std::move(table), std::move(alias), indexes, std::move(scanned)),
      std::move(exprs), outputs);
}

}  // namespace shardql::distribute
