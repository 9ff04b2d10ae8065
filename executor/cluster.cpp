#include "executor/cluster.h"

#include <fmt/format.h>

#include <filesystem>
#include <set>
#include <thread>

#include "executor/recovery.h"
#include "grammar/sql_error.h"
#include "planner/catalog_store.h"
#include "planner/commit_record.h"

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

std::unique_ptr<Cluster> Cluster::Open(const ClusterSpec& spec) {
  if (spec.shards.empty()) {
    throw SqlError(sqlstate::kConfigFileError, "the cluster has no shards");
  }
  BackendKind kind = spec.shards.front().kind;
  for (const ShardSpec& s : spec.shards) {
    if (s.kind != kind) {
      throw SqlError(
          sqlstate::kConfigFileError,
          fmt::format("shard \"{}\" is {} but shard \"{}\" is {}: a cluster's shards "
                      "are of one kind",
                      s.name, ToString(s.kind), spec.shards.front().name, ToString(kind)));
    }
  }
  std::unique_ptr<Dialect> dialect = MakeDialect(kind);
  std::unique_ptr<CatalogStore> store;
  if (!spec.catalog_path.empty()) {
    std::filesystem::path parent = std::filesystem::path(spec.catalog_path).parent_path();
    std::error_code ignored;  // an unusable folder is reported when the file is opened
    if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
    store = CatalogStore::Open(spec.catalog_path);
  }
  auto catalog = std::make_unique<Catalog>(std::move(store));
  catalog->Load(*dialect);
  std::set<std::string> holding_tables;
  for (const auto& [name, table] : catalog->Snapshot()->tables())
    holding_tables.insert(table->shards().begin(), table->shards().end());

  std::vector<Shard> shards;
  ShardLayout layout;
  layout.vnodes = spec.vnodes;
  std::map<std::string, std::string> by_location;
  for (const ShardSpec& s : spec.shards) {
    Shard shard;
    shard.name = s.name;
    shard.backend = MakeBackend(s);
    auto [other, added] = by_location.emplace(shard.backend->location(), s.name);
    if (!added) {
      throw SqlError(sqlstate::kConfigFileError,
                     fmt::format("shards \"{}\" and \"{}\" are both configured on {}",
                                 other->second, s.name, shard.backend->location()));
    }
    BackendStatus status =
        shard.backend->Attach({catalog->cluster_id(), s.name}, holding_tables.count(s.name) > 0);
    if (!status.ok) throw ShardError(status, s.name);
    shard.pool = std::make_unique<ConnectionPool>(shard.backend);
    // Connect once now, so an unreachable shard or an unreadable file is reported at startup.
    auto connection = shard.pool->Acquire(status);
    if (!connection) throw ShardError(status, s.name);
    shard.pool->Release(std::move(connection));
    layout.shards.push_back(s.name);
    shards.push_back(std::move(shard));
  }
  auto cluster = std::make_unique<Cluster>(kind, std::move(dialect), std::move(shards),
                                           std::move(catalog), layout, spec.worker_threads);
  if (!spec.catalog_path.empty()) {
    cluster->lock_path_ = spec.catalog_path + ".lock";
    cluster->liveness_ = std::make_unique<RouterLiveness>(spec.catalog_path + ".routers");
    // What routers that died (this one's earlier run included) decided is finished first.
    if (spec.recover_at_open) RecoverDeadRouters(*cluster);
  }
  return cluster;
}

const std::string& Cluster::router_id() const {
  static const std::string kNone;
  return liveness_ ? liveness_->id() : kNone;
}

bool Cluster::IsRouterAlive(const std::string& id) const {
  return liveness_ && !id.empty() && liveness_->IsAlive(id);
}

void Cluster::ForgetRouter(const std::string& id) const {
  if (liveness_ && !id.empty()) liveness_->Forget(id);
}

void Cluster::ForgetDeadRouters() const {
  if (liveness_) liveness_->ForgetDead();
}

std::string Cluster::NewTransactionId() {
  return fmt::format("{}:{}", router_id(), next_transaction_.fetch_add(1));
}

bool Cluster::RecoveryNeeded(const std::string& shard) {
  CatalogStore* store = catalog_->store();
  if (!store) return false;
  std::lock_guard lock(recovery_mutex_);
  if (!store->ChangedSinceLastLook() && !dead_records_) return false;
  dead_records_ = false;
  bool on_shard = false;
  for (const CommitRecord& record : store->Commits()) {
    if (IsRouterAlive(record.owner)) continue;
    dead_records_ = true;
    for (const auto& part : record.shards)
      on_shard = on_shard || part.first == shard;
  }
  return on_shard;
}

void Cluster::Refresh() {
  if (catalog_->Refresh(*dialect_)) {
    // Another router's DDL: tables may have been dropped and made again.
    rowids_.ForgetAll();
  }
}

Cluster::Cluster(BackendKind kind, std::unique_ptr<Dialect> dialect, std::vector<Shard> shards,
                 std::unique_ptr<Catalog> catalog, ShardLayout layout, size_t worker_threads)
    : kind_(kind),
      dialect_(std::move(dialect)),
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
