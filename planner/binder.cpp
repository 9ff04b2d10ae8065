// Statements, query blocks and FROM clauses. Expressions are bound in bind_expression.cpp.

#include "planner/binder.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "grammar/stack_guard.h"
#include "planner/binder_internal.h"
#include "planner/ddl.h"
#include "planner/plan_printer.h"
#include "planner/plan_verifier.h"
#include "planner/plan_visitor.h"
#include "planner/value_text.h"

namespace shardql {

plan::LogicalPlan Bind(const ast::Statement& statement, std::string_view text,
                       std::shared_ptr<const CatalogSnapshot> catalog, const Dialect& dialect,
                       const SessionViews* session_views, const temporal::StatementClock* clock) {
  StackDepthScope stack_scope;
  bind::Binder binder(text, std::move(catalog), session_views, dialect);
  if (clock) binder.SetClock(*clock);
  plan::LogicalPlan plan = binder.BindStatement(statement);
  plan::VerifyPlanInDebug(*plan.root, plan.columns);
  return plan;
}

plan::LogicalPlan BindQuery(const ast::Query& query, std::string_view text,
                            std::shared_ptr<const CatalogSnapshot> catalog, const Dialect& dialect,
                            const SessionViews* session_views) {
  StackDepthScope stack_scope;
  bind::Binder binder(text, std::move(catalog), session_views, dialect);
  plan::LogicalPlan plan = binder.BindTopQuery(query);
  plan::VerifyPlanInDebug(*plan.root, plan.columns);
  return plan;
}

bool IsBindable(const ast::Statement& statement) {
  switch (statement.kind) {
    case ast::StatementKind::kSelect:
    case ast::StatementKind::kInsert:
    case ast::StatementKind::kUpdate:
    case ast::StatementKind::kDelete:
      return true;
    default:
      return false;
  }
}

namespace bind {

using plan::Expr;
using plan::ExprKind;

namespace {

// A select item while its block is being bound.
struct SelectItem {
  ExprPtr expr;
  std::string name;
  ast::SourceSpan span;
  const ast::Expr* source = nullptr;  // null for the columns a `*` expands to
};

// Calls `fn` on the expressions every node of the tree holds (not looking into subqueries).
void ForEachExprInPlan(plan::PlanNode& node, const std::function<void(ExprPtr&)>& fn) {
  plan::ForEachNodeExpr(node, fn);
  for (plan::PlanPtr& child : node.children)
    ForEachExprInPlan(*child, fn);
}

// Post-aggregation expressions read group keys through the Aggregate's outputs: every subtree
// equal to a GROUP BY expression becomes a reference to that group's column, also inside
// correlated subqueries.
class GroupSubstitution {
 public:
  GroupSubstitution(const std::vector<ExprPtr>& groups, const std::vector<ColumnId>& ids)
      : groups_(groups), ids_(ids) {}

  void Apply(ExprPtr& e) const {
    CheckStackDepth();
    for (size_t i = 0; i < groups_.size(); ++i) {
      if (ExprEquals(*e, *groups_[i])) {
        e = plan::MakeColumn(ids_[i], groups_[i]->type);
        return;
      }
    }
    // Aggregate calls were already replaced by references to their outputs; a kAggregate here is
    // inside a subquery and belongs to that subquery's block.
    for (ExprPtr& child : e->children) {
      if (child) Apply(child);
    }
    if (e->window) {
      for (ExprPtr& p : e->window->partition_by)
        Apply(p);
      for (plan::SortKey& k : e->window->order_by)
        Apply(k.expr);
    }
    if (e->plan) ForEachExprInPlan(*e->plan, [&](ExprPtr& inner) { Apply(inner); });
  }

 private:
  const std::vector<ExprPtr>& groups_;
  const std::vector<ColumnId>& ids_;
};

bool IsIntegerLiteral(const ast::Expr& e) {
  return e.kind == ast::ExprKind::kLiteral &&
         e.As<ast::Literal>().literal_kind == ast::LiteralKind::kInteger;
}

bool IsBareName(const ast::Expr& e) {
  return e.kind == ast::ExprKind::kColumnRef && e.As<ast::ColumnRef>().parts.size() == 1;
}

int64_t OrdinalOf(const ast::Expr& e, size_t item_count, const char* clause) {
  const std::string& text = e.As<ast::Literal>().text;
  int64_t n = 0;
  bool ok = !text.empty() && text.size() < 10 &&
            std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (ok) n = std::stoll(text);
  if (!ok || n < 1 || static_cast<size_t>(n) > item_count) {
    throw SqlError(sqlstate::kInvalidColumnReference,
                   fmt::format("{} position {} is not in select list", clause, text), e.span.begin);
  }
  return n;
}

template <typename Frame>
class CteGuard {
 public:
  CteGuard(std::vector<Frame>& stack, Frame frame)
      : stack_(stack), pushed_(frame.list != nullptr && !frame.list->empty()) {
    if (pushed_) stack_.push_back(frame);
  }
  ~CteGuard() {
    if (pushed_) stack_.pop_back();
  }

 private:
  std::vector<Frame>& stack_;
  bool pushed_;
};

// Whether a bare name is a column of this block's own FROM (not of an enclosing block).
bool ResolvesLocally(const Scope& scope, const std::string& name) {
  for (const ScopeTable& t : scope.tables) {
    for (const ScopeColumn& c : t.columns) {
      if (c.name == name) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<ExprType> Binder::ParamTypes() const {
  std::vector<ExprType> out(param_count_);
  for (const auto& [index, type] : param_types_) {
    if (index >= 1 && index <= out.size()) out[index - 1] = type;
  }
  return out;
}

std::string_view Binder::SpanText(ast::SourceSpan span) const {
  return shardql::SpanText(text_, span);
}

ColumnId Binder::NewColumn(std::string name, ExprType type, std::string qualifier) {
  return columns_.Add({std::move(name), std::move(qualifier), type});
}

std::string Binder::DerivedName(const ast::Expr& expr) const {
  switch (expr.kind) {
    case ast::ExprKind::kColumnRef:
      return expr.As<ast::ColumnRef>().parts.back();
    case ast::ExprKind::kFunction:
      return expr.As<ast::Function>().name;
    case ast::ExprKind::kCast: {
      std::string inner = DerivedName(*expr.As<ast::Cast>().operand);
      return inner != "?column?" ? inner : expr.As<ast::Cast>().type.name;
    }
    case ast::ExprKind::kCollate:
      return DerivedName(*expr.As<ast::Collate>().operand);
    case ast::ExprKind::kCase:
      return "case";
    case ast::ExprKind::kExists:
      return "exists";
    case ast::ExprKind::kSubquery: {
      const ast::Query& q = *expr.As<ast::Subquery>().query;
      if (q.body && q.body->kind == ast::QueryBodyKind::kSelect && !q.body->select->items.empty()) {
        const ast::SelectItem& first = q.body->select->items[0];
        if (first.has_alias) return first.alias;
        if (first.expr->kind != ast::ExprKind::kStar) return DerivedName(*first.expr);
      }
      return "?column?";
    }
    case ast::ExprKind::kLiteral:
      return expr.As<ast::Literal>().literal_kind == ast::LiteralKind::kBoolean ? "bool"
                                                                                : "?column?";
    default:
      return "?column?";
  }
}

Binder::CteRef Binder::FindCte(const std::string& name) const {
  for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
    for (const ast::CommonTableExpr& cte : *it->list) {
      // A non-recursive CTE does not see itself: a reference from inside falls through to the
      // catalog.
      if (cte.name == name &&
          std::find(expanding_.begin(), expanding_.end(), "cte:" + name) == expanding_.end()) {
        return {&cte, it->outer};
      }
    }
  }
  return {};
}

plan::LogicalPlan Binder::BindStatement(const ast::Statement& statement) {
  switch (statement.kind) {
    case ast::StatementKind::kSelect:
      return BindTopQuery(*statement.As<ast::SelectStatement>().query);
    case ast::StatementKind::kInsert:
      return BindInsert(statement.As<ast::InsertStatement>());
    case ast::StatementKind::kUpdate:
      return BindUpdate(statement.As<ast::UpdateStatement>());
    case ast::StatementKind::kDelete:
      return BindDelete(statement.As<ast::DeleteStatement>());
    default:
      throw SqlError(sqlstate::kInternalError,
                     fmt::format("{} statements are not bound", ast::ToString(statement.kind)));
  }
}

plan::LogicalPlan Binder::BindTopQuery(const ast::Query& query) {
  BoundQuery bound = BindQuery(query, nullptr);
  plan::LogicalPlan out;
  out.root = std::move(bound.plan);
  for (size_t i = 0; i < bound.outputs.size(); ++i) {
    out.output.push_back({bound.names[i], columns_[bound.outputs[i]].type});
  }
  out.columns = std::move(columns_);
  out.param_count = param_count_;
  out.param_types = ParamTypes();
  out.reads_clock = reads_clock_;
  return out;
}

Binder::BoundQuery Binder::BindQuery(const ast::Query& query, const Scope* outer) {
  CheckStackDepth();
  CteGuard guard(ctes_, CteFrame{&query.with, outer});
  if (query.body->kind == ast::QueryBodyKind::kSelect) {
    return BindSelectBlock(*query.body->select, outer, &query);
  }
  BoundQuery bound = BindQueryBody(*query.body, outer, nullptr);
  return ApplyOutputOrderAndLimit(std::move(bound), query, outer);
}

Binder::BoundQuery Binder::BindQueryBody(const ast::QueryBody& body, const Scope* outer,
                                         const ast::Query* owner) {
  CheckStackDepth();
  switch (body.kind) {
    case ast::QueryBodyKind::kSelect:
      return BindSelectBlock(*body.select, outer, owner);
    case ast::QueryBodyKind::kValues:
      return BindValues(body, outer);
    case ast::QueryBodyKind::kSetOp:
      return BindSetOp(body, outer);
    case ast::QueryBodyKind::kNested:
      return BindQuery(*body.nested, outer);
  }
  throw SqlError(sqlstate::kInternalError, "unknown query body");
}

Binder::BoundQuery Binder::BindValues(const ast::QueryBody& body, const Scope* outer) {
  std::vector<std::vector<ExprPtr>> rows;
  size_t width = body.values.empty() ? 0 : body.values[0].size();
  for (const auto& row : body.values) {
    if (row.size() != width) {
      throw SqlError(sqlstate::kSyntaxError, "VALUES lists must all be the same length",
                     row.empty() ? body.span.begin : row[0]->span.begin);
    }
    std::vector<ExprPtr> bound_row;
    ExpressionBinder binder(*this, outer, ExprContext::kValues, nullptr);
    for (const auto& e : row)
      bound_row.push_back(binder.Bind(*e));
    rows.push_back(std::move(bound_row));
  }
  BoundQuery out;
  for (size_t i = 0; i < width; ++i) {
    std::string name = fmt::format("column{}", i + 1);
    out.outputs.push_back(NewColumn(name, rows[0][i]->type));
    out.names.push_back(name);
  }
  out.plan = plan::MakeValues(std::move(rows), out.outputs);
  return out;
}

Binder::BoundQuery Binder::BindSetOp(const ast::QueryBody& body, const Scope* outer) {
  BoundQuery left = BindQueryBody(*body.left, outer, nullptr);
  BoundQuery right = BindQueryBody(*body.right, outer, nullptr);
  if (left.outputs.size() != right.outputs.size()) {
    throw SqlError(sqlstate::kSyntaxError,
                   fmt::format("each {} query must have the same number of columns",
                               ast::ToString(body.set_op)),
                   body.right->span.begin);
  }
  BoundQuery out;
  for (size_t i = 0; i < left.outputs.size(); ++i) {
    // The result column compares with the left side's collation, or the right side's when the
    // left has none (SQLite's multiSelectCollSeq); its affinity is the leftmost SELECT's.
    ExprType type = columns_[left.outputs[i]].type;
    const ExprType& right_type = columns_[right.outputs[i]].type;
    if (type.collation_source == CollationSource::kNone &&
        right_type.collation_source != CollationSource::kNone) {
      type.collation = right_type.collation;
      type.collation_source = right_type.collation_source;
    }
    out.outputs.push_back(NewColumn(left.names[i], AsColumnType(type)));
    out.names.push_back(left.names[i]);
  }
  out.plan = plan::MakeSetOp(body.set_op, body.all, std::move(left.plan), std::move(right.plan),
                             out.outputs);
  return out;
}

plan::PlanPtr Binder::ApplyLimit(plan::PlanPtr plan, const ast::Query& query, const Scope* outer) {
  if (!query.limit && !query.offset) return plan;
  ExpressionBinder binder(*this, nullptr, ExprContext::kValues, nullptr);
  return plan::MakeLimit(std::move(plan), query.limit ? binder.Bind(*query.limit) : nullptr,
                         query.offset ? binder.Bind(*query.offset) : nullptr);
}

Binder::BoundQuery Binder::ApplyOutputOrderAndLimit(BoundQuery bound, const ast::Query& query,
                                                    const Scope* outer) {
  if (!query.order_by.empty()) {
    std::vector<plan::SortKey> keys;
    for (const ast::OrderItem& item : query.order_by) {
      size_t index = 0;
      if (IsIntegerLiteral(*item.expr)) {
        index = OrdinalOf(*item.expr, bound.outputs.size(), "ORDER BY") - 1;
      } else if (IsBareName(*item.expr)) {
        const std::string& name = item.expr->As<ast::ColumnRef>().parts[0];
        auto it = std::find(bound.names.begin(), bound.names.end(), name);
        if (it == bound.names.end()) {
          throw SqlError(sqlstate::kUndefinedColumn,
                         fmt::format("column \"{}\" does not exist", name), item.expr->span.begin);
        }
        index = static_cast<size_t>(it - bound.names.begin());
      } else {
        SqlError error(sqlstate::kFeatureNotSupported,
                       "invalid UNION/INTERSECT/EXCEPT ORDER BY clause", item.expr->span.begin);
        error.detail = "Only result column names can be used, not expressions or functions.";
        throw error;
      }
      plan::SortKey key;
      key.expr = plan::MakeColumn(bound.outputs[index], columns_[bound.outputs[index]].type);
      key.descending = item.direction == ast::SortDirection::kDesc;
      key.nulls = item.nulls;
      keys.push_back(std::move(key));
    }
    bound.plan = plan::MakeSort(std::move(bound.plan), std::move(keys));
  }
  bound.plan = ApplyLimit(std::move(bound.plan), query, outer);
  return bound;
}

Binder::BoundQuery Binder::BindSelectBlock(const ast::SelectCore& core, const Scope* outer,
                                           const ast::Query* owner) {
  CheckStackDepth();
  // FROM: a comma list is a chain of inner joins without a condition.
  Scope scope;
  scope.parent = outer;
  plan::PlanPtr plan;
  for (const ast::TableRefPtr& ref : core.from) {
    FromItem item = BindFromItem(*ref, outer);
    scope.merged_away.insert(item.merged_away.begin(), item.merged_away.end());
    for (ScopeTable& t : item.tables) {
      if (!t.alias.empty()) {
        for (const ScopeTable& existing : scope.tables) {
          if (existing.alias == t.alias) {
            throw SqlError(sqlstate::kDuplicateAlias,
                           fmt::format("table name \"{}\" specified more than once", t.alias),
                           ref->span.begin);
          }
        }
      }
      scope.tables.push_back(std::move(t));
    }
    plan = plan ? plan::MakeJoin(plan::JoinKind::kInner, std::move(plan), std::move(item.plan),
                                 nullptr)
                : std::move(item.plan);
  }
  if (!plan) {
    std::vector<std::vector<ExprPtr>> one_empty_row(1);
    plan = plan::MakeValues(std::move(one_empty_row), {});
  }
  std::set<ColumnId> local_ids(plan->outputs.begin(), plan->outputs.end());

  if (core.where) {
    plan = plan::MakeFilter(
        std::move(plan),
        ExpressionBinder(*this, &scope, ExprContext::kWhere, nullptr).Bind(*core.where));
  }

  BlockCollector collector;
  collector.from_scope = &scope;
  collector.named_windows = &core.windows;
  collector.aggregating = !core.group_by.empty() || (core.having != nullptr);
  for (const ast::SelectItem& item : core.items) {
    if (item.expr->kind != ast::ExprKind::kStar &&
        HasAggregateCall(*item.expr, dialect_.Functions())) {
      collector.aggregating = true;
    }
  }
  if (owner) {
    for (const ast::OrderItem& item : owner->order_by) {
      if (HasAggregateCall(*item.expr, dialect_.Functions())) collector.aggregating = true;
    }
  }

  // GROUP BY: an ordinal names a select item; a bare name is an input column first and an output
  // alias only when no input column has it (PostgreSQL's rule).
  std::vector<ExprPtr> groups;
  for (const ast::ExprPtr& g : core.group_by) {
    const ast::Expr* source = g.get();
    if (IsIntegerLiteral(*g)) {
      source = core.items[OrdinalOf(*g, core.items.size(), "GROUP BY") - 1].expr.get();
      if (source->kind == ast::ExprKind::kStar) {
        throw SqlError(sqlstate::kFeatureNotSupported, "GROUP BY position of * is not supported",
                       g->span.begin);
      }
    }
    // A bare name is this block's input column if it has one, else a select item's alias, else
    // whatever it names further out (PostgreSQL's findTargetlistEntrySQL92).
    if (IsBareName(*g) && !ResolvesLocally(scope, g->As<ast::ColumnRef>().parts[0])) {
      const std::string& name = g->As<ast::ColumnRef>().parts[0];
      for (const ast::SelectItem& item : core.items) {
        if (item.has_alias && item.alias == name &&
            !HasAggregateCall(*item.expr, dialect_.Functions())) {
          source = item.expr.get();
          break;
        }
      }
    }
    ExprPtr bound = ExpressionBinder(*this, &scope, ExprContext::kGroupBy, nullptr).Bind(*source);
    bool duplicate = std::any_of(groups.begin(), groups.end(),
                                 [&](const ExprPtr& e) { return ExprEquals(*e, *bound); });
    if (!duplicate) groups.push_back(std::move(bound));
  }
  std::vector<ColumnId> group_ids;
  for (const ExprPtr& g : groups) {
    // Named after the expression, qualified, so a plan shows which key a reference reads.
    group_ids.push_back(NewColumn(FormatExpr(*g, columns_), g->type));
  }
  GroupSubstitution substitution(groups, group_ids);

  // The select list; `*` expands to every visible column.
  std::vector<SelectItem> items;
  for (const ast::SelectItem& item : core.items) {
    if (item.expr->kind == ast::ExprKind::kStar) {
      const auto& star = item.expr->As<ast::Star>();
      bool matched = false;
      for (size_t t = 0; t < scope.tables.size(); ++t) {
        const ScopeTable& table = scope.tables[t];
        if (!star.qualifier.empty() && table.alias != star.qualifier.back()) continue;
        matched = true;
        for (const ScopeColumn& c : table.columns) {
          if (star.qualifier.empty() && scope.merged_away.count(c.id)) continue;
          items.push_back({plan::MakeColumn(c.id, c.type), c.name, item.span, nullptr});
        }
      }
      if (!matched) {
        if (star.qualifier.empty()) {
          throw SqlError(sqlstate::kSyntaxError, "SELECT * with no tables specified is not valid",
                         item.span.begin);
        }
        throw SqlError(
            sqlstate::kUndefinedTable,
            fmt::format("missing FROM-clause entry for table \"{}\"", star.qualifier.back()),
            item.span.begin);
      }
      continue;
    }
    ExprPtr bound =
        ExpressionBinder(*this, &scope, ExprContext::kSelectList, &collector).Bind(*item.expr);
    items.push_back({std::move(bound), item.has_alias ? item.alias : DerivedName(*item.expr),
                     item.span, item.expr.get()});
  }

  ExprPtr having;
  if (core.having) {
    having = ExpressionBinder(*this, &scope, ExprContext::kHaving, &collector).Bind(*core.having);
  }

  // ORDER BY: an ordinal or a bare output name picks a select item; anything else is an expression
  // of the block, matched against the select items or carried as a hidden column.
  struct OrderKey {
    size_t item = 0;
    bool descending = false;
    ast::NullsOrder nulls = ast::NullsOrder::kDefault;
  };
  std::vector<OrderKey> order_keys;
  size_t visible = items.size();
  if (owner) {
    for (const ast::OrderItem& order : owner->order_by) {
      OrderKey key;
      key.descending = order.direction == ast::SortDirection::kDesc;
      key.nulls = order.nulls;
      if (IsIntegerLiteral(*order.expr)) {
        key.item = OrdinalOf(*order.expr, visible, "ORDER BY") - 1;
        order_keys.push_back(key);
        continue;
      }
      if (IsBareName(*order.expr)) {
        const std::string& name = order.expr->As<ast::ColumnRef>().parts[0];
        std::optional<size_t> match;
        for (size_t i = 0; i < visible; ++i) {
          if (items[i].name != name) continue;
          if (match && !ExprEquals(*items[*match].expr, *items[i].expr)) {
            throw SqlError(sqlstate::kAmbiguousColumn,
                           fmt::format("ORDER BY \"{}\" is ambiguous", name),
                           order.expr->span.begin);
          }
          if (!match) match = i;
        }
        if (match) {
          key.item = *match;
          order_keys.push_back(key);
          continue;
        }
      }
      ExprPtr bound =
          ExpressionBinder(*this, &scope, ExprContext::kOrderBy, &collector).Bind(*order.expr);
      std::optional<size_t> match;
      for (size_t i = 0; i < items.size() && !match; ++i) {
        if (ExprEquals(*items[i].expr, *bound)) match = i;
      }
      if (!match) {
        if (core.distinct) {
          throw SqlError(sqlstate::kInvalidColumnReference,
                         "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                         order.expr->span.begin);
        }
        std::string name = FormatExpr(*bound, columns_);
        items.push_back({std::move(bound), name, order.span, order.expr.get()});
        match = items.size() - 1;
      }
      key.item = *match;
      order_keys.push_back(key);
    }
  }

  // Grouping: every post-aggregation expression reads group keys and aggregates only — or, where
  // the dialect has them (SQLite), bare columns: a column outside any aggregate reads the value of
  // one row of its group, as that backend picks it. Each becomes a pseudo-aggregate (kBareColumn)
  // that the shard or merge engine writes back as the bare column.
  std::map<ColumnId, ColumnId> bare_ids;
  std::function<void(ExprPtr&)> bare = [&](ExprPtr& e) {
    CheckStackDepth();
    if (e->kind == ExprKind::kColumn && local_ids.count(e->column)) {
      auto it = bare_ids.find(e->column);
      if (it == bare_ids.end()) {
        auto aggregate = std::make_unique<Expr>(ExprKind::kAggregate);
        aggregate->name = plan::kBareColumn;
        aggregate->type = e->type;
        aggregate->children.push_back(e->Clone());
        ColumnId id = NewColumn(columns_[e->column].name, e->type);
        collector.aggregates.push_back(std::move(aggregate));
        collector.aggregate_ids.push_back(id);
        it = bare_ids.emplace(e->column, id).first;
      }
      e = plan::MakeColumn(it->second, e->type);
      return;
    }
    for (ExprPtr& child : e->children) {
      if (child) bare(child);
    }
    if (e->window) {
      for (ExprPtr& p : e->window->partition_by)
        bare(p);
      for (plan::SortKey& k : e->window->order_by)
        bare(k.expr);
    }
  };
  if (collector.aggregating) {
    auto check = [&](ExprPtr& e, ast::SourceSpan span) {
      substitution.Apply(e);
      if (dialect_.AllowsBareColumns()) bare(e);
      VisitExpr(
          *e,
          [&](const Expr& sub) {
            if (sub.kind == ExprKind::kColumn && local_ids.count(sub.column)) {
              const plan::ColumnMeta& meta = columns_[sub.column];
              std::string name =
                  meta.qualifier.empty() ? meta.name : meta.qualifier + "." + meta.name;
              throw SqlError(sqlstate::kGroupingError,
                             fmt::format("column \"{}\" must appear in the GROUP BY clause or be "
                                         "used in an aggregate function",
                                         name),
                             span.begin);
            }
          },
          true);
    };
    for (SelectItem& item : items)
      check(item.expr, item.span);
    if (having) check(having, core.having->span);
    for (ExprPtr& w : collector.windows)
      check(w, core.items.empty() ? ast::SourceSpan{} : core.items[0].span);
  }

  if (collector.aggregating) {
    std::vector<ColumnId> ids = group_ids;
    ids.insert(ids.end(), collector.aggregate_ids.begin(), collector.aggregate_ids.end());
    plan = plan::MakeAggregate(std::move(plan), std::move(groups), std::move(collector.aggregates),
                               std::move(ids));
  }
  if (having) plan = plan::MakeFilter(std::move(plan), std::move(having));
  if (!collector.windows.empty()) {
    plan = plan::MakeWindow(std::move(plan), std::move(collector.windows), collector.window_ids);
  }

  BoundQuery out;
  std::vector<ExprPtr> exprs;
  std::vector<ColumnId> all_outputs;
  for (size_t i = 0; i < items.size(); ++i) {
    ColumnId id = NewColumn(items[i].name, items[i].expr->type);
    all_outputs.push_back(id);
    exprs.push_back(std::move(items[i].expr));
    if (i < visible) {
      out.outputs.push_back(id);
      out.names.push_back(items[i].name);
    }
  }
  plan = plan::MakeProject(std::move(plan), std::move(exprs), all_outputs);

  if (core.distinct) plan = plan::MakeDistinct(std::move(plan));
  if (!order_keys.empty()) {
    std::vector<plan::SortKey> keys;
    for (const OrderKey& k : order_keys) {
      ColumnId id = all_outputs[k.item];
      keys.push_back({plan::MakeColumn(id, columns_[id].type), k.descending, k.nulls});
    }
    plan = plan::MakeSort(std::move(plan), std::move(keys));
  }
  if (owner) plan = ApplyLimit(std::move(plan), *owner, outer);
  if (all_outputs.size() > visible) {
    // Hidden sort keys leave through a projection of the visible columns.
    plan = plan::MakePickColumns(std::move(plan), out.outputs, columns_);
  }
  out.plan = std::move(plan);
  return out;
}

Binder::FromItem Binder::BindFromItem(const ast::TableRef& ref, const Scope* outer) {
  CheckStackDepth();
  switch (ref.kind) {
    case ast::TableRefKind::kNamed:
      return BindNamedTable(ref.As<ast::NamedTable>(), outer);
    case ast::TableRefKind::kDerived: {
      const auto& derived = ref.As<ast::DerivedTable>();
      return BindDerived(*derived.query, derived.alias, derived.column_aliases, outer, ref.span);
    }
    case ast::TableRefKind::kJoin:
      return BindJoin(ref.As<ast::JoinRef>(), outer);
  }
  throw SqlError(sqlstate::kInternalError, "unknown FROM item");
}

Binder::FromItem Binder::BindDerived(const ast::Query& query, const std::string& alias,
                                     const std::vector<std::string>& column_aliases,
                                     const Scope* outer, ast::SourceSpan span) {
  BoundQuery bound = BindQuery(query, outer);
  if (column_aliases.size() > bound.outputs.size()) {
    throw SqlError(sqlstate::kInvalidColumnReference,
                   fmt::format("table \"{}\" has {} columns available but {} columns specified",
                               alias, bound.outputs.size(), column_aliases.size()),
                   span.begin);
  }
  FromItem item;
  ScopeTable table;
  table.alias = alias;
  for (size_t i = 0; i < bound.outputs.size(); ++i) {
    std::string name = i < column_aliases.size() ? column_aliases[i] : bound.names[i];
    table.columns.push_back(
        {name, bound.outputs[i], AsColumnType(columns_[bound.outputs[i]].type)});
  }
  item.tables.push_back(std::move(table));
  item.plan = std::move(bound.plan);
  return item;
}

Binder::FromItem Binder::BindNamedTable(const ast::NamedTable& ref, const Scope* outer) {
  std::vector<std::string> name = ref.name;
  if (name.size() == 2 && (name[0] == "main" || name[0] == "public")) name.erase(name.begin());
  if (name.size() != 1) {
    throw SqlError(sqlstate::kUndefinedTable,
                   fmt::format("relation \"{}\" does not exist", JoinName(ref.name)),
                   ref.span.begin);
  }
  const std::string& table_name = name[0];
  std::string alias = ref.alias.empty() ? table_name : ref.alias;

  if (CteRef found = FindCte(table_name); found.cte) {
    std::vector<std::string> aliases = ref.column_aliases;
    if (aliases.empty()) aliases = found.cte->column_names;
    expanding_.push_back("cte:" + table_name);
    FromItem item = BindDerived(*found.cte->query, alias, aliases, found.outer, ref.span);
    expanding_.pop_back();
    auto number = cte_numbers_.try_emplace(found.cte, cte_numbers_.size() + 1).first->second;
    item.plan->cte_reference = number;
    return item;
  }
  // A session's temporary view shadows a table of the same name (SQLite's temp schema).
  if (session_views_ && session_views_->count(table_name)) {
    return BindView(session_views_->at(table_name), ref, alias);
  }
  if (auto table = catalog_->FindTable(table_name)) {
    FromItem item;
    item.tables.emplace_back();
    item.plan = ScanTable(table, alias, ref.column_aliases, item.tables.back());
    return item;
  }
  if (const ViewInfo* view = FindView(table_name)) return BindView(*view, ref, alias);
  throw SqlError(sqlstate::kUndefinedTable,
                 fmt::format("relation \"{}\" does not exist", table_name), ref.span.begin);
}

const ViewInfo* Binder::FindView(const std::string& name) const {
  if (session_views_) {
    auto it = session_views_->find(name);
    if (it != session_views_->end()) return &it->second;
  }
  return catalog_->FindView(name);
}

Binder::FromItem Binder::BindView(const ViewInfo& view, const ast::NamedTable& ref,
                                  const std::string& alias) {
  std::vector<ast::StatementPtr> parsed = ParseSql(view.query_sql);
  if (parsed.size() != 1 || parsed[0]->kind != ast::StatementKind::kSelect) {
    throw SqlError(sqlstate::kInternalError,
                   fmt::format("the definition of view \"{}\" is damaged", view.name));
  }
  std::string key = "view:" + view.name;
  if (std::find(expanding_.begin(), expanding_.end(), key) != expanding_.end() ||
      expanding_.size() > 64) {
    throw SqlError(
        sqlstate::kInvalidTableDefinition,
        fmt::format("infinite recursion detected in the definition of view \"{}\"", view.name),
        ref.span.begin);
  }
  // The view's text is its own statement: bind it with its own text so spans stay right.
  Binder inner(view.query_sql, catalog_, session_views_, dialect_);
  inner.columns_ = std::move(columns_);
  inner.expanding_ = expanding_;
  inner.expanding_.push_back(key);
  inner.param_count_ = param_count_;
  inner.clock_ = clock_;
  std::vector<std::string> aliases = ref.column_aliases;
  if (aliases.empty()) aliases = view.column_names;
  FromItem item;
  try {
    item = inner.BindDerived(*parsed[0]->As<ast::SelectStatement>().query, alias, aliases, nullptr,
                             ref.span);
  } catch (SqlError& e) {
    columns_ = std::move(inner.columns_);
    // An error inside a view's definition points at the view's use in this statement.
    e.position = ref.span.begin;
    throw;
  }
  columns_ = std::move(inner.columns_);
  reads_clock_ = reads_clock_ || inner.reads_clock_;  // now() in a view: not cached either
  return item;
}

Binder::FromItem Binder::BindJoin(const ast::JoinRef& join, const Scope* outer) {
  FromItem left = BindFromItem(*join.left, outer);
  FromItem right = BindFromItem(*join.right, outer);

  plan::JoinKind kind = plan::JoinKind::kInner;
  switch (join.join_kind) {
    case ast::JoinKind::kInner:
      kind = plan::JoinKind::kInner;
      break;
    case ast::JoinKind::kLeft:
      kind = plan::JoinKind::kLeft;
      break;
    case ast::JoinKind::kRight:
      kind = plan::JoinKind::kRight;
      break;
    case ast::JoinKind::kFull:
      kind = plan::JoinKind::kFull;
      break;
    case ast::JoinKind::kCross:
      kind = plan::JoinKind::kCross;
      break;
  }
  ExprPtr condition;

  // NATURAL: the names both sides show (a side's merged-away copies are not shown).
  std::vector<std::string> using_columns = join.using_columns;
  if (join.natural) {
    std::vector<const ScopeColumn*> right_visible = VisibleColumns(right);
    for (const ScopeColumn* lc : VisibleColumns(left)) {
      bool common = std::any_of(right_visible.begin(), right_visible.end(),
                                [&](const ScopeColumn* rc) { return rc->name == lc->name; });
      if (common &&
          std::find(using_columns.begin(), using_columns.end(), lc->name) == using_columns.end()) {
        using_columns.push_back(lc->name);
      }
    }
  }

  FromItem out;
  out.merged_away = left.merged_away;
  out.merged_away.insert(right.merged_away.begin(), right.merged_away.end());
  if (!using_columns.empty()) {
    // SQLite shows a RIGHT or FULL join's merged column as coalesce(left, right) in the left
    // copy's place; that column is not modelled yet.
    if (kind == plan::JoinKind::kFull || kind == plan::JoinKind::kRight) {
      throw SqlError(sqlstate::kFeatureNotSupported,
                     fmt::format("{} JOIN with USING or NATURAL is not supported",
                                 kind == plan::JoinKind::kFull ? "FULL" : "RIGHT"),
                     join.span.begin);
    }
    auto find_in = [&](const FromItem& side, const std::string& name,
                       const char* which) -> const ScopeColumn& {
      const ScopeColumn* found = nullptr;
      for (const ScopeColumn* c : VisibleColumns(side)) {
        if (c->name != name) continue;
        if (found) {
          throw SqlError(sqlstate::kAmbiguousColumn,
                         fmt::format("common column name \"{}\" appears more than once in {} "
                                     "table",
                                     name, which),
                         join.span.begin);
        }
        found = c;
      }
      if (!found) {
        throw SqlError(sqlstate::kUndefinedColumn,
                       fmt::format("column \"{}\" specified in USING clause does not exist in {} "
                                   "table",
                                   name, which),
                       join.span.begin);
      }
      return *found;
    };
    std::vector<ExprPtr> conditions;
    for (const std::string& name : using_columns) {
      const ScopeColumn& lc = find_in(left, name, "left");
      const ScopeColumn& rc = find_in(right, name, "right");
      conditions.push_back(plan::MakeBinary(ast::BinaryOp::kEq, plan::MakeColumn(lc.id, lc.type),
                                            plan::MakeColumn(rc.id, rc.type)));
      // The left copy stands for both (INNER and LEFT joins: it is never NULL where the right
      // one is not).
      out.merged_away.insert(rc.id);
    }
    condition = plan::JoinConjuncts(std::move(conditions));
    if (kind == plan::JoinKind::kCross) kind = plan::JoinKind::kInner;
  } else if (join.on) {
    // The condition sees both sides (and the enclosing blocks, for correlation).
    Scope join_scope;
    join_scope.parent = outer;
    join_scope.tables = left.tables;
    join_scope.tables.insert(join_scope.tables.end(), right.tables.begin(), right.tables.end());
    join_scope.merged_away = out.merged_away;
    condition =
        ExpressionBinder(*this, &join_scope, ExprContext::kJoinCondition, nullptr).Bind(*join.on);
  }

  out.plan =
      plan::MakeJoin(kind, std::move(left.plan), std::move(right.plan), std::move(condition));
  out.tables = std::move(left.tables);
  for (ScopeTable& t : right.tables)
    out.tables.push_back(std::move(t));
  return out;
}

std::vector<const ScopeColumn*> Binder::VisibleColumns(const FromItem& item) {
  std::vector<const ScopeColumn*> out;
  for (const ScopeTable& t : item.tables) {
    for (const ScopeColumn& c : t.columns) {
      if (!item.merged_away.count(c.id)) out.push_back(&c);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// INSERT / UPDATE / DELETE

std::shared_ptr<const TableInfo> Binder::WritableTable(const std::vector<std::string>& name,
                                                       ast::SourceSpan span) const {
  std::vector<std::string> parts = name;
  if (parts.size() == 2 && (parts[0] == "main" || parts[0] == "public")) parts.erase(parts.begin());
  if (parts.size() == 1) {
    bool session_view = session_views_ && session_views_->count(parts[0]);
    if (auto table = catalog_->FindTable(parts[0]); table && !session_view) return table;
    if (FindView(parts[0])) {
      SqlError error(sqlstate::kObjectNotInPrerequisiteState,
                     fmt::format("cannot change view \"{}\"", parts[0]), span.begin);
      error.detail = "Views are read-only.";
      throw error;
    }
  }
  throw SqlError(sqlstate::kUndefinedTable,
                 fmt::format("relation \"{}\" does not exist", JoinName(name)), span.begin);
}

std::unique_ptr<plan::ScanNode> Binder::ScanTable(std::shared_ptr<const TableInfo> table,
                                                  const std::string& alias,
                                                  const std::vector<std::string>& renames,
                                                  ScopeTable& scope_table) {
  scope_table.alias = alias;
  std::vector<int> indexes;
  std::vector<ColumnId> ids;
  for (size_t i = 0; i < table->columns.size(); ++i) {
    const ColumnInfo& col = table->columns[i];
    ExprType type = ColumnType(col);
    ColumnId id = NewColumn(col.name, type, alias);
    indexes.push_back(static_cast<int>(i));
    ids.push_back(id);
    scope_table.columns.push_back({i < renames.size() ? renames[i] : col.name, id, type});
  }
  bool key_indexed = false;
  if (table->shard_key >= 0) {
    const std::vector<int>& leading = table->constraint_leading_columns;
    key_indexed = std::find(leading.begin(), leading.end(), table->shard_key) != leading.end();
    for (const IndexInfo* index : catalog_->IndexesOf(table->name)) {
      key_indexed =
          key_indexed || (!index->columns.empty() &&
                          EqualsIgnoreCase(index->columns.front(), table->shard_key_column().name));
    }
  }
  auto scan = plan::MakeScan(std::move(table), alias, std::move(indexes), std::move(ids));
  scan->shard_key_indexed = key_indexed;
  return scan;
}

std::unique_ptr<plan::ScanNode> Binder::TargetScan(std::shared_ptr<const TableInfo> table,
                                                   const std::string& alias, Scope& scope) {
  std::string name = alias.empty() ? table->name : alias;
  scope.tables.emplace_back();
  return ScanTable(std::move(table), name, {}, scope.tables.back());
}

plan::PlanPtr Binder::FilteredTarget(std::shared_ptr<const TableInfo> table,
                                     const std::string& alias, const ast::Expr* where,
                                     Scope& scope) {
  plan::PlanPtr child = TargetScan(std::move(table), alias, scope);
  if (!where) return child;
  return plan::MakeFilter(
      std::move(child), ExpressionBinder(*this, &scope, ExprContext::kWhere, nullptr).Bind(*where));
}

plan::LogicalPlan Binder::Finish(plan::PlanPtr root) {
  plan::LogicalPlan out;
  out.root = std::move(root);
  out.columns = std::move(columns_);
  out.param_count = param_count_;
  out.param_types = ParamTypes();
  out.reads_clock = reads_clock_;
  return out;
}

plan::LogicalPlan Binder::BindInsert(const ast::InsertStatement& stmt) {
  auto table = WritableTable(stmt.table, stmt.span);
  std::vector<int> target_columns;
  for (const std::string& name : stmt.columns) {
    int index = table->FindColumn(name);
    if (index < 0) {
      throw SqlError(
          sqlstate::kUndefinedColumn,
          fmt::format("column \"{}\" of relation \"{}\" does not exist", name, table->name),
          stmt.span.begin);
    }
    if (std::find(target_columns.begin(), target_columns.end(), index) != target_columns.end()) {
      throw SqlError(sqlstate::kDuplicateColumn,
                     fmt::format("column \"{}\" specified more than once", name), stmt.span.begin);
    }
    target_columns.push_back(index);
  }
  if (stmt.columns.empty() && !stmt.default_values) {
    for (size_t i = 0; i < table->columns.size(); ++i) {
      target_columns.push_back(static_cast<int>(i));
    }
  }
  plan::PlanPtr source;
  size_t width = 0;
  if (stmt.default_values) {
    std::vector<std::vector<ExprPtr>> one_empty_row(1);
    source = plan::MakeValues(std::move(one_empty_row), {});
    target_columns.clear();
  } else {
    BoundQuery bound = BindQuery(*stmt.source, nullptr);
    width = bound.outputs.size();
    source = std::move(bound.plan);
  }
  // VALUES ($1, $2): each parameter is described with the type of the column it fills.
  if (source && source->kind == plan::NodeKind::kValues && width == target_columns.size()) {
    for (const auto& row : source->Cast<plan::ValuesNode>().rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        if (row[i]->kind == plan::ExprKind::kParam) {
          NoteParamType(row[i]->param_index, ColumnType(table->columns[target_columns[i]]));
        }
      }
    }
  }
  if (!stmt.default_values && width != target_columns.size()) {
    throw SqlError(sqlstate::kSyntaxError,
                   width > target_columns.size()
                       ? "INSERT has more expressions than target columns"
                       : "INSERT has more target columns than expressions",
                   stmt.source->span.begin);
  }
  FillClockDefaults(*table, target_columns, source);
  return Finish(plan::MakeInsert(table, std::move(target_columns), std::move(source)));
}

ExprPtr Binder::BindColumnDefault(const TableInfo& table, int index, bool* reads_clock) {
  const std::string& default_sql = table.columns[index].default_sql;
  if (default_sql.empty()) return plan::MakeConstant(Value::Null());
  std::string select = "SELECT " + default_sql;
  std::vector<ast::StatementPtr> parsed = ParseSql(select);
  Binder inner(select, catalog_, session_views_, dialect_);
  inner.columns_ = std::move(columns_);
  inner.clock_ = clock_;
  const ast::Query& q = *parsed[0]->As<ast::SelectStatement>().query;
  ExprPtr value;
  try {
    value = ExpressionBinder(inner, nullptr, ExprContext::kValues, nullptr)
                .Bind(*q.body->select->items[0].expr);
  } catch (const SqlError&) {
    columns_ = std::move(inner.columns_);  // the statement's columns, whatever the default did
    throw;
  }
  columns_ = std::move(inner.columns_);
  reads_clock_ = reads_clock_ || inner.reads_clock_;
  if (reads_clock) *reads_clock = inner.reads_clock_;
  return value;
}

void Binder::FillClockDefaults(const TableInfo& table, std::vector<int>& target_columns,
                               plan::PlanPtr& source) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const ColumnInfo& column = table.columns[i];
    auto index = static_cast<int>(i);
    if (column.default_sql.empty() ||
        std::find(target_columns.begin(), target_columns.end(), index) != target_columns.end()) {
      continue;
    }
    // A default of current_timestamp, current_date ... is the statement's clock, as now() is:
    // the shards' own (SQLite's CURRENT_TIMESTAMP) would be another text, per shard.
    bool reads_clock = false;
    ExprPtr value;
    try {
      value = BindColumnDefault(table, index, &reads_clock);
    } catch (const SqlError&) {
      continue;  // one shardql does not compute (DEFAULT CURRENT_TIME): the shard's, as before
    }
    if (!reads_clock) continue;
    TypeId want = ColumnType(column).type.id;
    if (value->kind == plan::ExprKind::kConstant && temporal::IsTemporal(want) &&
        temporal::IsTemporal(value->value.kind())) {
      // As PostgreSQL assigns a timestamptz to a date or timestamp column (at UTC).
      if (std::optional<Value> cast = temporal::Cast(value->value, want)) {
        value = plan::MakeConstant(std::move(*cast));
        value->type = ColumnType(column);
      }
    }
    ColumnId id = columns_.Add({column.name, "", value->type});
    if (source->kind == plan::NodeKind::kValues) {
      for (auto& row : source->Cast<plan::ValuesNode>().rows)
        row.push_back(value->Clone());
      source->outputs.push_back(id);
    } else {
      std::vector<ExprPtr> exprs;
      std::vector<ColumnId> outputs = source->outputs;
      for (ColumnId out : outputs)
        exprs.push_back(plan::MakeColumn(out, columns_[out].type));
      exprs.push_back(std::move(value));
      outputs.push_back(id);
      source = plan::MakeProject(std::move(source), std::move(exprs), std::move(outputs));
    }
    target_columns.push_back(index);
  }
}

plan::LogicalPlan Binder::BindUpdate(const ast::UpdateStatement& stmt) {
  auto table = WritableTable(stmt.table, stmt.span);
  Scope scope;
  plan::PlanPtr child = FilteredTarget(table, stmt.alias, stmt.where.get(), scope);
  std::vector<plan::Assignment> assignments;
  for (const ast::Assignment& a : stmt.assignments) {
    int index = table->FindColumn(a.column);
    if (index < 0) {
      throw SqlError(
          sqlstate::kUndefinedColumn,
          fmt::format("column \"{}\" of relation \"{}\" does not exist", a.column, table->name),
          a.span.begin);
    }
    ExprPtr value;
    if (a.value) {
      value = ExpressionBinder(*this, &scope, ExprContext::kAssignment, nullptr).Bind(*a.value);
    } else {
      // SET col = DEFAULT: the column's default expression, or NULL.
      value = BindColumnDefault(*table, index);
    }
    if (value->kind == plan::ExprKind::kParam) {
      NoteParamType(value->param_index, ColumnType(table->columns[index]));
    }
    // When a column is assigned twice, the rightmost assignment wins (SQLite's rule).
    std::erase_if(assignments, [&](const plan::Assignment& x) { return x.column == index; });
    assignments.push_back({index, std::move(value)});
  }
  return Finish(plan::MakeUpdate(table, std::move(assignments), std::move(child)));
}

plan::LogicalPlan Binder::BindDelete(const ast::DeleteStatement& stmt) {
  auto table = WritableTable(stmt.table, stmt.span);
  Scope scope;
  plan::PlanPtr child = FilteredTarget(table, stmt.alias, stmt.where.get(), scope);
  return Finish(plan::MakeDelete(table, std::move(child)));
}

}  // namespace bind
}  // namespace shardql
