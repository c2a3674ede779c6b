#include "unit_ledger.h"

#include <catch2/catch.hpp>

#include "vinledger/statement.h"
#include "vinledger/vin.h"

namespace vinledger::testing {

LedgerSettings fixed_clock(unsigned threads) {
  LedgerSettings settings;
  settings.clock = [] { return kFixedNow; };
  settings.threads = threads;
  return settings;
}

std::string numbered_vin(int n) {
  std::string vin = "JTMHV05J0A" + std::to_string(1000000 + n);
  vin[8] = expected_check_digit(vin);
  return vin;
}

std::string signed_line(nlohmann::json statement, const SigningKey& key) {
  auto signed_statement = sign_statement(std::move(statement), key);
  REQUIRE(signed_statement);
  return signed_statement->canonical + "\n";
}

nlohmann::json maker_registration(const SigningKey& maker_key) {
  return {{"type", "party"},   {"time", "2025-01-01T00:00:00Z"}, {"actor", "operator"},
          {"id", "maker"},     {"name", "Maker"},                {"country", "JP"},
          {"roles", {"manufacturer"}}, {"vkey", maker_key.verifier("maker").text()}};
}

nlohmann::json manufacture_statement(int n, const std::string& model) {
  return {{"type", "manufacture"}, {"vin", numbered_vin(n)}, {"time", "2025-01-01T00:00:00Z"}, {"actor", "maker"},
          {"country", "JP"},       {"make", "Toyota"},       {"model", model},                 {"year", 2025}};
}

Ledger create_unit_ledger(const std::filesystem::path& path, const SigningKey& operator_key) {
  InitOptions options;
  options.origin = kUnitOrigin;
  auto created = Ledger::create(path, options, operator_key, fixed_clock());
  REQUIRE(created);
  return std::move(*created);
}

}  // namespace vinledger::testing
