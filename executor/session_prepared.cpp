// Prepared statements and portals: PostgreSQL's extended query protocol as Session methods (the
// proxy's Parse / Bind / Describe / Execute / Close), and the shell's PREPARE, EXECUTE and
// DEALLOCATE on top of them. A portal's SELECT keeps its row stream open between Executes that
// ask for a few rows at a time.

#include <fmt/format.h>

#include <algorithm>

#include "executor/row_stream.h"
#include "executor/session.h"
#include "executor/session_portal.h"
#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/ddl.h"

namespace shardql {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// PostgreSQL's own name for a type spelled `type`, for messages.
std::string CanonicalTypeName(const std::string& type) {
  static const std::pair<const char*, const char*> kNames[] = {{"int", "integer"},
                                                               {"int4", "integer"},
                                                               {"int8", "bigint"},
                                                               {"int2", "smallint"},
                                                               {"float4", "real"},
                                                               {"float8", "double precision"},
                                                               {"float", "double precision"},
                                                               {"decimal", "numeric"},
                                                               {"bool", "boolean"},
                                                               {"varchar", "character varying"}};
  for (const auto& [alias, name] : kNames) {
    if (type == alias) return name;
  }
  return type;
}

// The value as a parameter of declared type `type`, as PostgreSQL converts a bound argument;
// 22P02 when it does not read as one.
Value ConvertParam(const Value& v, const std::string& type, const Dialect& dialect) {
  if (v.is_null() || type.empty()) return v;
  SqlType declared = dialect.ResolveType(type);
  Value out = dialect.StoredValue(v, declared);
  bool integer_type =
      declared.id == TypeId::kInt2 || declared.id == TypeId::kInt4 || declared.id == TypeId::kInt8;
  bool numeric_type = declared.id == TypeId::kNumeric || declared.id == TypeId::kFloat4 ||
                      declared.id == TypeId::kFloat8;
  if ((integer_type && out.kind() != Value::Kind::kInteger) ||
      (numeric_type && !out.is_numeric())) {
    throw SqlError(
        sqlstate::kInvalidTextRepresentation,
        fmt::format("invalid input syntax for type {}: \"{}\"", CanonicalTypeName(type),
                    v.kind() == Value::Kind::kText ? std::string(v.text()) : v.DebugString()));
  }
  return out;
}

}  // namespace

const PreparedStatement& Session::Prepare(const std::string& name, std::string_view sql,
                                          std::vector<std::string> param_types) {
  if (!name.empty() && prepared_.count(name)) {
    throw SqlError(sqlstate::kDuplicatePreparedStatement,
                   fmt::format("prepared statement \"{}\" already exists", name));
  }
  std::vector<ast::StatementPtr> parsed = ParseSql(sql);
  if (parsed.size() != 1) {
    throw SqlError(sqlstate::kSyntaxError,
                   "cannot insert multiple commands into a prepared statement");
  }
  if (!IsBindable(*parsed[0])) {
    throw SqlError(sqlstate::kFeatureNotSupported,
                   fmt::format("{} cannot be prepared", ast::ToString(parsed[0]->kind)),
                   parsed[0]->span.begin);
  }
  // Planned once now, without values: errors show at PREPARE, and Describe has its answers.
  std::shared_ptr<PlannedStatement> plan = PlanStatement(*parsed[0], sql, PlanningContextNow());
  PreparedStatement prepared;
  prepared.name = name;
  prepared.sql = std::string(sql);
  prepared.kind = parsed[0]->kind;
  prepared.columns = plan->output;
  for (std::string& t : param_types)
    prepared.declared_types.push_back(Lower(std::move(t)));
  size_t count = std::max<size_t>(plan->param_count, prepared.declared_types.size());
  prepared.param_types.resize(count);
  for (size_t i = 0; i < count; ++i) {
    if (i < prepared.declared_types.size()) {
      prepared.param_types[i].type = cluster_.dialect().ResolveType(prepared.declared_types[i]);
      prepared.param_types[i].declared = true;
    } else if (i < plan->param_types.size()) {
      prepared.param_types[i] = plan->param_types[i];
    }
  }
  PreparedStatement& stored = prepared_[name];
  stored = std::move(prepared);
  return stored;
}

const PreparedStatement& Session::Prepared(const std::string& name) const {
  auto it = prepared_.find(name);
  if (it == prepared_.end()) {
    throw SqlError(sqlstate::kInvalidSqlStatementName,
                   fmt::format("prepared statement \"{}\" does not exist", name));
  }
  return it->second;
}

void Session::Deallocate(const std::string& name) {
  Prepared(name);  // 26000 when absent
  prepared_.erase(name);
}

void Session::DeallocateAll() {
  prepared_.clear();
}

void Session::Bind(const std::string& portal, const std::string& statement,
                   std::vector<Value> params) {
  const PreparedStatement& prepared = Prepared(statement);
  if (params.size() != prepared.param_types.size()) {
    SqlError error(
        sqlstate::kSyntaxError,
        fmt::format("wrong number of parameters for prepared statement \"{}\"", prepared.name));
    error.detail = fmt::format("Expected {} parameters but got {}.", prepared.param_types.size(),
                               params.size());
    throw error;
  }
  if (!portal.empty() && portals_.count(portal)) {
    throw SqlError("42P03", fmt::format("cursor \"{}\" already exists", portal));
  }
  if (transaction_failed_) {
    throw SqlError(sqlstate::kInFailedSqlTransaction,
                   "current transaction is aborted, commands ignored until end of transaction "
                   "block");
  }
  for (size_t i = 0; i < params.size() && i < prepared.declared_types.size(); ++i)
    params[i] = ConvertParam(params[i], prepared.declared_types[i], cluster_.dialect());
  auto open = std::make_unique<Portal>();
  std::vector<ast::StatementPtr> parsed = ParseSql(prepared.sql);
  open->lookup = Plan(*parsed[0], prepared.sql, params, true);
  portals_[portal] = std::move(open);
}

bool Session::ExecutePortal(const std::string& name, ResultSink& sink, size_t max_rows) {
  auto it = portals_.find(name);
  if (it == portals_.end()) {
    throw SqlError(sqlstate::kInvalidCursorName, fmt::format("portal \"{}\" does not exist", name));
  }
  Portal& portal = *it->second;
  const PlannedStatement& plan = *portal.lookup.plan;
  if (plan.kind != ast::StatementKind::kSelect) {
    // A write runs whole, once; the portal is then done.
    std::unique_ptr<Portal> done = std::move(it->second);
    portals_.erase(it);
    RunPlan(done->lookup, sink);
    return false;
  }
  try {
    RunningStatement running(*this, portal.cancel);
    if (!portal.rows) {
      last_plan_ = portal.lookup;
      portal.ctx = std::make_unique<ExecContext>(ExecContext{
          cluster_, Connections(), portal.lookup.params, settings_.exec, *portal.cancel});
      portal.rows = OpenMergeTree(*plan.distributed.root, *portal.ctx);
    }
    if (!portal.begun) {
      sink.BeginRows(plan.output);
      portal.begun = true;
    }
    size_t sent_now = 0;
    for (;;) {
      if (portal.pending_row >= portal.pending.rows()) {
        portal.pending_row = 0;
        if (!portal.rows->Next(portal.pending)) break;
      }
      size_t available = portal.pending.rows() - portal.pending_row;
      size_t take = max_rows ? std::min(available, max_rows - sent_now) : available;
      RowBatch out;
      out.width = portal.pending.width;
      out.row_count = take;
      auto first = portal.pending.values.begin() +
                   static_cast<std::ptrdiff_t>(portal.pending_row * portal.pending.width);
      out.values.assign(first, first + static_cast<std::ptrdiff_t>(take * portal.pending.width));
      portal.pending_row += take;
      sent_now += take;
      sink.Rows(out);
      if (max_rows && sent_now == max_rows) {
        portal.sent += sent_now;
        return true;  // suspended
      }
    }
    sink.Complete(fmt::format("SELECT {}", portal.sent + sent_now));
  } catch (const SqlError&) {
    portals_.erase(name);
    if (transaction_) transaction_failed_ = true;
    throw;
  }
  portals_.erase(name);
  return false;
}

void Session::ClosePortal(const std::string& name) {
  portals_.erase(name);
}

void Session::RunPrepare(const ast::PrepareStatement& statement, std::string_view sql,
                         ResultSink& sink) {
  std::vector<std::string> types;
  for (const ast::TypeName& t : statement.param_types) {
    std::string text(SpanText(sql, t.span));
    types.push_back(text);
  }
  try {
    Prepare(statement.name, SpanText(sql, statement.statement->span), std::move(types));
  } catch (SqlError& e) {
    if (e.position) *e.position += statement.statement->span.begin;  // into the PREPARE's text
    throw;
  }
  sink.Complete("PREPARE");
}

std::vector<Value> Session::EvaluateArguments(const ast::ExecuteStatement& statement,
                                              std::string_view sql) {
  if (statement.args.empty()) return {};
  std::string select = "SELECT ";
  for (size_t i = 0; i < statement.args.size(); ++i) {
    select += (i ? ", " : "") + std::string(SpanText(sql, statement.args[i]->span));
  }
  struct Collect : ResultSink {
    std::vector<Value> row;
    void Rows(const RowBatch& batch) override {
      if (batch.rows() > 0) row.assign(batch.values.begin(), batch.values.begin() + batch.width);
    }
  } collect;
  Execute(select, collect);
  return collect.row;
}

PlanLookup Session::PlanExecute(const ast::ExecuteStatement& statement, std::string_view sql) {
  const std::string portal = "\x01explain";
  Bind(portal, statement.name, EvaluateArguments(statement, sql));
  PlanLookup lookup = portals_.at(portal)->lookup;
  portals_.erase(portal);
  return lookup;
}

void Session::RunExecute(const ast::ExecuteStatement& statement, std::string_view sql,
                         ResultSink& sink) {
  std::vector<Value> args = EvaluateArguments(statement, sql);
  Bind("", statement.name, std::move(args));
  ExecutePortal("", sink, 0);
}

}  // namespace shardql
