// LikePrefixToRange: a LIKE whose pattern starts with literal characters gains the range those
// characters imply, which an index on the column serves; the LIKE stays, so the rows are exactly
// the same:
//
//   Filter r AND col LIKE '98___'      =>   Filter col >= '98' AND col < '99'
//   └── X                                          AND r AND col LIKE '98___'
//                                           └── X
//
// A pattern without wildcards may bound the column to one value, `col LIKE '98101'` gaining
// `col = '98101'`, where the dialect says that is exact (not on SQLite, whose LIKE stops reading
// a text at a NUL byte that = compares: the range of '98101' instead). The dialect says which range
// is exact for the column's type and collation (Dialect::LikePrefixBounds). On SQLite, LIKE ignores
// the case of ASCII letters: on a BINARY column the range covers only the start before the first
// letter (none at all for 'ab%'), on a NOCASE column the lowercased start bounds the folded values.
// A TEXT column can hold blobs, which sort after every text: where the SQLite's LIKE reads blobs as
// text, the range becomes
// `(col >= '98' AND col < '99') OR col >= X''` (a MULTI-INDEX OR) to keep them.
//
// Safe because the new conjunct only drops rows the LIKE rejects: every value the pattern
// matches is in the range (or of another kind, in the other arm). Comparisons raise no errors and
// the LIKE is evaluated on every row that reaches it as before, so no error appears or vanishes —
// except that a malformed ESCAPE raises one per row: with an ESCAPE that is not one character the
// rule refuses. Hazards (golden cases): ESCAPE ('a\%b%' starts with 'a%b'), a start ending in the
// largest code point, an empty start ('%x'), letters, NOT LIKE, other collations and affinities.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
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

const Value* TextConstant(const Expr& e) {
  if (e.kind != ExprKind::kConstant || e.value.kind() != Value::Kind::kText) return nullptr;
  return &e.value;
}

// `column LIKE 'text'` (or ILIKE), not negated, with a constant ESCAPE if any.
bool IsCandidate(const Expr& e) {
  if (e.kind != ExprKind::kLike || e.negated) return false;
  if (e.operand().kind != ExprKind::kColumn || !TextConstant(e.pattern())) return false;
  return !e.escape() || TextConstant(*e.escape());
}

// A LIKE no conjunct bounds already (this rule's own range, or the user's, whose literals the
// plan cache may have made parameters): otherwise the range adds nothing.
bool Unbounded(const Expr& like, const std::vector<const Expr*>& conjuncts) {
  if (!IsCandidate(like)) return false;
  for (const Expr* c : conjuncts) {
    if (c != &like && BoundsColumn(*c, like.operand().column, true)) return false;
  }
  return true;
}

struct LiteralStart {
  std::string text;
  bool whole_pattern = false;  // no wildcard anywhere
};

// The characters before the first unescaped % or _; nullopt when the ESCAPE is not exactly one
// character or the pattern ends in it (SQLite raises an error for those: the rule keeps out).
std::optional<LiteralStart> StartOf(const std::string& pattern, const Value* escape) {
  std::string esc;
  if (escape) {
    esc = std::string(escape->text());
    // One UTF-8 character: a lead byte, then only continuation bytes.
    auto continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; };
    if (esc.empty() || continuation(esc[0]) ||
        !std::all_of(esc.begin() + 1, esc.end(), continuation)) {
      return std::nullopt;
    }
  }
  LiteralStart start;
  for (size_t i = 0; i < pattern.size();) {
    if (!esc.empty() && pattern.compare(i, esc.size(), esc) == 0) {
      i += esc.size();
      if (i >= pattern.size()) return std::nullopt;
      start.text += pattern[i++];
      continue;
    }
    if (pattern[i] == '%' || pattern[i] == '_') return start;
    start.text += pattern[i++];
  }
  start.whole_pattern = true;
  return start;
}

class LikePrefixToRange : public Rule {
 public:
  const char* Name() const override { return "LikePrefixToRange"; }
  const char* Rationale() const override {
    return "a LIKE with a literal start gains the range it implies, which an index serves";
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
      if (!Unbounded(*c, conjuncts)) continue;
      const Expr& column = c->operand();
      std::string pattern(c->pattern().value.text());
      std::optional<LiteralStart> start =
          StartOf(pattern, c->escape() ? &c->escape()->value : nullptr);
      if (!start) {
        refused.push_back(fmt::format("'{}': its ESCAPE is not one character", pattern));
        continue;
      }
      std::optional<Dialect::LikeBounds> bounds =
          start->text.empty() ? std::nullopt
                              : ctx.dialect.LikePrefixBounds(column.type, c->like_kind, start->text,
                                                             start->whole_pattern);
      if (!bounds) {
        refused.push_back(start->text.empty()
                              ? fmt::format("'{}' starts with a wildcard", pattern)
                              : fmt::format("'{}': no exact range for this column's type and "
                                            "collation in {}",
                                            pattern, ctx.dialect.name()));
        continue;
      }
      if (!IndexLeadsColumn(*filter.children[0], column.column, ctx.cost)) {
        refused.push_back(fmt::format("'{}': no index on any shard is led by the column", pattern));
        continue;
      }
      ExprPtr range = bounds->exact ? CompareColumn(ast::BinaryOp::kEq, column, *bounds->exact)
                                    : HalfOpenRange(column, bounds->low, bounds->high);
      if (bounds->other_kinds_from) {
        range = plan::MakeBinary(
            ast::BinaryOp::kOr, std::move(range),
            CompareColumn(ast::BinaryOp::kGtEq, column, *bounds->other_kinds_from));
      }
      done.push_back(
          fmt::format("'{}' bounded by {}", pattern, bounds->exact ? "its value" : "its start"));
      ranges.push_back(std::move(range));
    }
    return FilterWithRanges(filter, std::move(ranges), conjuncts, done, refused, message);
  }
};

}  // namespace

std::unique_ptr<Rule> MakeLikePrefixToRange() {
  return std::make_unique<LikePrefixToRange>();
}

}  // namespace shardql::rules
