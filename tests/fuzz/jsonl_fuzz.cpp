// The JSONL reader behind `append`: LineReader splitting a batch into
// bounded lines, then each non-blank line parsed, checked and its signature
// verified (prepare_statement) against a registry holding one real party,
// the externally signed skoda-cz of fixtures/external/.
//
// Property: the reader returns exactly the lines a plain model of the format
// gives (split on '\n', no empty last line after a final '\n', one '\r'
// before a line end dropped) and refuses the first line longer than the
// limit, naming it. Checked at the ledger's limit and at a small limit taken
// from the first byte, with read blocks of 1-32 bytes taken from the last,
// so that the limit's edges and lines straddling blocks are reached with
// short inputs. (The ledger's 1 MiB block would also cost a page-faulting
// allocation per reader under ASan: 50 executions a second.)
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "append.h"
#include "fuzz_check.h"
#include "line_reader.h"
#include "party_registry.h"
#include "vinledger/statement.h"

namespace {

using vinledger::fuzz::require;

void check_reader(std::string_view text, std::size_t limit, std::size_t block) {
  std::vector<std::string_view> expected;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    expected.push_back(line);
    start = end + 1;
  }

  std::istringstream in{std::string(text)};
  vinledger::LineReader reader(in, limit, block);
  vinledger::InputLine line;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto got = reader.next(line);
    const auto number = static_cast<std::int64_t>(i + 1);
    if (expected[i].size() > limit) {
      require(!got.has_value() && reader.line_number() == number);
      return;
    }
    require(got.has_value() && *got);
    require(line.number == number && reader.line_number() == number && line.text == expected[i]);
  }
  auto end = reader.next(line);
  require(end.has_value() && !*end);
}

vinledger::PartySnapshot one_party() {
  vinledger::RoleSet roles;
  roles.add(vinledger::Role::kManufacturer);
  vinledger::PartyRecord skoda{"skoda-cz", "Skoda Auto a.s.", "CZ", roles,
                               *vinledger::VerifierKey::parse(
                                   "skoda-cz+038a090d+AU29wjV9GxMRcembAW5Wv8xnYvqf9H8nSJfOpPhgV7td"),
                               {}};
  auto parties = std::make_shared<std::map<std::string, vinledger::PartyVersion, std::less<>>>();
  parties->emplace(skoda.id, vinledger::PartyVersion{skoda, 0, 0});
  return parties;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = vinledger::fuzz::as_text(data, size);
  const std::size_t block = size == 0 ? 1 : 1 + data[size - 1] % 32;
  check_reader(text, size == 0 ? 0 : data[0] % 64, block);
  check_reader(text, vinledger::kMaxStatementBytes, block);

  static const vinledger::PartySnapshot parties = one_party();
  std::istringstream in{std::string(text)};
  vinledger::LineReader reader(in, vinledger::kMaxStatementBytes, 4096);
  vinledger::InputLine line;
  for (;;) {
    auto got = reader.next(line);
    if (!got || !*got) break;
    if (line.text.find_first_not_of(" \t") == std::string::npos) continue;  // as append skips them
    auto item = vinledger::prepare_statement(line.number, line.text, parties);
    require(item.line == line.number);
    if (!item.statement) continue;
    const bool known = item.statement->actor == "skoda-cz";
    require(item.signature.key_text.empty() != known);
    require(known || !item.signature.ok);
  }
  return 0;
}
