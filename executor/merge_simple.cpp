// Gather, Limit, Distinct and Project: the merges that need no ordering or state beyond a set.

#include <algorithm>
#include <functional>
#include <unordered_set>

#include "executor/merge_operators.h"

namespace shardql {
namespace {

// Opens each child only when the one before it is done: children that share a shard (two
// branches on one shard inside a transaction) then never run on its connection at once.
class GatherStream : public RowStream {
 public:
  GatherStream(std::vector<std::function<std::unique_ptr<RowStream>()>> children, size_t width)
      : open_(std::move(children)), width_(width) {}
  size_t width() const override { return width_; }
  bool Next(RowBatch& out) override {
    while (next_ < open_.size() || current_) {
      if (!current_) current_ = open_[next_++]();
      if (current_->Next(out)) return true;
      current_.reset();  // done: let its shards go
    }
    out.clear();
    return false;
  }

 private:
  std::vector<std::function<std::unique_ptr<RowStream>()>> open_;
  size_t width_;
  size_t next_ = 0;
  std::unique_ptr<RowStream> current_;
};

class LimitStream : public RowStream {
 public:
  LimitStream(std::unique_ptr<RowStream> child, std::optional<int64_t> limit, int64_t offset)
      : child_(std::move(child)), width_(child_->width()), limit_(limit), to_skip_(offset) {}
  size_t width() const override { return width_; }
  bool Next(RowBatch& out) override {
    out.clear();
    out.width = width_;
    while (child_ && !(limit_ && *limit_ <= 0)) {
      RowBatch batch;
      if (!child_->Next(batch)) break;
      size_t begin = 0, rows = batch.rows();
      if (to_skip_ > 0) {
        size_t skip = std::min<size_t>(rows, static_cast<size_t>(to_skip_));
        begin = skip;
        to_skip_ -= static_cast<int64_t>(skip);
      }
      size_t end = rows;
      if (limit_) end = std::min<size_t>(rows, begin + static_cast<size_t>(*limit_));
      for (size_t r = begin; r < end; ++r) {
        for (size_t c = 0; c < width_; ++c) {
          out.values.push_back(std::move(batch.values[r * width_ + c]));
        }
      }
      out.row_count = end - begin;
      if (limit_) *limit_ -= static_cast<int64_t>(end - begin);
      if (out.row_count > 0) return true;
    }
    // The window is full: stop the shards now rather than when the statement ends.
    child_.reset();
    return false;
  }

 private:
  std::unique_ptr<RowStream> child_;
  size_t width_;
  std::optional<int64_t> limit_;
  int64_t to_skip_;
};

class DistinctStream : public RowStream {
 public:
  DistinctStream(std::unique_ptr<RowStream> child, std::vector<Collation> collations,
                 const Dialect& dialect)
      : child_(std::move(child)), collations_(std::move(collations)), dialect_(dialect) {}
  size_t width() const override { return child_->width(); }
  bool Next(RowBatch& out) override {
    out.clear();
    out.width = width();
    RowBatch batch;
    while (child_->Next(batch)) {
      size_t w = batch.width;
      for (size_t r = 0; r < batch.rows(); ++r) {
        std::string key;
        for (size_t c = 0; c < w; ++c) {
          dialect_.AppendGroupKey(batch.values[r * w + c],
                                  c < collations_.size() ? collations_[c] : Collation(), key);
        }
        if (!seen_.insert(std::move(key)).second) continue;
        for (size_t c = 0; c < w; ++c)
          out.values.push_back(std::move(batch.values[r * w + c]));
        ++out.row_count;
      }
      if (out.row_count > 0) return true;
    }
    return false;
  }

 private:
  std::unique_ptr<RowStream> child_;
  std::vector<Collation> collations_;
  const Dialect& dialect_;
  std::unordered_set<std::string> seen_;
};

class ProjectStream : public RowStream {
 public:
  ProjectStream(std::unique_ptr<RowStream> child, std::vector<size_t> columns)
      : child_(std::move(child)), columns_(std::move(columns)) {
    // A column picked twice (SELECT max(b), max(b) shares one aggregate) is copied, and moved
    // only where it is used last.
    last_use_.resize(columns_.size());
    for (size_t i = 0; i < columns_.size(); ++i) {
      last_use_[i] = std::find(columns_.begin() + static_cast<long>(i) + 1, columns_.end(),
                               columns_[i]) == columns_.end();
    }
  }
  size_t width() const override { return columns_.size(); }
  bool Next(RowBatch& out) override {
    out.clear();
    out.width = columns_.size();
    RowBatch batch;
    do {
      if (!child_->Next(batch)) return false;
    } while (batch.rows() == 0);
    size_t w = batch.width;
    out.values.reserve(batch.rows() * columns_.size());
    for (size_t r = 0; r < batch.rows(); ++r) {
      for (size_t i = 0; i < columns_.size(); ++i) {
        Value& v = batch.values[r * w + columns_[i]];
        out.values.push_back(last_use_[i] ? std::move(v) : v);
      }
    }
    out.row_count = batch.rows();
    return true;
  }

 private:
  std::unique_ptr<RowStream> child_;
  std::vector<size_t> columns_;
  std::vector<bool> last_use_;
};

}  // namespace

std::unique_ptr<RowStream> MakeGather(
    std::vector<std::function<std::unique_ptr<RowStream>()>> children, size_t width) {
  return std::make_unique<GatherStream>(std::move(children), width);
}

std::unique_ptr<RowStream> MakeLimit(std::unique_ptr<RowStream> child, std::optional<int64_t> limit,
                                     int64_t offset) {
  return std::make_unique<LimitStream>(std::move(child), limit, offset);
}

std::unique_ptr<RowStream> MakeDistinct(std::unique_ptr<RowStream> child,
                                        std::vector<Collation> collations, const Dialect& dialect) {
  return std::make_unique<DistinctStream>(std::move(child), std::move(collations), dialect);
}

std::unique_ptr<RowStream> MakeProject(std::unique_ptr<RowStream> child,
                                       std::vector<size_t> columns) {
  return std::make_unique<ProjectStream>(std::move(child), std::move(columns));
}

}  // namespace shardql
