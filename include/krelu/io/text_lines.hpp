#pragma once
/// \file
/// Line-oriented reading and writing of the text file formats: line and column bookkeeping for
/// ParseError, blank-separated tokens, integer fields, and opening files with clear errors.

#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "krelu/io/parse_error.hpp"
#include "krelu/io/scalar_text.hpp"

namespace krelu::detail {

/// Reads a text stream line by line, counting lines from 1 and dropping a trailing '\r'
/// (files written on Windows), and turns problems into ParseError at the current line.
class LineReader {
 public:
  LineReader(std::istream& in, std::string name) : in_(in), name_(std::move(name)) {}

  /// Advances to the next line; false at the end of the input.
  bool next() {
    if (!std::getline(in_, line_)) {
      if (in_.bad()) throw std::runtime_error(name_ + ": read error after line " + std::to_string(number_));
      return false;
    }
    ++number_;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    return true;
  }

  std::string_view line() const { return line_; }
  std::size_t number() const { return number_; }
  const std::string& name() const { return name_; }

  /// 1-based column of a view into line().
  std::size_t column_of(std::string_view part) const {
    return static_cast<std::size_t>(part.data() - line_.data()) + 1;
  }

  [[noreturn]] void fail(std::size_t column, std::string message) const {
    throw ParseError(name_, number_, column, std::move(message));
  }
  [[noreturn]] void fail_at(std::string_view part, std::string message) const { fail(column_of(part), std::move(message)); }

  /// Converts a token of the current line, or throws a ParseError naming `what` and its column.
  template <class Scalar>
  Scalar parse(std::string_view token, std::string_view what) const {
    Scalar value(0);
    if (const auto e = parse_scalar(token, value); e != ScalarTextError::none)
      fail_at(token, scalar_error_message(e, what, token));
    return value;
  }

 private:
  std::istream& in_;
  std::string name_;
  std::string line_;
  std::size_t number_ = 0;
};

/// The next blank-separated token of `s` at or after `pos` (empty at the end), advancing `pos`.
inline std::string_view next_token(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  const std::size_t start = pos;
  while (pos < s.size() && !is_blank(s[pos])) ++pos;
  return s.substr(start, pos - start);
}

/// Outcome of reading a non-negative integer (an index or a count).
enum class CountError { none, syntax, too_large };

/// Parses a non-negative decimal integer made only of digits, at most `max`.
inline CountError parse_count(std::string_view token, long long max, long long& out) {
  if (token.empty()) return CountError::syntax;
  for (char c : token)
    if (!is_ascii_digit(c)) return CountError::syntax;
  long long v = 0;
  for (char c : token) {
    if (v > (max - (c - '0')) / 10) return CountError::too_large;
    v = v * 10 + (c - '0');
  }
  out = v;
  return CountError::none;
}

/// Opens a file for reading in binary mode (no newline translation: '\r' is handled by
/// LineReader); throws std::runtime_error naming the caller and the path if that fails.
inline std::ifstream open_input(const std::filesystem::path& path, const char* who) {
  std::ifstream in(path, std::ios::in | std::ios::binary);
  if (!in) throw std::runtime_error(std::string(who) + ": cannot open '" + path.string() + "' for reading");
  return in;
}

/// Opens (truncating) a file for writing in binary mode, so that the bytes are the same on
/// every platform.
inline std::ofstream open_output(const std::filesystem::path& path, const char* who) {
  std::ofstream out(path, std::ios::out | std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(std::string(who) + ": cannot open '" + path.string() + "' for writing");
  return out;
}

/// Flushes and throws std::runtime_error if any write to the stream failed (e.g. a full disk).
inline void finish_output(std::ostream& out, const std::string& name, const char* who) {
  out.flush();
  if (!out) throw std::runtime_error(std::string(who) + ": writing '" + name + "' failed");
}

}  // namespace krelu::detail
