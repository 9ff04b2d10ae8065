#pragma once
// SqlRenderer writes a logical plan back as SQL text a backend runs. A query block of the plan
// (Scan/Join … Filter, Aggregate, Filter, Window, Project, Distinct, Sort, Limit) becomes one
// SELECT; a node that cannot join the SELECT being built (a Filter over a Limit, say) turns what is
// below it into a derived table. Every scan and derived table gets a fresh alias (t0, q1, …), so
// correlated references are unambiguous whatever names the user chose.
//
// The base class writes portable SQL; a dialect's subclass overrides the hooks where its backend
// differs (parameters, literals, functions, quantified subqueries, OFFSET without LIMIT).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "planner/logical_plan.h"

namespace shardql {

// A value as a SQL literal that reads back as the very same value (NULL, 42, 1.5, 'it''s',
// X'00ff', TRUE); a REAL always carries a '.' or an exponent so it stays REAL.
std::string SqlLiteral(const Value& value);

class SqlRenderer {
 public:
  explicit SqlRenderer(const plan::ColumnTable& columns) : columns_(columns) {}
  virtual ~SqlRenderer() = default;

  // A SELECT with exactly root.outputs as its columns, or the INSERT / UPDATE / DELETE.
  std::string Render(const plan::PlanNode& root);

 protected:
  // ---- Dialect hooks
  virtual std::string Param(uint32_t index) const;
  virtual std::string Literal(const Value& value, const std::string& text) const;
  // A scalar function call; `call` gives its arguments' types to dialects that spell a call
  // differently per type.
  virtual std::string Function(const plan::Expr& call, const std::vector<std::string>& args) const;
  static std::string Call(const std::string& name, const std::vector<std::string>& args);
  // CAST(operand AS e.name), or how the dialect converts between the types (SQLite: date/time
  // text to date/time text).
  virtual std::string Cast(const plan::Expr& e, const std::string& operand) const {
    return "CAST(" + operand + " AS " + e.name + ")";
  }
  // `left op right` when the dialect spells it otherwise (SQLite: date ± integer); nullopt for
  // the plain operator.
  virtual std::optional<std::string> TypedBinary(const plan::Expr&, const std::string&,
                                                 const std::string&) const {
    return std::nullopt;
  }
  // x op ANY|ALL (subquery). The default writes it as is (PostgreSQL).
  // `column_alias` names the subquery's one result column.
  virtual std::string Quantified(const std::string& left, ast::BinaryOp op,
                                 ast::Quantifier quantifier, const std::string& subquery,
                                 const std::string& column_alias);
  virtual std::string IsDistinctFrom(const std::string& left, const std::string& right,
                                     bool negated) const;
  virtual std::string Like(const std::string& operand, const std::string& pattern,
                           const std::string* escape, ast::LikeKind kind, bool negated) const;
  // A statement's temporary table (a Materialize node) as a FROM item names it: in the
  // connection's own schema for temporary tables, never a shard table of the same name.
  virtual std::string TempTable(const std::string& name) const;
  // The keyword that joins two FROM items without a condition.
  virtual const char* UnconditionedJoin() const { return " CROSS JOIN "; }
  virtual bool OffsetNeedsLimit() const { return false; }
  // Whether a compound SELECT accepts a parenthesised operand.
  virtual bool ParenthesizedSetOperands() const { return true; }

  std::string NewAlias(char prefix) {
    return std::string(1, prefix) + std::to_string(next_alias_++);
  }

 private:
  // One SELECT under construction. Stages only move forward; a node whose clause comes before the
  // current stage wraps the block into a derived table first.
  enum class Stage : uint8_t {
    kFrom,
    kWhere,
    kGroup,
    kHaving,
    kWindow,
    kProject,
    kDistinct,
    kOrder,
    kLimit
  };
  struct Block {
    Stage stage = Stage::kFrom;
    std::string from;  // empty: no FROM clause
    bool from_is_join = false;
    // Conjuncts: their text, and the text as one of several joined with AND.
    std::vector<std::pair<std::string, std::string>> where;
    std::vector<std::string> group_by;
    std::vector<std::pair<std::string, std::string>> having;
    bool grouped = false;
    bool distinct = false;
    std::vector<std::string> items;  // rendered select items (expression text)
    std::vector<plan::ColumnId> item_ids;
    bool projected = false;
    // ORDER BY keys: a key that names a visible result column is written as its position when the
    // SELECT is finished (the only form a compound accepts), any other as its expression.
    struct OrderKey {
      bool is_column = false;
      plan::ColumnId column = 0;
      std::string expr;    // the key's expression text
      std::string suffix;  // " DESC", " NULLS FIRST", ...
    };
    std::vector<OrderKey> order_by;
    std::string limit, offset;
    // A compound SELECT (UNION …) in `compound`; it takes only ORDER BY / LIMIT / OFFSET after.
    std::string compound;
    std::vector<plan::ColumnId> outputs;
  };

  Block Build(const plan::PlanNode& node);
  Block BuildScan(const plan::ScanNode& scan);
  Block BuildMaterialized(const plan::MaterializeNode& materialize);
  Block BuildValues(const plan::ValuesNode& values);
  Block BuildJoin(const plan::JoinNode& join);
  Block BuildSetOp(const plan::SetOpNode& setop);
  Block BuildProject(const plan::ProjectNode& project);

  // The finished SELECT text of a block, its columns named as `aliases` (c<id> by default).
  std::string Finish(const Block& block, const std::vector<std::string>* aliases = nullptr);
  std::string SelectList(const Block& block, const std::vector<std::string>* aliases);
  // Turns a block into a derived table of a new block.
  Block Wrap(const Block& inner);
  // A block usable as a FROM item: its FROM text when it is a bare FROM, else a derived table.
  std::string AsFromItem(const Block& block, bool parenthesize_join);
  void EnsureAtMost(Block& block, Stage stage);

  // An expression's text, parenthesised only where its operators would otherwise bind
  // differently (ExprIn: as an operand of something that binds `context` tightly).
  std::string Expr(const plan::Expr& e);
  std::string ExprIn(const plan::Expr& e, int context, bool left_of_same = false);
  std::string PlainLeftOperand(const plan::Expr& left, const plan::Expr& right,
                               const std::string& text) const;
  std::string SortKeys(const std::vector<plan::SortKey>& keys);
  std::string OrderByClause(const Block& block);
  std::string Subquery(const plan::PlanNode& plan);
  std::string RenderInsert(const plan::InsertNode& insert);
  std::string RenderUpdate(const plan::UpdateNode& update);
  std::string RenderDelete(const plan::DeleteNode& del);
  std::string TargetWhere(const plan::PlanNode& child, const std::string& table);

  std::string ColumnText(plan::ColumnId id) const;
  // The name a column id gets in a select list: c1, c2, ... local to this statement.
  std::string ColumnAlias(plan::ColumnId id);

  const plan::ColumnTable& columns_;
  // SQL text of each column id in the SELECT being written; ids are unique in a statement, so
  // one map serves nested blocks and correlated subqueries alike.
  std::map<plan::ColumnId, std::string> column_text_;
  std::map<plan::ColumnId, size_t> column_aliases_;
  int next_alias_ = 0;
};

}  // namespace shardql
