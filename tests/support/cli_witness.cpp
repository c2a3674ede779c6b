#include "cli_witness.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>

namespace vinledger::testing {

std::string log_key_of(const CliLedger& ledger) {
  auto listed = nlohmann::json::parse(ledger.run({"--json", "party", "list"}).out);
  for (const auto& party : listed["parties"])
    if (party["id"] == "operator") return party["vkey"];
  FAIL("no operator in party list");
  return "";
}

CliWitness::CliWitness(const TempDir& dir, const std::string& name, const std::string& log_key) {
  std::string file = name;
  for (char& c : file)
    if (c == '/') c = '_';
  state_ = dir / ("witness-" + file);
  auto init = run_vinledger({"witness", "init", "--name", name, "--key", (dir / (file + ".key")).string(), "--log-key",
                             log_key, "--state", state_.string()});
  INFO(init.err);
  REQUIRE(init.exit_code == 0);
  cosigner_key_ = init.out.substr(0, init.out.find('\n'));
}

RunResult CliWitness::cosign(const std::filesystem::path& checkpoint, const std::vector<std::string>& extra,
                             const std::filesystem::path& db) const {
  std::vector<std::string> args;
  if (!db.empty()) args = {"--db", db.string()};
  args.insert(args.end(), {"witness", "cosign", checkpoint.string(), "--state", state_.string()});
  args.insert(args.end(), extra.begin(), extra.end());
  return run_vinledger(args);
}

std::string CliWitness::digest() const {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(state_))
    if (entry.is_regular_file()) files[entry.path().filename().string()] = read_file(entry.path());
  std::string all;
  for (const auto& [name, content] : files) all += name + "\n" + content + "\n--\n";
  return all;
}

}  // namespace vinledger::testing
