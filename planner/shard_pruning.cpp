#include "planner/shard_pruning.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace shardql {

using plan::Expr;
using plan::ExprKind;

uint32_t ShardIndexOfKey(const Value& key, const TableInfo& table, const Dialect& dialect) {
  const ColumnInfo& column = table.shard_key_column();
  Value stored = dialect.StoredValue(key, column.type);
  return table.ring->ShardIndexFor(dialect.KeyHash(stored, column.collation));
}

std::vector<uint32_t> ResolveShards(const ShardChoice& choice, const HashRing& ring,
                                    const std::vector<Value>& params, const Dialect& dialect) {
  std::vector<uint32_t> indexes;
  if (choice.all) {
    for (uint32_t i = 0; i < ring.shards().size(); ++i)
      indexes.push_back(i);
    return indexes;
  }
  indexes = choice.fixed;
  for (uint32_t p : choice.key_params) {
    const Value& v = p <= params.size() ? params[p - 1] : Value::Null();
    Value stored = dialect.StoredValue(v, choice.key_type);
    indexes.push_back(ring.ShardIndexFor(dialect.KeyHash(stored, choice.key_collation)));
  }
  std::sort(indexes.begin(), indexes.end());
  indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
  return indexes;
}

plan::ColumnId ShardPruner::Find(plan::ColumnId id) const {
  auto it = parent_.find(id);
  while (it != parent_.end() && it->second != id) {
    id = it->second;
    it = parent_.find(id);
  }
  return id;
}

void ShardPruner::Union(plan::ColumnId a, plan::ColumnId b) {
  a = Find(a);
  b = Find(b);
  if (a != b) parent_[a] = b;
}

namespace {
bool IsValueOperand(const Expr& e) {
  return e.kind == ExprKind::kConstant || e.kind == ExprKind::kParam;
}
}  // namespace

void ShardPruner::AddPredicate(const Expr& predicate) {
  plan::ForEachConjunct(predicate, [&](const Expr& e) {
    // a = b between columns that store equal values alike joins their classes.
    if (e.kind == ExprKind::kBinary && e.binary_op == ast::BinaryOp::kEq &&
        e.children[0]->kind == ExprKind::kColumn && e.children[1]->kind == ExprKind::kColumn) {
      if (dialect_.EqualityHashesAlike(e.children[0]->type, e.children[1]->type)) {
        Union(e.children[0]->column, e.children[1]->column);
      }
      return;
    }
    conjuncts_.push_back(&e);
  });
}

bool ShardPruner::IsKeyColumn(const Expr& e, plan::ColumnId key) const {
  return e.kind == ExprKind::kColumn && Find(e.column) == Find(key);
}

KeyValues ShardPruner::Intersect(const KeyValues& a, const KeyValues& b,
                                 Collation collation) const {
  if (!a.params.empty() || !b.params.empty()) {
    // Parameters are unknown until execution: either side is a correct superset; keep the smaller.
    size_t na = a.constants.size() + a.params.size(), nb = b.constants.size() + b.params.size();
    return na <= nb ? a : b;
  }
  KeyValues out;
  for (const Value& v : a.constants) {
    bool in_b = std::any_of(b.constants.begin(), b.constants.end(),
                            [&](const Value& w) { return dialect_.Compare(v, w, collation) == 0; });
    if (in_b) out.constants.push_back(v);
  }
  return out;
}

std::optional<KeyValues> ShardPruner::ValuesFrom(const Expr& e, plan::ColumnId key,
                                                 const ExprType& type) const {
  auto add_operand = [&](const Expr& operand, KeyValues& values, bool null_matches) {
    if (operand.kind == ExprKind::kParam) {
      values.params.push_back(operand.param_index);
    } else if (!operand.value.is_null() || null_matches) {
      // `k = NULL` matches no row: it adds no value.
      values.constants.push_back(dialect_.StoredValue(operand.value, type.type));
    }
  };
  // The comparison must compare the other side as the key stores it, under the key's collation.
  auto comparable = [&](const Expr& column, const Expr& other) {
    return dialect_.ComparesAsStored(column.type, other.type, type.collation);
  };
  switch (e.kind) {
    case ExprKind::kBinary: {
      if (e.binary_op == ast::BinaryOp::kAnd) {
        auto l = ValuesFrom(*e.children[0], key, type);
        auto r = ValuesFrom(*e.children[1], key, type);
        if (l && r) return Intersect(*l, *r, type.collation);
        return l ? l : r;
      }
      if (e.binary_op == ast::BinaryOp::kOr) {
        auto l = ValuesFrom(*e.children[0], key, type);
        auto r = ValuesFrom(*e.children[1], key, type);
        if (!l || !r) return std::nullopt;  // one branch reads any key
        KeyValues out = *l;
        out.constants.insert(out.constants.end(), r->constants.begin(), r->constants.end());
        out.params.insert(out.params.end(), r->params.begin(), r->params.end());
        return out;
      }
      if (e.binary_op != ast::BinaryOp::kEq) return std::nullopt;
      const Expr& a = *e.children[0];
      const Expr& b = *e.children[1];
      KeyValues values;
      if (IsKeyColumn(a, key) && IsValueOperand(b) && comparable(a, b)) {
        add_operand(b, values, false);
        return values;
      }
      if (IsKeyColumn(b, key) && IsValueOperand(a) && comparable(b, a)) {
        add_operand(a, values, false);
        return values;
      }
      return std::nullopt;
    }
    case ExprKind::kIsDistinct: {
      if (!e.negated) return std::nullopt;  // only IS NOT DISTINCT FROM (null-safe equality)
      const Expr& a = *e.children[0];
      const Expr& b = *e.children[1];
      KeyValues values;
      if (IsKeyColumn(a, key) && IsValueOperand(b) && comparable(a, b)) {
        add_operand(b, values, true);
        return values;
      }
      if (IsKeyColumn(b, key) && IsValueOperand(a) && comparable(b, a)) {
        add_operand(a, values, true);
        return values;
      }
      return std::nullopt;
    }
    case ExprKind::kIsNull: {
      if (e.negated || !IsKeyColumn(*e.children[0], key)) return std::nullopt;
      KeyValues values;
      values.constants.push_back(Value::Null());
      return values;
    }
    case ExprKind::kInList: {
      if (e.negated || !IsKeyColumn(*e.children[0], key)) return std::nullopt;
      KeyValues values;
      for (size_t i = 1; i < e.children.size(); ++i) {
        const Expr& item = *e.children[i];
        if (!IsValueOperand(item) || !comparable(*e.children[0], item)) return std::nullopt;
        add_operand(item, values, false);
      }
      return values;
    }
    default:
      return std::nullopt;
  }
}

std::optional<KeyValues> ShardPruner::ValuesOf(plan::ColumnId key, const ExprType& type) const {
  std::optional<KeyValues> out;
  for (const Expr* c : conjuncts_) {
    std::optional<KeyValues> v = ValuesFrom(*c, key, type);
    if (!v) continue;
    out = out ? Intersect(*out, *v, type.collation) : *v;
  }
  return out;
}

ShardChoice ShardPruner::Choose(const std::optional<KeyValues>& values, const TableInfo& table,
                                const std::string& key_text, std::string* reason) const {
  ShardChoice choice;
  const ColumnInfo& key = table.shard_key_column();
  choice.key_type = key.type;
  choice.key_collation = key.collation;
  if (!values) {
    choice.all = true;
    if (reason) *reason = fmt::format("no condition on shard key {}: every shard", key_text);
    return choice;
  }
  for (const Value& v : values->constants) {
    uint32_t shard = ShardIndexOfKey(v, table, dialect_);
    if (std::find(choice.fixed.begin(), choice.fixed.end(), shard) == choice.fixed.end()) {
      choice.fixed.push_back(shard);
    }
  }
  std::sort(choice.fixed.begin(), choice.fixed.end());
  choice.key_params = values->params;
  if (reason) {
    std::vector<std::string> parts;
    for (const Value& v : values->constants)
      parts.push_back(v.DebugString());
    for (uint32_t p : values->params)
      parts.push_back(fmt::format("${}", p));
    std::string shards;
    for (uint32_t s : choice.fixed)
      shards += (shards.empty() ? "" : ", ") + table.shards()[s];
    if (parts.empty()) {
      *reason = fmt::format("{} can match no value: no shard", key_text);
    } else if (values->params.empty()) {
      *reason = fmt::format("{} in {{{}}} → {}", key_text, fmt::join(parts, ", "), shards);
    } else {
      *reason = fmt::format("{} in {{{}}} → shards chosen at execute time", key_text,
                            fmt::join(parts, ", "));
    }
  }
  return choice;
}

}  // namespace shardql
