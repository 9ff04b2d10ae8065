#include "frontends/describe.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <sstream>

#include "frontends/table_printer.h"

namespace shardql {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

// A table printed without psql's "(N rows)" footer, as \d prints its parts.
std::string WithoutFooter(const PrintedTable& table) {
  std::string text = FormatAligned(table);
  return text.substr(0, text.rfind('('));
}

std::string UtcTime(int64_t unix_seconds) {
  auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buffer;
}

// A value as \d+ shows it: long ones cut, so one column cannot widen the table past reading.
std::string Shown(const Dialect& dialect, const std::optional<Value>& v) {
  if (!v) return "";
  std::string text = dialect.FormatValue(*v);
  return text.size() > 24 ? text.substr(0, 21) + "..." : text;
}

std::string DescribeStatistics(const TableInfo& info, const TableStatistics* stats,
                               const Dialect& dialect) {
  if (!stats) return "Statistics: none (ANALYZE gathers them; until then plans use defaults)\n";
  std::ostringstream out;
  out << fmt::format("Statistics: {:.0f} rows, {} sampled, taken {}\n", stats->rows,
                     stats->sampled_rows, UtcTime(stats->taken_at));
  PrintedTable table;
  table.headers = {"Column", "Null frac", "Distinct", "Min", "Max", "Most common values"};
  table.right_aligned = {false, true, true, false, false, false};
  for (size_t c = 0; c < info.columns.size() && c < stats->columns.size(); ++c) {
    const ColumnStatistics& s = stats->columns[c];
    std::vector<std::string> common;
    for (size_t i = 0; i < s.most_common.size() && i < 3; ++i) {
      common.push_back(fmt::format("{} ({:.1f}%)", Shown(dialect, s.most_common[i].first),
                                   100 * s.most_common[i].second));
    }
    if (s.most_common.size() > 3)
      common.push_back(fmt::format("{} more", s.most_common.size() - 3));
    table.rows.push_back({info.columns[c].name, fmt::format("{:.3f}", s.null_fraction),
                          fmt::format("{:.0f}", s.distinct), Shown(dialect, s.min),
                          Shown(dialect, s.max), Join(common)});
  }
  out << WithoutFooter(table);
  std::vector<std::string> per_shard;
  for (const auto& [shard, rows] : stats->shard_rows)
    per_shard.push_back(fmt::format("{} {:.0f}", shard, rows));
  out << "Rows per shard: " << Join(per_shard) << "\n";
  if (!stats->indexes.empty()) {
    out << "Indexes on the shards:\n";
    for (const ShardIndexStatistics& index : stats->indexes) {
      out << fmt::format("    \"{}\"{} ({}) on {}\n", index.name, index.unique ? " UNIQUE" : "",
                         Join(index.columns), Join(index.shards));
    }
  }
  return out.str();
}

}  // namespace

std::string DescribeRelations(Cluster& cluster) {
  auto snapshot = cluster.catalog().Snapshot();
  PrintedTable table;
  table.headers = {"Name", "Type", "Distribution", "Shards"};
  table.right_aligned = {false, false, false, true};
  for (const auto& [name, info] : snapshot->tables()) {
    std::string distribution = info->distribution == DistributionKind::kReference
                                   ? "reference"
                                   : "hash (" + info->shard_key_column().name + ")";
    table.rows.push_back({name, "table", distribution, std::to_string(info->shards().size())});
  }
  for (const auto& [name, view] : snapshot->views())
    table.rows.push_back({name, "view", "", ""});
  std::sort(table.rows.begin(), table.rows.end());
  if (table.rows.empty()) return "Did not find any relations.\n";
  return "      List of relations\n" + FormatAligned(table) + "\n";
}

std::optional<std::string> DescribeRelation(Cluster& cluster, const std::string& raw_name,
                                            bool plus) {
  std::string name = raw_name;
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  } else {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  auto snapshot = cluster.catalog().Snapshot();
  std::ostringstream out;
  if (auto info = snapshot->FindTable(name)) {
    PrintedTable table;
    table.headers = {"Column", "Type", "Collation", "Nullable", "Default"};
    table.right_aligned = {false, false, false, false, false};
    for (const ColumnInfo& c : info->columns) {
      table.rows.push_back({c.name, c.declared_type,
                            c.collation.is_default() ? "" : c.collation.name(),
                            c.not_null ? "not null" : "", c.default_sql});
    }
    out << "          Table \"" << info->name << "\"\n" << WithoutFooter(table);
    std::vector<const IndexInfo*> indexes = snapshot->IndexesOf(name);
    if (!indexes.empty()) {
      out << "Indexes:\n";
      for (const IndexInfo* index : indexes) {
        out << "    \"" << index->name << "\"" << (index->unique ? " UNIQUE" : "") << " ("
            << Join(index->columns) << ")\n";
      }
    }
    std::string shards = Join(info->shards());
    if (info->distribution == DistributionKind::kReference) {
      out << "Distribution: reference, a full copy on each of " << info->shards().size()
          << " shards: " << shards << "\n";
    } else {
      out << "Distribution: hash on " << info->shard_key_column().name
          << ", consistent-hash ring of " << info->shards().size() << " shards ("
          << info->ring->vnodes_per_shard() << " virtual nodes each): " << shards << "\n";
    }
    for (const std::string& s : info->shards())
      out << "    " << s << ": " << cluster.shard(cluster.ShardIndex(s)).backend->location()
          << "\n";
    if (plus)
      out << DescribeStatistics(*info, snapshot->StatisticsOf(name).get(), cluster.dialect());
    out << "\n";
    return out.str();
  }
  if (const ViewInfo* view = snapshot->FindView(name)) {
    out << "View \"" << view->name << "\"\nView definition:\n " << view->query_sql << "\n\n";
    return out.str();
  }
  return std::nullopt;
}

}  // namespace shardql
