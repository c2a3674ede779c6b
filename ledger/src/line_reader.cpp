#include "line_reader.h"

#include <algorithm>
#include <cstring>

namespace vinledger {

LineReader::LineReader(std::istream& in, std::size_t max_line_bytes, std::size_t block_bytes)
    : in_(in), max_line_bytes_(max_line_bytes), block_bytes_(std::max<std::size_t>(block_bytes, 1)) {}

bool LineReader::refill() {
  block_.resize(block_bytes_);
  in_.read(block_.data(), static_cast<std::streamsize>(block_.size()));
  block_.resize(static_cast<std::size_t>(in_.gcount()));
  pos_ = 0;
  return !block_.empty();
}

Result<bool> LineReader::next(InputLine& line) {
  line.text.clear();
  bool saw_any = false;
  for (;;) {
    if (pos_ >= block_.size() && !refill()) {
      // A failed read is not the end of the input: taking it for one would
      // commit the lines before it as if they were the whole batch.
      if (in_.bad()) {
        ++line_number_;
        return storage_error("cannot read line " + std::to_string(line_number_) + " (read error)");
      }
      break;
    }
    saw_any = true;
    const char* start = block_.data() + pos_;
    const std::size_t available = block_.size() - pos_;
    const void* newline = std::memchr(start, '\n', available);
    const std::size_t take = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - start) : available;
    if (line.text.size() + take > max_line_bytes_ + 1) {  // +1: room for a '\r' before '\n'
      ++line_number_;
      return invalid_input("line is longer than " + std::to_string(max_line_bytes_) + " bytes");
    }
    line.text.append(start, take);
    pos_ += take;
    if (newline) {
      ++pos_;
      break;
    }
  }
  if (!saw_any) return false;
  if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
  // The loop allows one byte more for a CR; without one, that byte is over.
  if (line.text.size() > max_line_bytes_) {
    ++line_number_;
    return invalid_input("line is longer than " + std::to_string(max_line_bytes_) + " bytes");
  }
  line.number = ++line_number_;
  return true;
}

}  // namespace vinledger
