#include "planner/catalog.h"

#include <fmt/format.h>

#include "grammar/parser.h"
#include "grammar/sql_error.h"
#include "planner/catalog_store.h"
#include "planner/ddl.h"
#include "planner/statistics.h"

namespace shardql {

const char* ToString(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::kHash:
      return "hash";
    case DistributionKind::kReference:
      return "reference";
  }
  return "?";
}

int TableInfo::FindColumn(const std::string& column_name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column_name) return static_cast<int>(i);
  }
  return -1;
}

std::shared_ptr<const TableInfo> CatalogSnapshot::FindTable(const std::string& name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

const IndexInfo* CatalogSnapshot::FindIndex(const std::string& name) const {
  auto it = indexes_.find(name);
  return it == indexes_.end() ? nullptr : &it->second;
}

const ViewInfo* CatalogSnapshot::FindView(const std::string& name) const {
  auto it = views_.find(name);
  return it == views_.end() ? nullptr : &it->second;
}

std::shared_ptr<const TableStatistics> CatalogSnapshot::StatisticsOf(
    const std::string& table) const {
  auto it = statistics_.find(table);
  return it == statistics_.end() ? nullptr : it->second;
}

std::vector<const IndexInfo*> CatalogSnapshot::IndexesOf(const std::string& table) const {
  std::vector<const IndexInfo*> out;
  for (const auto& [name, index] : indexes_) {
    if (index.table == table) out.push_back(&index);
  }
  return out;
}

Catalog::Catalog() : Catalog(nullptr) {}

Catalog::Catalog(std::unique_ptr<CatalogStore> store)
    : store_(std::move(store)),
      cluster_id_(store_ ? store_->cluster_id() : NewClusterId()),
      current_(std::make_shared<CatalogSnapshot>()) {}

Catalog::~Catalog() = default;

std::shared_ptr<const CatalogSnapshot> Catalog::Snapshot() const {
  std::lock_guard lock(mutex_);
  return current_;
}

template <typename Mutation>
void Catalog::Change(Mutation&& mutate, CommitRecord* record) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<CatalogSnapshot>(*current_);
  mutate(*next);
  ++next->version_;
  if (store_) store_->Save(*next, record);
  current_ = std::move(next);
}

namespace {

// Tables, views and indexes share one namespace, as relations do in PostgreSQL and SQLite.
void CheckNameFree(const CatalogSnapshot& snapshot, const std::string& name) {
  if (snapshot.FindTable(name) || snapshot.FindView(name) || snapshot.FindIndex(name)) {
    throw SqlError(sqlstate::kDuplicateTable, fmt::format("relation \"{}\" already exists", name));
  }
}

}  // namespace

void Catalog::AddTable(std::shared_ptr<const TableInfo> table, CommitRecord* record) {
  Change(
      [&](CatalogSnapshot& s) {
        CheckNameFree(s, table->name);
        s.tables_[table->name] = table;
      },
      record);
}

void Catalog::SetStatistics(const std::string& table,
                            std::shared_ptr<const TableStatistics> statistics) {
  Change([&](CatalogSnapshot& s) {
    if (!s.FindTable(table)) {
      throw SqlError(sqlstate::kUndefinedTable,
                     fmt::format("relation \"{}\" does not exist", table));
    }
    s.statistics_[table] = std::move(statistics);
  });
}

void Catalog::DropTable(const std::string& name, CommitRecord* record) {
  Change(
      [&](CatalogSnapshot& s) {
        if (!s.tables_.erase(name)) {
          throw SqlError(sqlstate::kUndefinedTable,
                         fmt::format("table \"{}\" does not exist", name));
        }
        std::erase_if(s.indexes_, [&](const auto& entry) { return entry.second.table == name; });
        s.statistics_.erase(name);
      },
      record);
}

void Catalog::AddIndex(IndexInfo index, CommitRecord* record) {
  Change(
      [&](CatalogSnapshot& s) {
        CheckNameFree(s, index.name);
        if (!s.FindTable(index.table)) {
          throw SqlError(sqlstate::kUndefinedTable,
                         fmt::format("table \"{}\" does not exist", index.table));
        }
        std::string name = index.name;
        s.indexes_.emplace(name, std::move(index));
      },
      record);
}

void Catalog::DropIndex(const std::string& name, CommitRecord* record) {
  Change(
      [&](CatalogSnapshot& s) {
        if (!s.indexes_.erase(name)) {
          throw SqlError(sqlstate::kUndefinedObject,
                         fmt::format("index \"{}\" does not exist", name));
        }
      },
      record);
}

void Catalog::AddView(ViewInfo view, bool replace) {
  Change([&](CatalogSnapshot& s) {
    if (!(replace && s.FindView(view.name))) CheckNameFree(s, view.name);
    std::string name = view.name;
    s.views_[name] = std::move(view);
  });
}

void Catalog::DropView(const std::string& name) {
  Change([&](CatalogSnapshot& s) {
    if (!s.views_.erase(name)) {
      throw SqlError(sqlstate::kUndefinedTable, fmt::format("view \"{}\" does not exist", name));
    }
  });
}

int64_t Catalog::TakeNumbers(const std::string& name, int64_t count,
                             const std::function<int64_t()>& floor) {
  return store_->TakeNumbers(name, count, floor);
}

bool Catalog::Refresh(const Dialect& dialect) {
  if (!store_ || store_->StoredVersion() == Snapshot()->version()) return false;
  Load(dialect);
  return true;
}

void Catalog::Load(const Dialect& dialect) {
  if (!store_) return;
  uint64_t version = store_->StoredVersion();
  CatalogStore::Records records = store_->LoadAll();
  auto next = std::make_shared<CatalogSnapshot>();
  auto parse_one = [&](const std::string& sql, const std::string& name, ast::StatementKind kind) {
    std::vector<ast::StatementPtr> statements = ParseSql(sql);
    if (statements.size() != 1 || statements[0]->kind != kind) {
      throw SqlError(sqlstate::kIoError,
                     fmt::format("catalog file \"{}\" holds a damaged definition of \"{}\"",
                                 store_->path(), name));
    }
    return std::move(statements[0]);
  };
  for (const CatalogStore::TableRecord& r : records.tables) {
    ast::StatementPtr stmt = parse_one(r.definition_sql, r.name, ast::StatementKind::kCreateTable);
    ShardLayout layout{r.shards, r.vnodes};
    next->tables_[r.name] = BuildTableInfo(stmt->As<ast::CreateTableStatement>(), r.definition_sql,
                                           layout, DefaultDistribution::kHashFirstColumn, dialect);
  }
  for (const CatalogStore::IndexRecord& r : records.indexes) {
    ast::StatementPtr stmt = parse_one(r.definition_sql, r.name, ast::StatementKind::kCreateIndex);
    auto table = next->FindTable(r.table);
    if (!table) {
      throw SqlError(sqlstate::kIoError, fmt::format("catalog file \"{}\": index \"{}\" names a "
                                                     "missing table \"{}\"",
                                                     store_->path(), r.name, r.table));
    }
    next->indexes_[r.name] =
        BuildIndexInfo(stmt->As<ast::CreateIndexStatement>(), r.definition_sql, *table, dialect);
  }
  for (const CatalogStore::ViewRecord& r : records.views) {
    ast::StatementPtr stmt = parse_one(r.definition_sql, r.name, ast::StatementKind::kCreateView);
    next->views_[r.name] = BuildViewInfo(stmt->As<ast::CreateViewStatement>(), r.definition_sql);
  }
  for (const CatalogStore::StatisticsRecord& r : records.statistics) {
    // Figures that are damaged, or of another shape than the table's (a table dropped and made
    // again by an older router), are not used: they only guide the cost model, so the table is
    // estimated with defaults until analysed again rather than the catalog refused.
    auto table = next->FindTable(r.table);
    std::shared_ptr<TableStatistics> figures;
    try {
      figures = std::make_shared<TableStatistics>(DecodeStatistics(r.encoded));
    } catch (const SqlError&) {
      continue;
    }
    if (table && figures->columns.size() == table->columns.size())
      next->statistics_[r.table] = std::move(figures);
  }
  std::lock_guard lock(mutex_);
  // Versions come from the file, so every router names one catalog by one number; a file from
  // before versions were kept starts above what this process had.
  next->version_ = std::max(version, current_->version_ + (version == 0 ? 1 : 0));
  current_ = std::move(next);
}

}  // namespace shardql
