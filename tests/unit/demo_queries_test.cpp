// The worked queries of SEEDS.md (examples/demo/queries.sql) on the demo cluster, each compared
// with the same statement on one plain SQLite database holding the same rows.

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <string>

#include "frontends/demo_cluster.h"
#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "tests/reference_database.h"
#include "tests/test_cluster.h"

using namespace shardql;
using namespace shardql::testing;

namespace {

// The statement's [label] from the comment above it, for failure messages.
std::string LabelOf(const std::string& statement) {
  std::smatch m;
  std::string last;
  std::string::const_iterator from = statement.begin();
  static const std::regex kLabel("-- \\[([^\\]]+)\\]");
  while (std::regex_search(from, statement.end(), m, kLabel)) {
    last = m[1];
    from = m.suffix().first;
  }
  return last;
}

// The output columns a statement's final ORDER BY sorts on (`ORDER BY cust.name, 2` → the columns
// named name and the second), or nullopt when it has none or one is not an output column. Rows that
// tie on them may come in any order, so only these columns' sequence is compared.
std::optional<std::vector<size_t>> OrderKeys(const std::string& sql,
                                             const std::vector<std::string>& columns) {
  static const std::regex kOrderBy("ORDER\\s+BY([^()]*?)(LIMIT.*)?$", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(sql, m, kOrderBy)) return std::nullopt;
  std::vector<size_t> keys;
  std::string list = m[1];
  static const std::regex kItem(
      "([A-Za-z_0-9.\"]+)(\\s+(ASC|DESC|NULLS\\s+(FIRST|LAST)))*\\s*(,|$)", std::regex::icase);
  for (auto it = std::sregex_iterator(list.begin(), list.end(), kItem);
       it != std::sregex_iterator(); ++it) {
    std::string item = (*it)[1];
    if (item.find_first_not_of("0123456789") == std::string::npos) {
      keys.push_back(std::stoul(item) - 1);
      continue;
    }
    std::string name = item.substr(item.rfind('.') == std::string::npos ? 0 : item.rfind('.') + 1);
    auto found = std::find(columns.begin(), columns.end(), name);
    if (found == columns.end()) return std::nullopt;
    keys.push_back(static_cast<size_t>(found - columns.begin()));
  }
  if (keys.empty()) return std::nullopt;
  return keys;
}

Rows Project(const Rows& rows, const std::vector<size_t>& keys) {
  Rows out;
  for (const auto& row : rows) {
    std::vector<Value> projected;
    for (size_t k : keys)
      projected.push_back(row.at(k));
    out.push_back(std::move(projected));
  }
  return out;
}

}  // namespace

TEST_CASE("demo: every worked query answers as one SQLite database does, rules on and off") {
  struct Setup {
    size_t shards;
    bool rules;
  };
  for (Setup run : {Setup{1, true}, Setup{4, true}, Setup{4, false}}) {
    size_t shards = run.shards;
    TestCluster cluster(shards);
    if (!run.rules) cluster.session().Set("enable_rewrites", "off");
    ReferenceDatabase reference;
    Run(cluster.session(), DemoLoadSql());
    REQUIRE(reference.Exec(DemoLoadSql()) == "");

    size_t queries = 0, ordered = 0;
    for (const std::string& statement : SplitSql(DemoQueries()).statements) {
      INFO(shards << " shards, rules " << (run.rules ? "on" : "off") << ", [" << LabelOf(statement)
                  << "]:\n"
                  << statement);
      QueryResult got;
      try {
        got = Run(cluster.session(), statement);
      } catch (const SqlError& e) {
        FAIL("shardql refused it: " << e.sqlstate() << ": " << e.message());
      }
      if (got.columns.empty()) {  // a write or DDL: the reference does the same
        CHECK(reference.Exec(statement) == "");
        continue;
      }
      std::optional<Rows> expected = reference.Query(statement);
      REQUIRE(expected.has_value());
      ++queries;
      // The comments above a statement talk about ORDER BY and DISTINCT too.
      std::string sql = std::regex_replace(statement, std::regex("--[^\n]*"), "");
      bool among_equal = ChoosesAmongEqualValues(sql);
      CHECK_MESSAGE(SameRows(Sorted(got.rows), Sorted(*expected), among_equal),
                    "shardql:\n"
                        << RowsText(Sorted(got.rows)) << "SQLite:\n"
                        << RowsText(Sorted(*expected)));
      if (auto keys = OrderKeys(sql, got.columns)) {
        ++ordered;
        Rows got_keys = Project(got.rows, *keys), expected_keys = Project(*expected, *keys);
        CHECK_MESSAGE(SameRows(got_keys, expected_keys, true), "order differs: shardql:\n"
                                                                   << RowsText(got_keys)
                                                                   << "SQLite:\n"
                                                                   << RowsText(expected_keys));
      }
    }
    // Every worked query ran and was compared: none may silently drop out.
    CHECK(queries >= 40);
    CHECK(ordered >= 18);  // every query of the file that ends in ORDER BY
  }
}

TEST_CASE("demo: EXPLAIN of the seed's worked queries names the rules that fire, and why not") {
  // Each worked query by its label, with what its EXPLAIN must say (regular expressions) and
  // must not. Without ANALYZE the demo's tables are estimated with default figures.
  struct Expected {
    const char* label;
    std::vector<const char*> shows;
    std::vector<const char*> hides;
  };
  const std::vector<Expected> cases = {
      // The OR splits; its order_num = 1008 branch goes to that order's one shard.
      {"1.3a", {"SplitOrToUnion fired: 2 branches", "branch 2 on s[0-9]: orders.order_num in"}, {}},
      {"1.5a", {"LikePrefixToRange fired: '98___' bounded by its start"}, {}},
      // The document's replacement is a plain range: nothing to rewrite.
      {"1.5c", {"Distributed plan: scatter"}, {"fired"}},
      // A non-leading substring has no range; a leading one has.
      {"1.5f", {"Distributed plan: scatter"}, {"SubstrPrefixToRange"}},
      {"1.5g", {"SubstrPrefixToRange fired: substr\\(…, 1, 2\\) = '98' bounded by its start"}, {}},
      // cust and rcvbles share their shard key: the join runs on the shards, nothing to copy.
      {"1.6a", {"Distributed plan: scatter", "MergeSort name"}, {"MaterializeTempTable"}},
      {"1.6d", {"Load shardql_cte_1", "FinalAggregate groups: 1, aggregates: count\\(\\*\\)"}, {}},
      // part and vendor are reference tables: shard-local joins.
      {"1.8a", {"Distributed plan: scatter"}, {"MaterializeTempTable", "Load "}},
  };
  TestCluster cluster(4);
  Run(cluster.session(), DemoLoadSql());
  std::vector<std::string> statements = SplitSql(DemoQueries()).statements;
  for (const Expected& e : cases) {
    auto it = std::find_if(statements.begin(), statements.end(),
                           [&](const std::string& s) { return LabelOf(s) == e.label; });
    REQUIRE_MESSAGE(it != statements.end(), "no worked query [" << e.label << "]");
    std::string sql = std::regex_replace(*it, std::regex("--[^\n]*\n"), "");
    std::string explain;
    for (const auto& row : Run(cluster.session(), "EXPLAIN " + sql).rows)
      explain += std::string(row.at(0).text()) + "\n";
    INFO("[" << e.label << "]\n" << explain);
    for (const char* pattern : e.shows)
      CHECK_MESSAGE(std::regex_search(explain, std::regex(pattern)), "missing: " << pattern);
    for (const char* pattern : e.hides)
      CHECK_MESSAGE(!std::regex_search(explain, std::regex(pattern)), "unexpected: " << pattern);
  }
}
