#pragma once
// The cluster a router serves: its shards (backends with connection pools), the backend dialect,
// the catalog, and the worker threads that run shard work.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "backends/backend.h"
#include "backends/backend_factory.h"
#include "executor/router_liveness.h"
#include "executor/rowid_allocator.h"
#include "executor/statement_timer.h"
#include "executor/worker_pool.h"
#include "grammar/sql_error.h"
#include "planner/catalog.h"
#include "planner/ddl.h"
#include "planner/dialect.h"
#include "planner/plan_cache.h"

namespace shardql {

// Idle connections to one shard, reused across statements.
class ConnectionPool {
 public:
  explicit ConnectionPool(std::shared_ptr<Backend> backend, size_t max_idle = 16)
      : backend_(std::move(backend)), max_idle_(max_idle) {}

  // A connection from the pool, or a new one; null (with `status` set) when the shard is down.
  std::unique_ptr<BackendConnection> Acquire(BackendStatus& status);
  // Returns a connection; one left inside a transaction is rolled back first.
  void Release(std::unique_ptr<BackendConnection> connection);

  Backend& backend() { return *backend_; }

 private:
  std::shared_ptr<Backend> backend_;
  size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<BackendConnection>> idle_;
};

struct Shard {
  std::string name;
  std::shared_ptr<Backend> backend;
  std::unique_ptr<ConnectionPool> pool;
};

// What a config file (or --demo) describes. Every shard is of one backend kind: the cluster has
// one dialect.
struct ClusterSpec {
  std::string catalog_path;  // empty: an in-memory catalog
  uint32_t vnodes = 64;
  size_t worker_threads = 0;  // the shared worker pool's size; 0: one per core, at least two
  // Whether opening finishes what routers that died decided (`shardql check` without --repair
  // looks first).
  bool recover_at_open = true;
  std::vector<ShardSpec> shards;
};

class Cluster {
 public:
  // Opens the backends the spec names (backends/backend_factory.h) and the catalog (loading what
  // the catalog file holds). Throws SqlError.
  static std::unique_ptr<Cluster> Open(const ClusterSpec& spec);
  Cluster(BackendKind kind, std::unique_ptr<Dialect> dialect, std::vector<Shard> shards,
          std::unique_ptr<Catalog> catalog, ShardLayout layout, size_t worker_threads = 0);
  ~Cluster();

  BackendKind backend_kind() const { return kind_; }
  const Dialect& dialect() const { return *dialect_; }
  Catalog& catalog() { return *catalog_; }
  const ShardLayout& layout() const { return layout_; }
  // One pool for every session: its size does not grow with sessions or shards.
  WorkerPool& workers() { return workers_; }
  StatementTimer& timer() { return timer_; }
  RowidAllocator& rowids() { return rowids_; }
  PlanCache& plan_cache() { return plan_cache_; }

  // The lock file routers sharing this catalog coordinate through (cluster_lock.h); empty for an
  // in-memory catalog.
  const std::string& lock_path() const { return lock_path_; }
  // Catches up with what other routers changed in the catalog file. Callers hold the cluster
  // lock (shared for a statement, exclusive for DDL).
  void Refresh();

  // ---- Crash safety (executor/recovery.h); with a catalog file only.
  bool recovery_enabled() const { return liveness_ != nullptr; }
  // This router's id in the catalog's folder of routers ("" without a catalog file).
  const std::string& router_id() const;
  bool IsRouterAlive(const std::string& id) const;
  void ForgetRouter(const std::string& id) const;
  void ForgetDeadRouters() const;
  // A new transaction id, unique across routers: router id and a sequence.
  std::string NewTransactionId();
  // Whether a router that died left a decided transaction on `shard` to finish. Cheap when the
  // catalog file did not change since the last look.
  bool RecoveryNeeded(const std::string& shard);

  size_t shard_count() const { return shards_.size(); }
  Shard& shard(size_t index) { return shards_.at(index); }
  // The cluster index of a shard by name; throws SqlError when the catalog names a shard the
  // config no longer has.
  size_t ShardIndex(const std::string& name) const;

 private:
  BackendKind kind_;
  std::unique_ptr<Dialect> dialect_;
  std::vector<Shard> shards_;
  std::map<std::string, size_t> by_name_;
  std::unique_ptr<Catalog> catalog_;
  std::string lock_path_;
  std::unique_ptr<RouterLiveness> liveness_;
  std::atomic<uint64_t> next_transaction_{1};
  std::mutex recovery_mutex_;
  bool dead_records_ = false;  // the last look found records of dead routers
  ShardLayout layout_;
  RowidAllocator rowids_;
  PlanCache plan_cache_;
  WorkerPool workers_;
  StatementTimer timer_;
};

// A shard's failure as the statement's error, naming the shard; `prefix` says what failed.
SqlError ShardError(const BackendStatus& status, const std::string& shard,
                    std::string_view prefix = {});

}  // namespace shardql
