#include "planner/hash_ring.h"

#include <algorithm>
#include <stdexcept>

namespace shardql {

uint64_t StableHash(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

HashRing::HashRing(std::vector<std::string> shards, uint32_t vnodes_per_shard)
    : shards_(std::move(shards)), vnodes_per_shard_(vnodes_per_shard) {
  if (shards_.empty()) throw std::invalid_argument("a hash ring needs at least one shard");
  if (vnodes_per_shard_ == 0) throw std::invalid_argument("a hash ring needs virtual nodes");
  points_.reserve(shards_.size() * vnodes_per_shard_);
  for (uint32_t s = 0; s < shards_.size(); ++s) {
    for (uint32_t v = 0; v < vnodes_per_shard_; ++v) {
      points_.push_back({StableHash(shards_[s] + "#" + std::to_string(v)), s});
    }
  }
  // Ties (astronomically unlikely) break by shard name, so the ring does not depend on the order
  // shards are listed in.
  std::sort(points_.begin(), points_.end(), [&](const Point& a, const Point& b) {
    if (a.hash != b.hash) return a.hash < b.hash;
    return shards_[a.shard] < shards_[b.shard];
  });
}

uint32_t HashRing::ShardIndexFor(uint64_t hash) const {
  auto it = std::lower_bound(points_.begin(), points_.end(), hash,
                             [](const Point& p, uint64_t h) { return p.hash < h; });
  if (it == points_.end()) it = points_.begin();  // wrap around the ring
  return it->shard;
}

}  // namespace shardql
