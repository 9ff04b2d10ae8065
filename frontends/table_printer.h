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
};

std::string FormatAligned(const PrintedTable& table);
// psql's expanded form (\x): one "-[ RECORD n ]" block per row.
std::string FormatExpanded(const PrintedTable& table);

// Display width of UTF-8 text (code points; East Asian wide characters count as one).
size_t DisplayWidth(const std::string& text);

}  // namespace shardql
