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
    spec_.shards.push_back({fmt::format("s{}", i), fmt::format("{}/s{}.db", path_, i)});
  }
}

DemoFolder::~DemoFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void LoadDemoData(Session& session, size_t flight_rows) {
  DiscardSink sink;
  session.Execute(embedded::kDemoSchema, sink);
  session.Execute(embedded::kDemoData, sink);
  if (flight_rows > 0) session.Execute(examples::GenerateFlightsSql(flight_rows, 42), sink);
}

const char* DemoQueries() {
  return embedded::kDemoQueries;
}

}  // namespace shardql
