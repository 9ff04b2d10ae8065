#include "executor/settings.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "grammar/sql_error.h"
#include "planner/pipeline.h"

namespace shardql {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
    ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
    --e;
  return std::string(s.substr(b, e - b));
}

[[noreturn]] void Invalid(const SettingDef& def, const std::string& value, std::string hint = "") {
  SqlError error(sqlstate::kInvalidParameterValue,
                 fmt::format("invalid value for parameter \"{}\": \"{}\"", def.name, value));
  error.hint = std::move(hint);
  throw error;
}

bool ParseBool(const SettingDef& def, const std::string& value) {
  std::string v = Lower(Trim(value));
  if (v == "on" || v == "true" || v == "1" || v == "yes") return true;
  if (v == "off" || v == "false" || v == "0" || v == "no") return false;
  throw SqlError(sqlstate::kInvalidParameterValue,
                 fmt::format("parameter \"{}\" requires a Boolean value", def.name));
}

// A number with an optional unit from `units` (name, factor), PostgreSQL's forms: "256MB", "2s".
// A bare number takes the first unit's factor of 1.
int64_t ParseWithUnit(const SettingDef& def, const std::string& value,
                      const std::vector<std::pair<const char*, int64_t>>& units,
                      const std::string& hint, bool allow_zero) {
  std::string v = Trim(value);
  size_t end = 0;
  int64_t n = 0;
  try {
    n = std::stoll(v, &end);
  } catch (...) {
    end = 0;
  }
  if (end == 0 || n < 0 || (!allow_zero && n == 0)) Invalid(def, value, hint);
  std::string unit = Lower(Trim(v.substr(end)));
  if (unit.empty()) return n;
  for (const auto& [name, factor] : units) {
    if (unit == Lower(name)) {
      if (n > INT64_MAX / factor) Invalid(def, value, hint);
      return n * factor;
    }
  }
  Invalid(def, value, hint);
}

// ---- the settings' own parse and show functions

void SetDefaultDistribution(SessionSettings& s, const SettingDef& def, const std::string& value) {
  std::string v = Lower(Trim(value));
  if (v == "hash") {
    s.default_distribution = DefaultDistribution::kHashFirstColumn;
  } else if (v == "reference") {
    s.default_distribution = DefaultDistribution::kReference;
  } else {
    Invalid(def, value, "Available values: hash, reference.");
  }
}
std::string ShowDefaultDistribution(const SessionSettings& s, const SettingDef&) {
  return s.default_distribution == DefaultDistribution::kReference ? "reference" : "hash";
}

void SetForceGeneralPath(SessionSettings& s, const SettingDef& def, const std::string& value) {
  s.planner.force_general_path = ParseBool(def, value);
}
std::string ShowForceGeneralPath(const SessionSettings& s, const SettingDef&) {
  return s.planner.force_general_path ? "on" : "off";
}

void SetEnableRewrites(SessionSettings& s, const SettingDef& def, const std::string& value) {
  s.planner.enable_rewrites = ParseBool(def, value);
}
std::string ShowEnableRewrites(const SessionSettings& s, const SettingDef&) {
  return s.planner.enable_rewrites ? "on" : "off";
}

void SetMergeMemoryLimit(SessionSettings& s, const SettingDef& def, const std::string& value) {
  s.exec.merge_memory_limit_kb =
      ParseWithUnit(def, value, {{"kB", 1}, {"MB", 1024}, {"GB", 1024 * 1024}},
                    "Valid units for this parameter are \"kB\", \"MB\" and \"GB\".", false);
}
std::string ShowMergeMemoryLimit(const SessionSettings& s, const SettingDef&) {
  int64_t kb = s.exec.merge_memory_limit_kb;
  return kb % (int64_t{1024} * 1024) == 0 ? fmt::format("{}GB", kb / (int64_t{1024} * 1024))
         : kb % 1024 == 0                 ? fmt::format("{}MB", kb / 1024)
                                          : fmt::format("{}kB", kb);
}

void SetStatementTimeout(SessionSettings& s, const SettingDef& def, const std::string& value) {
  s.exec.statement_timeout_ms = ParseWithUnit(
      def, value,
      {{"ms", 1},
       {"s", 1000},
       {"min", 60 * 1000},
       {"h", 60 * 60 * 1000},
       {"d", 24 * 60 * 60 * 1000}},
      "Valid units for this parameter are \"ms\", \"s\", \"min\", \"h\", and \"d\".", true);
}
std::string ShowStatementTimeout(const SessionSettings& s, const SettingDef&) {
  int64_t ms = s.exec.statement_timeout_ms;
  if (ms == 0) return "0";
  for (auto [unit, factor] : std::vector<std::pair<const char*, int64_t>>{
           {"d", 86400000}, {"h", 3600000}, {"min", 60000}, {"s", 1000}}) {
    if (ms % factor == 0) return fmt::format("{}{}", ms / factor, unit);
  }
  return fmt::format("{}ms", ms);
}

// A comma-separated list of rule and distribution-step names, matched case-insensitively and
// kept in their own spelling.
void SetDisabledRules(SessionSettings& s, const SettingDef& def, const std::string& value) {
  std::vector<std::string> known = OptimizationNames();
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string::npos) comma = value.size();
    std::string name = Trim(std::string_view(value).substr(start, comma - start));
    start = comma + 1;
    if (name.empty()) continue;
    auto it = std::find_if(known.begin(), known.end(),
                           [&](const std::string& k) { return Lower(k) == Lower(name); });
    if (it == known.end()) {
      SqlError error(sqlstate::kInvalidParameterValue,
                     fmt::format("invalid value for parameter \"{}\": \"{}\"", def.name, value));
      error.detail = fmt::format("There is no rule or distribution step named \"{}\".", name);
      error.hint =
          "SHOW disabled_rules after SET lists the names taken; EXPLAIN VERBOSE shows the "
          "names a plan used.";
      throw error;
    }
    names.push_back(*it);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  s.planner.disabled_rules = std::move(names);
}
std::string ShowDisabledRules(const SessionSettings& s, const SettingDef&) {
  std::string out;
  for (const std::string& name : s.planner.disabled_rules)
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

void SetText(SessionSettings& s, const SettingDef& def, const std::string& value) {
  s.text[def.name] = value;
}
std::string ShowText(const SessionSettings& s, const SettingDef& def) {
  auto it = s.text.find(def.name);
  return it == s.text.end() ? def.default_value : it->second;
}

void SetReadOnly(SessionSettings&, const SettingDef& def, const std::string&) {
  throw SqlError(sqlstate::kCantChangeRuntimeParam,
                 fmt::format("parameter \"{}\" cannot be changed", def.name));
}
std::string ShowDefault(const SessionSettings&, const SettingDef& def) {
  return def.default_value;
}

}  // namespace

const std::vector<SettingDef>& SettingRegistry() {
  // Name order, as SHOW ALL lists them. Text settings are what PostgreSQL clients set on connect;
  // SHOW returns what was SET.
  static const std::vector<SettingDef> registry = {
      {"application_name", "", false, false, "the client's name", SetText, ShowText},
      {"client_encoding", "UTF8", false, false, "the client's character set", SetText, ShowText},
      {"datestyle", "ISO, MDY", false, false, "date display format", SetText, ShowText},
      {"default_distribution", "hash", false, false,
       "how CREATE TABLE without DISTRIBUTE BY spreads rows: hash (on the first column) or "
       "reference",
       SetDefaultDistribution, ShowDefaultDistribution},
      {"disabled_rules", "", true, false,
       "rewrite rules and distribution steps switched off, by name (comma-separated)",
       SetDisabledRules, ShowDisabledRules},
      {"enable_rewrites", "on", true, false,
       "run the rewrite rules (off: plans as bound; results do not change)", SetEnableRewrites,
       ShowEnableRewrites},
      {"extra_float_digits", "1", false, false, "digits shown for floats", SetText, ShowText},
      {"force_general_path", "off", true, false,
       "run every multi-shard query in the merge engine (a test switch: results do not change)",
       SetForceGeneralPath, ShowForceGeneralPath},
      {"merge_memory_limit", "256MB", false, false,
       "memory the merge engine keeps before it spills to a temporary file", SetMergeMemoryLimit,
       ShowMergeMemoryLimit},
      {"search_path", "public", false, false, "schema search order", SetText, ShowText},
      {"server_version", "15.0 (shardql 0.1)", false, true,
       "the PostgreSQL version the router speaks as", SetReadOnly, ShowDefault},
      {"standard_conforming_strings", "on", false, false, "backslashes in '...' are literal",
       SetText, ShowText},
      {"statement_timeout", "0", false, false,
       "cancel a statement running longer than this (0: never)", SetStatementTimeout,
       ShowStatementTimeout},
      {"timezone", "UTC", false, false, "time zone for displaying timestamps", SetText, ShowText},
  };
  return registry;
}

const SettingDef* FindSetting(std::string_view name) {
  std::string lower = Lower(name);
  for (const SettingDef& def : SettingRegistry()) {
    if (lower == def.name) return &def;
  }
  return nullptr;
}

SessionSettings DefaultSessionSettings() {
  SessionSettings settings;
  for (const SettingDef& def : SettingRegistry()) {
    if (!def.read_only) def.set(settings, def, def.default_value);
  }
  return settings;
}

}  // namespace shardql
