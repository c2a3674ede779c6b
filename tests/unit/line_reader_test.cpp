// The JSONL line reader: line endings, the per-line limit (exactly at it and
// one byte over), lines that straddle its internal 1 MiB read blocks, and
// bytes that must pass through untouched.
#include "line_reader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace vinledger {
namespace {

using Catch::Matchers::Contains;

// The reader's default block size; lines around this offset cross a refill.
constexpr std::size_t kBlock = LineReader::kDefaultBlockBytes;

// Reads every line of `input`, requiring success; checks the numbering.
std::vector<std::string> read_all(const std::string& input, std::size_t max_line_bytes) {
  std::istringstream in(input);
  LineReader reader(in, max_line_bytes);
  std::vector<std::string> lines;
  InputLine line;
  for (;;) {
    const Result<bool> got = reader.next(line);
    if (!got) FAIL("line " << reader.line_number() << " refused: " << got.error().message);
    if (!*got) break;
    lines.push_back(line.text);
    CHECK(line.number == static_cast<std::int64_t>(lines.size()));
    CHECK(reader.line_number() == line.number);
  }
  // The end of input is sticky.
  const Result<bool> again = reader.next(line);
  CHECK((again.has_value() && !*again));
  CHECK(reader.line_number() == static_cast<std::int64_t>(lines.size()));
  return lines;
}

// Reads `input` until the first refusal; returns the refused line's number.
std::int64_t refused_line(const std::string& input, std::size_t max_line_bytes, std::string* message = nullptr) {
  std::istringstream in(input);
  LineReader reader(in, max_line_bytes);
  InputLine line;
  for (;;) {
    const Result<bool> got = reader.next(line);
    if (!got) {
      CHECK(got.error().kind == ErrorKind::invalid_input);
      if (message) *message = got.error().message;
      return reader.line_number();
    }
    if (!*got) return 0;
  }
}

using Lines = std::vector<std::string>;

// "" if equal, else a short description: a failure must not print
// megabyte-long lines.
std::string difference(const Lines& actual, const Lines& expected) {
  if (actual.size() != expected.size())
    return "got " + std::to_string(actual.size()) + " lines, expected " + std::to_string(expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (actual[i] == expected[i]) continue;
    const auto [a, e] = std::mismatch(actual[i].begin(), actual[i].end(), expected[i].begin(), expected[i].end());
    return "line " + std::to_string(i + 1) + ": got " + std::to_string(actual[i].size()) + " bytes, expected " +
           std::to_string(expected[i].size()) + ", first difference at byte " +
           std::to_string(a - actual[i].begin());
  }
  return "";
}

}  // namespace

TEST_CASE("lines split on LF and CRLF, the last one with or without a newline", "[line_reader]") {
  struct Case {
    std::string input;
    Lines lines;
  };
  const Case cases[] = {
      {"", {}},                                   // empty input: no line at all
      {"a", {"a"}},                               // last line without newline
      {"a\n", {"a"}},                             // a final newline ends a line, not starts one
      {"a\nb", {"a", "b"}},
      {"a\r\nb\r\n", {"a", "b"}},
      {"a\r\nb", {"a", "b"}},
      {"a\nb\r\nc", {"a", "b", "c"}},
      {"\n", {""}},                               // one blank line
      {"\n\n", {"", ""}},
      {"\r\n", {""}},
      {"a\n\nb\n", {"a", "", "b"}},               // blank lines keep their numbers
      {"a\n\r\n\nb", {"a", "", "", "b"}},
      {"a\rb\n", {"a\rb"}},                       // a lone CR inside a line is data
      {"a\r\r\n", {"a\r"}},                       // only one CR belongs to the ending
      {"a\r", {"a"}},                             // CR at the very end of input (JSON whitespace anyway)
      {"  {\"x\": 1}  \n", {"  {\"x\": 1}  "}},   // no trimming
  };
  for (const Case& c : cases) {
    INFO("input: \"" << c.input << "\"");
    CHECK(read_all(c.input, 100) == c.lines);
  }
}

TEST_CASE("embedded NUL and non-ASCII bytes are preserved", "[line_reader]") {
  const std::string first("a\0b", 3);
  const std::string second("\0", 1);
  const std::string third("\xff\xfe\xc3\xa9\x01", 5);
  const Lines lines = read_all(first + "\n" + second + "\r\n" + third, 100);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == first);
  CHECK(lines[0].size() == 3);
  CHECK(lines[1] == second);
  CHECK(lines[2] == third);
}

TEST_CASE("a line exactly at the limit is read, one byte over is refused", "[line_reader]") {
  const std::size_t limit = 10;
  const std::string at(limit, 'x');
  const std::string over(limit + 1, 'x');

  CHECK(read_all(at, limit) == Lines{at});
  CHECK(read_all(at + "\n", limit) == Lines{at});
  CHECK(read_all(at + "\r\n", limit) == Lines{at});  // the CR does not count
  CHECK(read_all("a\n" + at + "\nb", limit) == Lines{"a", at, "b"});

  // One byte over, whatever ends the line: the error names the line.
  struct Case {
    std::string input;
    std::int64_t line;
  };
  const Case cases[] = {
      {over, 1},
      {over + "\n", 1},
      {over + "\r\n", 1},
      {"a\n" + over + "\nb\n", 2},
      {"a\n\n" + over, 3},
      {"a\nb\n" + at + "x\r\n", 3},
      {"a\n" + at + "\r\r\n", 2},  // a CR that is data counts
      {std::string(1000, 'y'), 1},
  };
  for (const Case& c : cases) {
    INFO("input: \"" << c.input << "\"");
    std::string message;
    CHECK(refused_line(c.input, limit, &message) == c.line);
    CHECK_THAT(message, Contains("longer than 10 bytes"));
  }
}

TEST_CASE("lines that straddle the 1 MiB read blocks are read whole", "[line_reader]") {
  // Short lines of varying length so that every offset near the boundary
  // is visited, then a line that starts just before it and ends just after.
  std::string input;
  Lines expected;
  for (int i = 0; input.size() < kBlock - 40; ++i) {
    std::string line = std::to_string(i) + std::string(static_cast<std::size_t>(i % 53), 'a' + i % 26);
    input += line + (i % 3 == 0 ? "\r\n" : "\n");
    expected.push_back(line);
  }
  const std::string straddling = "S" + std::string(100, 's') + "E";  // crosses kBlock
  input += straddling + "\n";
  expected.push_back(straddling);
  for (int i = 0; i < 1000; ++i) {
    std::string line = "after" + std::to_string(i);
    input += line + "\n";
    expected.push_back(line);
  }
  REQUIRE(input.size() > kBlock + 1000);
  CHECK(difference(read_all(input, 200), expected) == "");
}

TEST_CASE("a CRLF split across the block boundary is one line ending", "[line_reader]") {
  // CR is the last byte of the first block, LF the first of the second.
  const std::string first_line(kBlock - 1, 'x');
  const std::string input = first_line + "\r\n" + "next";
  REQUIRE(input[kBlock - 1] == '\r');
  REQUIRE(input[kBlock] == '\n');
  CHECK(difference(read_all(input, kBlock), {first_line, "next"}) == "");

  // LF exactly at the boundary: the second block starts a new line.
  const std::string exact(kBlock - 1, 'z');
  CHECK(difference(read_all(exact + "\n" + "second\n", kBlock), {exact, "second"}) == "");

  // The input ends exactly with the first block.
  CHECK(difference(read_all(std::string(kBlock - 1, 'q') + "\n", kBlock), {std::string(kBlock - 1, 'q')}) == "");
}

TEST_CASE("a line longer than one block is read when the limit allows it", "[line_reader]") {
  const std::string huge = std::string(kBlock + kBlock / 2, 'h') + "!";
  CHECK(difference(read_all("first\n" + huge + "\r\nlast", 2 * kBlock), {"first", huge, "last"}) == "");
}

TEST_CASE("the limit holds across block boundaries", "[line_reader]") {
  const std::size_t limit = 1000;
  // Short lines that end exactly 500 bytes before the boundary, so that the
  // next line has 500 bytes in the first block and the rest in the second.
  std::string prefix;
  std::int64_t prefix_lines = 0;
  while (prefix.size() < kBlock - 500) {
    const std::size_t room = kBlock - 500 - prefix.size();
    prefix += std::string(std::min<std::size_t>(room, 100) - 1, 'p') + "\n";
    ++prefix_lines;
  }
  REQUIRE(prefix.size() == kBlock - 500);
  const std::string at(limit, 'a');
  const std::string over(limit + 1, 'o');

  const Lines lines = read_all(prefix + at + "\r\nz", limit);
  REQUIRE(lines.size() == static_cast<std::size_t>(prefix_lines + 2));
  CHECK(difference({lines[static_cast<std::size_t>(prefix_lines)], lines.back()}, {at, "z"}) == "");

  std::string message;
  CHECK(refused_line(prefix + over + "\n", limit, &message) == prefix_lines + 1);
  CHECK_THAT(message, Contains("longer than 1000 bytes"));
  CHECK(refused_line(prefix + over + "\r\n", limit) == prefix_lines + 1);
  CHECK(refused_line(prefix + over, limit) == prefix_lines + 1);  // at the end of input
  CHECK(refused_line(prefix + at + "\n" + over + "\n", limit) == prefix_lines + 2);
  // A line far longer than a block is refused without reading it whole:
  // memory stays bounded by the limit and one block.
  const std::string endless = "ok\n" + std::string(8 * kBlock, 'w') + "\n";
  CHECK(refused_line(endless, limit) == 2);
  std::istringstream in(endless);
  LineReader reader(in, limit);
  InputLine line;
  REQUIRE(reader.next(line).has_value());
  CHECK_FALSE(reader.next(line).has_value());
  CHECK_FALSE(in.eof());
  CHECK(static_cast<std::size_t>(in.tellg()) <= 2 * kBlock);
}

TEST_CASE("the read block size does not change the lines or the refusals", "[line_reader]") {
  const std::string input = "a\r\n\nbc\r\r\nde\rg\n12345\r\n123456\nlast\r";
  for (std::size_t block : {1, 2, 3, 5, 8, 64}) {
    CAPTURE(block);
    std::istringstream in(input);
    LineReader reader(in, 5, block);
    InputLine line;
    std::vector<std::string> lines;
    Result<bool> got = reader.next(line);
    for (; got && *got; got = reader.next(line)) lines.push_back(line.text);
    CHECK(lines == std::vector<std::string>{"a", "", "bc\r", "de\rg", "12345"});
    REQUIRE(!got.has_value());
    CHECK(reader.line_number() == 6);  // "123456" is one byte over
  }
}

}  // namespace vinledger
