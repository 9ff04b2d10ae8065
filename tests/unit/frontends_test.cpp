// The fronts' building blocks: configuration files, psql-style statement splitting, aligned
// output, and the MD5 behind sqllogictest's hashed results.

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "frontends/cluster_config.h"
#include "frontends/md5.h"
#include "frontends/table_printer.h"
#include "grammar/sql_error.h"

using namespace shardql;

namespace {

std::string WriteTemp(const std::string& text) {
  char name[] = "/tmp/shardql-config-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(name) << text;
  return name;
}

std::string ConfigError(const std::string& text) {
  std::string path = WriteTemp(text);
  try {
    ReadClusterConfig(path);
  } catch (const SqlError& e) {
    std::filesystem::remove(path);
    CHECK(e.sqlstate() == "F0000");
    return e.message();
  }
  std::filesystem::remove(path);
  return "no error";
}

}  // namespace

TEST_CASE("a cluster configuration names shards in order, paths relative to the file") {
  std::string path = WriteTemp(
      "# a comment\ncatalog = meta/catalog.db\nvnodes = 16\n\n[shard.east]\nsqlite = east.db\n"
      "[shard.west-2]\nsqlite = /abs/west.db\n");
  ClusterSpec spec = ReadClusterConfig(path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  CHECK(spec.catalog_path == dir + "/meta/catalog.db");
  CHECK(spec.vnodes == 16);
  REQUIRE(spec.shards.size() == 2);
  CHECK(spec.shards[0].name == "east");
  CHECK(spec.shards[0].location == dir + "/east.db");
  CHECK(spec.shards[1].name == "west-2");
  CHECK(spec.shards[1].location == "/abs/west.db");
  std::filesystem::remove(path);
}

TEST_CASE("without catalog =, the catalog is a file beside the configuration") {
  std::string path = WriteTemp("[shard.s0]\nsqlite = s0.db\n");
  ClusterSpec spec = ReadClusterConfig(path);
  std::filesystem::path file(path);
  CHECK(spec.catalog_path ==
        (file.parent_path() / (file.stem().string() + ".catalog.db")).string());
  std::filesystem::remove(path);
}

TEST_CASE("a bad configuration is refused with the file and the problem") {
  CHECK(ConfigError("catalog = c.db\n").find("no shards") != std::string::npos);
  CHECK(ConfigError("[shard.a]\npostgres = x\n").find("unrecognized setting \"postgres\"") !=
        std::string::npos);
  CHECK(ConfigError("[shard.a]\nsqlite = a.db\n[shard.a]\nsqlite = b.db\n").find("defined twice") !=
        std::string::npos);
  CHECK(ConfigError("vnodes = many\n[shard.a]\nsqlite = a.db\n").find("vnodes") !=
        std::string::npos);
  CHECK(ConfigError("colour = blue\n[shard.a]\nsqlite = a.db\n").find("unrecognized option") !=
        std::string::npos);
  CHECK(ConfigError("[shard.a\nsqlite = a.db\n") != "no error");
  try {
    ReadClusterConfig("/nonexistent/cluster.ini");
    FAIL("should not read");
  } catch (const SqlError& e) {
    CHECK(e.sqlstate() == "F0000");
  }
}

TEST_CASE("aligned output looks like psql's") {
  PrintedTable t;
  t.headers = {"id", "name"};
  t.right_aligned = {true, false};
  t.rows = {{"7", "ann"}, {"1008", ""}, {"12", "bé"}};
  CHECK(FormatAligned(t) ==
        "  id  | name\n"
        "------+------\n"
        "    7 | ann\n"
        " 1008 |\n"
        "   12 | bé\n"
        "(3 rows)\n");
  PrintedTable one;
  one.headers = {"count"};
  one.right_aligned = {true};
  one.rows = {{"5000"}};
  CHECK(FormatAligned(one) == " count\n-------\n  5000\n(1 row)\n");
  CHECK(FormatExpanded(t).find("-[ RECORD 2 ]") != std::string::npos);
}

TEST_CASE("MD5 matches RFC 1321's test vectors") {
  auto md5 = [](const std::string& s) {
    Md5 m;
    m.Update(s);
    return m.HexDigest();
  };
  CHECK(md5("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(md5("abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(md5("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
  CHECK(md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
        "57edf4a22be3c955ac49da2e2107b67a");
}
