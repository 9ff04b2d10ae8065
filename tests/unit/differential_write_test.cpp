// Keys always route to their shard: random INSERT / UPDATE / DELETE — NULL and omitted INTEGER
// PRIMARY KEYs, key changes, INSERT ... SELECT — run through shardql and on one SQLite database.
// After each batch the tables must hold the same rows, every row must be found by its key, and
// keys must be unique across the shards.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <string>

#include "grammar/sql_error.h"
#include "tests/query_generator.h"
#include "tests/reference_database.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

constexpr const char* kSchema =
    "CREATE TABLE ai (id INTEGER PRIMARY KEY, n TEXT, g INTEGER) DISTRIBUTE BY HASH (id);"
    "CREATE TABLE kv (k INTEGER, v TEXT) DISTRIBUTE BY HASH (k)";

std::string RandomWrite(Random& rng) {
  auto key = [&] { return rng.Chance(15) ? std::string("NULL") : std::to_string(rng.Int(1, 40)); };
  auto text = [&] { return "'" + std::string(1, static_cast<char>('a' + rng.Int(0, 5))) + "'"; };
  switch (rng.Int(0, 9)) {
    case 0:
      return fmt::format("INSERT INTO ai VALUES ({}, {}, {})", key(), text(), rng.Int(0, 3));
    case 1:
      return fmt::format("INSERT INTO ai (n, g) VALUES ({}, {}), ({}, {})", text(), rng.Int(0, 3),
                         text(), rng.Int(0, 3));
    case 2:
      return fmt::format("INSERT INTO ai VALUES ({}, {}, 1), (NULL, {}, 2), ({}, {}, 3)", key(),
                         text(), text(), key(), text());
    case 3:
      return fmt::format("INSERT INTO ai (n, g) SELECT n, g + 1 FROM ai WHERE g = {} ORDER BY id",
                         rng.Int(0, 3));
    case 4:
      return fmt::format("UPDATE ai SET id = id + {} WHERE g = {}", rng.Int(40, 60), rng.Int(0, 3));
    case 5:
      return fmt::format("UPDATE ai SET id = {} WHERE id = {}", key(), rng.Int(1, 40));
    case 6:
      return fmt::format("DELETE FROM ai WHERE id {} {}", rng.Chance(50) ? ">" : "=",
                         rng.Int(1, 60));
    case 7:
      return fmt::format("INSERT INTO kv VALUES ({}, {})", key(), text());
    case 8:
      return fmt::format("UPDATE kv SET k = {} WHERE v = {}", key(), text());
    default:
      return fmt::format("UPDATE ai SET n = {} WHERE id = {}", text(), rng.Int(1, 40));
  }
}

}  // namespace

TEST_CASE("random writes keep every row where its key finds it, as one database does") {
  const char* seed_env = std::getenv("SHARDQL_DIFF_SEED");
  uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10) : 20261207;
  for (size_t shards : {1, 3}) {
    TestCluster c(shards);
    ReferenceDatabase reference;
    Run(c.session(), kSchema);
    REQUIRE(reference.Exec(kSchema) == "");
    Random rng(seed + shards);
    int agreed = 0;
    for (int batch = 0; batch < 25; ++batch) {
      for (int i = 0; i < 12; ++i) {
        std::string sql = RandomWrite(rng);
        std::string want = reference.Exec(sql);
        std::string got;
        try {
          Run(c.session(), sql);
        } catch (const SqlError& e) {
          got = e.message();
        }
        INFO("seed " << seed << ", " << shards << " shards: " << sql << "\n  SQLite: " << want
                     << "\n  shardql: " << got);
        // Both accept or both refuse (a key taken twice, a NULL key assigned).
        CHECK(want.empty() == got.empty());
        if (want.empty()) ++agreed;
      }
      for (const char* table : {"ai", "kv"}) {
        std::string all = fmt::format("SELECT * FROM {} ORDER BY 1, 2", table);
        std::optional<Rows> expected = reference.Query(all);
        REQUIRE(expected.has_value());
        Rows rows = Run(c.session(), all).rows;
        INFO("seed " << seed << ", " << shards << " shards, batch " << batch << ", " << table);
        CHECK(RowsText(rows) == RowsText(*expected));
      }
      // Every row of ai is found by its key, once.
      Rows ids = Run(c.session(), "SELECT id FROM ai").rows;
      for (const auto& row : ids) {
        std::string by_key = fmt::format("SELECT count(*) FROM ai WHERE id = {}", row[0].integer());
        CHECK(Run(c.session(), by_key).rows[0][0].integer() == 1);
      }
    }
    CHECK(agreed > 150);
  }
}

TEST_CASE("the issue's finding: a NULL key is numbered by the router, never by a shard") {
  TestCluster c(3);
  ReferenceDatabase reference;
  const char* setup =
      "CREATE TABLE ai (id INTEGER PRIMARY KEY, n TEXT) DISTRIBUTE BY HASH (id);"
      "INSERT INTO ai VALUES (1, 'a'), (2, 'b'), (3, 'c')";
  Run(c.session(), setup);
  REQUIRE(reference.Exec(setup) == "");
  Run(c.session(), "INSERT INTO ai VALUES (NULL, 'x')");
  CHECK(Run(c.session(), "SELECT n FROM ai WHERE id = 4").rows.size() == 1);
  try {
    Run(c.session(), "INSERT INTO ai VALUES (4, 'y')");
    FAIL("a second id 4 was accepted");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "23505");
  }
  try {
    Run(c.session(), "UPDATE ai SET id = NULL WHERE id = 1");
    FAIL("a NULL INTEGER PRIMARY KEY was accepted");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "42804");
    CHECK(e.message() == "datatype mismatch");
  }
  // What EXPLAIN says of it is what runs.
  std::string plan;
  for (const auto& row : Run(c.session(), "EXPLAIN INSERT INTO ai (n) VALUES ('z')").rows)
    plan += std::string(row[0].text()) + "\n";
  CHECK(plan.find("numbered by the router") != std::string::npos);
  Run(c.session(), "INSERT INTO ai (n) VALUES ('z')");
  CHECK(Run(c.session(), "SELECT id FROM ai WHERE n = 'z'").rows[0][0].integer() == 5);
}
