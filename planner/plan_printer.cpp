#include "planner/plan_printer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "grammar/stack_guard.h"
#include "planner/shard_pruning.h"
#include "planner/write_planner.h"

namespace shardql {

using plan::Expr;
using plan::ExprKind;

namespace {

void RenderInto(const ExplainNode& node, const std::string& prefix, bool last, bool root,
                std::string& out) {
  CheckStackDepth();
  std::string branch = root ? "" : (last ? "└── " : "├── ");
  out += prefix + branch + node.title + "\n";
  std::string child_prefix = root ? "" : prefix + (last ? "    " : "│   ");
  std::string detail_prefix = child_prefix + (node.children.empty() ? "  " : "│ ");
  for (const std::string& d : node.details)
    out += detail_prefix + d + "\n";
  for (size_t i = 0; i < node.children.size(); ++i) {
    RenderInto(node.children[i], child_prefix, i + 1 == node.children.size(), false, out);
  }
}

// Binding strength for parenthesisation, loosest first (PostgreSQL's operator precedence).
int Precedence(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kBinary:
      switch (e.binary_op) {
        case ast::BinaryOp::kOr:
          return 1;
        case ast::BinaryOp::kAnd:
          return 2;
        case ast::BinaryOp::kEq:
        case ast::BinaryOp::kNotEq:
        case ast::BinaryOp::kLt:
        case ast::BinaryOp::kLtEq:
        case ast::BinaryOp::kGt:
        case ast::BinaryOp::kGtEq:
          return 5;
        case ast::BinaryOp::kConcat:
        case ast::BinaryOp::kBitAnd:
        case ast::BinaryOp::kBitOr:
        case ast::BinaryOp::kShiftLeft:
        case ast::BinaryOp::kShiftRight:
          return 7;
        case ast::BinaryOp::kAdd:
        case ast::BinaryOp::kSub:
          return 8;
        case ast::BinaryOp::kMul:
        case ast::BinaryOp::kDiv:
        case ast::BinaryOp::kMod:
          return 9;
      }
      return 0;
    case ExprKind::kUnary:
      return e.unary_op == ast::UnaryOp::kNot ? 3 : 10;
    case ExprKind::kIsNull:
    case ExprKind::kIsBool:
    case ExprKind::kIsDistinct:
      return 4;
    case ExprKind::kBetween:
    case ExprKind::kInList:
    case ExprKind::kLike:
      return 6;
    case ExprKind::kSubquery:
      return e.subquery_kind == plan::SubqueryKind::kIn ||
                     e.subquery_kind == plan::SubqueryKind::kQuantified
                 ? 6
                 : 12;
    case ExprKind::kCollate:
      return 11;
    default:
      return 12;
  }
}

class ExprFormatter {
 public:
  // Subqueries met while formatting are appended to `subqueries` and numbered from `*counter`, so
  // numbers are unique across a whole plan.
  ExprFormatter(const plan::ColumnTable& columns,
                std::vector<std::pair<int, const plan::PlanNode*>>* subqueries, int* counter,
                PlanPrintOptions options)
      : columns_(columns),
        subqueries_(subqueries),
        counter_(counter),
        options_(std::move(options)) {}

  std::string Format(const Expr& e) {
    CheckStackDepth();
    switch (e.kind) {
      case ExprKind::kConstant:
        return e.text.empty() ? e.value.DebugString() : e.text;
      case ExprKind::kColumn:
        return ColumnName(e.column);
      case ExprKind::kParam:
        return fmt::format("${}", e.param_index);
      case ExprKind::kUnary: {
        std::string operand = Child(e, *e.children[0], false);
        return e.unary_op == ast::UnaryOp::kNot ? "NOT " + operand
                                                : ast::ToString(e.unary_op) + operand;
      }
      case ExprKind::kBinary:
        return Child(e, *e.children[0], false) + " " + ast::ToString(e.binary_op) + " " +
               Child(e, *e.children[1], true);
      case ExprKind::kIsNull:
        return Child(e, *e.children[0], false) + (e.negated ? " IS NOT NULL" : " IS NULL");
      case ExprKind::kIsBool: {
        const char* test = e.bool_test == ast::BoolTest::kTrue    ? "TRUE"
                           : e.bool_test == ast::BoolTest::kFalse ? "FALSE"
                                                                  : "UNKNOWN";
        return Child(e, *e.children[0], false) + (e.negated ? " IS NOT " : " IS ") + test;
      }
      case ExprKind::kIsDistinct:
        return Child(e, *e.children[0], false) +
               (e.negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") +
               Child(e, *e.children[1], true);
      case ExprKind::kBetween:
        return Child(e, *e.children[0], false) + (e.negated ? " NOT BETWEEN " : " BETWEEN ") +
               Child(e, *e.children[1], true) + " AND " + Child(e, *e.children[2], true);
      case ExprKind::kInList: {
        std::string out = Child(e, *e.children[0], false) + (e.negated ? " NOT IN (" : " IN (");
        for (size_t i = 1; i < e.children.size(); ++i) {
          out += (i > 1 ? ", " : "") + Format(*e.children[i]);
        }
        return out + ")";
      }
      case ExprKind::kLike: {
        std::string op = e.like_kind == ast::LikeKind::kILike ? "ILIKE" : "LIKE";
        std::string out = Child(e, *e.children[0], false) + (e.negated ? " NOT " : " ") + op + " " +
                          Child(e, *e.children[1], true);
        if (e.has_escape) out += " ESCAPE " + Child(e, *e.children[2], true);
        return out;
      }
      case ExprKind::kCase: {
        std::string out = "CASE";
        size_t i = 0;
        if (e.has_operand) out += " " + Format(*e.children[i++]);
        size_t whens_end = e.children.size() - (e.has_else ? 1 : 0);
        for (; i + 1 < whens_end + 1 && i < whens_end; i += 2) {
          out += " WHEN " + Format(*e.children[i]) + " THEN " + Format(*e.children[i + 1]);
        }
        if (e.has_else) out += " ELSE " + Format(*e.children.back());
        return out + " END";
      }
      case ExprKind::kCast:
        return "CAST(" + Format(*e.children[0]) + " AS " + e.name + ")";
      case ExprKind::kCollate:
        return Child(e, *e.children[0], false) + " COLLATE " + e.name;
      case ExprKind::kFunction:
        return e.name + "(" + Args(e, 0, e.children.size()) + ")";
      case ExprKind::kAggregate: {
        if (e.name == plan::kBareColumn) return "bare " + Format(*e.children[0]);
        size_t argc = e.children.size() - (e.has_filter ? 1 : 0);
        std::string out = e.name + "(" + (e.distinct ? "DISTINCT " : "") +
                          (e.star ? "*" : Args(e, 0, argc)) + ")";
        if (e.has_filter) out += " FILTER (WHERE " + Format(*e.children.back()) + ")";
        return out;
      }
      case ExprKind::kWindow: {
        std::string out = e.name + "(" + (e.distinct ? "DISTINCT " : "") +
                          (e.star ? "*" : Args(e, 0, e.children.size())) + ") OVER (";
        std::string spec;
        if (!e.window->partition_by.empty()) {
          spec += "PARTITION BY ";
          for (size_t i = 0; i < e.window->partition_by.size(); ++i) {
            spec += (i ? ", " : "") + Format(*e.window->partition_by[i]);
          }
        }
        if (!e.window->order_by.empty()) {
          spec += std::string(spec.empty() ? "" : " ") + "ORDER BY " + SortKeys(e.window->order_by);
        }
        if (!e.window->frame.empty()) spec += (spec.empty() ? "" : " ") + e.window->frame;
        return out + spec + ")";
      }
      case ExprKind::kSubquery: {
        std::string ref = "(subquery";
        if (subqueries_) {
          int number = ++*counter_;
          subqueries_->push_back({number, e.plan.get()});
          ref += fmt::format(" #{}", number);
        }
        ref += ")";
        switch (e.subquery_kind) {
          case plan::SubqueryKind::kScalar:
            return ref;
          case plan::SubqueryKind::kExists:
            return "EXISTS " + ref;
          case plan::SubqueryKind::kIn:
            return Child(e, *e.children[0], false) + (e.negated ? " NOT IN " : " IN ") + ref;
          case plan::SubqueryKind::kQuantified:
            return Child(e, *e.children[0], false) + " " + ast::ToString(e.binary_op) +
                   (e.quantifier == ast::Quantifier::kAll ? " ALL " : " ANY ") + ref;
        }
        return ref;
      }
    }
    return "?";
  }

  std::string ColumnName(plan::ColumnId id) const {
    if (id >= columns_.size()) return fmt::format("#{}", id);
    const plan::ColumnMeta& meta = columns_[id];
    std::string name = meta.qualifier.empty() ? meta.name : meta.qualifier + "." + meta.name;
    return options_.column_ids ? fmt::format("{}#{}", name, id) : name;
  }

  std::string SortKeys(const std::vector<plan::SortKey>& keys) {
    std::string out;
    for (size_t i = 0; i < keys.size(); ++i) {
      out += (i ? ", " : "") + Format(*keys[i].expr);
      if (keys[i].descending) out += " DESC";
      if (keys[i].nulls == ast::NullsOrder::kFirst) out += " NULLS FIRST";
      if (keys[i].nulls == ast::NullsOrder::kLast) out += " NULLS LAST";
    }
    return out;
  }

 private:
  std::string Child(const Expr& parent, const Expr& child, bool right) {
    std::string text = Format(child);
    int p = Precedence(parent), c = Precedence(child);
    return (c < p || (right && c == p && c < 12)) ? "(" + text + ")" : text;
  }

  std::string Args(const Expr& e, size_t begin, size_t end) {
    std::string out;
    for (size_t i = begin; i < end; ++i)
      out += (i > begin ? ", " : "") + Format(*e.children[i]);
    return out;
  }

  const plan::ColumnTable& columns_;
  std::vector<std::pair<int, const plan::PlanNode*>>* subqueries_;
  int* counter_;
  PlanPrintOptions options_;
};

std::string OutputName(const plan::ColumnTable& columns, plan::ColumnId id) {
  return id < columns.size() ? columns[id].name : fmt::format("#{}", id);
}

class PlanExplainer {
 public:
  PlanExplainer(const plan::ColumnTable& columns, PlanPrintOptions options)
      : columns_(columns), options_(std::move(options)) {}

  ExplainNode Explain(const plan::PlanNode& node) {
    CheckStackDepth();
    std::vector<std::pair<int, const plan::PlanNode*>> subqueries;
    ExprFormatter f(columns_, &subqueries, &subquery_number_, options_);
    ExplainNode out;
    out.title = Title(node, f);
    if (options_.annotate) {
      std::string note = options_.annotate(node);
      if (!note.empty()) out.details.push_back(std::move(note));
    }
    if (options_.column_ids) {
      std::vector<std::string> names;
      for (plan::ColumnId id : node.outputs)
        names.push_back(f.ColumnName(id));
      out.details.push_back(fmt::format("columns: {}", fmt::join(names, ", ")));
    }
    for (const plan::PlanPtr& child : node.children)
      out.children.push_back(Explain(*child));
    for (const auto& [number, subplan] : subqueries) {
      ExplainNode sub;
      sub.title = fmt::format("subquery #{}", number);
      sub.children.push_back(Explain(*subplan));
      out.children.push_back(std::move(sub));
    }
    return out;
  }

 private:
  std::string Title(const plan::PlanNode& node, ExprFormatter& f) {
    switch (node.kind) {
      case plan::NodeKind::kScan: {
        const auto& scan = node.Cast<plan::ScanNode>();
        std::string out = "Scan " + scan.table->name;
        if (scan.alias != scan.table->name) out += " AS " + scan.alias;
        return out;
      }
      case plan::NodeKind::kValues: {
        const auto& values = node.Cast<plan::ValuesNode>();
        if (values.rows.size() == 1 && values.rows[0].empty()) return "Values (one empty row)";
        std::string out = "Values";
        for (size_t r = 0; r < values.rows.size(); ++r) {
          if (r == 8) {
            out += fmt::format(" … ({} rows)", values.rows.size());
            break;
          }
          out += r ? ", (" : " (";
          for (size_t c = 0; c < values.rows[r].size(); ++c) {
            out += (c ? ", " : "") + f.Format(*values.rows[r][c]);
          }
          out += ")";
        }
        return out;
      }
      case plan::NodeKind::kFilter:
        return "Filter " + f.Format(*node.Cast<plan::FilterNode>().predicate);
      case plan::NodeKind::kProject: {
        const auto& project = node.Cast<plan::ProjectNode>();
        std::string out = "Project ";
        for (size_t i = 0; i < project.exprs.size(); ++i) {
          std::string text = f.Format(*project.exprs[i]);
          std::string name = OutputName(columns_, project.outputs[i]);
          out += (i ? ", " : "") + text;
          bool same = text == name || (project.exprs[i]->kind == ExprKind::kColumn &&
                                       columns_[project.exprs[i]->column].name == name);
          if (!same) out += " AS " + name;
        }
        return out;
      }
      case plan::NodeKind::kJoin: {
        const auto& join = node.Cast<plan::JoinNode>();
        std::string out = fmt::format("Join {}", plan::ToString(join.join_kind));
        if (join.condition) out += " ON " + f.Format(*join.condition);
        return out;
      }
      case plan::NodeKind::kAggregate: {
        const auto& agg = node.Cast<plan::AggregateNode>();
        std::string out = "Aggregate";
        if (!agg.groups.empty()) {
          out += " GROUP BY ";
          for (size_t i = 0; i < agg.groups.size(); ++i) {
            out += (i ? ", " : "") + f.Format(*agg.groups[i]);
          }
        }
        if (!agg.aggregates.empty()) {
          out += agg.groups.empty() ? " " : " COMPUTE ";
          for (size_t i = 0; i < agg.aggregates.size(); ++i) {
            out += (i ? ", " : "") + f.Format(*agg.aggregates[i]);
          }
        }
        return out;
      }
      case plan::NodeKind::kWindow: {
        const auto& window = node.Cast<plan::WindowNode>();
        std::string out = "Window ";
        for (size_t i = 0; i < window.windows.size(); ++i) {
          out += (i ? ", " : "") + f.Format(*window.windows[i]);
        }
        return out;
      }
      case plan::NodeKind::kDistinct:
        return "Distinct";
      case plan::NodeKind::kSort:
        return "Sort " + f.SortKeys(node.Cast<plan::SortNode>().keys);
      case plan::NodeKind::kLimit: {
        const auto& limit = node.Cast<plan::LimitNode>();
        std::string out = "Limit";
        if (limit.limit) out += " " + f.Format(*limit.limit);
        if (limit.offset) out += " OFFSET " + f.Format(*limit.offset);
        return out;
      }
      case plan::NodeKind::kSetOp: {
        const auto& setop = node.Cast<plan::SetOpNode>();
        return fmt::format("{}{}", ast::ToString(setop.op), setop.all ? " ALL" : "");
      }
      case plan::NodeKind::kMaterialize: {
        const auto& materialize = node.Cast<plan::MaterializeNode>();
        return fmt::format("Materialize {} on the shards of {}", materialize.table_name,
                           materialize.target->name);
      }
      case plan::NodeKind::kInsert: {
        const auto& insert = node.Cast<plan::InsertNode>();
        std::string out = "Insert into " + insert.table->name + " (";
        for (size_t i = 0; i < insert.target_columns.size(); ++i) {
          out += (i ? ", " : "") + insert.table->columns[insert.target_columns[i]].name;
        }
        return out + ")";
      }
      case plan::NodeKind::kUpdate: {
        const auto& update = node.Cast<plan::UpdateNode>();
        std::string out = "Update " + update.table->name + " SET ";
        for (size_t i = 0; i < update.assignments.size(); ++i) {
          out += (i ? ", " : "") + update.table->columns[update.assignments[i].column].name +
                 " = " + f.Format(*update.assignments[i].value);
        }
        return out;
      }
      case plan::NodeKind::kDelete:
        return "Delete from " + node.Cast<plan::DeleteNode>().table->name;
    }
    return "?";
  }

  const plan::ColumnTable& columns_;
  PlanPrintOptions options_;
  int subquery_number_ = 0;
};

// The values a plan runs with, where printing resolves them.
struct Bindings {
  const std::vector<Value>* params = nullptr;
  const Dialect* dialect = nullptr;
  const PlanAnnotations* annotations = nullptr;
  bool known() const { return params && dialect; }
};

ExplainNode ExplainRouteOnly(const Route& route, const Bindings& bindings);
ExplainNode ExplainMerge(const MergeNode& node, const Bindings& bindings);

// A route, and what ANALYZE measured of it.
ExplainNode ExplainRoute(const Route& route, const Bindings& bindings) {
  ExplainNode out = ExplainRouteOnly(route, bindings);
  if (bindings.annotations && bindings.annotations->route) {
    for (std::string& line : bindings.annotations->route(route))
      out.details.push_back(std::move(line));
  }
  return out;
}

ExplainNode ExplainRouteOnly(const Route& route, const Bindings& bindings) {
  ExplainNode out;
  std::string shards;
  size_t count = 0;
  if (route.choice.all) {
    count = route.ring_shards.size();
  } else {
    count = route.choice.fixed.size();
  }
  out.title = fmt::format("Route: {}", ToString(route.variant));
  if (route.choice.all || route.choice.key_params.empty()) {
    out.title += fmt::format(" ({} of {})", count, route.ring_shards.size());
  }
  out.details.push_back("why: " + route.reason);
  // Before the route's statement: its temporary tables, made on each of its shards.
  for (const ShardTempTable& temp : route.temp_tables) {
    ExplainNode copy;
    copy.title = "Copy to each shard as temporary table " + temp.name;
    if (!temp.index_columns.empty())
      copy.details.push_back(fmt::format("indexed on {}", fmt::join(temp.index_columns, ", ")));
    copy.children.push_back(ExplainMerge(*temp.source, bindings));
    out.children.push_back(std::move(copy));
  }
  auto sql_for = [&](uint32_t shard) -> const std::string& {
    for (const auto& [index, sql] : route.per_shard_sql) {
      if (index == shard) return sql;
    }
    return route.sql;
  };
  if (!route.choice.key_params.empty()) {
    std::vector<std::string> params;
    for (uint32_t p : route.choice.key_params) {
      params.push_back(bindings.known() && p <= bindings.params->size()
                           ? fmt::format("${} = {}", p, (*bindings.params)[p - 1].DebugString())
                           : fmt::format("${}", p));
    }
    bool all_given = bindings.known();
    for (uint32_t p : route.choice.key_params)
      all_given = all_given && p <= bindings.params->size();
    if (!all_given) {
      out.details.push_back(
          fmt::format("shard: chosen at execute time from {}", fmt::join(params, ", ")));
      for (uint32_t s : route.choice.fixed) {
        out.details.push_back(route.ring_shards[s] + ": " + sql_for(s));
      }
      out.details.push_back("sql: " + route.sql);
      return out;
    }
    std::vector<uint32_t> chosen =
        ResolveShards(route.choice, *route.ring, *bindings.params, *bindings.dialect);
    std::vector<std::string> names;
    for (uint32_t s : chosen)
      names.push_back(route.ring_shards[s]);
    out.details.push_back(fmt::format("shard: chosen at execute time from {} → {}",
                                      fmt::join(params, ", "), fmt::join(names, ", ")));
    for (uint32_t s : chosen)
      out.details.push_back(route.ring_shards[s] + ": " + sql_for(s));
    return out;
  }
  if (route.choice.all) {
    for (uint32_t s = 0; s < route.ring_shards.size(); ++s) {
      out.details.push_back(route.ring_shards[s] + ": " + sql_for(s));
    }
  } else {
    for (uint32_t s : route.choice.fixed) {
      out.details.push_back(route.ring_shards[s] + ": " + sql_for(s));
    }
  }
  return out;
}

std::string SortKeyText(const MergeSortKey& k) {
  std::string out = k.label.empty() ? fmt::format("column {}", k.column + 1) : k.label;
  if (k.descending) out += " DESC";
  out += k.nulls_first ? " NULLS FIRST" : " NULLS LAST";
  if (!k.collation.is_default()) out += " COLLATE " + k.collation.name();
  return out;
}

ExplainNode ExplainMergeOnly(const MergeNode& node, const Bindings& bindings);

// A merge, and what ANALYZE measured of it.
ExplainNode ExplainMerge(const MergeNode& node, const Bindings& bindings) {
  ExplainNode out = ExplainMergeOnly(node, bindings);
  if (bindings.annotations && bindings.annotations->merge) {
    std::string line = bindings.annotations->merge(node);
    if (!line.empty()) out.details.push_back(std::move(line));
  }
  return out;
}

ExplainNode ExplainMergeOnly(const MergeNode& node, const Bindings& bindings) {
  CheckStackDepth();
  if (node.kind == MergeKind::kRoute) return ExplainRoute(*node.route, bindings);
  ExplainNode out;
  out.title = ToString(node.kind);
  switch (node.kind) {
    case MergeKind::kMergeSort:
    case MergeKind::kSort: {
      std::vector<std::string> keys;
      for (const MergeSortKey& k : node.sort_keys)
        keys.push_back(SortKeyText(k));
      out.title += " " + fmt::format("{}", fmt::join(keys, ", "));
      break;
    }
    case MergeKind::kLimit:
      if (node.limit) out.title += fmt::format(" {}", *node.limit);
      if (node.limit_param) out.title += fmt::format(" ${}", node.limit_param);
      if (!node.limit && !node.limit_param) out.title += " ALL";
      if (node.offset && *node.offset != 0) out.title += fmt::format(" OFFSET {}", *node.offset);
      if (node.offset_param) out.title += fmt::format(" OFFSET ${}", node.offset_param);
      break;
    case MergeKind::kFinalAggregate: {
      std::vector<std::string> aggs;
      for (const FinalAggregate& a : node.aggregates)
        aggs.push_back(a.label);
      out.title +=
          fmt::format(" groups: {}, aggregates: {}", node.group_columns, fmt::join(aggs, ", "));
      break;
    }
    case MergeKind::kProject: {
      std::vector<std::string> columns;
      for (size_t c : node.columns)
        columns.push_back(std::to_string(c + 1));
      out.title += " columns " + fmt::format("{}", fmt::join(columns, ", "));
      break;
    }
    case MergeKind::kLocalQuery:
      out.title += " (merge engine)";
      out.details.push_back("sql: " + node.sql);
      for (const TempTableLoad& load : node.loads) {
        ExplainNode l;
        l.title = "Load " + load.table;
        if (!load.index_columns.empty()) {
          l.details.push_back(fmt::format("indexed on {}", fmt::join(load.index_columns, ", ")));
        }
        l.children.push_back(load.source ? ExplainRoute(*load.source, bindings)
                                         : ExplainMerge(*load.computed, bindings));
        out.children.push_back(std::move(l));
      }
      if (!node.children.empty()) {
        ExplainNode l;
        l.title = "Load " + node.child_table;
        l.children.push_back(ExplainMerge(*node.children[0], bindings));
        out.children.push_back(std::move(l));
      }
      return out;
    default:
      break;
  }
  for (const auto& child : node.children)
    out.children.push_back(ExplainMerge(*child, bindings));
  return out;
}

}  // namespace

// The row cells of literal VALUES, parameters read from `bindings`; false when one is unknown.
bool LiteralCells(const std::vector<plan::ExprPtr>& row, const Bindings& bindings,
                  std::vector<Value>& out) {
  out.clear();
  for (const plan::ExprPtr& e : row) {
    if (e->kind == plan::ExprKind::kParam) {
      if (!bindings.known() || e->param_index > bindings.params->size()) return false;
      out.push_back((*bindings.params)[e->param_index - 1]);
    } else {
      out.push_back(e->value);
    }
  }
  return true;
}

// Whether the router numbers some row's INTEGER PRIMARY KEY: it is left out, a literal row gives
// NULL, or the rows come from a query (which may give NULL).
bool NumbersKeys(const WritePlan& write, const Bindings& bindings) {
  const TableInfo& table = *write.table;
  if (table.distribution != DistributionKind::kHash || !table.shard_key_column().rowid_alias) {
    return false;
  }
  if (write.key_numbered || write.source) return true;
  size_t key_pos = static_cast<size_t>(
      std::find(write.insert_columns.begin(), write.insert_columns.end(), table.shard_key) -
      write.insert_columns.begin());
  std::vector<Value> cells;
  for (const auto& row : write.literal_rows) {
    if (!LiteralCells(row, bindings, cells)) return true;  // not known here: it may be NULL
    if (key_pos < cells.size() && cells[key_pos].is_null()) return true;
  }
  return false;
}

// An INSERT: where its rows go and the statements each shard runs. Literal rows are routed here
// as execution routes them; rows from a query or a key DEFAULT are routed when they exist.
ExplainNode ExplainInsert(const WritePlan& write, const Bindings& bindings) {
  const TableInfo& table = *write.table;
  ExplainNode out;
  out.title = "Insert into " + table.name;
  bool reference = table.distribution == DistributionKind::kReference;
  if (reference) {
    out.details.push_back("every row to every shard (reference table)");
  } else if (write.key_from_default) {
    out.details.push_back(fmt::format("each row to the shard owning its {} value, from its DEFAULT",
                                      table.shard_key_column().name));
  } else if (NumbersKeys(write, bindings)) {
    out.details.push_back(fmt::format(
        "each row to the shard owning its {} value; a NULL or missing {} is numbered by the "
        "router: the largest on any shard + 1, every shard of the table locked for writing",
        table.shard_key_column().name, table.shard_key_column().name));
  } else {
    out.details.push_back(
        fmt::format("each row to the shard owning its {} value", table.shard_key_column().name));
  }
  std::vector<int> columns = InsertedColumns(write);
  if (!bindings.dialect) return out;
  if (write.source) {
    ExplainNode source;
    source.title = "rows from the query:";
    source.children.push_back(ExplainMerge(*write.source->root, bindings));
    out.children.push_back(std::move(source));
    return out;
  }
  size_t row_count = write.default_values ? 1 : write.literal_rows.size();
  // Ring index -> rows, for rows whose key is known now.
  std::map<uint32_t, size_t> rows_by_shard;
  if (reference) {
    for (uint32_t s = 0; s < table.shards().size(); ++s)
      rows_by_shard[s] = row_count;
  } else if (!write.key_from_default && !NumbersKeys(write, bindings) && bindings.known()) {
    size_t key_pos = static_cast<size_t>(
        std::find(write.insert_columns.begin(), write.insert_columns.end(), table.shard_key) -
        write.insert_columns.begin());
    std::vector<Value> cells;
    for (const auto& row : write.literal_rows) {
      if (!LiteralCells(row, bindings, cells)) {
        rows_by_shard.clear();
        break;
      }
      ++rows_by_shard[ShardIndexOfKey(cells[key_pos], table, *bindings.dialect)];
    }
  }
  size_t batch = InsertBatchRows(columns.size());
  if (rows_by_shard.empty()) {
    out.details.push_back(
        fmt::format("{} row(s), each statement: {}", row_count,
                    InsertSql(table, columns, std::min(row_count, batch), *bindings.dialect)));
    return out;
  }
  for (const auto& [shard, rows] : rows_by_shard) {
    ExplainNode node;
    node.title = fmt::format("{}: {} row(s)", table.shards()[shard], rows);
    for (size_t start = 0; start < rows; start += batch) {
      size_t n = write.default_values ? 1 : std::min(batch, rows - start);
      node.details.push_back(InsertSql(table, columns, n, *bindings.dialect));
    }
    out.children.push_back(std::move(node));
  }
  return out;
}

ExplainNode ExplainWrite(const WritePlan& write, const Bindings& bindings) {
  if (write.kind == WriteKind::kInsert) return ExplainInsert(write, bindings);
  ExplainNode out;
  const std::string& table = write.table->name;
  switch (write.kind) {
    case WriteKind::kUpdate:
      out.title = "Update " + table;
      break;
    case WriteKind::kDelete:
      out.title = "Delete from " + table;
      break;
    default:
      out.title = "Update " + table + ", moving rows to the shards of their new keys";
      out.details.push_back(
          "each shard reads its rows as they will be and deletes them; the rows are inserted on "
          "the shards their new keys belong to; all in one transaction");
      out.details.push_back("then on each shard: " + write.delete_sql);
      break;
  }
  out.children.push_back(ExplainRoute(*write.route, bindings));
  return out;
}

ExplainNode ExplainDistributedPlan(const DistributedPlan& plan, const std::vector<Value>* params,
                                   const Dialect* dialect, const PlanAnnotations* annotations) {
  ExplainNode root;
  root.title = "Distributed plan: " + plan.strategy;
  Bindings bindings{params, dialect, annotations};
  if (bindings.known() && !params->empty()) {
    std::vector<std::string> values;
    for (size_t i = 0; i < params->size(); ++i)
      values.push_back(fmt::format("${} = {}", i + 1, (*params)[i].DebugString()));
    root.details.push_back(fmt::format("parameters: {}", fmt::join(values, ", ")));
  }
  if (!plan.guard.empty()) {
    std::vector<std::string> routed;
    for (const RoutingGuard::Entry& e : plan.guard.entries)
      routed.push_back(fmt::format("${} → {}", e.param, e.ring->shards()[e.shard]));
    root.details.push_back(
        fmt::format("planned for these routings: {} (other values get a plan "
                    "of their own)",
                    fmt::join(routed, ", ")));
  }
  root.children.push_back(plan.write ? ExplainWrite(*plan.write, bindings)
                                     : ExplainMerge(*plan.root, bindings));
  return root;
}

std::string RenderExplainTree(const ExplainNode& root) {
  std::string out;
  RenderInto(root, "", true, true, out);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

ExplainNode ExplainPlanNode(const plan::PlanNode& node, const plan::ColumnTable& columns,
                            const PlanPrintOptions& options) {
  return PlanExplainer(columns, options).Explain(node);
}

ExplainNode ExplainLogicalPlan(const plan::LogicalPlan& plan, const PlanPrintOptions& options) {
  return ExplainPlanNode(*plan.root, plan.columns, options);
}

std::string FormatExpr(const plan::Expr& expr, const plan::ColumnTable& columns,
                       const PlanPrintOptions& options) {
  return ExprFormatter(columns, nullptr, nullptr, options).Format(expr);
}

}  // namespace shardql
