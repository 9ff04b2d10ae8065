#pragma once
// Orders rows by sort keys with the dialect's own comparison (collations, NULL placement), for
// the k-way merge and the router's sorts.

#include <vector>

#include "planner/dialect.h"
#include "planner/distributed_plan.h"

namespace shardql {

class RowComparator {
 public:
  RowComparator(const Dialect& dialect, std::vector<MergeSortKey> keys)
      : dialect_(dialect), keys_(std::move(keys)) {}

  // Negative, zero or positive, comparing two rows (each a pointer to its first column).
  int Compare(const Value* a, const Value* b) const {
    for (const MergeSortKey& k : keys_) {
      const Value& x = a[k.column];
      const Value& y = b[k.column];
      if (x.is_null() != y.is_null()) return x.is_null() == k.nulls_first ? -1 : 1;
      int c = dialect_.Compare(x, y, k.collation);
      if (c != 0) return k.descending ? -c : c;
    }
    return 0;
  }

 private:
  const Dialect& dialect_;
  std::vector<MergeSortKey> keys_;
};

}  // namespace shardql
