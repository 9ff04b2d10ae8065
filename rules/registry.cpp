#include "rules/registry.h"

namespace shardql::rules {

std::unique_ptr<Rule> MakePushPredicatesIntoJoins();
std::unique_ptr<Rule> MakeLikePrefixToRange();
std::unique_ptr<Rule> MakeSubstrPrefixToRange();
std::unique_ptr<Rule> MakeSplitOrToUnion();
std::unique_ptr<Rule> MakeMaterializeTempTable();

const std::vector<RuleEntry>& RuleRegistry() {
  // In the order they are tried. The product's rules (DESIGN.md: index, OR -> UNION, LIKE ->
  // range, temp tables) join here, one line each, as they land.
  static const std::vector<RuleEntry> registry = {
      {"PushPredicatesIntoJoins", MakePushPredicatesIntoJoins},
      {"LikePrefixToRange", MakeLikePrefixToRange},
      {"SubstrPrefixToRange", MakeSubstrPrefixToRange},
      {"SplitOrToUnion", MakeSplitOrToUnion},
      {"MaterializeTempTable", MakeMaterializeTempTable},
  };
  return registry;
}

}  // namespace shardql::rules
