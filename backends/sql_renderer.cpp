#include "backends/sql_renderer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "grammar/sql_error.h"
#include "grammar/stack_guard.h"
#include "planner/ddl.h"
#include "planner/temporal.h"
#include "planner/value_text.h"

namespace shardql {

using plan::ColumnId;
using plan::ExprKind;
using plan::NodeKind;

namespace {

std::string Hex(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes)
    out += fmt::format("{:02X}", c);
  return out;
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// How tightly an expression's text binds, loosest first: only the levels on which SQLite and
// PostgreSQL agree. An operand gets parentheses when it binds more loosely than its place needs,
// so a chain of one operator (a OR b OR c, a + b + c) is written flat and the SQL a shard parses
// is never nested deeper than the statement was.
enum Binding : int {
  kBindOr,
  kBindAnd,
  kBindNot,
  kBindPredicate,  // comparisons, IS, IN, LIKE, BETWEEN
  kBindOperator,   // || and the bitwise operators: above comparisons in both, placed differently
                   // from arithmetic, so never mixed with it unparenthesised
  kBindAdditive,
  kBindMultiplicative,
  kBindUnary,  // - + ~ prefixes: tighter than any binary operator, looser than COLLATE
  kBindAtom,   // columns, literals, calls, CASE, CAST, subqueries, COLLATE
};

int BindingOf(const plan::Expr& e) {
  switch (e.kind) {
    case ExprKind::kBinary:
      switch (e.binary_op) {
        case ast::BinaryOp::kOr:
          return kBindOr;
        case ast::BinaryOp::kAnd:
          return kBindAnd;
        case ast::BinaryOp::kAdd:
        case ast::BinaryOp::kSub:
          return kBindAdditive;
        case ast::BinaryOp::kMul:
        case ast::BinaryOp::kDiv:
        case ast::BinaryOp::kMod:
          return kBindMultiplicative;
        case ast::BinaryOp::kConcat:
        case ast::BinaryOp::kBitAnd:
        case ast::BinaryOp::kBitOr:
        case ast::BinaryOp::kShiftLeft:
        case ast::BinaryOp::kShiftRight:
          return kBindOperator;
        default:
          return kBindPredicate;
      }
    case ExprKind::kUnary:
      return e.unary_op == ast::UnaryOp::kNot ? kBindNot : kBindUnary;
    case ExprKind::kIsNull:
    case ExprKind::kIsBool:
    case ExprKind::kBetween:
    case ExprKind::kInList:
      return kBindPredicate;
    default:
      return kBindAtom;  // what else is written is a call, a keyword form, or parenthesised
  }
}

// The binding a binary operator needs of its operands: a left operand may bind as loosely as the
// operator itself (its chains are left-associative), a right operand must bind tighter.
int OperandContext(ast::BinaryOp op, bool left) {
  int own = kBindPredicate;
  switch (op) {
    case ast::BinaryOp::kOr:
      own = kBindOr;
      break;
    case ast::BinaryOp::kAnd:
      own = kBindAnd;
      break;
    case ast::BinaryOp::kAdd:
    case ast::BinaryOp::kSub:
      own = kBindAdditive;
      break;
    case ast::BinaryOp::kMul:
    case ast::BinaryOp::kDiv:
    case ast::BinaryOp::kMod:
      own = kBindMultiplicative;
      break;
    case ast::BinaryOp::kConcat:
    case ast::BinaryOp::kBitAnd:
    case ast::BinaryOp::kBitOr:
    case ast::BinaryOp::kShiftLeft:
    case ast::BinaryOp::kShiftRight:
      // Only atoms and prefixed atoms, or a left chain of the same operator (ExprIn's
      // left_of_same).
      return kBindUnary;
    default:
      // Comparisons do not chain: both operands bind tighter than a predicate.
      return kBindPredicate + 1;
  }
  return left ? own : own + 1;
}

// WHERE or HAVING text of a block's conjuncts.
std::string Conjunction(const std::vector<std::pair<std::string, std::string>>& conjuncts) {
  if (conjuncts.size() == 1) return conjuncts[0].first;
  std::string out;
  for (size_t i = 0; i < conjuncts.size(); ++i)
    out += (i ? " AND " : "") + conjuncts[i].second;
  return out;
}

const char* JoinKeyword(plan::JoinKind kind) {
  switch (kind) {
    case plan::JoinKind::kInner:
      return " JOIN ";
    case plan::JoinKind::kLeft:
      return " LEFT JOIN ";
    case plan::JoinKind::kRight:
      return " RIGHT JOIN ";
    case plan::JoinKind::kFull:
      return " FULL JOIN ";
    case plan::JoinKind::kCross:
      return " CROSS JOIN ";
  }
  return " JOIN ";
}

}  // namespace

std::string SqlRenderer::ColumnAlias(ColumnId id) {
  // Numbered in order of first use within this statement, not by the planner's column ids, so
  // the SQL a shard is sent does not change when planning elsewhere allocates more ids.
  auto [it, added] = column_aliases_.emplace(id, column_aliases_.size() + 1);
  return "c" + std::to_string(it->second);
}

std::string SqlRenderer::Param(uint32_t index) const {
  return fmt::format("${}", index);
}

std::string SqlRenderer::Literal(const Value& value, const std::string& text) const {
  if (text.empty()) return SqlLiteral(value);
  // A numeral as the user wrote it, so the backend parses the very same digits.
  return text[0] == '-' ? "(" + text + ")" : text;
}

std::string SqlLiteral(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
      return "NULL";
    case Value::Kind::kBoolean:
      return value.boolean() ? "TRUE" : "FALSE";
    case Value::Kind::kInteger: {
      std::string digits = std::to_string(value.integer());
      // A negative numeral is parenthesised: `a - -1` would otherwise start a comment.
      return digits[0] == '-' ? "(" + digits + ")" : digits;
    }
    case Value::Kind::kReal: {
      double d = value.real();
      std::string digits;
      if (std::isinf(d)) {
        digits = d > 0 ? "9e999" : "-9e999";
      } else {
        digits = fmt::format("{:.17g}", d);
        if (digits.find_first_of(".eEn") == std::string::npos) digits += ".0";
      }
      return digits[0] == '-' ? "(" + digits + ")" : digits;
    }
    case Value::Kind::kText: {
      if (value.bytes().find('\0') != std::string::npos) {
        return "CAST(X'" + Hex(value.bytes()) + "' AS TEXT)";
      }
      std::string out = "'";
      for (char c : value.bytes()) {
        if (c == '\'') out += '\'';
        out += c;
      }
      return out + "'";
    }
    case Value::Kind::kBlob:
      return "X'" + Hex(value.bytes()) + "'";
    default:
      // PostgreSQL's kinds as their text: what SQLite stores for them, and what PostgreSQL reads
      // for the column or parameter it is compared with or stored into.
      return SqlLiteral(Value::Text(FormatValueText(value)));
  }
  return "NULL";
}

std::string SqlRenderer::Function(const plan::Expr& call,
                                  const std::vector<std::string>& args) const {
  return Call(call.name, args);
}

std::string SqlRenderer::Call(const std::string& name, const std::vector<std::string>& args) {
  return name + "(" + Join(args, ", ") + ")";
}

std::string SqlRenderer::Quantified(const std::string& left, ast::BinaryOp op,
                                    ast::Quantifier quantifier, const std::string& subquery,
                                    const std::string&) {
  return fmt::format("({} {} {} ({}))", left, ast::ToString(op),
                     quantifier == ast::Quantifier::kAll ? "ALL" : "ANY", subquery);
}

std::string SqlRenderer::IsDistinctFrom(const std::string& left, const std::string& right,
                                        bool negated) const {
  return fmt::format("({} IS {}DISTINCT FROM {})", left, negated ? "NOT " : "", right);
}

std::string SqlRenderer::Like(const std::string& operand, const std::string& pattern,
                              const std::string* escape, ast::LikeKind kind, bool negated) const {
  std::string out = "(" + operand + (negated ? " NOT " : " ") +
                    (kind == ast::LikeKind::kILike ? "ILIKE " : "LIKE ") + pattern;
  if (escape) out += " ESCAPE " + *escape;
  return out + ")";
}

// A comparison takes its left operand's collation when that is a column, SQLite says, and the
// right operand's otherwise. A value without a collation of its own (an aggregate, an expression)
// that this SQL reads as a column of a derived table or loaded table would take that column's
// default collation, ahead of the right operand's: then it is written as a plain value, CASE WHEN
// 1 THEN … END, which has neither collation nor affinity, as the value had where it was written.
std::string SqlRenderer::PlainLeftOperand(const plan::Expr& left, const plan::Expr& right,
                                          const std::string& text) const {
  const plan::Expr* base = &left;  // `+column` is still a column to SQLite
  while (base->kind == ExprKind::kUnary && base->unary_op == ast::UnaryOp::kPlus)
    base = base->children[0].get();
  if (base->kind != ExprKind::kColumn || left.type.collation_source != CollationSource::kNone ||
      right.type.collation_source == CollationSource::kNone || right.type.collation.is_default() ||
      text.rfind("CASE WHEN 1 THEN ", 0) == 0) {
    return text;
  }
  return "CASE WHEN 1 THEN " + text + " END";
}

std::string SqlRenderer::ColumnText(ColumnId id) const {
  auto it = column_text_.find(id);
  if (it == column_text_.end()) {
    throw SqlError(sqlstate::kInternalError,
                   fmt::format("internal error: column #{} is not available where it is used", id));
  }
  return it->second;
}

std::string SqlRenderer::Render(const plan::PlanNode& root) {
  StackDepthScope stack_scope;
  switch (root.kind) {
    case NodeKind::kInsert:
      return RenderInsert(root.Cast<plan::InsertNode>());
    case NodeKind::kUpdate:
      return RenderUpdate(root.Cast<plan::UpdateNode>());
    case NodeKind::kDelete:
      return RenderDelete(root.Cast<plan::DeleteNode>());
    default: {
      Block block = Build(root);
      return Finish(block);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Blocks

void SqlRenderer::EnsureAtMost(Block& block, Stage stage) {
  if (block.stage > stage || !block.compound.empty()) block = Wrap(block);
}

SqlRenderer::Block SqlRenderer::Wrap(const Block& inner) {
  std::string alias = NewAlias('q');
  std::string text = Finish(inner);
  Block outer;
  outer.from = "(" + text + ") AS " + alias;
  outer.outputs = inner.outputs;
  for (ColumnId id : inner.outputs) {
    column_text_[id] = alias + "." + QuoteIdentifier(ColumnAlias(id));
  }
  return outer;
}

std::string SqlRenderer::AsFromItem(const Block& block, bool parenthesize_join) {
  if (block.stage == Stage::kFrom && block.compound.empty() && !block.from.empty()) {
    return parenthesize_join && block.from_is_join ? "(" + block.from + ")" : block.from;
  }
  return Wrap(block).from;
}

std::string SqlRenderer::SelectList(const Block& block, const std::vector<std::string>* aliases) {
  std::vector<std::string> items;
  const std::vector<ColumnId>& ids = block.projected ? block.item_ids : block.outputs;
  size_t visible = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (block.projected &&
        std::find(block.outputs.begin(), block.outputs.end(), ids[i]) == block.outputs.end()) {
      continue;  // a hidden sort key
    }
    std::string text = block.projected ? block.items[i] : ColumnText(ids[i]);
    std::string alias =
        aliases && visible < aliases->size() ? (*aliases)[visible] : ColumnAlias(ids[i]);
    items.push_back(text + " AS " + QuoteIdentifier(alias));
    ++visible;
  }
  if (items.empty()) return "NULL";
  return Join(items, ", ");
}

std::string SqlRenderer::OrderByClause(const Block& block) {
  // The visible result columns, in select-list order.
  std::vector<ColumnId> visible;
  if (!block.compound.empty()) {
    visible = block.outputs;
  } else if (block.projected) {
    for (ColumnId id : block.item_ids) {
      if (std::find(block.outputs.begin(), block.outputs.end(), id) != block.outputs.end()) {
        visible.push_back(id);
      }
    }
  }
  std::vector<std::string> keys;
  for (const Block::OrderKey& key : block.order_by) {
    auto it = key.is_column ? std::find(visible.begin(), visible.end(), key.column) : visible.end();
    if (it != visible.end()) {
      keys.push_back(std::to_string(it - visible.begin() + 1) + key.suffix);
    } else if (!key.expr.empty()) {
      keys.push_back(key.expr + key.suffix);
    } else {
      throw SqlError(sqlstate::kInternalError,
                     "internal error: ORDER BY of a compound SELECT names no result column");
    }
  }
  return Join(keys, ", ");
}

std::string SqlRenderer::Finish(const Block& block, const std::vector<std::string>* aliases) {
  std::string sql;
  if (!block.compound.empty()) {
    sql = block.compound;
  } else {
    sql = "SELECT ";
    if (block.distinct) sql += "DISTINCT ";
    sql += SelectList(block, aliases);
    if (!block.from.empty()) sql += " FROM " + block.from;
    if (!block.where.empty()) sql += " WHERE " + Conjunction(block.where);
    if (!block.group_by.empty()) sql += " GROUP BY " + Join(block.group_by, ", ");
    if (!block.having.empty()) sql += " HAVING " + Conjunction(block.having);
  }
  if (!block.order_by.empty()) sql += " ORDER BY " + OrderByClause(block);
  if (!block.limit.empty()) {
    sql += " LIMIT " + block.limit;
  } else if (!block.offset.empty() && OffsetNeedsLimit()) {
    sql += " LIMIT -1";
  }
  if (!block.offset.empty()) sql += " OFFSET " + block.offset;
  return sql;
}

SqlRenderer::Block SqlRenderer::Build(const plan::PlanNode& node) {
  CheckStackDepth();
  switch (node.kind) {
    case NodeKind::kScan:
      return BuildScan(node.Cast<plan::ScanNode>());
    case NodeKind::kMaterialize:
      return BuildMaterialized(node.Cast<plan::MaterializeNode>());
    case NodeKind::kValues:
      return BuildValues(node.Cast<plan::ValuesNode>());
    case NodeKind::kJoin:
      return BuildJoin(node.Cast<plan::JoinNode>());
    case NodeKind::kSetOp:
      return BuildSetOp(node.Cast<plan::SetOpNode>());
    case NodeKind::kProject:
      return BuildProject(node.Cast<plan::ProjectNode>());
    case NodeKind::kFilter: {
      Block block = Build(*node.children[0]);
      if (!block.compound.empty() || block.stage > Stage::kHaving ||
          (block.grouped == false && block.stage > Stage::kWhere)) {
        block = Wrap(block);
      }
      const plan::Expr& filter = *node.Cast<plan::FilterNode>().predicate;
      std::string text = Expr(filter);
      // Conjuncts of one block are joined with AND: an OR among several is parenthesised.
      std::pair<std::string, std::string> predicate{
          text, BindingOf(filter) >= kBindAnd ? text : "(" + text + ")"};
      if (block.grouped) {
        block.having.push_back(predicate);
        block.stage = Stage::kHaving;
      } else {
        block.where.push_back(predicate);
        block.stage = Stage::kWhere;
      }
      block.outputs = node.outputs;
      return block;
    }
    case NodeKind::kAggregate: {
      const auto& agg = node.Cast<plan::AggregateNode>();
      Block block = Build(*node.children[0]);
      EnsureAtMost(block, Stage::kWhere);
      block.grouped = true;
      block.stage = Stage::kGroup;
      for (size_t i = 0; i < agg.groups.size(); ++i) {
        std::string text = Expr(*agg.groups[i]);
        // SQLite and PostgreSQL read a bare integer in GROUP BY as a select-list position.
        if (agg.groups[i]->kind == ExprKind::kConstant &&
            agg.groups[i]->value.kind() == Value::Kind::kInteger) {
          text = fmt::format("({} + 0)", text);
        }
        block.group_by.push_back(text);
        column_text_[agg.outputs[i]] =
            BindingOf(*agg.groups[i]) == kBindAtom ? text : "(" + text + ")";
      }
      for (size_t i = 0; i < agg.aggregates.size(); ++i) {
        column_text_[agg.outputs[agg.groups.size() + i]] = Expr(*agg.aggregates[i]);
      }
      block.outputs = node.outputs;
      return block;
    }
    case NodeKind::kWindow: {
      const auto& window = node.Cast<plan::WindowNode>();
      Block block = Build(*node.children[0]);
      EnsureAtMost(block, Stage::kWindow);
      block.stage = Stage::kWindow;
      size_t first = window.outputs.size() - window.windows.size();
      for (size_t i = 0; i < window.windows.size(); ++i) {
        column_text_[window.outputs[first + i]] = Expr(*window.windows[i]);
      }
      block.outputs = node.outputs;
      return block;
    }
    case NodeKind::kDistinct: {
      Block block = Build(*node.children[0]);
      EnsureAtMost(block, Stage::kProject);
      if (!block.projected) {
        for (ColumnId id : block.outputs) {
          block.items.push_back(ColumnText(id));
          block.item_ids.push_back(id);
        }
        block.projected = true;
      }
      block.distinct = true;
      block.stage = Stage::kDistinct;
      return block;
    }
    case NodeKind::kSort: {
      Block block = Build(*node.children[0]);
      if (block.stage >= Stage::kOrder) block = Wrap(block);
      block.order_by.clear();
      for (const plan::SortKey& key : node.Cast<plan::SortNode>().keys) {
        Block::OrderKey k;
        k.is_column = key.expr->kind == ExprKind::kColumn;
        k.column = key.expr->column;
        // A compound's columns have no expression to repeat: they are named by position only.
        if (block.compound.empty()) k.expr = Expr(*key.expr);
        if (key.descending) k.suffix += " DESC";
        if (key.nulls == ast::NullsOrder::kFirst) k.suffix += " NULLS FIRST";
        if (key.nulls == ast::NullsOrder::kLast) k.suffix += " NULLS LAST";
        block.order_by.push_back(std::move(k));
      }
      block.stage = Stage::kOrder;
      return block;
    }
    case NodeKind::kLimit: {
      const auto& limit = node.Cast<plan::LimitNode>();
      Block block = Build(*node.children[0]);
      if (block.stage >= Stage::kLimit) block = Wrap(block);
      if (limit.limit) block.limit = Expr(*limit.limit);
      if (limit.offset) block.offset = Expr(*limit.offset);
      block.stage = Stage::kLimit;
      return block;
    }
    case NodeKind::kInsert:
    case NodeKind::kUpdate:
    case NodeKind::kDelete:
      throw SqlError(sqlstate::kInternalError, "internal error: a write inside a query plan");
  }
  throw SqlError(sqlstate::kInternalError, "internal error: unknown plan node");
}

SqlRenderer::Block SqlRenderer::BuildScan(const plan::ScanNode& scan) {
  Block block;
  std::string alias = NewAlias('t');
  block.from = QuoteIdentifier(scan.table->name) + " AS " + alias;
  for (size_t i = 0; i < scan.outputs.size(); ++i) {
    int index = scan.column_indexes[i];
    column_text_[scan.outputs[i]] =
        alias + "." +
        (index == plan::kRowidColumn ? "rowid" : QuoteIdentifier(scan.table->columns[index].name));
  }
  block.outputs = scan.outputs;
  return block;
}

std::string SqlRenderer::TempTable(const std::string& name) const {
  return "pg_temp." + QuoteIdentifier(name);
}

SqlRenderer::Block SqlRenderer::BuildMaterialized(const plan::MaterializeNode& materialize) {
  Block block;
  std::string alias = NewAlias('t');
  block.from = TempTable(materialize.table_name) + " AS " + alias;
  for (size_t i = 0; i < materialize.outputs.size(); ++i)
    column_text_[materialize.outputs[i]] =
        alias + "." + QuoteIdentifier(materialize.column_names[i]);
  block.outputs = materialize.outputs;
  return block;
}

SqlRenderer::Block SqlRenderer::BuildValues(const plan::ValuesNode& values) {
  Block block;
  block.outputs = values.outputs;
  if (values.rows.size() == 1 && values.rows[0].empty()) return block;  // SELECT without FROM
  std::vector<std::string> rows;
  for (const auto& row : values.rows) {
    std::vector<std::string> cells;
    for (const auto& e : row)
      cells.push_back(Expr(*e));
    rows.push_back("(" + Join(cells, ", ") + ")");
  }
  std::string alias = NewAlias('q');
  block.from = "(VALUES " + Join(rows, ", ") + ") AS " + alias;
  for (size_t i = 0; i < values.outputs.size(); ++i) {
    column_text_[values.outputs[i]] = fmt::format("{}.column{}", alias, i + 1);
  }
  return block;
}

SqlRenderer::Block SqlRenderer::BuildJoin(const plan::JoinNode& join) {
  Block left = Build(*join.children[0]);
  std::string left_item = AsFromItem(left, false);
  Block right = Build(*join.children[1]);
  std::string right_item = AsFromItem(right, true);
  Block block;
  if (join.join_kind == plan::JoinKind::kInner && !join.condition) {
    block.from = left_item + UnconditionedJoin() + right_item;
  } else {
    block.from = left_item + JoinKeyword(join.join_kind) + right_item;
    if (join.condition) block.from += " ON " + Expr(*join.condition);
  }
  block.from_is_join = true;
  block.outputs = join.outputs;
  return block;
}

SqlRenderer::Block SqlRenderer::BuildSetOp(const plan::SetOpNode& setop) {
  std::vector<std::string> aliases;
  for (ColumnId id : setop.outputs)
    aliases.push_back(ColumnAlias(id));
  // A compound SELECT is evaluated left to right with no precedence in SQLite, so the left
  // operand may itself be a compound; the right one may not, nor may an operand with its own
  // ORDER BY or LIMIT (those are wrapped).
  auto operand = [&](const plan::PlanNode& child, bool left) {
    Block block = Build(child);
    bool is_compound = !block.compound.empty();
    bool has_tail = !block.order_by.empty() || !block.limit.empty() || !block.offset.empty();
    if ((is_compound && (!left || has_tail)) || (!is_compound && has_tail)) {
      if (ParenthesizedSetOperands()) return "(" + Finish(block, &aliases) + ")";
      Block wrapped = Wrap(block);
      return Finish(wrapped, &aliases);
    }
    if (is_compound) {
      // Rename the compound's columns through a derived table: its names come from its own
      // leftmost SELECT.
      Block wrapped = Wrap(block);
      return Finish(wrapped, &aliases);
    }
    return Finish(block, &aliases);
  };
  std::string left = operand(*setop.children[0], true);
  std::string right = operand(*setop.children[1], false);
  Block block;
  block.compound = left + " " + ast::ToString(setop.op) + (setop.all ? " ALL " : " ") + right;
  block.outputs = setop.outputs;
  block.stage = Stage::kDistinct;
  return block;
}

SqlRenderer::Block SqlRenderer::BuildProject(const plan::ProjectNode& project) {
  Block block = Build(*project.children[0]);
  bool pure_refs = std::all_of(project.exprs.begin(), project.exprs.end(),
                               [](const auto& e) { return e->kind == ExprKind::kColumn; });
  if (block.projected && block.compound.empty() && block.stage > Stage::kProject && pure_refs &&
      !block.distinct) {
    // Dropping hidden sort keys: the visible items, in order, stay in this SELECT and the hidden
    // ones live on only in its ORDER BY.
    std::vector<ColumnId> kept;
    for (const auto& e : project.exprs)
      kept.push_back(e->column);
    std::vector<ColumnId> visible_in_order;
    for (ColumnId id : block.item_ids) {
      if (std::find(kept.begin(), kept.end(), id) != kept.end()) visible_in_order.push_back(id);
    }
    if (visible_in_order == kept) {
      block.outputs = kept;
      return block;
    }
  }
  if (block.projected && block.stage == Stage::kProject && block.compound.empty()) {
    // A projection of a projection composes: its expressions read the items' text.
    std::vector<std::string> items;
    for (const auto& e : project.exprs)
      items.push_back(Expr(*e));
    block.items = std::move(items);
    block.item_ids = project.outputs;
  } else {
    EnsureAtMost(block, Stage::kWindow);
    block.items.clear();
    for (const auto& e : project.exprs)
      block.items.push_back(Expr(*e));
    block.item_ids = project.outputs;
  }
  block.projected = true;
  block.stage = Stage::kProject;
  block.outputs = project.outputs;
  for (size_t i = 0; i < project.outputs.size(); ++i) {
    // Referenced as an operand elsewhere: parenthesised unless it is an atom.
    column_text_[project.outputs[i]] =
        BindingOf(*project.exprs[i]) == kBindAtom ? block.items[i] : "(" + block.items[i] + ")";
  }
  return block;
}

// ---------------------------------------------------------------------------------------------
// Expressions

std::string SqlRenderer::Subquery(const plan::PlanNode& plan) {
  Block block = Build(plan);
  return Finish(block);
}

std::string SqlRenderer::SortKeys(const std::vector<plan::SortKey>& keys) {
  std::vector<std::string> out;
  for (const plan::SortKey& key : keys) {
    std::string text = Expr(*key.expr);
    if (key.descending) text += " DESC";
    if (key.nulls == ast::NullsOrder::kFirst) text += " NULLS FIRST";
    if (key.nulls == ast::NullsOrder::kLast) text += " NULLS LAST";
    out.push_back(text);
  }
  return Join(out, ", ");
}

std::string SqlRenderer::ExprIn(const plan::Expr& e, int context, bool left_of_same) {
  std::string text = Expr(e);
  if (BindingOf(e) >= context || left_of_same) return text;
  return "(" + text + ")";
}

std::string SqlRenderer::Expr(const plan::Expr& e) {
  CheckStackDepth();
  auto child = [&](size_t i) { return Expr(*e.children[i]); };
  // An operand of a predicate (IS NULL, BETWEEN, IN, LIKE): anything binding tighter.
  auto predicate_operand = [&](size_t i) { return ExprIn(*e.children[i], kBindPredicate + 1); };
  switch (e.kind) {
    case ExprKind::kConstant:
      return Literal(e.value, e.text);
    case ExprKind::kColumn:
      return ColumnText(e.column);
    case ExprKind::kParam:
      return Param(e.param_index);
    case ExprKind::kUnary: {
      if (e.unary_op == ast::UnaryOp::kNot) return "NOT " + ExprIn(*e.children[0], kBindNot);
      std::string op = ast::ToString(e.unary_op);
      std::string operand = ExprIn(*e.children[0], kBindUnary);
      // "- -1" and "~ ~x" keep a space: "--" would start a comment.
      return op + (operand.empty() || operand[0] == op[0] ? " " : "") + operand;
    }
    case ExprKind::kBinary: {
      // Rendered once only where a dialect may spell it otherwise: both children are rendered
      // here, and doing so at every level would cost 2^depth.
      if (temporal::IsTemporal(e.children[0]->type.type.id)) {
        if (auto typed = TypedBinary(e, child(0), child(1))) return *typed;
      }
      const plan::Expr& left = *e.children[0];
      bool same_chain = left.kind == ExprKind::kBinary && BindingOf(left) == BindingOf(e) &&
                        BindingOf(e) != kBindPredicate &&
                        (BindingOf(e) != kBindOperator || left.binary_op == e.binary_op);
      std::string left_text = ExprIn(left, OperandContext(e.binary_op, true), same_chain);
      if (plan::IsComparison(e.binary_op))
        left_text = PlainLeftOperand(left, *e.children[1], left_text);
      return left_text + " " + ast::ToString(e.binary_op) + " " +
             ExprIn(*e.children[1], OperandContext(e.binary_op, false));
    }
    case ExprKind::kIsNull:
      return predicate_operand(0) + (e.negated ? " IS NOT NULL" : " IS NULL");
    case ExprKind::kIsBool: {
      const char* test = e.bool_test == ast::BoolTest::kTrue    ? "TRUE"
                         : e.bool_test == ast::BoolTest::kFalse ? "FALSE"
                                                                : "NULL";
      return predicate_operand(0) + (e.negated ? " IS NOT " : " IS ") + test;
    }
    case ExprKind::kIsDistinct:
      return IsDistinctFrom(PlainLeftOperand(*e.children[0], *e.children[1], predicate_operand(0)),
                            predicate_operand(1), e.negated);
    case ExprKind::kBetween: {
      std::string operand = predicate_operand(0);
      operand = PlainLeftOperand(*e.children[0], *e.children[1],
                                 PlainLeftOperand(*e.children[0], *e.children[2], operand));
      return operand + (e.negated ? " NOT BETWEEN " : " BETWEEN ") + predicate_operand(1) +
             " AND " + predicate_operand(2);
    }
    case ExprKind::kInList: {
      std::vector<std::string> items;
      for (size_t i = 1; i < e.children.size(); ++i)
        items.push_back(child(i));
      return predicate_operand(0) + (e.negated ? " NOT IN (" : " IN (") + Join(items, ", ") + ")";
    }
    case ExprKind::kLike: {
      std::string escape = e.has_escape ? predicate_operand(2) : "";
      return Like(predicate_operand(0), predicate_operand(1), e.has_escape ? &escape : nullptr,
                  e.like_kind, e.negated);
    }
    case ExprKind::kCase: {
      std::string out = "CASE";
      size_t i = 0;
      if (e.has_operand) out += " " + child(i++);
      size_t whens_end = e.children.size() - (e.has_else ? 1 : 0);
      for (; i < whens_end; i += 2)
        out += " WHEN " + child(i) + " THEN " + child(i + 1);
      if (e.has_else) out += " ELSE " + child(e.children.size() - 1);
      return out + " END";
    }
    case ExprKind::kCast:
      return Cast(e, child(0));
    case ExprKind::kCollate:
      return ExprIn(*e.children[0], kBindAtom) + " COLLATE " + e.name;
    case ExprKind::kFunction: {
      std::vector<std::string> args;
      for (size_t i = 0; i < e.children.size(); ++i)
        args.push_back(child(i));
      return Function(e, args);
    }
    case ExprKind::kAggregate: {
      if (e.name == plan::kBareColumn) return child(0);  // the backend picks the row
      size_t argc = e.children.size() - (e.has_filter ? 1 : 0);
      std::vector<std::string> args;
      for (size_t i = 0; i < argc; ++i)
        args.push_back(child(i));
      std::string out = e.name + "(" + (e.distinct ? "DISTINCT " : "") +
                        (e.star ? std::string("*") : Join(args, ", ")) + ")";
      if (e.has_filter) out += " FILTER (WHERE " + child(e.children.size() - 1) + ")";
      return out;
    }
    case ExprKind::kWindow: {
      std::vector<std::string> args;
      for (size_t i = 0; i < e.children.size(); ++i)
        args.push_back(child(i));
      std::string spec;
      if (!e.window->partition_by.empty()) {
        std::vector<std::string> parts;
        for (const auto& p : e.window->partition_by)
          parts.push_back(Expr(*p));
        spec += "PARTITION BY " + Join(parts, ", ");
      }
      if (!e.window->order_by.empty()) {
        spec += std::string(spec.empty() ? "" : " ") + "ORDER BY " + SortKeys(e.window->order_by);
      }
      if (!e.window->frame.empty()) spec += (spec.empty() ? "" : " ") + e.window->frame;
      return e.name + "(" + (e.distinct ? "DISTINCT " : "") +
             (e.star ? std::string("*") : Join(args, ", ")) + ") OVER (" + spec + ")";
    }
    case ExprKind::kSubquery: {
      switch (e.subquery_kind) {
        case plan::SubqueryKind::kScalar:
          return "(" + Subquery(*e.plan) + ")";
        case plan::SubqueryKind::kExists:
          return "EXISTS (" + Subquery(*e.plan) + ")";
        case plan::SubqueryKind::kIn: {
          std::string left = predicate_operand(0);
          return "(" + left + (e.negated ? " NOT IN (" : " IN (") + Subquery(*e.plan) + "))";
        }
        case plan::SubqueryKind::kQuantified: {
          std::string left = predicate_operand(0);
          return Quantified(left, e.binary_op, e.quantifier, Subquery(*e.plan),
                            ColumnAlias(e.plan->outputs.at(0)));
        }
      }
      break;
    }
  }
  throw SqlError(sqlstate::kInternalError, "internal error: unknown expression kind");
}

// ---------------------------------------------------------------------------------------------
// Writes

std::string SqlRenderer::RenderInsert(const plan::InsertNode& insert) {
  std::string sql = "INSERT INTO " + QuoteIdentifier(insert.table->name);
  const plan::PlanNode& source = *insert.children[0];
  if (insert.target_columns.empty()) return sql + " DEFAULT VALUES";
  std::vector<std::string> names;
  for (int c : insert.target_columns)
    names.push_back(QuoteIdentifier(insert.table->columns[c].name));
  sql += " (" + Join(names, ", ") + ") ";
  if (source.kind == NodeKind::kValues) {
    std::vector<std::string> rows;
    for (const auto& row : source.Cast<plan::ValuesNode>().rows) {
      std::vector<std::string> cells;
      for (const auto& e : row)
        cells.push_back(Expr(*e));
      rows.push_back("(" + Join(cells, ", ") + ")");
    }
    return sql + "VALUES " + Join(rows, ", ");
  }
  Block block = Build(source);
  return sql + Finish(block);
}

std::string SqlRenderer::TargetWhere(const plan::PlanNode& child, const std::string& table) {
  const plan::PlanNode* scan_node = &child;
  const plan::FilterNode* filter = nullptr;
  if (child.kind == NodeKind::kFilter) {
    filter = &child.Cast<plan::FilterNode>();
    scan_node = child.children[0].get();
  }
  const auto& scan = scan_node->Cast<plan::ScanNode>();
  for (size_t i = 0; i < scan.outputs.size(); ++i) {
    int index = scan.column_indexes[i];
    column_text_[scan.outputs[i]] =
        table + "." +
        (index == plan::kRowidColumn ? "rowid" : QuoteIdentifier(scan.table->columns[index].name));
  }
  return filter ? " WHERE " + Expr(*filter->predicate) : "";
}

std::string SqlRenderer::RenderUpdate(const plan::UpdateNode& update) {
  std::string table = QuoteIdentifier(update.table->name);
  std::string where = TargetWhere(*update.children[0], table);
  std::vector<std::string> sets;
  for (const plan::Assignment& a : update.assignments) {
    sets.push_back(QuoteIdentifier(update.table->columns[a.column].name) + " = " + Expr(*a.value));
  }
  return "UPDATE " + table + " SET " + Join(sets, ", ") + where;
}

std::string SqlRenderer::RenderDelete(const plan::DeleteNode& del) {
  std::string table = QuoteIdentifier(del.table->name);
  std::string where = TargetWhere(*del.children[0], table);
  return "DELETE FROM " + table + where;
}

}  // namespace shardql
