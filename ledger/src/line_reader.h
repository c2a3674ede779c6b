// Splits an input stream into lines without ever holding more than one
// line (bounded) and one read block in memory, so a multi-gigabyte batch or
// a file with no newline at all cannot exhaust memory.
#pragma once

#include <cstdint>
#include <istream>
#include <string>

#include "vinledger/result.h"

namespace vinledger {

struct InputLine {
  std::int64_t number = 0;  // 1-based
  std::string text;         // without the line ending ("\n" or "\r\n")
};

class LineReader {
 public:
  static constexpr std::size_t kDefaultBlockBytes = 1 << 20;

  // `block_bytes` (at least 1) is how much is read at a time; tests and the
  // fuzz target make it tiny so that lines straddle blocks in short inputs.
  LineReader(std::istream& in, std::size_t max_line_bytes, std::size_t block_bytes = kDefaultBlockBytes);

  // Fills `line` and returns true, or returns false at the end of input.
  // A line longer than the limit is an invalid_input error naming it; a
  // read error of the stream (badbit) is a storage error, never the end.
  Result<bool> next(InputLine& line);

  // The number of the line last returned or refused.
  std::int64_t line_number() const { return line_number_; }

 private:
  bool refill();

  std::istream& in_;
  std::size_t max_line_bytes_;
  std::size_t block_bytes_;
  std::string block_;
  std::size_t pos_ = 0;
  std::int64_t line_number_ = 0;
};

}  // namespace vinledger
