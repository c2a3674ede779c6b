// `prove` and `verify-bundle` through the binary: a bundle checked offline
// gives the same findings as `verify` on the ledger; the refusals and exit
// codes of both commands.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bundle_witness.h"
#include "cli_ledger.h"
#include "vinledger/keys.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kVin = "JTJHY7AX0N4000321";

std::string log_key_of(const CliLedger& ledger) {
  auto listed = json::parse(ledger.run({"--json", "party", "list"}).out);
  for (const auto& party : listed["parties"])
    if (party["id"] == "operator") return party["vkey"];
  FAIL("no operator in party list");
  return {};
}

// verify-bundle run with no ledger anywhere: --db names a path that does not exist.
RunResult verify_bundle(const std::filesystem::path& bundle, const std::vector<std::string>& extra) {
  std::vector<std::string> args{"--db", "/nonexistent/no-ledger.db", "verify-bundle", bundle.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_vinledger(args);
}

std::size_t files_in(const std::filesystem::path& dir) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++count;
  return count;
}

}  // namespace

TEST_CASE("verify-bundle finds what verify finds, with no database", "[prove][bundle][once]") {
  const auto scenario = GENERATE(as<std::string>{}, "real-case", "real-case-continued");
  const auto as_of = GENERATE(as<std::string>{}, "2024-01-01", "2023-07-01");
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario(scenario);
  const auto bundle = dir / "evidence.json";
  auto proved = ledger.run({"prove", kVin, "--out", bundle.string()});
  INFO(scenario << " " << proved.err);
  REQUIRE(proved.exit_code == 0);
  CHECK(proved.out.empty());

  auto verified = ledger.run({"--json", "verify", kVin, "--as-of", as_of});
  auto offline = verify_bundle(bundle, {"--json", "--log-key", log_key_of(ledger), "--as-of", as_of});
  INFO(offline.err);
  CHECK(offline.exit_code == verified.exit_code);
  const json from_ledger = json::parse(verified.out), from_bundle = json::parse(offline.out);
  CHECK(from_bundle["vin"] == from_ledger["vin"]);
  CHECK(from_bundle["findings"] == from_ledger["findings"]);
  CHECK_FALSE(from_bundle["findings"].empty());
  const json audit = json::parse(ledger.run({"--json", "audit"}).out);
  CHECK(from_bundle["checkpoint"]["size"] == audit["size"]);
  CHECK(from_bundle["checkpoint"]["root"] == audit["root"]);
  CHECK(from_bundle["checkpoint"]["origin"] == "test.vinledger.example");

  // --fail-on moves the exit code the same way.
  CHECK(verify_bundle(bundle, {"--log-key", log_key_of(ledger), "--as-of", as_of, "--fail-on", "critical"}).exit_code ==
        ledger.run({"verify", kVin, "--as-of", as_of, "--fail-on", "critical"}).exit_code);
  // The text report is verify's, after two lines about the bundle (what
  // it proves, and that it is complete).
  auto text = verify_bundle(bundle, {"--log-key", log_key_of(ledger), "--as-of", as_of});
  auto verify_text = ledger.run({"verify", kVin, "--as-of", as_of});
  const std::size_t second = text.out.find('\n', text.out.find('\n') + 1);
  CHECK(text.out.substr(text.out.find('\n') + 1, 10) == "complete: ");
  CHECK(text.out.substr(second + 1) == verify_text.out);
}

TEST_CASE("prove: output, checkpoints and refusals", "[prove][once]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case-continued");

  SECTION("without --out the bundle goes to stdout; a covering checkpoint is issued once and then reused") {
    auto first = ledger.run({"prove", kVin});
    REQUIRE(first.exit_code == 0);
    CHECK(json::parse(first.out)["format"] == "vinledger-bundle/v2");
    CHECK(first.err.find("(issued now)") != std::string::npos);
    auto second = ledger.run({"prove", kVin});
    CHECK(second.out == first.out);
    CHECK(second.err.find("(issued now)") == std::string::npos);
    CHECK(json::parse(ledger.run({"--json", "checkpoint", "--list"}).out)["checkpoints"].size() == 1);
  }
  SECTION("--out --force replaces the file whole and leaves nothing else behind") {
    const auto out = dir / "out";
    std::filesystem::create_directories(out);
    write_file(out / "bundle.json", "old contents");
    auto refused = ledger.run({"--json", "prove", kVin, "--out", (out / "bundle.json").string()});
    CHECK(refused.exit_code == 2);
    CHECK(read_file(out / "bundle.json") == "old contents");
    auto result = ledger.run({"--json", "prove", kVin, "--out", (out / "bundle.json").string(), "--force"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(json::parse(result.out)["entries"] == 5);
    CHECK(json::parse(read_file(out / "bundle.json"))["vin"] == kVin);
    CHECK(files_in(out) == 1);
  }
  SECTION("an --out that cannot be written: exit 2, nothing left behind") {
    auto result = ledger.run({"prove", kVin, "--out", (dir / "missing-dir" / "b.json").string()});
    CHECK(result.exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(dir / "missing-dir"));
  }
  SECTION("an unknown VIN: an absence bundle; an invalid one: exit 2") {
    auto unknown = ledger.run({"prove", "JTJHY7AX0N4000999"});
    CHECK(unknown.exit_code == 0);
    CHECK(unknown.err.find("absence bundle") != std::string::npos);
    CHECK(json::parse(unknown.out)["entries"].empty());
    CHECK(ledger.run({"prove", "not-a-vin"}).exit_code == 2);
  }
  SECTION("no checkpoint covers the VIN and no operator key: exit 2, nothing written") {
    std::filesystem::rename(ledger.operator_key(), dir / "elsewhere.key");
    const std::string before = ledger.content_digest();
    auto result = ledger.run({"prove", kVin});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("--operator-key") != std::string::npos);
    CHECK(ledger.content_digest() == before);
    // Given explicitly, it works.
    CHECK(ledger.run({"prove", kVin, "--operator-key", (dir / "elsewhere.key").string()}).exit_code == 0);
    // And once a checkpoint covers the VIN, no key is needed.
    CHECK(ledger.run({"prove", kVin}).exit_code == 0);
  }
  SECTION("a key that is not the operator's cannot issue the checkpoint") {
    ledger.add_party("someone", "JP", "dealer");
    auto result = ledger.run({"prove", kVin, "--operator-key", ledger.key_of("someone").string()});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("not the operator's key") != std::string::npos);
  }
}

TEST_CASE("verify-bundle: bad input is exit 2, another log's bundle exit 1", "[prove][bundle]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  const auto bundle = dir / "b.json";
  REQUIRE(ledger.run({"prove", kVin, "--out", bundle.string()}).exit_code == 0);
  const std::string key = log_key_of(ledger);

  CHECK(verify_bundle(bundle, {"--log-key", key}).exit_code != 2);
  CHECK(verify_bundle(bundle, {"--log-key", key + "x"}).exit_code == 2);
  CHECK(verify_bundle(bundle, {}).exit_code == 2);
  CHECK(verify_bundle(dir / "missing.json", {"--log-key", key}).exit_code == 2);
  write_file(dir / "broken.json", read_file(bundle).substr(0, 100));
  auto broken = verify_bundle(dir / "broken.json", {"--log-key", key});
  CHECK(broken.exit_code == 2);
  CHECK(broken.err.find("is not a bundle") != std::string::npos);

  TempDir other_dir;
  CliLedger other(other_dir, "other.vinledger.example");
  auto foreign = verify_bundle(bundle, {"--json", "--log-key", log_key_of(other)});
  CHECK(foreign.exit_code == 1);
  CHECK(foreign.err.find("refused: log_key") != std::string::npos);
  CHECK(json::parse(foreign.out)["valid"] == false);
  CHECK(json::parse(foreign.out)["item"] == "log_key");
  CHECK_FALSE(std::filesystem::exists("/nonexistent/no-ledger.db"));
}

TEST_CASE("verify-bundle --witness --min-witnesses", "[prove][bundle][witness]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case");
  auto proved = ledger.run({"prove", kVin});
  REQUIRE(proved.exit_code == 0);
  const Witness w1{vinledger::SigningKey::generate(), "witness.example/w1"};
  const Witness w2{vinledger::SigningKey::generate(), "witness.example/w2"};
  const auto bundle = dir / "cosigned.json";
  write_file(bundle, cosign_bundle(proved.out, {&w1}));
  const std::string key = log_key_of(ledger);
  const std::vector<std::string> base{"--log-key", key, "--as-of", "2023-07-01", "--fail-on", "critical"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), base.begin(), base.end());
    return verify_bundle(bundle, extra);
  };

  auto one = with({"--json", "--witness", w1.vkey().text()});
  INFO(one.err);
  CHECK(one.exit_code == 0);
  CHECK(json::parse(one.out)["witnesses"] == json::array({"witness.example/w1"}));
  CHECK(with({"--witness", w1.vkey().text(), "--witness", w2.vkey().text(), "--min-witnesses", "1"}).exit_code == 0);
  auto short_of = with({"--witness", w1.vkey().text(), "--witness", w2.vkey().text()});
  CHECK(short_of.exit_code == 1);
  CHECK(short_of.err.find("refused: checkpoint: cosigned by 1") != std::string::npos);
  CHECK(with({"--witness", w2.vkey().text()}).exit_code == 1);
  CHECK(with({"--witness", w1.vkey().text(), "--min-witnesses", "2"}).exit_code == 2);
  CHECK(with({"--witness", "not-a-key"}).exit_code == 2);
}
