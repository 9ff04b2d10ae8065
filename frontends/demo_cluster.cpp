#include "frontends/demo_cluster.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "examples/flights_generator.h"
#include "grammar/sql_error.h"

namespace shardql {

namespace embedded {
// examples/demo/*.sql, compiled in by CMake (see frontends/embed_files.cmake).
extern const char kDemoSchema[];
extern const char kDemoData[];
extern const char kDemoQueries[];
}  // namespace embedded

namespace {
class DiscardSink : public ResultSink {};
}  // namespace

DemoFolder::DemoFolder(size_t shards) {
  char dir_template[] = "/tmp/shardql-demo-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (!dir) throw SqlError(sqlstate::kIoError, "cannot create a temporary folder for the demo");
  path_ = dir;
  spec_.catalog_path = path_ + "/catalog.db";
  for (size_t i = 0; i < shards; ++i) {
    spec_.shards.push_back(
        {fmt::format("s{}", i), BackendKind::kSqlite, fmt::format("{}/s{}.db", path_, i)});
  }
}

DemoFolder::~DemoFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string DemoLoadSql(size_t flight_rows) {
  return std::string(embedded::kDemoSchema) + "\n" + embedded::kDemoData + "\n" +
         examples::GenerateFlightsSql(flight_rows, examples::kDemoFlightSeed);
}

void LoadDemoData(Session& session, size_t flight_rows) {
  DiscardSink sink;
  session.Execute(DemoLoadSql(flight_rows), sink);
}

const char* DemoQueries() {
  return embedded::kDemoQueries;
}

}  // namespace shardql
