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

std::string FormatAligned(const PrintedTable& table, bool tuples_only) {
  size_t n = table.headers.size();
  std::vector<size_t> widths(n, 0);
  for (size_t c = 0; c < n; ++c)
    widths[c] = DisplayWidth(table.headers[c]);
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < n; ++c)
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  std::string out;
  if (!tuples_only) {
    for (size_t c = 0; c < n; ++c) {
      out += (c ? "|" : "") + std::string(" ") + Centre(table.headers[c], widths[c]) + " ";
    }
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    out += "\n";
    for (size_t c = 0; c < n; ++c)
      out += (c ? "+" : "") + std::string(widths[c] + 2, '-');
    out += "\n";
  }
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
  if (!tuples_only) out += Footer(table.rows.size()) + "\n";
  return out;
}

namespace {

bool IsNull(const PrintedTable& table, size_t r, size_t c) {
  return r < table.nulls.size() && c < table.nulls[r].size() && table.nulls[r][c];
}

// RFC 4180 as psql writes it: a field is quoted when it holds the separator, a quote, a line
// break or a space at either end, or is an empty string (an unquoted empty field is NULL).
std::string CsvField(const std::string& text, bool null) {
  if (null) return "";
  bool quote = text.empty() || text.find_first_of(",\"\r\n") != std::string::npos ||
               text.front() == ' ' || text.back() == ' ';
  return quote ? CsvQuoted(text) : text;
}

}  // namespace

std::string CsvQuoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string FormatTable(const PrintedTable& table, const OutputFormat& format) {
  switch (format.kind) {
    case OutputFormat::Kind::kAligned:
      return format.expanded ? FormatExpanded(table) : FormatAligned(table, format.tuples_only);
    case OutputFormat::Kind::kUnaligned: {
      std::string out;
      auto line = [&](const std::vector<std::string>& cells) {
        for (size_t c = 0; c < cells.size(); ++c)
          out += (c ? format.field_separator : "") + cells[c];
        out += "\n";
      };
      if (!format.tuples_only) line(table.headers);
      for (const auto& row : table.rows)
        line(row);
      if (!format.tuples_only) out += Footer(table.rows.size()) + "\n";
      return out;
    }
    case OutputFormat::Kind::kCsv: {
      std::string out;
      if (!format.tuples_only) {
        for (size_t c = 0; c < table.headers.size(); ++c)
          out += (c ? "," : "") + CsvField(table.headers[c], false);
        out += "\n";
      }
      for (size_t r = 0; r < table.rows.size(); ++r) {
        for (size_t c = 0; c < table.rows[r].size(); ++c)
          out += (c ? "," : "") + CsvField(table.rows[r][c], IsNull(table, r, c));
        out += "\n";
      }
      return out;
    }
  }
  return "";
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
