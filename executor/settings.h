#pragma once
// A session's settings, written as data (PostgreSQL's GUC table): one registry entry per name
// says its default, how SET parses it, how SHOW prints it, and whether it changes a plan — the
// settings that do are part of the plan cache key. SET, RESET, SHOW and SHOW ALL all read this
// one table.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "executor/exec_context.h"
#include "planner/ddl.h"
#include "planner/planner_settings.h"

namespace shardql {

struct SessionSettings {
  PlannerSettings planner;
  ExecSettings exec;
  DefaultDistribution default_distribution = DefaultDistribution::kHashFirstColumn;
  // Settings kept as text for clients that set them on connect (application_name, DateStyle).
  std::map<std::string, std::string> text;
};

struct SettingDef {
  const char* name;           // lower case, as SHOW ALL lists it
  const char* default_value;  // as SET takes it: RESET and SET ... TO DEFAULT use it
  bool affects_plan;          // part of the plan cache key
  bool read_only;             // SET refuses it (55P02)
  const char* description;
  // Parses `value` into `settings`; throws SqlError 22023 (PostgreSQL's message) when invalid.
  void (*set)(SessionSettings& settings, const SettingDef& def, const std::string& value);
  std::string (*show)(const SessionSettings& settings, const SettingDef& def);
};

// Every setting, in name order.
const std::vector<SettingDef>& SettingRegistry();
// Case-insensitive; null when there is no such setting.
const SettingDef* FindSetting(std::string_view name);
// Every setting at its default.
SessionSettings DefaultSessionSettings();

}  // namespace shardql
