#include "cli_ledger.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

#include "vinledger/hash.h"

namespace vinledger::testing {

std::filesystem::path fixtures_dir() { return VINLEDGER_FIXTURES_DIR; }

CliLedger::CliLedger(const TempDir& dir, const std::string& origin) : dir_(dir.path()), db_(dir.path() / "ledger.db") {
  std::filesystem::create_directories(dir_ / "keys");
  auto init = run({"init", "--origin", origin});
  INFO(init.err);
  REQUIRE(init.exit_code == 0);
}

std::filesystem::path CliLedger::operator_key() const { return dir_ / "ledger.operator.key"; }

std::filesystem::path CliLedger::key_of(const std::string& party) const {
  return party == "operator" ? operator_key() : dir_ / "keys" / (party + ".key");
}

RunResult CliLedger::run(std::vector<std::string> args, const std::string& input) const {
  args.insert(args.begin(), {"--db", db_.string()});
  return run_vinledger(args, input);
}

void CliLedger::add_party(const std::string& id, const std::string& country, const std::string& roles,
                          const std::vector<std::string>& extra, const std::string& name) {
  auto keygen = run_vinledger({"keygen", "--name", id, "--out", key_of(id).string()});
  INFO(keygen.err);
  REQUIRE(keygen.exit_code == 0);
  std::string vkey = keygen.out.substr(0, keygen.out.find('\n'));
  std::vector<std::string> args = {"party", "add", id, "--name", name.empty() ? id + " (test party)" : name, "--country", country,
                                   "--roles", roles, "--vkey", vkey};
  args.insert(args.end(), extra.begin(), extra.end());
  auto added = run(args);
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
}

std::string CliLedger::sign(const std::string& unsigned_statement, bool link, bool unregistered) const {
  const auto actor = nlohmann::json::parse(unsigned_statement).at("actor").get<std::string>();
  std::vector<std::string> args = {"sign", "--key", key_of(actor).string()};
  if (link) args.push_back("--link");
  if (unregistered) args.push_back("--unregistered");
  args.push_back("-");
  auto signed_line = run(args, unsigned_statement + "\n");
  INFO(unsigned_statement << "\n" << signed_line.err);
  REQUIRE(signed_line.exit_code == 0);
  return signed_line.out;
}

void CliLedger::append_signed(const std::string& unsigned_statement, bool unregistered) const {
  auto appended = run({"append", "-"}, sign(unsigned_statement, true, unregistered));
  INFO(unsigned_statement << "\n" << appended.err);
  REQUIRE(appended.exit_code == 0);
}

void CliLedger::load_scenario(const std::string& name) {
  const auto scenario = fixtures_dir() / "scenarios" / name;
  auto registered = nlohmann::json::parse(run({"--json", "party", "list"}).out);
  std::ifstream parties(scenario / "parties.jsonl");
  for (std::string line; std::getline(parties, line);) {
    if (line.empty()) continue;
    auto party = nlohmann::json::parse(line);
    const std::string id = party["id"];
    bool known = false;
    for (const auto& existing : registered["parties"]) known = known || existing["id"] == id;
    if (known) continue;
    std::string roles;
    for (const auto& role : party["roles"]) roles += (roles.empty() ? "" : ",") + role.get<std::string>();
    std::vector<std::string> extra;
    if (party.contains("wmi")) {
      std::string wmi;
      for (const auto& code : party["wmi"]) wmi += (wmi.empty() ? "" : ",") + code.get<std::string>();
      extra = {"--wmi", wmi};
    }
    add_party(id, party["country"], roles, extra, party.value("name", ""));  // names matter to SANCTIONED_PARTY
  }
  std::ifstream statements(scenario / "statements.jsonl");
  for (std::string line; std::getline(statements, line);)
    if (!line.empty()) append_signed(line, /*unregistered=*/true);
}

std::string CliLedger::content_digest() const {
  SQLite::Database db(db_, SQLite::OPEN_READONLY);
  std::string all;
  SQLite::Statement tables(db, "SELECT name, coalesce(sql, '') FROM sqlite_master ORDER BY name");
  std::vector<std::string> names;
  while (tables.executeStep()) {
    all += tables.getColumn(1).getString() + "\n";
    if (std::string(tables.getColumn(1).getString()).rfind("CREATE TABLE", 0) == 0)
      names.push_back(tables.getColumn(0).getString());
  }
  for (const auto& name : names) {
    // Rows sorted by their content: some tables have no rowid to order by.
    std::vector<std::string> serialized;
    SQLite::Statement rows(db, "SELECT * FROM \"" + name + "\"");
    while (rows.executeStep()) {
      std::string row;
      for (int i = 0; i < rows.getColumnCount(); ++i) {
        auto column = rows.getColumn(i);
        const int bytes = column.getBytes();
        row += std::to_string(column.getType()) + ":" +
               (bytes ? std::string(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(bytes)) : "") +
               "|";
      }
      serialized.push_back(std::move(row));
    }
    std::sort(serialized.begin(), serialized.end());
    for (const auto& row : serialized) all += row + "\n";
  }
  all += "user_version=" + std::to_string(db.execAndGet("PRAGMA user_version").getInt());
  return to_hex(sha256(all));
}

}  // namespace vinledger::testing
