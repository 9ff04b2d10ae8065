#pragma once
// The rewrite rules in the order the driver tries them, written as data in one table
// (ClickHouse's optimization list, DuckDB's RunBuiltInOptimizers). A rule's name is the key that
// switches it off.

#include <memory>
#include <vector>

#include "rules/rule.h"

namespace shardql::rules {

struct RuleEntry {
  const char* name;
  std::unique_ptr<Rule> (*make)();
};

const std::vector<RuleEntry>& RuleRegistry();

}  // namespace shardql::rules
