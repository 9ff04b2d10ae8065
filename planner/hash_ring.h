#pragma once
// HashRing is the consistent-hashing ring of SEEDS.md §2: every shard sits on a ring of 64-bit
// hashes at `vnodes` points ("virtual nodes"), and a key belongs to the first point clockwise from
// its hash. Adding a shard takes over only the arcs that end at its own points, so only the keys on
// those arcs move, and each of them moves to the new shard.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shardql {

class HashRing {
 public:
  HashRing(std::vector<std::string> shards, uint32_t vnodes_per_shard);

  // Index into shards() of the shard owning `hash`.
  uint32_t ShardIndexFor(uint64_t hash) const;
  const std::string& ShardFor(uint64_t hash) const { return shards_[ShardIndexFor(hash)]; }

  const std::vector<std::string>& shards() const { return shards_; }
  uint32_t vnodes_per_shard() const { return vnodes_per_shard_; }

 private:
  struct Point {
    uint64_t hash;
    uint32_t shard;
  };
  std::vector<std::string> shards_;
  uint32_t vnodes_per_shard_;
  std::vector<Point> points_;  // sorted by hash
};

// A 64-bit hash that never changes across builds, platforms or releases (data is placed by it):
// FNV-1a over the bytes, then MurmurHash3's fmix64 finaliser for avalanche. A key value's bytes
// are the dialect's (Dialect::KeyHash): values its backend holds equal hash alike.
uint64_t StableHash(std::string_view bytes);

}  // namespace shardql
