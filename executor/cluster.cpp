#include "executor/cluster.h"

#include <fmt/format.h>

#include <filesystem>
#include <set>
#include <thread>

#include "backends/sqlite_backend.h"
#include "backends/sqlite_dialect.h"
#include "grammar/sql_error.h"
#include "planner/catalog_store.h"

namespace shardql {

std::unique_ptr<BackendConnection> ConnectionPool::Acquire(BackendStatus& status) {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      status = BackendStatus{};
      return connection;
    }
  }
  return backend_->Connect(status);
}

void ConnectionPool::Release(std::unique_ptr<BackendConnection> connection) {
  if (!connection) return;
  connection->ClearInterrupt();
  if (connection->in_transaction() && !connection->Rollback().ok) return;  // drop it
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(connection));
}

namespace {

// A new cluster's files may live in folders that do not exist yet.
void CreateParentFolder(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ignored;  // an unusable folder is reported when the file is opened
  if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
}

}  // namespace

std::unique_ptr<Cluster> Cluster::Open(const ClusterSpec& spec) {
  if (spec.shards.empty()) {
    throw SqlError(sqlstate::kConfigFileError, "the cluster has no shards");
  }
  std::unique_ptr<CatalogStore> store;
  if (!spec.catalog_path.empty()) {
    CreateParentFolder(spec.catalog_path);
    store = CatalogStore::Open(spec.catalog_path);
  }
  std::unique_ptr<Dialect> dialect = std::make_unique<SqliteDialect>();
  auto catalog = std::make_unique<Catalog>(std::move(store));
  catalog->Load(*dialect);
  std::set<std::string> holding_tables;
  for (const auto& [name, table] : catalog->Snapshot()->tables())
    holding_tables.insert(table->shards().begin(), table->shards().end());

  std::vector<Shard> shards;
  ShardLayout layout;
  layout.vnodes = spec.vnodes;
  for (const auto& s : spec.shards) {
    // SQLite would create a vanished shard file afresh, and the shard would answer as if its rows
    // were gone: once the catalog places tables on a shard, its file must be there. A shard that
    // holds nothing yet is new: its folder is made if needed.
    std::filesystem::path file(s.sqlite_path);
    if (holding_tables.count(s.name)) {
      if (!std::filesystem::exists(file)) {
        SqlError error(sqlstate::kConnectionFailure,
                       fmt::format("shard file \"{}\" does not exist, but the catalog places "
                                   "tables on this shard",
                                   s.sqlite_path));
        error.shard = s.name;
        throw error;
      }
    } else {
      CreateParentFolder(s.sqlite_path);
    }
    Shard shard;
    shard.name = s.name;
    shard.backend = std::make_shared<SqliteBackend>(s.name, s.sqlite_path);
    shard.pool = std::make_unique<ConnectionPool>(shard.backend);
    // Open once now, so an unusable folder or an unreadable file is reported at startup.
    BackendStatus status;
    auto connection = shard.pool->Acquire(status);
    if (!connection) throw ShardError(status, s.name);
    shard.pool->Release(std::move(connection));
    layout.shards.push_back(s.name);
    shards.push_back(std::move(shard));
  }
  return std::make_unique<Cluster>(std::move(dialect), std::move(shards), std::move(catalog),
                                   layout, spec.worker_threads);
}

Cluster::Cluster(std::unique_ptr<Dialect> dialect, std::vector<Shard> shards,
                 std::unique_ptr<Catalog> catalog, ShardLayout layout, size_t worker_threads)
    : dialect_(std::move(dialect)),
      shards_(std::move(shards)),
      catalog_(std::move(catalog)),
      layout_(std::move(layout)),
      workers_(worker_threads ? worker_threads : WorkerPool::DefaultSize()) {
  for (size_t i = 0; i < shards_.size(); ++i)
    by_name_[shards_[i].name] = i;
}

Cluster::~Cluster() = default;

size_t Cluster::ShardIndex(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    throw SqlError(sqlstate::kConfigFileError,
                   fmt::format("the catalog places data on shard \"{}\", which the cluster "
                               "configuration does not name",
                               name));
  }
  return it->second;
}

SqlError ShardError(const BackendStatus& status, const std::string& shard,
                    std::string_view prefix) {
  SqlError error(status.sqlstate, std::string(prefix) + status.message);
  error.shard = shard;
  return error;
}

}  // namespace shardql
