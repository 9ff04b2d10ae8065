#include "planner/ddl.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "grammar/sql_error.h"
#include "planner/value_text.h"

namespace shardql {
namespace {

std::string TypeText(const ast::TypeName& type) {
  std::string out = type.name;
  if (!type.modifiers.empty()) {
    out += "(";
    for (size_t i = 0; i < type.modifiers.size(); ++i) {
      if (i) out += ",";
      out += type.modifiers[i];
    }
    out += ")";
  }
  return out;
}

// shardql keeps its own records on the shards in tables named shardql_*.
void CheckNotReserved(const std::string& name, const char* what, ast::SourceSpan span) {
  if (name.rfind("shardql_", 0) == 0) {
    throw SqlError(sqlstate::kReservedName,
                   fmt::format("{} name \"{}\" is reserved: names starting with \"shardql_\" are "
                               "shardql's own",
                               what, name),
                   span.begin);
  }
}

Collation CollationOrThrow(const Dialect& dialect, const std::string& name, ast::SourceSpan span) {
  std::optional<Collation> c = dialect.FindCollation(name);
  if (!c) {
    throw SqlError(sqlstate::kUndefinedObject, fmt::format("collation \"{}\" does not exist", name),
                   span.begin);
  }
  return *c;
}

// The statement's text with its DISTRIBUTE BY clause made explicit.
std::string DefinitionWithDistribution(const ast::CreateTableStatement& stmt, std::string_view text,
                                       const TableInfo& table) {
  std::string clause =
      table.distribution == DistributionKind::kReference
          ? "DISTRIBUTE BY REFERENCE"
          : "DISTRIBUTE BY HASH (" + QuoteIdentifier(table.columns[table.shard_key].name) + ")";
  std::string_view statement = SpanText(text, stmt.span);
  if (stmt.distribution.kind == ast::DistributionKind::kNone) {
    return std::string(statement) + " " + clause;
  }
  size_t begin = stmt.distribution.span.begin - stmt.span.begin;
  size_t end = stmt.distribution.span.end - stmt.span.begin;
  return std::string(statement.substr(0, begin)) + clause + std::string(statement.substr(end));
}

// A PRIMARY KEY or UNIQUE constraint can be enforced shard by shard only when it includes the
// shard key: two rows with equal keys then always live on the same shard.
void CheckUniqueIncludesShardKey(const TableInfo& table, const std::vector<std::string>& columns,
                                 const char* what, ast::SourceSpan span) {
  if (table.distribution != DistributionKind::kHash) return;
  const std::string& key = table.columns[table.shard_key].name;
  if (std::find(columns.begin(), columns.end(), key) != columns.end()) return;
  SqlError error(
      sqlstate::kFeatureNotSupported,
      fmt::format("cannot create {} constraint on hash-distributed table \"{}\"", what, table.name),
      span.begin);
  error.detail = fmt::format(
      "A {} constraint must include the shard key \"{}\": rows with equal values could live on "
      "different shards.",
      what, key);
  error.hint =
      "Distribute the table by one of the constraint's columns, or DISTRIBUTE BY REFERENCE.";
  throw error;
}

}  // namespace

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string JoinName(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += ".";
    out += p;
  }
  return out;
}

std::shared_ptr<TableInfo> BuildTableInfo(const ast::CreateTableStatement& stmt,
                                          std::string_view text, const ShardLayout& layout,
                                          DefaultDistribution default_distribution,
                                          const Dialect& dialect) {
  auto table = std::make_shared<TableInfo>();
  table->name = JoinName(stmt.table);
  CheckNotReserved(table->name, "table", stmt.span);
  if (stmt.table.size() > 1) {
    throw SqlError(sqlstate::kFeatureNotSupported, "schema-qualified table names are not supported",
                   stmt.span.begin);
  }
  if (stmt.temporary) {
    throw SqlError(sqlstate::kFeatureNotSupported, "CREATE TEMPORARY TABLE is not supported",
                   stmt.span.begin);
  }
  if (stmt.columns.empty()) {
    throw SqlError(sqlstate::kInvalidTableDefinition,
                   fmt::format("table \"{}\" must have at least one column", table->name),
                   stmt.span.begin);
  }
  std::set<std::string> seen;
  int primary_keys = 0;
  for (const ast::ColumnDef& def : stmt.columns) {
    if (!seen.insert(def.name).second) {
      throw SqlError(sqlstate::kDuplicateColumn,
                     fmt::format("column \"{}\" specified more than once", def.name),
                     def.span.begin);
    }
    ColumnInfo col;
    col.name = def.name;
    col.declared_type = def.type ? TypeText(*def.type) : "";
    col.type = dialect.ResolveType(col.declared_type);
    if (!def.collation.empty()) col.collation = CollationOrThrow(dialect, def.collation, def.span);
    col.not_null = def.not_null || def.primary_key;
    col.primary_key = def.primary_key;
    col.unique = def.unique;
    col.rowid_alias =
        def.primary_key && !def.primary_key_desc && EqualsIgnoreCase(col.declared_type, "integer");
    if (def.default_value) col.default_sql = std::string(SpanText(text, def.default_value->span));
    if (def.primary_key) ++primary_keys;
    if (def.primary_key || def.unique) {
      table->constraint_leading_columns.push_back(static_cast<int>(table->columns.size()));
    }
    table->columns.push_back(std::move(col));
  }
  std::vector<const ast::TableConstraint*> uniques;
  for (const ast::TableConstraint& c : stmt.constraints) {
    if (c.kind != ast::TableConstraintKind::kPrimaryKey &&
        c.kind != ast::TableConstraintKind::kUnique &&
        c.kind != ast::TableConstraintKind::kForeignKey) {
      continue;
    }
    for (const std::string& name : c.columns) {
      if (table->FindColumn(name) < 0) {
        throw SqlError(sqlstate::kUndefinedColumn,
                       fmt::format("column \"{}\" named in key does not exist", name),
                       c.span.begin);
      }
    }
    if (c.kind == ast::TableConstraintKind::kPrimaryKey) {
      ++primary_keys;
      for (const std::string& name : c.columns) {
        ColumnInfo& col = table->columns[table->FindColumn(name)];
        col.not_null = true;
        if (c.columns.size() == 1) {
          col.primary_key = true;
          col.rowid_alias = EqualsIgnoreCase(col.declared_type, "integer");
        }
      }
    }
    if (c.kind != ast::TableConstraintKind::kForeignKey) {
      uniques.push_back(&c);
      if (!c.columns.empty()) {
        table->constraint_leading_columns.push_back(table->FindColumn(c.columns.front()));
      }
    }
  }
  if (primary_keys > 1) {
    throw SqlError(
        sqlstate::kInvalidTableDefinition,
        fmt::format("multiple primary keys for table \"{}\" are not allowed", table->name),
        stmt.span.begin);
  }

  ast::DistributionKind kind = stmt.distribution.kind;
  if (kind == ast::DistributionKind::kNone) {
    kind = default_distribution == DefaultDistribution::kReference
               ? ast::DistributionKind::kReference
               : ast::DistributionKind::kHash;
  }
  if (kind == ast::DistributionKind::kReference) {
    table->distribution = DistributionKind::kReference;
  } else {
    table->distribution = DistributionKind::kHash;
    if (stmt.distribution.kind == ast::DistributionKind::kHash) {
      table->shard_key = table->FindColumn(stmt.distribution.column);
      if (table->shard_key < 0) {
        throw SqlError(sqlstate::kUndefinedColumn,
                       fmt::format("shard key column \"{}\" does not exist in table \"{}\"",
                                   stmt.distribution.column, table->name),
                       stmt.distribution.span.begin);
      }
    } else {
      table->shard_key = 0;
    }
  }
  if (layout.shards.empty()) {
    throw SqlError(sqlstate::kObjectNotInPrerequisiteState, "the cluster has no shards");
  }
  table->ring = std::make_shared<HashRing>(layout.shards, layout.vnodes);

  for (const ast::ColumnDef& def : stmt.columns) {
    if (def.primary_key) CheckUniqueIncludesShardKey(*table, {def.name}, "PRIMARY KEY", def.span);
    if (def.unique) CheckUniqueIncludesShardKey(*table, {def.name}, "UNIQUE", def.span);
  }
  for (const ast::TableConstraint* c : uniques) {
    CheckUniqueIncludesShardKey(
        *table, c->columns,
        c->kind == ast::TableConstraintKind::kPrimaryKey ? "PRIMARY KEY" : "UNIQUE", c->span);
  }
  table->definition_sql = DefinitionWithDistribution(stmt, text, *table);
  return table;
}

IndexInfo BuildIndexInfo(const ast::CreateIndexStatement& stmt, std::string_view text,
                         const TableInfo& table, const Dialect& dialect) {
  IndexInfo index;
  index.table = table.name;
  index.unique = stmt.unique;
  CheckNotReserved(stmt.name, "index", stmt.span);
  std::vector<std::string> plain_columns;
  for (const ast::IndexColumn& col : stmt.columns) {
    index.columns.emplace_back(SpanText(text, col.span));
    if (col.expr && col.expr->kind == ast::ExprKind::kColumnRef) {
      const auto& ref = col.expr->As<ast::ColumnRef>();
      const std::string& name = ref.parts.back();
      if (ref.parts.size() != 1 || table.FindColumn(name) < 0) {
        throw SqlError(sqlstate::kUndefinedColumn,
                       fmt::format("column \"{}\" does not exist", JoinName(ref.parts)),
                       col.span.begin);
      }
      plain_columns.push_back(name);
    }
    if (!col.collation.empty()) CollationOrThrow(dialect, col.collation, col.span);
  }
  if (stmt.unique) CheckUniqueIncludesShardKey(table, plain_columns, "UNIQUE", stmt.span);
  index.name = stmt.name;
  if (index.name.empty()) {
    // PostgreSQL's choice for an unnamed index: table, columns, "idx".
    index.name = table.name;
    for (const std::string& c : plain_columns)
      index.name += "_" + c;
    index.name += stmt.unique ? "_key" : "_idx";
  }
  // The stored definition is rebuilt from its parts, so a generated name is part of it and every
  // shard creates the index under the same name.
  index.definition_sql = fmt::format("CREATE {}INDEX {} ON {} (", stmt.unique ? "UNIQUE " : "",
                                     QuoteIdentifier(index.name), QuoteIdentifier(table.name));
  for (size_t i = 0; i < index.columns.size(); ++i) {
    index.definition_sql += (i ? ", " : "") + index.columns[i];
  }
  index.definition_sql += ")";
  if (stmt.where) index.definition_sql += " WHERE " + std::string(SpanText(text, stmt.where->span));
  return index;
}

ViewInfo BuildViewInfo(const ast::CreateViewStatement& stmt, std::string_view text) {
  if (stmt.name.size() > 1) {
    throw SqlError(sqlstate::kFeatureNotSupported, "schema-qualified view names are not supported",
                   stmt.span.begin);
  }
  ViewInfo view;
  view.name = JoinName(stmt.name);
  CheckNotReserved(view.name, "view", stmt.span);
  view.column_names = stmt.column_names;
  view.query_sql = stmt.query_text;
  view.definition_sql = std::string(SpanText(text, stmt.span));
  return view;
}

}  // namespace shardql
