#include "frontends/table_printer.h"

#include <fmt/format.h>

#include <algorithm>

namespace shardql {

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

namespace {

std::string Pad(const std::string& text, size_t width, bool right) {
  size_t w = DisplayWidth(text);
  if (w >= width) return text;
  std::string pad(width - w, ' ');
  return right ? pad + text : text + pad;
}

std::string Centre(const std::string& text, size_t width) {
  size_t w = DisplayWidth(text);
  if (w >= width) return text;
  size_t left = (width - w) / 2;
  return std::string(left, ' ') + text + std::string(width - w - left, ' ');
}

std::string Footer(size_t rows) {
  return fmt::format("({} row{})", rows, rows == 1 ? "" : "s");
}

}  // namespace

std::string FormatAligned(const PrintedTable& table) {
  size_t n = table.headers.size();
  std::vector<size_t> widths(n, 0);
  for (size_t c = 0; c < n; ++c)
    widths[c] = DisplayWidth(table.headers[c]);
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < n; ++c)
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::string out;
  for (size_t c = 0; c < n; ++c) {
    out += (c ? "|" : "") + std::string(" ") + Centre(table.headers[c], widths[c]) + " ";
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  out += "\n";
  for (size_t c = 0; c < n; ++c)
    out += (c ? "+" : "") + std::string(widths[c] + 2, '-');
  out += "\n";
  for (const auto& row : table.rows) {
    std::string line;
    for (size_t c = 0; c < n; ++c) {
      bool last = c + 1 == n;
      std::string cell =
          last && !table.right_aligned[c] ? row[c] : Pad(row[c], widths[c], table.right_aligned[c]);
      line += (c ? "| " : " ") + cell + (last ? "" : " ");
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
  }
  out += Footer(table.rows.size()) + "\n";
  return out;
}

std::string FormatExpanded(const PrintedTable& table) {
  size_t label = 0;
  for (const std::string& h : table.headers)
    label = std::max(label, DisplayWidth(h));
  std::string out;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    out +=
        fmt::format("-[ RECORD {} ]", r + 1) + std::string(label > 10 ? label - 10 : 1, '-') + "\n";
    for (size_t c = 0; c < table.headers.size(); ++c) {
      out += Pad(table.headers[c], label, false) + " | " + table.rows[r][c] + "\n";
    }
  }
  if (table.rows.empty()) out += "(0 rows)\n";
  return out;
}

}  // namespace shardql
