// The consistent-hashing ring: stable placement, balance, and the property that adding a shard
// moves only the keys the new shard takes over (SEEDS.md §2).

#include <doctest/doctest.h>

#include <map>

#include "planner/hash_ring.h"

using namespace shardql;

TEST_CASE("a key's shard never changes between runs or builds") {
  // Data is placed by these numbers: they are part of the on-disk format.
  CHECK(StableHash("") == 0xefd01f60ba992926ULL);
  CHECK(StableHash("s0#0") == StableHash("s0#0"));
  HashRing ring({"s0", "s1", "s2", "s3"}, 64);
  uint32_t shard = ring.ShardIndexFor(ShardKeyHash(Value::Integer(1008), Collation::kBinary));
  HashRing again({"s0", "s1", "s2", "s3"}, 64);
  CHECK(again.ShardIndexFor(ShardKeyHash(Value::Integer(1008), Collation::kBinary)) == shard);
}

TEST_CASE("the listing order of shards does not change placement") {
  HashRing a({"s0", "s1", "s2"}, 32);
  HashRing b({"s2", "s0", "s1"}, 32);
  for (int64_t k = 0; k < 1000; ++k) {
    uint64_t h = ShardKeyHash(Value::Integer(k), Collation::kBinary);
    CHECK(a.ShardFor(h) == b.ShardFor(h));
  }
}

TEST_CASE("keys spread over every shard") {
  HashRing ring({"s0", "s1", "s2", "s3"}, 64);
  std::map<std::string, int> counts;
  for (int64_t k = 0; k < 40000; ++k) {
    ++counts[ring.ShardFor(ShardKeyHash(Value::Integer(k), Collation::kBinary))];
  }
  REQUIRE(counts.size() == 4);
  // (Not a structured binding: clang 14 cannot capture one in INFO's lambda.)
  for (const auto& entry : counts) {
    const int n = entry.second;
    INFO(entry.first << " holds " << n);
    CHECK(n > 6000);  // a fair share is 10000
    CHECK(n < 14000);
  }
}

TEST_CASE("adding a shard moves only the keys it takes") {
  HashRing before({"s0", "s1", "s2", "s3"}, 64);
  HashRing after({"s0", "s1", "s2", "s3", "s4"}, 64);
  int moved = 0;
  for (int64_t k = 0; k < 20000; ++k) {
    uint64_t h = ShardKeyHash(Value::Integer(k), Collation::kBinary);
    const std::string& old_shard = before.ShardFor(h);
    const std::string& new_shard = after.ShardFor(h);
    if (old_shard != new_shard) {
      ++moved;
      CHECK(new_shard == "s4");  // a key moves only to the newcomer
    }
  }
  // About a fifth of the keys move; modulo hashing would move four fifths.
  CHECK(moved > 2000);
  CHECK(moved < 6500);
}

TEST_CASE("values equal under the key's collation hash alike") {
  CHECK(ShardKeyHash(Value::Integer(5), Collation::kBinary) ==
        ShardKeyHash(Value::Real(5.0), Collation::kBinary));
  CHECK(ShardKeyHash(Value::Integer(5), Collation::kBinary) !=
        ShardKeyHash(Value::Real(5.5), Collation::kBinary));
  CHECK(ShardKeyHash(Value::Integer(5), Collation::kBinary) !=
        ShardKeyHash(Value::Text("5"), Collation::kBinary));
  CHECK(ShardKeyHash(Value::Text("Abc"), Collation::kNoCase) ==
        ShardKeyHash(Value::Text("aBC"), Collation::kNoCase));
  CHECK(ShardKeyHash(Value::Text("Abc"), Collation::kBinary) !=
        ShardKeyHash(Value::Text("aBC"), Collation::kBinary));
  CHECK(ShardKeyHash(Value::Text("ab  "), Collation::kRtrim) ==
        ShardKeyHash(Value::Text("ab"), Collation::kRtrim));
  CHECK(ShardKeyHash(Value::Text("ab"), Collation::kBinary) !=
        ShardKeyHash(Value::Blob("ab"), Collation::kBinary));
}
