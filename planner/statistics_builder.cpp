#include "planner/statistics_builder.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace shardql {
namespace {

// Equal values (under the column's collation) of one column's sample, counted, in order.
struct ValueCount {
  Value value;
  size_t count;
};

std::vector<ValueCount> CountSampled(std::vector<Value> values, const Dialect& dialect,
                                     Collation collation) {
  std::stable_sort(values.begin(), values.end(), [&](const Value& a, const Value& b) {
    return dialect.Compare(a, b, collation) < 0;
  });
  std::vector<ValueCount> out;
  for (Value& v : values) {
    if (!out.empty() && dialect.Compare(out.back().value, v, collation) == 0) {
      ++out.back().count;
    } else {
      out.push_back({std::move(v), 1});
    }
  }
  return out;
}

class ColumnCombiner {
 public:
  ColumnCombiner(const TableInfo& table, size_t column, const std::vector<ShardTableFacts>& shards,
                 const Dialect& dialect, double table_rows)
      : table_(table), column_(column), shards_(shards), dialect_(dialect), rows_(table_rows) {}

  ColumnStatistics Combine() {
    ColumnStatistics out;
    const Collation collation = table_.columns[column_].collation;
    double non_null = 0;
    for (const ShardTableFacts* s : Counted()) {
      non_null += s->non_null[column_];
      Extend(out.min, s->min[column_], -1, collation);
      Extend(out.max, s->max[column_], 1, collation);
    }
    out.null_fraction = rows_ > 0 ? std::clamp(1 - non_null / rows_, 0.0, 1.0) : 0;

    std::vector<Value> sampled;
    size_t sample_rows = 0;
    for (const ShardTableFacts* s : Counted()) {
      sample_rows += s->sample.size();
      for (const std::vector<Value>& row : s->sample)
        if (!row[column_].is_null()) sampled.push_back(row[column_]);
    }
    const double n = static_cast<double>(sampled.size());
    std::vector<ValueCount> counts = CountSampled(std::move(sampled), dialect_, collation);
    double seen_once = 0;
    for (const ValueCount& c : counts)
      seen_once += c.count == 1 ? 1 : 0;
    out.distinct = Distinct(n, non_null, static_cast<double>(counts.size()), seen_once);
    // A count of a few in a sample that misses values says little about the value's frequency
    // (its relative error is about 1/sqrt(count)): then a common value is seen at least 10 times.
    bool sample_has_every_value = out.distinct <= static_cast<double>(counts.size());
    size_t least = sample_has_every_value ? 2 : 10;
    if (sample_rows > 0) MostCommonAndHistogram(counts, n, sample_rows, least, collation, out);
    return out;
  }

 private:
  // The shards of a reference table all hold every row: one of them speaks for the table.
  std::vector<const ShardTableFacts*> Counted() const {
    std::vector<const ShardTableFacts*> out;
    for (const ShardTableFacts& s : shards_) {
      out.push_back(&s);
      if (table_.distribution == DistributionKind::kReference) break;
    }
    return out;
  }

  void Extend(std::optional<Value>& bound, const std::optional<Value>& v, int direction,
              Collation collation) const {
    if (!v) return;
    if (!bound || dialect_.Compare(*v, *bound, collation) * direction > 0) bound = v;
  }

  double Distinct(double n, double non_null, double distinct, double seen_once) const {
    const ColumnInfo& info = table_.columns[column_];
    if (info.primary_key || info.unique || info.rowid_alias) return non_null;
    double estimate = EstimateDistinct(n, non_null, distinct, seen_once);
    // The shards' own counts, where every shard keeps one, bound the estimate.
    double largest = 0, sum = 0;
    for (const ShardTableFacts* s : Counted()) {
      if (!s->distinct[column_]) return estimate;
      largest = std::max(largest, *s->distinct[column_]);
      sum += *s->distinct[column_];
    }
    bool shard_key = table_.distribution == DistributionKind::kHash &&
                     table_.shard_key == static_cast<int>(column_);
    if (shard_key) return sum;
    return std::clamp(estimate, largest, std::max(sum, largest));
  }

  // The values sampled more often than the average (PostgreSQL's 1.25 × rule), at most
  // kMostCommonValues; then equal-population bounds over the rest of the sample.
  void MostCommonAndHistogram(std::vector<ValueCount>& counts, double n, size_t sample_rows,
                              size_t least, Collation collation, ColumnStatistics& out) const {
    if (counts.empty()) return;
    const double average = n / static_cast<double>(counts.size());
    std::vector<size_t> order(counts.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return counts[a].count > counts[b].count; });
    std::vector<bool> common(counts.size(), false);
    // All sampled values alike: every one is common (a column of few values).
    bool all_fit = counts.size() <= kMostCommonValues && counts.size() < n;
    for (size_t i : order) {
      if (out.most_common.size() == kMostCommonValues) break;
      const ValueCount& c = counts[i];
      if (c.count < least || (!all_fit && static_cast<double>(c.count) <= 1.25 * average)) break;
      out.most_common.emplace_back(c.value, static_cast<double>(c.count) / sample_rows);
      common[i] = true;
    }
    std::vector<const Value*> rest;  // in order, each value as often as sampled
    for (size_t i = 0; i < counts.size(); ++i) {
      if (common[i]) continue;
      for (size_t k = 0; k < counts[i].count; ++k)
        rest.push_back(&counts[i].value);
    }
    if (rest.size() < 2) return;
    size_t buckets = std::min(kHistogramBuckets, rest.size() - 1);
    for (size_t b = 0; b <= buckets; ++b) {
      const Value& bound = *rest[b * (rest.size() - 1) / buckets];
      if (out.histogram.empty() || dialect_.Compare(out.histogram.back(), bound, collation) != 0)
        out.histogram.push_back(bound);
    }
  }

  const TableInfo& table_;
  size_t column_;
  const std::vector<ShardTableFacts>& shards_;
  const Dialect& dialect_;
  double rows_;
};

}  // namespace

size_t SampleRowsFor(double shard_rows, double table_rows, size_t target) {
  if (table_rows <= static_cast<double>(target)) return static_cast<size_t>(shard_rows);
  return static_cast<size_t>(std::ceil(static_cast<double>(target) * shard_rows / table_rows));
}

double EstimateDistinct(double n, double table_rows, double distinct, double seen_once) {
  if (n <= 0 || distinct <= 0) return 0;
  if (n >= table_rows) return distinct;   // the sample is every row
  if (seen_once >= n) return table_rows;  // every sampled value different: a unique column
  double estimate = n * distinct / (n - seen_once + seen_once * n / table_rows);
  return std::clamp(std::round(estimate), distinct, table_rows);
}

TableStatistics CombineShardFacts(const TableInfo& table,
                                  const std::vector<ShardTableFacts>& shards,
                                  const Dialect& dialect, int64_t taken_at) {
  TableStatistics out;
  out.taken_at = taken_at;
  for (const ShardTableFacts& s : shards)
    out.shard_rows.emplace_back(s.shard, s.rows);
  if (table.distribution == DistributionKind::kReference) {
    out.rows = shards.empty() ? 0 : shards.front().rows;
    if (!shards.empty()) out.sampled_rows = shards.front().sample.size();
  } else {
    for (const ShardTableFacts& s : shards) {
      out.rows += s.rows;
      out.sampled_rows += s.sample.size();
    }
  }
  for (size_t c = 0; c < table.columns.size(); ++c)
    out.columns.push_back(ColumnCombiner(table, c, shards, dialect, out.rows).Combine());
  // Indexes by name; each lists the shards that have it.
  std::map<std::string, ShardIndexStatistics> indexes;
  for (const ShardTableFacts& s : shards) {
    for (const ShardIndexStatistics& index : s.indexes) {
      auto [it, added] = indexes.emplace(index.name, index);
      if (!added) it->second.shards.push_back(s.shard);
    }
  }
  for (auto& [name, index] : indexes)
    out.indexes.push_back(std::move(index));
  return out;
}

}  // namespace shardql
