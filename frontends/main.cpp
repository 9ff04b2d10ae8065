// shardql: the one binary. `shardql shell` (the interactive shell), `shardql slt` (the
// sqllogictest runner) and `shardql explain` (a plan without a shell).

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "executor/cluster.h"
#include "executor/cluster_check.h"
#include "executor/cluster_lock.h"
#include "executor/session.h"
#include "frontends/cluster_config.h"
#include "frontends/demo_cluster.h"
#include "frontends/shell.h"
#include "frontends/shell_signals.h"
#include "frontends/slt_runner.h"
#include "grammar/sql_error.h"

namespace po = boost::program_options;
using namespace shardql;

namespace {

constexpr const char* kVersion = "shardql 0.1.0";

constexpr const char* kUsage =
    "shardql — a SQL query router over sharded databases\n"
    "\n"
    "Usage:\n"
    "  shardql shell [--config FILE | --demo] [-c SQL]... [-f FILE]... [-A] [-t] [-F SEP] [--csv]\n"
    "  shardql explain [--config FILE | --demo] SQL\n"
    "  shardql check --config FILE [--repair]\n"
    "  shardql slt [--shards N] [--distribute hash|reference] [--oracle]\n"
    "              [--disable-rules all|NAME,...] FILE...\n"
    "  shardql --version\n"
    "\n"
    "Run `shardql COMMAND --help` for a command's options.\n";

// The cluster a shell or explain runs on: a config file, or the demo in a temporary folder.
struct OpenedCluster {
  std::unique_ptr<DemoFolder> demo;
  std::unique_ptr<Cluster> cluster;
  std::string name;
};

OpenedCluster OpenCluster(const po::variables_map& vm, bool load_demo_data) {
  OpenedCluster out;
  if (vm.count("demo")) {
    out.demo = std::make_unique<DemoFolder>(4);
    // Ctrl-C cancels a statement or clears the prompt's line; SIGTERM, SIGHUP (and Ctrl-C when
    // nothing runs) end the shell — the demo's folder removed first, as a normal exit does.
    shell_signals::Install([path = out.demo->path()] {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    });
    out.cluster = Cluster::Open(out.demo->spec());
    out.name = "demo";
    if (load_demo_data) {
      Session loader(*out.cluster);
      LoadDemoData(loader);
    }
    return out;
  }
  if (!vm.count("config")) {
    throw po::error("give --config FILE (a cluster configuration) or --demo");
  }
  std::string path = vm["config"].as<std::string>();
  shell_signals::Install(nullptr);
  out.cluster = Cluster::Open(ReadClusterConfig(path));
  out.name = std::filesystem::path(path).stem().string();
  return out;
}

int ShellCommand(const std::vector<std::string>& args) {
  po::options_description options("shardql shell options");
  options.add_options()("help,h", "show this help")("config", po::value<std::string>(),
                                                    "cluster configuration file (INI)")(
      "demo", "a demo cluster of 4 SQLite shards with example data, in a temporary folder")(
      "command,c", po::value<std::vector<std::string>>(), "run SQL (and \\ commands), then exit")(
      "file,f", po::value<std::vector<std::string>>(), "run statements from FILE ('-': stdin)")(
      "no-align,A", "unaligned output: fields joined by the field separator")(
      "tuples-only,t", "rows only: no column names, no row-count footer")(
      "field-separator,F", po::value<std::string>(), "field separator for unaligned output (|)")(
      "csv", "CSV output");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "Usage: shardql shell [--config FILE | --demo] [-c SQL]... [-f FILE]... "
                 "[-A] [-t] [-F SEP] [--csv]\n\n"
              << options;
    return 0;
  }
  OpenedCluster opened = OpenCluster(vm, true);
  Session session(*opened.cluster);
  ShellOptions shell_options;
  shell_options.name = opened.name;
  if (vm.count("no-align")) shell_options.format.kind = OutputFormat::Kind::kUnaligned;
  if (vm.count("csv")) shell_options.format.kind = OutputFormat::Kind::kCsv;
  if (vm.count("tuples-only")) shell_options.format.tuples_only = true;
  if (vm.count("field-separator")) {
    shell_options.format.field_separator = vm["field-separator"].as<std::string>();
  }
  if (vm.count("command")) shell_options.commands = vm["command"].as<std::vector<std::string>>();
  if (vm.count("file")) shell_options.files = vm["file"].as<std::vector<std::string>>();
  if (opened.demo) {
    shell_options.banner = fmt::format(
        "{} — demo cluster: {} SQLite shards in {}\n"
        "Tables: customer, orders, cust, rcvbles, part, vendor, parven, flights (\\d lists them).\n"
        "SEEDS.md's worked queries: \\i examples/demo/queries.sql; EXPLAIN shows how a query is "
        "routed.\n"
        "Type \\? for help, \\q to quit.\n\n",
        kVersion, opened.cluster->shard_count(), opened.demo->path());
  } else {
    shell_options.banner = fmt::format("{} — cluster \"{}\": {} shards\nType \\? for help.\n\n",
                                       kVersion, opened.name, opened.cluster->shard_count());
  }
  shardql::Shell shell(session, std::cout, std::cerr);
  return shell.Run(shell_options);
}

int ExplainCommand(const std::vector<std::string>& args) {
  po::options_description options("shardql explain options");
  options.add_options()("help,h", "show this help")("config", po::value<std::string>(),
                                                    "cluster configuration file (INI)")(
      "demo", "explain against the demo cluster")("sql", po::value<std::string>(), "the statement");
  po::positional_options_description positional;
  positional.add("sql", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help") || !vm.count("sql")) {
    std::cout << "Usage: shardql explain [--config FILE | --demo] SQL\n\n" << options;
    return vm.count("help") ? 0 : 2;
  }
  OpenedCluster opened = OpenCluster(vm, true);
  Session session(*opened.cluster);
  shardql::Shell shell(session, std::cout, std::cerr);
  return shell.RunBuffer("EXPLAIN " + vm["sql"].as<std::string>(), true) ? 0 : 1;
}

int CheckCommand(const std::vector<std::string>& args) {
  po::options_description options("shardql check options");
  options.add_options()("help,h", "show this help")("config", po::value<std::string>(),
                                                    "cluster configuration file (INI)")(
      "repair", "finish or undo what recovery can decide, and say what was done");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).run(), vm);
  po::notify(vm);
  if (vm.count("help") || !vm.count("config")) {
    std::cout << "Usage: shardql check --config FILE [--repair]\n\n" << options;
    return vm.count("help") ? 0 : 2;
  }
  ClusterSpec spec = ReadClusterConfig(vm["config"].as<std::string>());
  spec.recover_at_open = false;  // look before anything is finished
  std::unique_ptr<Cluster> cluster = Cluster::Open(spec);
  // Alone in the cluster: no statement of any router runs while the shards are read.
  ClusterLock lock(cluster->lock_path());
  ClusterLock::Hold hold = lock.Exclusive();
  cluster->Refresh();
  bool repair = vm.count("repair") > 0;
  CheckReport report = CheckCluster(*cluster, repair);
  for (const std::string& line : report.repairs)
    std::cout << "repaired: " << line << "\n";
  for (const std::string& line : report.notes)
    std::cout << "note: " << line << "\n";
  for (const std::string& line : report.problems)
    std::cout << "problem: " << line << "\n";
  if (report.problems.empty()) {
    std::cout << fmt::format("shardql check: consistent ({} shards, {} tables, {} indexes)\n",
                             report.shards, report.tables, report.indexes);
    return 0;
  }
  std::cout << fmt::format("shardql check: {} problem(s){}\n", report.problems.size(),
                           repair ? " left that need a person" : "; --repair fixes what it can");
  return 1;
}

int SltCommand(const std::vector<std::string>& args) {
  po::options_description options("shardql slt options");
  options.add_options()("help,h", "show this help")("shards", po::value<size_t>()->default_value(4),
                                                    "number of fresh SQLite shards per file")(
      "distribute", po::value<std::string>()->default_value("hash"),
      "tables created without DISTRIBUTE BY: hash (on their first column) or reference")(
      "oracle", "also run every record on one plain SQLite database; a difference is a failure")(
      "force-general-path", "answer every multi-shard query through the merge engine")(
      "disable-rules", po::value<std::string>(),
      "rewrite rules switched off: all, or names separated by commas (results must not change)")(
      "show-failures", po::value<size_t>()->default_value(5), "failures shown per file")(
      "known-failures", po::value<std::string>(),
      "file of FILE:LINE records expected to fail; only other failures fail the run")(
      "files", po::value<std::vector<std::string>>(), "sqllogictest files");
  po::positional_options_description positional;
  positional.add("files", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help") || !vm.count("files")) {
    std::cout << "Usage: shardql slt [--shards N] [--distribute hash|reference] [--oracle] "
                 "[--disable-rules all|NAME,...] FILE..."
                 "\n\n"
              << options;
    return vm.count("help") ? 0 : 2;
  }
  SltOptions slt;
  slt.shards = vm["shards"].as<size_t>();
  if (slt.shards < 1 || slt.shards > 256) throw po::error("--shards must be from 1 to 256");
  std::string distribute = vm["distribute"].as<std::string>();
  if (distribute == "hash") {
    slt.distribution = DefaultDistribution::kHashFirstColumn;
  } else if (distribute == "reference") {
    slt.distribution = DefaultDistribution::kReference;
  } else {
    throw po::error("--distribute must be hash or reference");
  }
  slt.oracle = vm.count("oracle") > 0;
  slt.force_general_path = vm.count("force-general-path") > 0;
  if (vm.count("disable-rules")) slt.disabled_rules = vm["disable-rules"].as<std::string>();
  slt.failures_shown = vm["show-failures"].as<size_t>();
  slt.files = vm["files"].as<std::vector<std::string>>();
  if (vm.count("known-failures")) slt.known_failures_file = vm["known-failures"].as<std::string>();
  SltCounts counts = RunSlt(slt, std::cout, std::cerr);
  return counts.unexpected == 0 && counts.stale == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version" || args[0] == "-V") {
    std::cout << kVersion << "\n";
    return 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "shell") return ShellCommand(args);
    if (command == "slt") return SltCommand(args);
    if (command == "explain") return ExplainCommand(args);
    if (command == "check") return CheckCommand(args);
    std::cerr << "shardql: unknown command \"" << command << "\"\n\n" << kUsage;
    return 2;
  } catch (const po::error& e) {
    std::cerr << "shardql " << command << ": " << e.what() << "\n";
    return 2;
  } catch (const SqlError& e) {
    std::cerr << FormatError(e, "") << "\n";
    return 2;
  } catch (const std::exception& e) {
    // Out of memory, a file that cannot be written: reported, never an abort.
    std::cerr << "shardql " << command << ": " << e.what() << "\n";
    return 2;
  }
}
