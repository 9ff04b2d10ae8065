#include "grammar/sql_error.h"

#include <fmt/format.h>

#include <algorithm>

namespace shardql {

SqlError::SqlError(std::string sqlstate, std::string message)
    : std::runtime_error(message), sqlstate_(std::move(sqlstate)), message_(std::move(message)) {}

SqlError::SqlError(std::string sqlstate, std::string message, size_t position)
    : SqlError(std::move(sqlstate), std::move(message)) {
  this->position = position;
}

namespace {

bool IsUtf8Continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

size_t CountCharacters(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !IsUtf8Continuation(c); }));
}

// Control characters would break the caret alignment; psql shows them as spaces too.
std::string Printable(std::string_view line) {
  std::string out(line);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return out;
}

}  // namespace

LineColumn LineColumnAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  LineColumn at;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++at.line;
      line_start = i + 1;
    }
  }
  at.column = CountCharacters(text.substr(line_start, offset - line_start)) + 1;
  return at;
}

std::string FormatError(const SqlError& error, std::string_view text) {
  std::string out = fmt::format("ERROR:  {}: {}", error.sqlstate(), error.message());
  if (!error.shard.empty()) out += fmt::format(" (shard {})", error.shard);
  if (error.position && !text.empty()) {
    size_t offset = std::min(*error.position, text.size());
    LineColumn at = LineColumnAt(text, offset);
    out += fmt::format(" (line {}, column {})", at.line, at.column);
    size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    line_start = (line_start == std::string_view::npos || offset == 0) ? 0 : line_start + 1;
    if (offset > 0 && text[offset - 1] == '\n') line_start = offset;
    size_t line_end = text.find('\n', offset);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(line_start, line_end - line_start);
    // Long lines are cut around the error, as psql does, so the caret stays on screen.
    size_t caret = at.column - 1;
    std::string prefix = fmt::format("LINE {}: ", at.line);
    constexpr size_t kWindow = 60;
    std::string shown;
    if (CountCharacters(line) > 2 * kWindow && caret > kWindow) {
      size_t skip_chars = caret - kWindow / 2, byte = 0, chars = 0;
      while (byte < line.size() && chars < skip_chars) {
        ++byte;
        while (byte < line.size() && IsUtf8Continuation(line[byte]))
          ++byte;
        ++chars;
      }
      shown = "..." + Printable(line.substr(byte, kWindow * 4));
      caret = caret - skip_chars + 3;
    } else {
      shown = Printable(line);
    }
    out += "\n" + prefix + shown + "\n" + std::string(prefix.size() + caret, ' ') + "^";
  }
  if (!error.detail.empty()) out += "\nDETAIL:  " + error.detail;
  if (!error.hint.empty()) out += "\nHINT:  " + error.hint;
  return out;
}

}  // namespace shardql
