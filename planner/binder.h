#pragma once
// The binder turns a parsed SELECT / INSERT / UPDATE / DELETE into a logical plan: it resolves
// names against a catalog snapshot (42P01 unknown table, 42703 unknown column, 42702 ambiguous),
// expands views, CTEs and `*`, checks grouping (42803), works out each expression's type and
// collation (type names and collations are the dialect's), and builds the canonical plan shape
// described in logical_plan.h.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "grammar/ast.h"
#include "planner/catalog.h"
#include "planner/dialect.h"
#include "planner/logical_plan.h"
#include "planner/temporal.h"

namespace shardql {

// A session's temporary views, which shadow the catalog's relations of the same name.
using SessionViews = std::map<std::string, ViewInfo>;

// `text` is the SQL the statement was parsed from; error positions and derived column names point
// into it. `clock`: what now(), current_date ... read (the wall clock when null).
plan::LogicalPlan Bind(const ast::Statement& statement, std::string_view text,
                       std::shared_ptr<const CatalogSnapshot> catalog, const Dialect& dialect,
                       const SessionViews* session_views = nullptr,
                       const temporal::StatementClock* clock = nullptr);

// A query on its own (a view's definition, for instance), bound like a SELECT statement.
plan::LogicalPlan BindQuery(const ast::Query& query, std::string_view text,
                            std::shared_ptr<const CatalogSnapshot> catalog, const Dialect& dialect,
                            const SessionViews* session_views = nullptr);

// True for the statements Bind accepts.
bool IsBindable(const ast::Statement& statement);

}  // namespace shardql
