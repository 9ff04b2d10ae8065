#pragma once
// `--demo`: a cluster of 4 SQLite shards in a temporary folder, loaded with the example tables of
// examples/ (the schema and data of SEEDS.md's worked queries, and generated flights).

#include <memory>
#include <string>

#include "examples/flights_generator.h"
#include "executor/cluster.h"
#include "executor/session.h"

namespace shardql {

class DemoFolder {
 public:
  // Creates the folder and the cluster description (catalog file and shard files in it).
  explicit DemoFolder(size_t shards = 4);
  ~DemoFolder();  // removes the folder
  DemoFolder(const DemoFolder&) = delete;
  DemoFolder& operator=(const DemoFolder&) = delete;

  const std::string& path() const { return path_; }
  const ClusterSpec& spec() const { return spec_; }

 private:
  std::string path_;
  ClusterSpec spec_;
};

// The SQL that creates the example tables and loads their rows (and `flight_rows` generated
// flights).
std::string DemoLoadSql(size_t flight_rows = examples::kDemoFlightRows);
void LoadDemoData(Session& session, size_t flight_rows = examples::kDemoFlightRows);

// The worked queries of SEEDS.md (examples/demo/queries.sql).
const char* DemoQueries();

}  // namespace shardql
