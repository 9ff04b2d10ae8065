// MergeSort: a k-way merge over per-shard sorted streams; the router holds one batch per shard,
// never the result. Sort: an in-memory sort for inputs that arrive unordered (merged groups).

#include <algorithm>
#include <numeric>
#include <queue>

#include "executor/merge_operators.h"
#include "executor/row_compare.h"

namespace shardql {
namespace {

class MergeSortStream : public RowStream {
 public:
  MergeSortStream(std::unique_ptr<RouteStream> route, std::vector<MergeSortKey> keys,
                  const Dialect& dialect, size_t batch_rows)
      : route_(std::move(route)), comparator_(dialect, std::move(keys)), batch_rows_(batch_rows) {}

  size_t width() const override { return route_->width(); }

  bool Next(RowBatch& out) override {
    out.clear();
    out.width = width();
    if (!started_) Start();
    while (!heap_.empty() && out.row_count < batch_rows_) {
      size_t source = heap_.top();
      heap_.pop();
      Cursor& c = cursors_[source];
      Value* row = &c.batch.values[c.row * c.batch.width];
      for (size_t i = 0; i < c.batch.width; ++i)
        out.values.push_back(std::move(row[i]));
      ++out.row_count;
      if (Advance(source)) heap_.push(source);
    }
    return out.row_count > 0;
  }

 private:
  struct Cursor {
    RowBatch batch;
    size_t row = 0;
  };

  // Moves a shard's cursor to its next row, reading its next batch when needed.
  bool Advance(size_t source) {
    Cursor& c = cursors_[source];
    if (++c.row < c.batch.rows()) return true;
    c.row = 0;
    while (route_->NextFrom(source, c.batch)) {
      if (c.batch.rows() > 0) return true;
    }
    return false;
  }

  void Start() {
    started_ = true;
    cursors_.resize(route_->sources());
    for (size_t s = 0; s < cursors_.size(); ++s) {
      cursors_[s].row = 0;
      while (route_->NextFrom(s, cursors_[s].batch)) {
        if (cursors_[s].batch.rows() > 0) {
          heap_.push(s);
          break;
        }
      }
    }
  }

  struct Greater {
    const MergeSortStream* self;
    bool operator()(size_t a, size_t b) const {
      const Cursor& x = self->cursors_[a];
      const Cursor& y = self->cursors_[b];
      int c = self->comparator_.Compare(&x.batch.values[x.row * x.batch.width],
                                        &y.batch.values[y.row * y.batch.width]);
      // Ties go to the lower shard, so the output does not depend on arrival timing.
      return c != 0 ? c > 0 : a > b;
    }
  };

  std::unique_ptr<RouteStream> route_;
  RowComparator comparator_;
  size_t batch_rows_;
  bool started_ = false;
  std::vector<Cursor> cursors_;
  std::priority_queue<size_t, std::vector<size_t>, Greater> heap_{Greater{this}};
};

class SortStream : public RowStream {
 public:
  SortStream(std::unique_ptr<RowStream> child, std::vector<MergeSortKey> keys,
             const Dialect& dialect, size_t batch_rows)
      : child_(std::move(child)), comparator_(dialect, std::move(keys)), batch_rows_(batch_rows) {}

  size_t width() const override { return child_->width(); }

  bool Next(RowBatch& out) override {
    out.clear();
    out.width = width();
    if (!sorted_) Sort();
    while (next_ < order_.size() && out.row_count < batch_rows_) {
      Value* row = &rows_.values[order_[next_++] * rows_.width];
      for (size_t i = 0; i < rows_.width; ++i)
        out.values.push_back(std::move(row[i]));
      ++out.row_count;
    }
    return out.row_count > 0;
  }

 private:
  void Sort() {
    sorted_ = true;
    rows_.width = width();
    RowBatch batch;
    while (child_->Next(batch)) {
      for (Value& v : batch.values)
        rows_.values.push_back(std::move(v));
      rows_.row_count += batch.rows();
    }
    order_.resize(rows_.row_count);
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
      return comparator_.Compare(&rows_.values[a * rows_.width], &rows_.values[b * rows_.width]) <
             0;
    });
  }

  std::unique_ptr<RowStream> child_;
  RowComparator comparator_;
  size_t batch_rows_;
  bool sorted_ = false;
  RowBatch rows_;
  std::vector<size_t> order_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<RowStream> MakeMergeSort(std::unique_ptr<RouteStream> route,
                                         std::vector<MergeSortKey> keys, const Dialect& dialect,
                                         size_t batch_rows) {
  return std::make_unique<MergeSortStream>(std::move(route), std::move(keys), dialect, batch_rows);
}

std::unique_ptr<RowStream> MakeSort(std::unique_ptr<RowStream> child,
                                    std::vector<MergeSortKey> keys, const Dialect& dialect,
                                    size_t batch_rows) {
  return std::make_unique<SortStream>(std::move(child), std::move(keys), dialect, batch_rows);
}

}  // namespace shardql
