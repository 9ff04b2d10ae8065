#include "planner/cost_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "planner/distribution.h"
#include "planner/distributor_internal.h"
#include "planner/shard_pruning.h"

namespace shardql {
namespace {

using plan::ColumnId;
using plan::Expr;
using plan::ExprKind;
using plan::NodeKind;
using plan::PlanNode;

// Default figures for a table ANALYZE has not seen, after PostgreSQL's selfuncs.h: a thousand
// rows a shard, 200 distinct values in a column that is not unique, an equality matching 1 row
// in 200, an open range a third of the rows, a closed range (or a LIKE) 1 in 200.
constexpr double kDefaultRowsPerShard = 1000;
constexpr double kDefaultDistinct = 200;
constexpr double kDefaultEqualitySelectivity = 0.005;
constexpr double kDefaultRangeSelectivity = 1.0 / 3.0;
constexpr double kDefaultClosedRangeSelectivity = 0.005;
constexpr double kDefaultMatchSelectivity = 0.005;
constexpr double kDefaultNullSelectivity = 0.005;
constexpr double kDefaultOtherSelectivity = 1.0 / 3.0;
// Values of another kind than the column's type (a blob in a TEXT column): rare.
constexpr double kOtherKindSelectivity = 0.0001;

constexpr const char* kCombineBranchRoutes = "CombineBranchRoutes";

double Clamp01(double s) {
  return std::isnan(s) ? kDefaultOtherSelectivity : std::clamp(s, 0.0, 1.0);
}

bool IsValueOperand(const Expr& e) {
  return e.kind == ExprKind::kConstant || e.kind == ExprKind::kParam;
}

}  // namespace

CostModel::CostModel(const CatalogSnapshot& catalog, const Dialect& dialect,
                     const plan::ColumnTable& columns, const PlannerSettings& settings,
                     const std::vector<Value>* params, const CostConstants& constants)
    : catalog_(catalog),
      dialect_(dialect),
      columns_(columns),
      settings_(settings),
      params_(params),
      constants_(constants) {}

namespace {

// The figures the model needs of a table and its columns, from statistics or defaults.
class TableFigures {
 public:
  TableFigures(const CatalogSnapshot& catalog, const TableInfo& table)
      : table_(table), stats_(catalog.StatisticsOf(table.name)) {
    for (const IndexInfo* index : catalog.IndexesOf(table.name)) {
      if (!index->columns.empty()) indexed_.insert(index->columns.front());
    }
    for (int c : table.constraint_leading_columns)
      indexed_.insert(table.columns.at(c).name);
    for (const ColumnInfo& column : table.columns) {
      if (column.rowid_alias) indexed_.insert(column.name);
    }
    if (stats_) {
      for (const ShardIndexStatistics& index : stats_->indexes) {
        if (!index.columns.empty()) indexed_.insert(index.columns.front());
      }
    }
  }

  bool has_statistics() const { return stats_ != nullptr; }
  size_t shard_count() const { return table_.shards().size(); }
  // Rows in the whole table; a reference table's copy on one shard.
  double rows() const {
    if (stats_) return std::max(stats_->rows, 1.0);
    return table_.distribution == DistributionKind::kReference
               ? kDefaultRowsPerShard
               : kDefaultRowsPerShard * static_cast<double>(shard_count());
  }
  bool Unique(int column) const {
    if (column == plan::kRowidColumn) return true;
    const ColumnInfo& info = table_.columns.at(column);
    return info.primary_key || info.unique || info.rowid_alias;
  }
  bool Indexed(int column) const {
    return column == plan::kRowidColumn || indexed_.count(table_.columns.at(column).name) > 0;
  }
  const ColumnStatistics* Column(int column) const {
    if (!stats_ || column < 0 || static_cast<size_t>(column) >= stats_->columns.size())
      return nullptr;
    return &stats_->columns[column];
  }
  double Distinct(int column) const {
    if (Unique(column)) return rows();
    if (const ColumnStatistics* c = Column(column)) return std::max(c->distinct, 1.0);
    return std::min(kDefaultDistinct, rows());
  }
  double NullFraction(int column) const {
    const ColumnStatistics* c = Column(column);
    return c ? c->null_fraction : 0.0;
  }

 private:
  const TableInfo& table_;
  std::shared_ptr<const TableStatistics> stats_;
  std::set<std::string> indexed_;
};

}  // namespace

namespace {

// The estimator proper: one per CostModel::Of call.
class Estimator {
 public:
  Estimator(const CatalogSnapshot& catalog, const Dialect& dialect,
            const plan::ColumnTable& columns, const PlannerSettings& settings,
            const std::vector<Value>* params, const CostConstants& k)
      : catalog_(catalog),
        dialect_(dialect),
        columns_(columns),
        settings_(settings),
        params_(params),
        k_(k) {}

  Estimate Of(const PlanNode& root) {
    analysis_ = std::make_unique<DistributionAnalysis>(root, columns_, dialect_, params_);
    Index(root);
    Estimate e = Cost(root);
    e.defaults = defaults_;
    return e;
  }

  double Selectivity(const Expr& predicate, const PlanNode& input) {
    Index(input);
    return Sel(predicate);
  }

 private:
  struct Origin {
    const TableInfo* table = nullptr;
    int column = 0;
  };

  void Index(const PlanNode& root) {
    plan::VisitPlan(root, [&](const PlanNode& n) {
      if (n.kind == NodeKind::kScan) {
        const auto& scan = n.Cast<plan::ScanNode>();
        for (size_t i = 0; i < scan.outputs.size(); ++i)
          origins_[scan.outputs[i]] = {scan.table.get(), scan.column_indexes[i]};
        if (!Figures(*scan.table).has_statistics()) defaults_ = true;
      }
    });
  }

  const TableFigures& Figures(const TableInfo& table) {
    auto it = figures_.find(&table);
    if (it == figures_.end()) it = figures_.emplace(&table, TableFigures(catalog_, table)).first;
    return it->second;
  }

  const Origin* OriginOf(const Expr& e) {
    if (e.kind != ExprKind::kColumn) return nullptr;
    auto it = origins_.find(e.column);
    return it == origins_.end() ? nullptr : &it->second;
  }

  // ---- Row counts

  double Rows(const PlanNode& node) {
    auto it = rows_.find(&node);
    if (it != rows_.end()) return it->second;
    double rows = ComputeRows(node);
    rows_[&node] = rows;
    return rows;
  }

  double ComputeRows(const PlanNode& node) {
    switch (node.kind) {
      case NodeKind::kScan:
        return Figures(*node.Cast<plan::ScanNode>().table).rows();
      case NodeKind::kValues:
        return static_cast<double>(node.Cast<plan::ValuesNode>().rows.size());
      case NodeKind::kFilter:
        return Rows(*node.children[0]) * Sel(*node.Cast<plan::FilterNode>().predicate);
      case NodeKind::kJoin: {
        const auto& join = node.Cast<plan::JoinNode>();
        double left = Rows(*node.children[0]);
        double right = Rows(*node.children[1]);
        double inner = left * right * (join.condition ? Sel(*join.condition) : 1.0);
        switch (join.join_kind) {
          case plan::JoinKind::kLeft:
            return std::max(inner, left);
          case plan::JoinKind::kRight:
            return std::max(inner, right);
          case plan::JoinKind::kFull:
            return std::max(inner, left + right);
          default:
            return inner;
        }
      }
      case NodeKind::kAggregate: {
        const auto& agg = node.Cast<plan::AggregateNode>();
        double input = Rows(*node.children[0]);
        if (agg.groups.empty()) return 1;
        double groups = 1;
        for (const plan::ExprPtr& g : agg.groups)
          groups *= DistinctOf(*g, input);
        return std::max(1.0, std::min(groups, input));
      }
      case NodeKind::kDistinct:
        return std::max(1.0, Rows(*node.children[0]) * 0.5);
      case NodeKind::kLimit: {
        const auto& limit = node.Cast<plan::LimitNode>();
        double input = Rows(*node.children[0]);
        if (limit.limit && limit.limit->kind == ExprKind::kConstant &&
            limit.limit->value.kind() == Value::Kind::kInteger) {
          return std::min(input, static_cast<double>(limit.limit->value.integer()));
        }
        return input;
      }
      case NodeKind::kSetOp: {
        const auto& setop = node.Cast<plan::SetOpNode>();
        double left = Rows(*node.children[0]);
        double right = Rows(*node.children[1]);
        switch (setop.op) {
          case ast::SetOpKind::kUnion:
            return left + right;
          case ast::SetOpKind::kIntersect:
            return std::min(left, right);
          case ast::SetOpKind::kExcept:
            return left;
        }
        return left;
      }
      default:
        return node.children.empty() ? 1 : Rows(*node.children[0]);
    }
  }

  double DistinctOf(const Expr& e, double input) {
    if (const Origin* o = OriginOf(e))
      return std::min(Figures(*o->table).Distinct(o->column), input);
    return std::min(kDefaultDistinct, input);
  }

  // ---- Selectivity

  double Sel(const Expr& e) { return Clamp01(ComputeSel(e)); }

  double ComputeSel(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kBinary:
        switch (e.binary_op) {
          case ast::BinaryOp::kAnd:
            return AndSel(e);
          case ast::BinaryOp::kOr: {
            double a = Sel(e.left()), b = Sel(e.right());
            return a + b - a * b;
          }
          default:
            if (plan::IsComparison(e.binary_op)) return ComparisonSel(e);
            return kDefaultOtherSelectivity;
        }
      case ExprKind::kUnary:
        if (e.unary_op == ast::UnaryOp::kNot) return 1 - Sel(e.operand());
        return kDefaultOtherSelectivity;
      case ExprKind::kIsNull: {
        double nulls = kDefaultNullSelectivity;
        if (const Origin* o = OriginOf(e.operand())) {
          const TableFigures& f = Figures(*o->table);
          if (f.has_statistics()) nulls = f.NullFraction(o->column);
        }
        return e.negated ? 1 - nulls : nulls;
      }
      case ExprKind::kIsBool: {
        double s = e.bool_test == ast::BoolTest::kTrue    ? Sel(e.operand())
                   : e.bool_test == ast::BoolTest::kFalse ? 1 - Sel(e.operand())
                                                          : kDefaultNullSelectivity;
        return e.negated ? 1 - s : s;
      }
      case ExprKind::kInList: {
        double s = 0;
        for (size_t i = 0; i < e.item_count(); ++i)
          s += EqualitySel(e.operand(), &e.item(i));
        s = std::min(s, 1.0);
        return e.negated ? 1 - s : s;
      }
      case ExprKind::kBetween: {
        double s = RangeSel(e.operand(), &e.low(), &e.high());
        return e.negated ? 1 - s : s;
      }
      case ExprKind::kLike:
        return e.negated ? 1 - kDefaultMatchSelectivity : kDefaultMatchSelectivity;
      case ExprKind::kConstant:
        if (e.value.is_null()) return 0;
        if (e.value.kind() == Value::Kind::kBoolean || e.value.kind() == Value::Kind::kInteger)
          return e.value.integer() != 0 ? 1 : 0;
        return kDefaultOtherSelectivity;
      default:
        return kDefaultOtherSelectivity;
    }
  }

  // A conjunction: a lower and an upper bound on one column make one closed range, estimated
  // together; the rest multiply as independent.
  double AndSel(const Expr& e) {
    std::vector<const Expr*> conjuncts;
    plan::ForEachConjunct(e, [&](const Expr& c) { conjuncts.push_back(&c); });
    return AndSel(conjuncts);
  }

  double AndSel(const std::vector<const Expr*>& conjuncts) {
    struct Bound {
      const Expr* conjunct = nullptr;
      const Expr* value = nullptr;
    };
    struct Range {
      const Expr* column = nullptr;
      Bound low, high;
    };
    std::map<ColumnId, Range> ranges;
    for (const Expr* c : conjuncts) {
      const Expr* column = nullptr;
      const Expr* value = nullptr;
      ast::BinaryOp op{};
      if (!ColumnComparison(*c, &column, &value, &op)) continue;
      Range& range = ranges[column->column];
      range.column = column;
      bool lower = op == ast::BinaryOp::kGt || op == ast::BinaryOp::kGtEq;
      bool upper = op == ast::BinaryOp::kLt || op == ast::BinaryOp::kLtEq;
      if (lower && !range.low.conjunct) range.low = {c, value};
      if (upper && !range.high.conjunct) range.high = {c, value};
    }
    // A LIKE on a column implies the range of its literal start (LikePrefixToRange writes it
    // out): the range adds no selectivity of its own.
    std::set<ColumnId> liked;
    for (const Expr* c : conjuncts) {
      if (c->kind == ExprKind::kLike && !c->negated && c->operand().kind == ExprKind::kColumn)
        liked.insert(c->operand().column);
    }
    double s = 1;
    std::set<const Expr*> in_range;  // a one-sided bound is estimated as its own comparison
    for (const auto& [id, range] : ranges) {
      if (!range.low.conjunct || !range.high.conjunct) continue;
      if (!liked.count(id)) s *= RangeSel(*range.column, range.low.value, range.high.value);
      in_range.insert({range.low.conjunct, range.high.conjunct});
    }
    for (const Expr* c : conjuncts) {
      if (!in_range.count(c)) s *= Sel(*c);
    }
    return s;
  }

  // `column op value` (either way round) with a constant or parameter as the value.
  static bool ColumnComparison(const Expr& e, const Expr** column, const Expr** value,
                               ast::BinaryOp* op) {
    if (e.kind != ExprKind::kBinary || !plan::IsComparison(e.binary_op)) return false;
    if (e.left().kind == ExprKind::kColumn && IsValueOperand(e.right())) {
      *column = &e.left();
      *value = &e.right();
      *op = e.binary_op;
      return true;
    }
    if (e.right().kind == ExprKind::kColumn && IsValueOperand(e.left())) {
      *column = &e.right();
      *value = &e.left();
      *op = plan::MirrorComparison(e.binary_op);
      return true;
    }
    return false;
  }

  // The value of a constant, or of a parameter whose value is known.
  const Value* KnownValue(const Expr& e) const {
    if (e.kind == ExprKind::kConstant) return &e.value;
    if (e.kind == ExprKind::kParam && params_ && e.param_index >= 1 &&
        e.param_index <= params_->size()) {
      return &(*params_)[e.param_index - 1];
    }
    return nullptr;
  }

  double ComparisonSel(const Expr& e) {
    if (e.left().kind == ExprKind::kColumn && e.right().kind == ExprKind::kColumn) {
      if (e.binary_op != ast::BinaryOp::kEq) return kDefaultRangeSelectivity;
      double d = std::max(DistinctOf(e.left(), 1e18), DistinctOf(e.right(), 1e18));
      return 1.0 / std::max(d, 1.0);
    }
    const Expr* column = nullptr;
    const Expr* value = nullptr;
    ast::BinaryOp op{};
    if (!ColumnComparison(e, &column, &value, &op)) {
      return e.binary_op == ast::BinaryOp::kEq ? kDefaultEqualitySelectivity
                                               : kDefaultRangeSelectivity;
    }
    switch (op) {
      case ast::BinaryOp::kEq:
        return EqualitySel(*column, value);
      case ast::BinaryOp::kNotEq:
        return 1 - EqualitySel(*column, value) - NullFraction(*column);
      case ast::BinaryOp::kGt:
      case ast::BinaryOp::kGtEq:
        return RangeSel(*column, value, nullptr);
      default:
        return RangeSel(*column, nullptr, value);
    }
  }

  static bool IsText(const Expr& e) {
    TypeId id = e.type.type.id;
    return e.kind == ExprKind::kColumn &&
           (id == TypeId::kText || id == TypeId::kVarchar || id == TypeId::kChar);
  }

  double NullFraction(const Expr& column) {
    const Origin* o = OriginOf(column);
    return o ? Figures(*o->table).NullFraction(o->column) : 0;
  }

  double EqualitySel(const Expr& operand, const Expr* value) {
    const Origin* o = OriginOf(operand);
    if (!o) return kDefaultEqualitySelectivity;
    const TableFigures& f = Figures(*o->table);
    const ColumnStatistics* stats = f.Column(o->column);
    const Value* v = value ? KnownValue(*value) : nullptr;
    if (v && v->is_null()) return 0;
    if (stats && v) {
      double common = 0;
      for (const auto& [mcv, fraction] : stats->most_common) {
        if (dialect_.Compare(mcv, *v, Collation()) == 0) return fraction;
        common += fraction;
      }
      double others =
          std::max(stats->distinct - static_cast<double>(stats->most_common.size()), 1.0);
      return std::max(0.0, 1 - stats->null_fraction - common) / others;
    }
    return f.Unique(o->column) ? 1.0 / f.rows() : 1.0 / f.Distinct(o->column);
  }

  // The fraction of rows with low <= column <= high (either bound may be absent).
  double RangeSel(const Expr& operand, const Expr* low, const Expr* high) {
    const Origin* o = OriginOf(operand);
    const ColumnStatistics* stats = o ? Figures(*o->table).Column(o->column) : nullptr;
    const Value* lo = low ? KnownValue(*low) : nullptr;
    const Value* hi = high ? KnownValue(*high) : nullptr;
    // A text column's values sort below every blob (SQLite): a lower bound at a blob keeps only
    // the blobs it may hold, an upper bound every text.
    if (IsText(operand) && lo && lo->kind() == Value::Kind::kBlob) return kOtherKindSelectivity;
    if (IsText(operand) && hi && hi->kind() == Value::Kind::kBlob && !low)
      return 1 - NullFraction(operand);
    if (stats && (lo || !low) && (hi || !high) && !stats->histogram.empty()) {
      double below_high = hi ? FractionBelow(*stats, *hi) : 1 - stats->null_fraction;
      double below_low = lo ? FractionBelow(*stats, *lo) : 0;
      return std::max(below_high - below_low, 0.0);
    }
    if (low && high) return kDefaultClosedRangeSelectivity;
    return kDefaultRangeSelectivity;
  }

  // The fraction of all rows whose value is below `v`: the most common values counted exactly,
  // the rest by where `v` falls among the histogram's bounds (linearly within a bucket).
  double FractionBelow(const ColumnStatistics& stats, const Value& v) {
    double common = 0, common_below = 0;
    for (const auto& [mcv, fraction] : stats.most_common) {
      common += fraction;
      if (dialect_.Compare(mcv, v, Collation()) < 0) common_below += fraction;
    }
    double rest = std::max(0.0, 1 - stats.null_fraction - common);
    const std::vector<Value>& bounds = stats.histogram;
    double position = 0;
    if (bounds.size() == 1) {
      position = dialect_.Compare(bounds[0], v, Collation()) < 0 ? 1 : 0;
    } else {
      size_t below = 0;
      while (below < bounds.size() && dialect_.Compare(bounds[below], v, Collation()) < 0)
        ++below;
      if (below == 0) {
        position = 0;
      } else if (below == bounds.size()) {
        position = 1;
      } else {
        // Halfway into the bucket [bounds[below - 1], bounds[below]).
        position = (static_cast<double>(below) - 0.5) / static_cast<double>(bounds.size() - 1);
      }
    }
    return common_below + rest * position;
  }

  // ---- Costs

  // The ring indexes of the shards a route over `d` visits; nullopt when they are chosen from
  // parameters whose values are not known.
  std::optional<std::vector<uint32_t>> ShardsOf(const Distribution& d) {
    if (d.replicated()) return std::vector<uint32_t>{0};
    const HashRing& ring = *d.ring_table->ring;
    if (!d.choice.key_params.empty() && !params_) return std::nullopt;
    return ResolveShards(d.choice, ring, params_ ? *params_ : std::vector<Value>{}, dialect_);
  }

  double VisitCount(const Distribution& d) {
    if (auto shards = ShardsOf(d)) return static_cast<double>(std::max<size_t>(shards->size(), 1));
    return static_cast<double>(d.choice.fixed.size() + d.choice.key_params.size());
  }

  Estimate Cost(const PlanNode& node) {
    const Distribution& d = analysis_->Of(node);
    if (!d.router() && d.ring_table && distribute::ReadsTables(node)) return RouteCost(node, d);
    Estimate out;
    out.rows = Rows(node);
    double merged = 0;
    for (const plan::PlanPtr& child : node.children) {
      Estimate c = Cost(*child);
      out.cost += c.cost;
      out.shard_visits += c.shard_visits;
      out.rows_moved += c.rows_moved;
      merged += c.rows;
    }
    // UNION ALL's rows stream through the router as they arrive; every other merge works on
    // each row.
    if (IsUnionAll(node)) {
      CombineBranches(node, out);
    } else {
      out.cost += merged * k_.merge_row_ms;
    }
    return out;
  }

  // UNION ALL branches that are routes over one ring's shards, with the shards known, visit each
  // shard once (the distributor's CombineBranchRoutes): the extra visits are not paid.
  static bool IsUnionAll(const PlanNode& node) {
    if (node.kind != NodeKind::kSetOp) return false;
    const auto& setop = node.Cast<plan::SetOpNode>();
    return setop.all && setop.op == ast::SetOpKind::kUnion;
  }

  void CombineBranches(const PlanNode& node, Estimate& out) {
    if (!settings_.Enabled(kCombineBranchRoutes)) return;
    std::vector<const PlanNode*> branches;
    distribute::CollectUnionAll(node, branches);
    const TableInfo* ring = nullptr;
    std::set<uint32_t> shards;
    double visits = 0;
    for (const PlanNode* branch : branches) {
      const Distribution& d = analysis_->Of(*branch);
      if (d.router() || !d.ring_table || !distribute::ReadsTables(*branch)) return;
      if (ring && !SameRing(*ring, *d.ring_table)) return;
      ring = d.ring_table;
      std::optional<std::vector<uint32_t>> s = ShardsOf(d);
      if (!s) return;
      shards.insert(s->begin(), s->end());
      visits += static_cast<double>(s->size());
    }
    double saved = visits - static_cast<double>(shards.size());
    out.cost -= saved * k_.route_ms;
    out.shard_visits -= saved;
  }

  // A subtree the shards run on their own: the visits, what each shard reads, the rows sent.
  Estimate RouteCost(const PlanNode& node, const Distribution& d) {
    Estimate out;
    out.rows = Rows(node);
    out.shard_visits = VisitCount(d);
    double ring_size = static_cast<double>(d.ring_table->shards().size());
    // The part of each hash-distributed table the visited shards hold; a reference table is
    // read whole on the one shard that answers.
    double part = d.replicated() ? 1.0 : std::min(out.shard_visits / ring_size, 1.0);
    out.rows_moved = out.rows;
    out.cost = out.shard_visits * k_.route_ms + Work(node, part, out.shard_visits) +
               out.rows * k_.return_row_ms;
    return out;
  }

  // What the shards read and compute for `node`, given the part of each table they hold.
  double Work(const PlanNode& node, double part, double visits) {
    switch (node.kind) {
      case NodeKind::kMaterialize: {
        // Computed once by its own routes, then copied to each visited shard and read there.
        Estimate source = Cost(*node.children[0]);
        return source.cost + Rows(node) * visits * (k_.ship_row_ms + k_.scan_row_ms);
      }
      case NodeKind::kScan:
        return ScanWork(node.Cast<plan::ScanNode>(), nullptr, part, visits);
      case NodeKind::kFilter: {
        const PlanNode& child = *node.children[0];
        if (child.kind == NodeKind::kScan) {
          return ScanWork(child.Cast<plan::ScanNode>(),
                          node.Cast<plan::FilterNode>().predicate.get(), part, visits);
        }
        return Work(child, part, visits) + Rows(child) * part * k_.scan_row_ms;
      }
      default: {
        double work = 0;
        for (const plan::PlanPtr& child : node.children)
          work += Work(*child, part, visits) + Rows(*child) * part * k_.scan_row_ms;
        return work;
      }
    }
  }

  // A table read under `predicate`: through an index when a conjunct seeks one (or an OR whose
  // every branch does: a multi-index OR), else a scan of every row.
  double ScanWork(const plan::ScanNode& scan, const Expr* predicate, double part, double visits) {
    double rows = Figures(*scan.table).rows() * part;
    double scan_cost = rows * k_.scan_row_ms;
    if (!predicate) return scan_cost;
    std::optional<Seek> seek = BestSeek(*predicate, *scan.table);
    if (!seek) return scan_cost;
    return std::min(scan_cost,
                    seek->descents * visits * k_.seek_ms + seek->fraction * rows * k_.seek_row_ms);
  }

  // How an index serves a predicate: descents per shard and the fraction of rows read.
  struct Seek {
    double descents = 1;
    double fraction = 1;
  };

  // The cheapest index a conjunction's conjuncts seek: those on one indexed column together (a
  // lower and an upper bound make one closed range), or an OR whose every arm seeks (a
  // multi-index OR).
  std::optional<Seek> BestSeek(const Expr& conjunction, const TableInfo& table) {
    std::map<ColumnId, std::vector<const Expr*>> by_column;
    std::map<ColumnId, double> descents;
    std::optional<Seek> best;
    auto consider = [&](const Seek& s) {
      if (!best || s.fraction < best->fraction) best = s;
    };
    plan::ForEachConjunct(conjunction, [&](const Expr& c) {
      if (c.kind == ExprKind::kBinary && c.binary_op == ast::BinaryOp::kOr) {
        auto left = BestSeek(c.left(), table);
        auto right = BestSeek(c.right(), table);
        if (left && right)
          consider({left->descents + right->descents, left->fraction + right->fraction});
        return;
      }
      std::optional<std::pair<ColumnId, double>> seek = SeekColumn(c, table);
      if (!seek) return;
      by_column[seek->first].push_back(&c);
      descents[seek->first] = std::max(descents[seek->first], seek->second);
    });
    for (const auto& [column, conjuncts] : by_column)
      consider({descents[column], AndSel(conjuncts)});
    return best;
  }

  // A constant text pattern whose first character is not a wildcard.
  static bool LiteralStart(const Expr& pattern) {
    if (pattern.kind != ExprKind::kConstant || pattern.value.kind() != Value::Kind::kText)
      return false;
    std::string_view text = pattern.value.text();
    return !text.empty() && text[0] != '%' && text[0] != '_';
  }

  // The indexed column a conjunct seeks, and how many descents it makes (an IN list one per
  // item); nullopt when no index serves it.
  std::optional<std::pair<ColumnId, double>> SeekColumn(const Expr& c, const TableInfo& table) {
    const Expr* column = nullptr;
    const Expr* value = nullptr;
    ast::BinaryOp op{};
    const Expr* operand = nullptr;
    double descents = 1;
    if (ColumnComparison(c, &column, &value, &op)) {
      if (op == ast::BinaryOp::kNotEq) return std::nullopt;
      operand = column;
    } else if (c.kind == ExprKind::kInList && !c.negated) {
      operand = &c.operand();
      descents = static_cast<double>(c.item_count());
    } else if ((c.kind == ExprKind::kBetween && !c.negated) ||
               (c.kind == ExprKind::kIsNull && !c.negated) ||
               (c.kind == ExprKind::kLike && !c.negated && LiteralStart(c.pattern()) &&
                dialect_.LikeServedByIndex(c.operand().type))) {
      operand = &c.operand();
    } else {
      return std::nullopt;
    }
    if (operand->kind != ExprKind::kColumn) return std::nullopt;
    const Origin* o = OriginOf(*operand);
    if (!o || o->table != &table || !Figures(table).Indexed(o->column)) return std::nullopt;
    return std::make_pair(operand->column, descents);
  }

  const CatalogSnapshot& catalog_;
  const Dialect& dialect_;
  const plan::ColumnTable& columns_;
  const PlannerSettings& settings_;
  const std::vector<Value>* params_;
  const CostConstants& k_;
  std::unique_ptr<DistributionAnalysis> analysis_;
  std::map<ColumnId, Origin> origins_;
  std::map<const TableInfo*, TableFigures> figures_;
  std::map<const PlanNode*, double> rows_;
  bool defaults_ = false;
};

}  // namespace

Estimate CostModel::Of(const plan::PlanNode& node) const {
  return Estimator(catalog_, dialect_, columns_, settings_, params_, constants_).Of(node);
}

double CostModel::Selectivity(const plan::Expr& predicate, const plan::PlanNode& input) const {
  return Estimator(catalog_, dialect_, columns_, settings_, params_, constants_)
      .Selectivity(predicate, input);
}

double CostModel::TableRows(const TableInfo& table) const {
  return TableFigures(catalog_, table).rows();
}

bool CostModel::Indexed(const TableInfo& table, int column) const {
  return TableFigures(catalog_, table).Indexed(column);
}

std::string FormatEstimate(const Estimate& e) {
  return fmt::format("rows={:.0f} cost={:.4g}", e.rows, e.cost);
}

}  // namespace shardql
