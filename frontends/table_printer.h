#pragma once
// psql's aligned output: a centred header, a rule, text left-aligned and numbers right-aligned,
// and a row-count footer.
//
//  order_num | customer_num
// -----------+--------------
//       1008 |          104
// (1 row)

#include <string>
#include <vector>

namespace shardql {

struct PrintedTable {
  std::vector<std::string> headers;
  std::vector<bool> right_aligned;  // per column
  std::vector<std::vector<std::string>> rows;
  // Which cells are NULL (shown empty): CSV tells NULL from an empty string. Empty: none.
  std::vector<std::vector<bool>> nulls;
};

// psql's \pset: how result tables are written.
struct OutputFormat {
  enum class Kind { kAligned, kUnaligned, kCsv };
  Kind kind = Kind::kAligned;
  bool tuples_only = false;           // -t: no header, no row-count footer
  bool expanded = false;              // \x (aligned only)
  std::string field_separator = "|";  // -F, for unaligned output
};

std::string FormatTable(const PrintedTable& table, const OutputFormat& format);

// `text` as a CSV field in double quotes, a quote inside written twice (RFC 4180); the caller
// decides when a field needs them (psql's output and COPY's differ).
std::string CsvQuoted(const std::string& text);

std::string FormatAligned(const PrintedTable& table, bool tuples_only = false);
// psql's expanded form (\x): one "-[ RECORD n ]" block per row.
std::string FormatExpanded(const PrintedTable& table);

// Display width of UTF-8 text (code points; East Asian wide characters count as one).
size_t DisplayWidth(const std::string& text);

}  // namespace shardql
