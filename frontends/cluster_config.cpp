#include "frontends/cluster_config.h"

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>

#include "grammar/sql_error.h"

namespace shardql {

namespace po = boost::program_options;

namespace {

[[noreturn]] void Fail(const std::string& path, const std::string& message) {
  throw SqlError(sqlstate::kConfigFileError,
                 fmt::format("configuration file \"{}\": {}", path, message));
}

}  // namespace

ClusterSpec ReadClusterConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) Fail(path, "cannot be read");
  po::options_description known;
  known.add_options()("catalog", po::value<std::string>())("vnodes", po::value<uint32_t>());
  po::parsed_options parsed(&known);
  try {
    parsed = po::parse_config_file(in, known, /*allow_unregistered=*/true);
  } catch (const po::error& e) {
    Fail(path, e.what());
  }
  std::filesystem::path base = std::filesystem::absolute(path).parent_path();
  auto resolve = [&](const std::string& p) {
    std::filesystem::path file(p);
    return (file.is_absolute() ? file : base / file).lexically_normal().string();
  };
  ClusterSpec spec;
  static const std::regex kShardKey(R"(shard\.([A-Za-z0-9_-]+)\.([a-z_]+))");
  std::set<std::string> names;
  for (const po::option& option : parsed.options) {
    const std::string& key = option.string_key;
    if (option.value.size() != 1) Fail(path, fmt::format("\"{}\" needs exactly one value", key));
    const std::string& value = option.value[0];
    if (key == "catalog") {
      spec.catalog_path = resolve(value);
      continue;
    }
    if (key == "vnodes") {
      try {
        size_t end = 0;
        long v = std::stol(value, &end);
        if (end != value.size() || v < 1 || v > 4096) throw std::invalid_argument("range");
        spec.vnodes = static_cast<uint32_t>(v);
      } catch (const std::exception&) {
        Fail(path, fmt::format("vnodes must be a whole number from 1 to 4096, not \"{}\"", value));
      }
      continue;
    }
    std::smatch match;
    if (!std::regex_match(key, match, kShardKey)) {
      Fail(path, fmt::format("unrecognized option \"{}\"", key));
    }
    std::string name = match[1];
    std::string setting = match[2];
    std::optional<BackendKind> kind = BackendKindByName(setting);
    if (!kind) {
      Fail(path, fmt::format("shard \"{}\": unrecognized setting \"{}\" (expected sqlite = FILE)",
                             name, setting));
    }
    if (!names.insert(name).second) Fail(path, fmt::format("shard \"{}\" is defined twice", name));
    if (value.empty()) Fail(path, fmt::format("shard \"{}\" has an empty {}", name, setting));
    // A SQLite file is relative to the configuration; a connection string is taken as written.
    spec.shards.push_back({name, *kind, *kind == BackendKind::kSqlite ? resolve(value) : value});
  }
  if (spec.shards.empty()) Fail(path, "no shards: add a [shard.NAME] section with sqlite = FILE");
  // Without `catalog =` the catalog is a file beside the configuration, never kept in memory: a
  // restart must find the tables its shards hold.
  if (spec.catalog_path.empty()) {
    spec.catalog_path = resolve(std::filesystem::path(path).stem().string() + ".catalog.db");
  }
  return spec;
}

}  // namespace shardql
