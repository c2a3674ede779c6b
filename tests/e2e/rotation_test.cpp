// The operator moves the log to a new key, through the binary, and nothing
// that relied on the old key breaks: bundles verify with the old and the new
// key, a witness configured with the old key follows, audit is clean.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_ledger.h"
#include "cli_witness.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kOrigin = "test.vinledger.example";
constexpr const char* kVin = "JTJHY7AX0N4000321";

std::filesystem::path save_checkpoint(const CliLedger& ledger, const std::filesystem::path& file,
                                      const std::filesystem::path& key) {
  auto printed = ledger.run({"checkpoint", "--operator-key", key.string()});
  INFO(printed.err);
  REQUIRE(printed.exit_code == 0);
  write_file(file, printed.out);
  return file;
}

}  // namespace

TEST_CASE("operator key rotation: rotate, prove, verify with either key, witness before and after, audit",
          "[e2e][rotation]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"});
  ledger.append_signed(R"({"type":"manufacture","vin":")" + std::string(kVin) +
                       R"(","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023})");
  const std::string old_key = log_key_of(ledger);
  CliWitness customs(dir, "customs.example/w", old_key);
  const auto before = save_checkpoint(ledger, dir / "before.cp", ledger.operator_key());
  REQUIRE(customs.cosign(before).exit_code == 0);

  // The rotation: a new key named by the origin, registered by the old one,
  // which endorses it (party add fills the endorsement).
  const auto new_key_file = dir / "operator-2.key";
  auto keygen = run_vinledger({"keygen", "--name", kOrigin, "--out", new_key_file.string()});
  REQUIRE(keygen.exit_code == 0);
  const std::string new_key = keygen.out.substr(0, keygen.out.find('\n'));
  auto rotated = ledger.run({"party", "add", "operator", "--name", kOrigin, "--country", "ZZ", "--roles", "regulator",
                             "--vkey", new_key});
  INFO(rotated.err);
  REQUIRE(rotated.exit_code == 0);
  CHECK(log_key_of(ledger) == new_key);
  // The old key signs no more checkpoints.
  CHECK(ledger.run({"checkpoint", "--operator-key", ledger.operator_key().string()}).exit_code == 2);

  // prove with the key in force; the bundle verifies with either key.
  const auto bundle = dir / "vin.bundle.json";
  auto proved = ledger.run({"prove", kVin, "--operator-key", new_key_file.string(), "--out", bundle.string()});
  INFO(proved.err);
  REQUIRE(proved.exit_code == 0);
  CHECK(json::parse(read_file(bundle))["log_key"] == new_key);
  for (const std::string& trusted : {old_key, new_key}) {
    auto verified = run_vinledger({"--json", "verify-bundle", bundle.string(), "--log-key", trusted});
    INFO(trusted << "\n" << verified.err);
    CHECK(verified.exit_code == 0);
    CHECK(json::parse(verified.out)["findings"].empty());
  }
  auto verified_text = run_vinledger({"verify-bundle", bundle.string(), "--log-key", old_key});
  CHECK(verified_text.out.find("signed by the log's later key " + new_key + ", which " + old_key + " endorses") !=
        std::string::npos);

  // The witness configured with the old key follows to the new one; a
  // witness set up with the new key cosigns as well.
  const auto after = save_checkpoint(ledger, dir / "after.cp", new_key_file);
  CHECK(read_file(after).find("\nvinledger-key-endorsement/v1 " + old_key + " " + new_key + " ") != std::string::npos);
  auto followed = customs.cosign(after, {}, ledger.db());
  INFO(followed.err);
  CHECK(followed.exit_code == 0);
  CliWitness auditor(dir, "auditor.example/w", new_key);
  CHECK(auditor.cosign(after).exit_code == 0);

  // Audit: clean, and every checkpoint kept, before and after, is the log's.
  auto audit = ledger.run({"--json", "audit", "--checkpoint", before.string(), "--checkpoint", after.string()});
  INFO(audit.err << audit.out);
  CHECK(audit.exit_code == 0);
  CHECK(json::parse(audit.out)["findings"].empty());
  auto consistency = ledger.run({"consistency", "--from", before.string(), "--to", after.string()});
  CHECK(consistency.exit_code == 0);
}
