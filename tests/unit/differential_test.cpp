// Differential testing: random data, random queries, shardql over 1, 2 and 5 shards against one
// plain SQLite database holding the same rows. Any difference fails and prints the query and seed.
// A query a rewrite rule changed runs again with every rule off and with a random subset off.
// SHARDQL_DIFF_SEED and SHARDQL_DIFF_QUERIES change the seed and the number of queries per layout.

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "grammar/sql_error.h"
#include "planner/distribution_steps.h"
#include "planner/pipeline.h"
#include "rules/registry.h"
#include "tests/query_generator.h"
#include "tests/reference_database.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

// Each rule and distribution step switched off with probability one half.
std::string RandomSubset(Random& rng) {
  std::string disabled;
  for (const std::string& name : OptimizationNames()) {
    if (rng.Chance(50)) disabled += (disabled.empty() ? "" : ",") + name;
  }
  return disabled;
}

bool IsRewriteRule(const std::string& name) {
  for (const rules::RuleEntry& rule : rules::RuleRegistry()) {
    if (name == rule.name) return true;
  }
  return false;
}

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

}  // namespace

TEST_CASE("differential: shardql over 1, 2 and 5 shards answers as one SQLite database") {
  uint64_t seed = EnvOr("SHARDQL_DIFF_SEED", 20261120);
  uint64_t queries = EnvOr("SHARDQL_DIFF_QUERIES", 1000);
  for (size_t shards : {1, 2, 5}) {
    Random rng(seed + shards);
    TestCluster cluster(shards);
    ReferenceDatabase reference;
    std::string data = GeneratedDataSql(rng);
    Run(cluster.session(), kGeneratedSchema);
    REQUIRE(reference.Exec(kGeneratedSchema) == "");
    Run(cluster.session(), data);
    REQUIRE(reference.Exec(data) == "");
    // t2's statistics let MaterializeTempTable copy it; t1 keeps the default figures the other
    // rules are exercised with.
    Run(cluster.session(), "ANALYZE t2");
    QueryGenerator generator(rng);
    size_t compared = 0, rewritten = 0;
    // One run of `sql` under the settings given, compared with the reference.
    auto compare =
        [&](uint64_t i, const std::string& sql, bool ordered, bool general, bool rules,
            const std::string& disabled) {
          Run(cluster.session(),
              general ? "SET force_general_path = on" : "SET force_general_path = off");
          Run(cluster.session(), rules ? "SET enable_rewrites = on" : "SET enable_rewrites = off");
          Run(cluster.session(), "SET disabled_rules = '" + disabled + "'");
          auto expected = reference.Query(sql);
          std::optional<std::vector<std::vector<Value>>> got;
          std::string error;
          try {
            got = Run(cluster.session(), sql).rows;
          } catch (const SqlError& e) {
            error = e.sqlstate() + ": " + e.message();
          }
          std::string where = general ? " (general path)" : "";
          if (!rules) where += " (rules off)";
          if (!disabled.empty()) where += " (disabled: " + disabled + ")";
          where += fmt::format(":\n  {}\n  shardql: {}", sql, error);
          INFO("seed " << seed << ", " << shards << " shards, query " << i << where);
          REQUIRE(got.has_value() == expected.has_value());
          if (!got) return false;
          bool among_equal = ChoosesAmongEqualValues(sql);
          // The same rows; and for an ordered query, in the same order up to ties between values
          // that compare equal (4 and 4.0), whose order SQL leaves open.
          CHECK_MESSAGE(SameRows(Sorted(*got), Sorted(*expected), among_equal),
                        "shardql:\n"
                            << RowsText(Sorted(*got)) << "SQLite:\n"
                            << RowsText(Sorted(*expected)));
          if (ordered) {
            CHECK_MESSAGE(SameRows(*got, *expected, true), "shardql:\n"
                                                               << RowsText(*got) << "SQLite:\n"
                                                               << RowsText(*expected));
          }
          return true;
        };
    std::map<std::string, size_t> fired_by_rule;
    auto step_fired = [&](const char* name) {
      const std::optional<PlanLookup>& last = cluster.session().last_plan();
      return last && last->plan->trace.Fired(name);
    };
    bool cte_once = false;  // ComputeSharedCtesOnce fired: again with only it off
    auto rule_fired = [&] {
      cte_once = step_fired(kComputeSharedCtesOnce.name);
      const std::optional<PlanLookup>& last = cluster.session().last_plan();
      if (!last) return false;
      std::set<std::string> fired;
      for (const TraceEntry& e : last->plan->trace.entries()) {
        bool shared_cte = e.name == kComputeSharedCtesOnce.name;  // the rule's other half
        if (e.outcome == TraceOutcome::kFired && (IsRewriteRule(e.name) || shared_cte)) {
          fired.insert(e.name);
        }
      }
      for (const std::string& name : fired)
        ++fired_by_rule[name];
      return !fired.empty();
    };
    for (uint64_t i = 0; i < queries; ++i) {
      bool ordered = false;
      std::string sql = generator.Next(&ordered);
      // About a third of the queries take the general path, so both strategies are held to the
      // same answers; a quarter run with a random subset of the rules and distribution steps
      // switched off, which must not change a result either.
      int mode = rng.Int(1, 100);
      bool general = mode <= 30;
      std::string disabled;
      if (mode > 30 && mode <= 55) disabled = RandomSubset(rng);
      if (compare(i, sql, ordered, general, true, disabled)) ++compared;
      // Where a rewrite rule changed the plan: again with every rule off, and with a random
      // subset of them off.
      if (rule_fired()) {
        ++rewritten;
        compare(i, sql, ordered, general, false, "");
        compare(i, sql, ordered, general, true, RandomSubset(rng));
        if (cte_once) compare(i, sql, ordered, general, true, kComputeSharedCtesOnce.name);
      }
    }
    CHECK(compared > queries * 9 / 10);
    // The generator makes the shapes the rules rewrite: a good share of the queries.
    std::string by_rule;
    for (const auto& [name, count] : fired_by_rule)
      by_rule += fmt::format(" {} {}", name, count);
    MESSAGE(shards << " shards: " << rewritten << " of " << queries
                   << " queries rewritten:" << by_rule);
    CHECK(rewritten > queries / 100);
    // Over several shards the generator's joins of a filtered t2 are copied to t1's shards.
    if (shards > 1 && queries >= 1000) CHECK(fired_by_rule["MaterializeTempTable"] > 0);
    if (queries >= 1000) CHECK(fired_by_rule["SubstrPrefixToRange"] > 0);
    if (shards > 1 && queries >= 1000) CHECK(fired_by_rule[kComputeSharedCtesOnce.name] > 0);
  }
}
