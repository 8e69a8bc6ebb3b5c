#pragma once
/// \file
/// ParseError: a malformed input file, located by file name, line and column so the user can
/// open the file at the offending character.

#include <cstddef>
#include <stdexcept>
#include <string>

namespace krelu {

/// A malformed sample or network file.
///
/// It is a std::invalid_argument (the caller passed bad data), and what() reads like a compiler
/// diagnostic, `file:line:column: message`, e.g. `data.csv:12:5: expected 4 fields, found 3`.
/// Lines and columns count from 1; the column counts bytes from the start of the line.
///
/// \code
/// try {
///   auto samples = krelu::read_samples<double>("data.csv");
/// } catch (const krelu::ParseError& e) {
///   std::cerr << e.what() << "\n";      // data.csv:12:5: expected 4 fields, found 3
///   jump_to(e.file(), e.line(), e.column());
/// }
/// \endcode
class ParseError : public std::invalid_argument {
 public:
  ParseError(std::string file, std::size_t line, std::size_t column, std::string message)
      : std::invalid_argument(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message),
        file_(std::move(file)),
        line_(line),
        column_(column),
        message_(std::move(message)) {}

  /// The file name given to the reader (for stream readers, the name the caller chose).
  const std::string& file() const noexcept { return file_; }
  /// 1-based line number.
  std::size_t line() const noexcept { return line_; }
  /// 1-based byte column within the line.
  std::size_t column() const noexcept { return column_; }
  /// The description alone, without the location prefix.
  const std::string& message() const noexcept { return message_; }

 private:
  std::string file_;
  std::size_t line_;
  std::size_t column_;
  std::string message_;
};

}  // namespace krelu
