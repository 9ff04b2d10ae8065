// SubstrPrefixToRange (an index rule): a comparison of a column's leading substring with a text
// constant gains the range of the column that the constant starts, which an index on the column
// serves; the comparison stays, so the rows are exactly the same:
//
//   Filter substr(zip, 1, 2) = '98'     =>   Filter zip >= '98' AND zip < '99'
//   └── X                                           AND substr(zip, 1, 2) = '98'
//                                          └── X
//
// substr's result is a leading part of the column's text whatever n is, so the range of the
// constant holds every match (also when the constant is shorter than n: `substr(zip, 1, 5) =
// '981'` matches '981' only, within the range). `substring(col FROM 1 FOR n)` is the same call. The
// dialect says which range is exact for the column's type and collation
// (Dialect::SubstrPrefixBounds). On SQLite the comparison of substr's result is by bytes whatever
// the column's collation, and substr reads a number as its text: the range is exact only on TEXT
// affinity columns (on an INTEGER column `substr(code, 1, 2) = '12'` holds for 12345, which no
// range of numbers from '12' selects).
//
// Safe because the new conjunct only drops rows the comparison rejects: every value whose first
// n characters are the constant lies in the range. Comparisons raise no errors, and the original
// comparison is still evaluated on every row that reaches it. Only a start at 1 and a positive
// constant length qualify: substr counts a start below 1 from the end, and a length below 1 gives
// the empty text. Hazards (golden cases): letters on BINARY and NOCASE columns, blobs, numbers in
// INTEGER columns, a constant longer or shorter than n, non-ASCII starts, other starts.
//
// Only this shape is exact. Arithmetic on an indexed column (`code + 1 = 5` into `code = 4`) is
// not: an INTEGER column on SQLite can hold the text '4x', for which `code + 1 = 5` is true (the
// text reads as 4) and `code = 4` false. No rule moves it; index advice names the expression.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>

#include "planner/expression.h"
#include "rules/range_conjuncts.h"
#include "rules/registry.h"

namespace shardql::rules {
namespace {

using plan::Expr;
using plan::ExprKind;
using plan::ExprPtr;
using plan::NodeKind;
using plan::PlanNode;
using plan::PlanPtr;

bool IsIntegerConstant(const Expr& e, int64_t at_least) {
  return e.kind == ExprKind::kConstant && e.value.kind() == Value::Kind::kInteger &&
         e.value.integer() >= at_least;
}

// substr(column, 1, n) or substring(column, 1, n) with a constant n >= 1.
bool IsLeadingSubstring(const Expr& e) {
  return e.kind == ExprKind::kFunction && (e.name == "substr" || e.name == "substring") &&
         e.arg_count() == 3 && e.arg(0).kind == ExprKind::kColumn &&
         IsIntegerConstant(e.arg(1), 1) && e.arg(1).value.integer() == 1 &&
         IsIntegerConstant(e.arg(2), 1);
}

struct Candidate {
  const Expr* substring = nullptr;  // the substr call
  const Value* constant = nullptr;  // the text it is compared with
};

// `substr(column, 1, n) = 'text'` or `'text' = substr(column, 1, n)`.
std::optional<Candidate> CandidateOf(const Expr& e) {
  if (e.kind != ExprKind::kBinary || e.binary_op != ast::BinaryOp::kEq) return std::nullopt;
  for (int side = 0; side < 2; ++side) {
    const Expr& call = side == 0 ? e.left() : e.right();
    const Expr& other = side == 0 ? e.right() : e.left();
    if (IsLeadingSubstring(call) && other.kind == ExprKind::kConstant &&
        other.value.kind() == Value::Kind::kText) {
      return Candidate{&call, &other.value};
    }
  }
  return std::nullopt;
}

// A candidate no conjunct bounds already (this rule's own range, or another's): otherwise the
// range adds nothing.
std::optional<Candidate> Unbounded(const Expr& e, const std::vector<const Expr*>& conjuncts) {
  std::optional<Candidate> candidate = CandidateOf(e);
  if (!candidate) return std::nullopt;
  plan::ColumnId column = candidate->substring->arg(0).column;
  for (const Expr* c : conjuncts) {
    if (BoundsColumn(*c, column, false)) return std::nullopt;
  }
  return candidate;
}

class SubstrPrefixToRange : public Rule {
 public:
  const char* Name() const override { return "SubstrPrefixToRange"; }
  const char* Rationale() const override {
    return "a column's leading substring compared with a constant gains the range it implies, "
           "which an index serves";
  }

  bool Match(const PlanNode& node) const override {
    if (node.kind != NodeKind::kFilter) return false;
    std::vector<const Expr*> conjuncts = Conjuncts(*node.Cast<plan::FilterNode>().predicate);
    for (const Expr* c : conjuncts) {
      if (Unbounded(*c, conjuncts)) return true;
    }
    return false;
  }

  PlanPtr Apply(PlanPtr& node, RuleContext& ctx, std::string& message) const override {
    auto& filter = node->Cast<plan::FilterNode>();
    std::vector<const Expr*> conjuncts = Conjuncts(*filter.predicate);
    std::vector<ExprPtr> ranges;
    std::vector<std::string> done, refused;
    for (const Expr* c : conjuncts) {
      std::optional<Candidate> candidate = Unbounded(*c, conjuncts);
      if (!candidate) continue;
      const Expr& column = candidate->substring->arg(0);
      std::string_view prefix = candidate->constant->text();
      auto length = static_cast<size_t>(candidate->substring->arg(2).value.integer());
      std::string shown =
          fmt::format("{}(…, 1, {}) = '{}'", candidate->substring->name, length, prefix);
      std::optional<Dialect::LikeBounds> bounds =
          ctx.dialect.SubstrPrefixBounds(column.type, prefix);
      if (!bounds) {
        refused.push_back(
            fmt::format("{}: no exact range for this column's type and collation in {}", shown,
                        ctx.dialect.name()));
        continue;
      }
      if (!IndexLeadsColumn(*filter.children[0], column.column, ctx.cost)) {
        refused.push_back(fmt::format("{}: no index on any shard is led by the column", shown));
        continue;
      }
      ranges.push_back(HalfOpenRange(column, bounds->low, bounds->high));
      done.push_back(fmt::format("{} bounded by its start", shown));
    }
    return FilterWithRanges(filter, std::move(ranges), conjuncts, done, refused, message);
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSubstrPrefixToRange() {
  return std::make_unique<SubstrPrefixToRange>();
}

}  // namespace shardql::rules
