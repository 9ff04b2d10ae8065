#pragma once
// SQLite's functions as the planner needs to know them (planner/function_catalog.h).

#include "planner/function_catalog.h"

namespace shardql {

const FunctionCatalog& SqliteFunctions();

}  // namespace shardql
