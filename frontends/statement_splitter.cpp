#include "frontends/statement_splitter.h"

#include <cctype>

namespace shardql {

SplitResult SplitStatements(std::string_view text) {
  SplitResult out;
  size_t start = 0, i = 0, n = text.size();
  while (i < n) {
    char c = text[i];
    if (c == '-' && i + 1 < n && text[i + 1] == '-') {
      while (i < n && text[i] != '\n')
        ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      int depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] == '/' && i + 1 < n && text[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (text[i] == '*' && i + 1 < n && text[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      // E'…' strings let a backslash escape the quote.
      bool escapes = c == '\'' && i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e') &&
                     (i < 2 || !std::isalnum(static_cast<unsigned char>(text[i - 2])));
      ++i;
      while (i < n) {
        if (escapes && text[i] == '\\' && i + 1 < n) {
          i += 2;
          continue;
        }
        if (text[i] == c) {
          if (i + 1 < n && text[i + 1] == c) {
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      ++i;
      continue;
    }
    if (c == '$' && i + 1 < n && text[i + 1] == '$') {
      size_t end = text.find("$$", i + 2);
      i = end == std::string_view::npos ? n : end + 2;
      continue;
    }
    if (c == ';') {
      std::string piece(text.substr(start, i - start));
      if (!IsBlankSql(piece)) out.statements.push_back(std::move(piece));
      start = i + 1;
    }
    ++i;
  }
  out.rest = std::string(text.substr(std::min(start, n)));
  return out;
}

bool IsBlankSql(std::string_view text) {
  size_t i = 0, n = text.size();
  while (i < n) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < n && text[i + 1] == '-') {
      while (i < n && text[i] != '\n')
        ++i;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      size_t end = text.find("*/", i + 2);
      if (end == std::string_view::npos) return false;
      i = end + 2;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace shardql
