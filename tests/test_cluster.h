#pragma once
// A real cluster of SQLite shard files in a temporary folder, for tests: created fresh, removed
// afterwards.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "executor/cluster.h"
#include "executor/session.h"

namespace shardql::testing {

// A fresh folder under /tmp, removed with everything in it when the test ends.
struct TempFolder {
  TempFolder();
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  std::string path;
};

class TestCluster {
 public:
  explicit TestCluster(size_t shards = 4, bool persistent_catalog = false);
  ~TestCluster();

  Cluster& cluster() { return *cluster_; }
  Session& session() { return *session_; }
  const std::string& folder() const { return folder_; }
  const ClusterSpec& spec() const { return spec_; }

  // Closes and reopens the cluster from its files (a router restart).
  void Restart();
  // The cluster is left as `shardql check` finds it consistent when the test ends — unless the
  // test makes it otherwise on purpose.
  void SkipCheckAtEnd() { check_at_end_ = false; }

 private:
  std::string folder_;
  ClusterSpec spec_;
  std::unique_ptr<Cluster> cluster_;
  std::unique_ptr<Session> session_;
  bool check_at_end_ = true;
};

// Rows as text, for assertions.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  std::vector<std::string> tags;
  std::vector<std::string> notices;
};

class CollectingSink : public ResultSink {
 public:
  explicit CollectingSink(QueryResult& result) : result_(result) {}
  void BeginRows(const std::vector<plan::OutputColumn>& columns) override {
    result_.columns.clear();
    result_.rows.clear();
    for (const auto& c : columns)
      result_.columns.push_back(c.name);
  }
  void Rows(const RowBatch& batch) override { batch.AppendRowsTo(result_.rows); }
  void Complete(const std::string& tag) override { result_.tags.push_back(tag); }
  void Notice(const std::string& message) override { result_.notices.push_back(message); }

 private:
  QueryResult& result_;
};

// Runs SQL on a session and returns what came back (throws SqlError).
QueryResult Run(Session& session, const std::string& sql, const std::vector<Value>& params = {});
// The SQLSTATE a statement fails with, or "ok".
std::string SqlstateOf(Session& session, const std::string& sql);

// The rows, one per line, columns separated by " | ", NULL as NULL.
std::string FormatRows(const QueryResult& result, const Dialect& dialect);

}  // namespace shardql::testing
