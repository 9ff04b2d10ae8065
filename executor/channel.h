#pragma once
// A bounded queue of row batches from shard producers to the statement's thread. Bounded, so a
// fast shard cannot fill memory ahead of a slow merge (the merge holds about `capacity` batches
// per shard, not the result). Closing with an error, or cancelling, wakes everyone.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "backends/backend.h"

namespace shardql {

struct ShardBatch {
  size_t source = 0;  // which producer
  RowBatch batch;
};

class Channel {
 public:
  Channel(size_t producers, size_t capacity) : open_producers_(producers), capacity_(capacity) {}

  // Blocks while full. Returns false when the channel was cancelled (the producer should stop).
  bool Push(ShardBatch batch);
  // A producer is done.
  void Close();
  // Blocks until a batch arrives, or every producer closed (nullopt).
  std::optional<ShardBatch> Pop();
  // Stops producers and consumers: pushes fail, pops end.
  void Cancel();
  bool cancelled() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<ShardBatch> queue_;
  size_t open_producers_;
  size_t capacity_;
  bool cancelled_ = false;
};

}  // namespace shardql
