// FinalAggregate: the second phase of two-phase aggregation. Per-shard partial rows (group key,
// then partial aggregates) are combined per group with the dialect's rules: COUNT sums counts,
// SUM sums sums (the dialect decides integer overflow and REAL promotion), MIN/MAX compare under
// the argument's collation, AVG divides the summed totals by the summed counts. Groups come out in
// key order, as one database's GROUP BY returns them.

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "executor/merge_operators.h"
#include "executor/row_compare.h"

namespace shardql {
namespace {

class FinalAggregateStream : public RowStream {
 public:
  FinalAggregateStream(std::unique_ptr<RowStream> child, const MergeNode& node,
                       const Dialect& dialect, size_t batch_rows)
      : child_(std::move(child)), node_(node), dialect_(dialect), batch_rows_(batch_rows) {}

  size_t width() const override { return node_.group_columns + node_.aggregates.size(); }

  bool Next(RowBatch& out) override {
    out.clear();
    out.width = width();
    if (!done_) Aggregate();
    while (next_ < order_.size() && out.row_count < batch_rows_) {
      Group& g = groups_[order_[next_++]];
      for (Value& v : g.key)
        out.values.push_back(std::move(v));
      for (size_t i = 0; i < node_.aggregates.size(); ++i)
        out.values.push_back(Finish(g, i));
      ++out.row_count;
    }
    return out.row_count > 0;
  }

 private:
  struct Group {
    std::vector<Value> key;
    std::vector<Value> state;  // per aggregate; AVG keeps its count in `counts`
    std::vector<Value> counts;
  };

  void Aggregate() {
    done_ = true;
    size_t g = node_.group_columns;
    std::unordered_map<std::string, size_t> index;
    RowBatch batch;
    while (child_->Next(batch)) {
      size_t w = batch.width;
      for (size_t r = 0; r < batch.rows(); ++r) {
        Value* row = &batch.values[r * w];
        std::string key;
        for (size_t c = 0; c < g; ++c)
          dialect_.AppendGroupKey(row[c], node_.group_collations[c], key);
        auto [it, inserted] = index.try_emplace(std::move(key), groups_.size());
        if (inserted) {
          Group group;
          group.key.assign(row, row + g);
          group.state.resize(node_.aggregates.size());
          group.counts.resize(node_.aggregates.size());
          groups_.push_back(std::move(group));
        }
        Combine(groups_[it->second], row);
      }
    }
    // An aggregate without GROUP BY returns one row even when no shard saw a row.
    if (g == 0 && groups_.empty()) {
      Group group;
      group.state.resize(node_.aggregates.size());
      group.counts.resize(node_.aggregates.size());
      groups_.push_back(std::move(group));
    }
    order_.resize(groups_.size());
    std::iota(order_.begin(), order_.end(), 0);
    if (node_.sort_groups && g > 0) {
      std::vector<MergeSortKey> keys;
      for (size_t c = 0; c < g; ++c) {
        MergeSortKey key;
        key.column = c;
        key.nulls_first = dialect_.NullsFirstWhenAscending();
        key.collation = node_.group_collations[c];
        keys.push_back(key);
      }
      RowComparator comparator(dialect_, keys);
      std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
        return comparator.Compare(groups_[a].key.data(), groups_[b].key.data()) < 0;
      });
    }
  }

  void Combine(Group& group, const Value* row) {
    for (size_t i = 0; i < node_.aggregates.size(); ++i) {
      const FinalAggregate& a = node_.aggregates[i];
      const Value& v = row[a.input];
      Value& state = group.state[i];
      switch (a.kind) {
        case FinalAggregateKind::kSum:
        case FinalAggregateKind::kCount:
        case FinalAggregateKind::kTotal:
          state = dialect_.CombineSum(state, v);
          break;
        case FinalAggregateKind::kMin:
        case FinalAggregateKind::kMax: {
          if (v.is_null()) break;
          int c = state.is_null() ? 0 : dialect_.Compare(v, state, a.collation);
          if (state.is_null() || (a.kind == FinalAggregateKind::kMin ? c < 0 : c > 0)) state = v;
          break;
        }
        case FinalAggregateKind::kAvg:
          state = dialect_.CombineSum(state, v);
          group.counts[i] = dialect_.CombineSum(group.counts[i], row[a.count_input]);
          break;
      }
    }
  }

  Value Finish(const Group& group, size_t i) const {
    const FinalAggregate& a = node_.aggregates[i];
    const Value& state = group.state[i];
    switch (a.kind) {
      case FinalAggregateKind::kCount:
        return state.is_null() ? Value::Integer(0) : state;
      case FinalAggregateKind::kTotal:
        return state.is_null() ? Value::Real(0.0) : state;
      case FinalAggregateKind::kAvg:
        return dialect_.FinishAvg(state, group.counts[i]);
      default:
        return state;
    }
  }

  std::unique_ptr<RowStream> child_;
  const MergeNode& node_;
  const Dialect& dialect_;
  size_t batch_rows_;
  bool done_ = false;
  std::vector<Group> groups_;
  std::vector<size_t> order_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<RowStream> MakeFinalAggregate(std::unique_ptr<RowStream> child,
                                              const MergeNode& node, const Dialect& dialect,
                                              size_t batch_rows) {
  return std::make_unique<FinalAggregateStream>(std::move(child), node, dialect, batch_rows);
}

}  // namespace shardql
