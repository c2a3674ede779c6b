// Builds a benchmark ledger and a file of signed statements for it:
//   vinledger_bench_gen DB OUT.jsonl STATEMENTS
// DB gets an operator and one party per role; OUT.jsonl gets STATEMENTS
// signed statements, six per vehicle (manufacture, transfer, export, ship,
// import, register), for `vinledger --db DB append OUT.jsonl`.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "vinledger/ledger.h"
#include "vinledger/timestamp.h"
#include "vinledger/vin.h"

using namespace vinledger;
using nlohmann::json;

namespace {

struct Party {
  std::string id;
  std::string role;
  std::string country;
  SigningKey key;
};

// A valid, distinct VIN for vehicle `v`: WMI JTM, a correct check digit.
std::string vin_for(long v) {
  std::string vin = "JTMHV05J0" + std::string(1, "ABCDEFGHJ"[v % 9]);
  std::string serial = std::to_string(10000000 + v / 9);
  vin += serial.substr(serial.size() - 7);
  vin[8] = expected_check_digit(vin);
  return vin;
}

json statement_for(long n, int step) {
  const std::string vin = vin_for(n / 6);
  const std::string time = format_timestamp(1672531200 + n * 60);
  switch (step) {
    case 0: return {{"type", "manufacture"}, {"country", "JP"}, {"make", "Toyota"}, {"model", "Land Cruiser 300"}, {"year", 2023}, {"vin", vin}, {"time", time}};
    case 1: return {{"type", "transfer"}, {"from", "maker"}, {"to", "dealer"}, {"country", "JP"}, {"doc", "INV-" + std::to_string(n)}, {"vin", vin}, {"time", time}};
    case 2: return {{"type", "export"}, {"country", "JP"}, {"port", "JPYOK"}, {"destination", "AE"}, {"via", {"SG"}}, {"consignee", "importer"}, {"doc", "EXP-" + std::to_string(n)}, {"value", {{"amount", 9800000}, {"currency", "JPY"}}}, {"vin", vin}, {"time", time}};
    case 3: return {{"type", "ship"}, {"from_port", "JPYOK"}, {"to_port", "AEJEA"}, {"vessel", "MV Bench"}, {"doc", "BL-" + std::to_string(n)}, {"vin", vin}, {"time", time}};
    case 4: return {{"type", "import"}, {"country", "AE"}, {"port", "AEJEA"}, {"doc", "CUS-" + std::to_string(n)}, {"vin", vin}, {"time", time}};
    default: return {{"type", "register"}, {"country", "AE"}, {"owner", "Owner " + std::to_string(n)}, {"plate", "DXB " + std::to_string(n)}, {"vin", vin}, {"time", time}};
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: vinledger_bench_gen DB OUT.jsonl STATEMENTS\n";
    return 2;
  }
  const std::string db = argv[1];
  const long count = std::atol(argv[3]);
  SigningKey operator_key = SigningKey::generate();
  InitOptions options;
  options.origin = "bench.vinledger.example";
  auto ledger = Ledger::create(db, options, operator_key);
  if (!ledger) {
    std::cerr << ledger.error().message << "\n";
    return 3;
  }
  if (auto saved = operator_key.save_new(db + ".operator.key"); !saved) std::cerr << saved.error().message << "\n";
  const std::vector<std::pair<std::string, std::vector<std::string>>> roles = {
      {"maker", {"manufacturer"}}, {"dealer", {"dealer", "exporter"}}, {"carrier", {"carrier"}},
      {"importer", {"importer"}},  {"registry", {"registry"}}};
  std::vector<Party> parties;
  for (const auto& [id, role] : roles) {
    const bool in_ae = id == "importer" || id == "registry";
    Party party{id, role.front(), in_ae ? "AE" : "JP", SigningKey::generate()};
    json registration = {{"type", "party"}, {"actor", "operator"}, {"id", id}, {"name", "Bench " + id},
                         {"country", party.country}, {"roles", role}, {"vkey", party.key.verifier(id).text()}};
    if (id == "maker") registration["wmi"] = {"JTM"};
    if (auto recorded = ledger->record(registration, operator_key); !recorded) {
      std::cerr << recorded.error().message << "\n";
      return 3;
    }
    parties.push_back(std::move(party));
  }
  std::ofstream out(argv[2], std::ios::binary);
  for (long n = 0; n < count; ++n) {
    const int step = static_cast<int>(n % 6);
    // Signers by step: maker, maker (the giver), dealer (also the exporter),
    // carrier, importer, registry.
    static constexpr int kSigner[] = {0, 0, 1, 2, 3, 4};
    const Party& signer = parties[kSigner[step]];
    json statement = statement_for(n, step);
    statement["actor"] = signer.id;
    auto signed_statement = sign_statement(std::move(statement), signer.key);
    if (!signed_statement) {
      std::cerr << signed_statement.error().message << "\n";
      return 3;
    }
    out << signed_statement->canonical << '\n';
  }
  return out ? 0 : 3;
}
