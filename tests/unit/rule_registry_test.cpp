// The rule registry ties each finding code to its default severity, its
// check, its entry in docs/rules.md and a scenario that shows it: a rule
// added without one of these fails here.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "rules/codes.h"
#include "rules/registry.h"

namespace {

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::filesystem::path kRoot = std::filesystem::path(VINLEDGER_FIXTURES_DIR) / "..";

}  // namespace

TEST_CASE("every code is registered once, with a check", "[rules][registry]") {
  std::set<std::string> codes;
  for (const auto& rule : vinledger::rules::rule_registry()) {
    INFO(rule.code);
    CHECK(rule.check != nullptr);
    CHECK(codes.insert(rule.code).second);
    CHECK(std::regex_match(std::string(rule.code), std::regex("[A-Z]+(_[A-Z]+)*")));
  }
  CHECK(codes.size() >= 29);
}

TEST_CASE("every code has a `### CODE (severity)` entry in docs/rules.md", "[rules][registry]") {
  const std::string docs = read_all(kRoot / "docs" / "rules.md");
  REQUIRE(!docs.empty());
  for (const auto& rule : vinledger::rules::rule_registry()) {
    const std::string heading = "### " + std::string(rule.code) + " (" + std::string(to_string(rule.severity));
    INFO(heading);
    CHECK(docs.find(heading) != std::string::npos);
  }
  // and no entry for a code the registry does not know
  std::regex entry("\n### ([A-Z_]+) \\(");
  for (auto it = std::sregex_iterator(docs.begin(), docs.end(), entry); it != std::sregex_iterator(); ++it) {
    const std::string code = (*it)[1];
    INFO(code);
    bool known = code == vinledger::rules::code::kNoRecord;  // the report for an unknown VIN
    for (const auto& rule : vinledger::rules::rule_registry()) known = known || code == rule.code;
    CHECK(known);
  }
}

TEST_CASE("every code appears in the expect.json of a scenario", "[rules][registry]") {
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator(kRoot / "fixtures" / "scenarios"))
    if (entry.is_directory()) all += read_all(entry.path() / "expect.json");
  // A scenario is appended through the CLI, which refuses a second statement
  // of one event: DUPLICATE_EVENT is shown by the ledger kept from before
  // that refusal (fixtures/legacy), whose README names what it shows.
  const std::string legacy = read_all(kRoot / "fixtures" / "legacy" / "README.md");
  for (const auto& rule : vinledger::rules::rule_registry()) {
    INFO(rule.code);
    if (std::string(rule.code) == vinledger::rules::code::kDuplicateEvent)
      CHECK(legacy.find(rule.code) != std::string::npos);
    else
      CHECK(all.find("\"" + std::string(rule.code) + "\"") != std::string::npos);
  }
}
