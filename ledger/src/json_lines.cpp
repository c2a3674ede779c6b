#include "vinledger/json_lines.h"

#include <string>

#include "line_reader.h"

namespace vinledger {

Status for_each_json_line(std::istream& in, std::string_view source, std::size_t max_line_bytes,
                          const std::function<Status(std::int64_t number, std::string_view text)>& each) {
  LineReader reader(in, max_line_bytes);
  auto where = [&](std::int64_t number) { return std::string(source) + ":" + std::to_string(number); };
  InputLine line;
  for (;;) {
    auto more = reader.next(line);
    if (!more) return std::unexpected(with_context(more.error(), where(reader.line_number())));
    if (!*more) return {};
    if (line.text.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines carry nothing
    if (auto ok = each(line.number, line.text); !ok) return std::unexpected(with_context(ok.error(), where(line.number)));
  }
}

}  // namespace vinledger
