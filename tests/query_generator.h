#pragma once
// Random data and random SELECTs over a small schema of two hash-distributed tables and a
// reference table: the differential test's material, shared by the tests that run the same
// shapes (EXPLAIN against execution).

#include <cstdint>
#include <string>
#include <vector>

namespace shardql::testing {

// splitmix64: the same sequence on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int Int(int lo, int hi) {
    return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(int percent) { return Int(1, 100) <= percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Next() % items.size()];
  }

 private:
  uint64_t state_;
};

// t1 (k, a, b, c) and t2 (k, a, d) hashed on k; r (a, e) a reference table.
extern const char* kGeneratedSchema;
// INSERTs of random rows for the schema.
std::string GeneratedDataSql(Random& rng);

// One random SELECT over one table, a join, or a set operation.
class QueryGenerator {
 public:
  explicit QueryGenerator(Random& rng) : rng_(rng) {}
  // `ordered`: the query's ORDER BY fixes its row order.
  std::string Next(bool* ordered);

 private:
  struct Column {
    std::string name;
    char kind;
  };
  std::string From(std::vector<Column>& cols);
  std::string Scalar(const std::vector<Column>& cols);
  std::string Predicate(const std::vector<Column>& cols, int depth);
  std::string Aggregate(const std::string& from, const std::string& where,
                        const std::vector<Column>& cols, bool* ordered);
  std::string SetOperation(bool* ordered);
  // A query of the shapes the rewrite rules match: LIKE with a literal start on an indexed
  // column (BINARY or NOCASE), an OR of the shard key and another column.
  std::string RuleShaped(bool* ordered);
  static std::string Join(const std::vector<std::string>& items);

  Random& rng_;
};

}  // namespace shardql::testing
