#pragma once
// The session settings that change a plan. A plan is cached under its statement and
// PlannerSettings::CacheKey(), so two sessions with different settings never share one.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace shardql {

struct PlannerSettings {
  // A test switch: every multi-shard query takes the merge engine; results must not change.
  bool force_general_path = false;
  // SET enable_rewrites = off: no rewrite rule runs (the distribution steps still do).
  bool enable_rewrites = true;
  // Rules and distribution steps switched off by name (SET disabled_rules), sorted, unique.
  std::vector<std::string> disabled_rules;

  bool Enabled(std::string_view name) const {
    return !std::binary_search(disabled_rules.begin(), disabled_rules.end(), name);
  }
  // Every field, so any difference gives a different key.
  void AppendCacheKey(std::string& out) const {
    out += force_general_path ? 'g' : '-';
    out += enable_rewrites ? 'r' : '-';
    for (const std::string& rule : disabled_rules) {
      out += ',';
      out += rule;
    }
  }
  std::string CacheKey() const {
    std::string key;
    AppendCacheKey(key);
    return key;
  }
};

}  // namespace shardql
