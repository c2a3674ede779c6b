#include "cli_ledger.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

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

// Parties: one `sign` by the operator and one `append` for all. Statements:
// see the header (batched or one by one).
void CliLedger::load_scenario(const std::string& name, bool batched) {
  const auto scenario = fixtures_dir() / "scenarios" / name;
  auto registered = nlohmann::json::parse(run({"--json", "party", "list"}).out);
  std::string operator_id;
  for (const auto& existing : registered["parties"])
    if (existing["registered_seq"] == 0) operator_id = existing["id"];
  REQUIRE(!operator_id.empty());
  std::string party_lines;
  std::map<std::string, std::string> new_keys;  // a party registered twice (renamed) keeps its key
  std::ifstream parties(scenario / "parties.jsonl");
  for (std::string line; std::getline(parties, line);) {
    if (line.empty()) continue;
    auto party = nlohmann::json::parse(line);
    const std::string id = party["id"];
    bool known = false;
    for (const auto& existing : registered["parties"]) known = known || existing["id"] == id;
    if (known) continue;
    if (!new_keys.count(id)) {
      // One key per party id for the whole test process, made by the real
      // `keygen` once and copied after: scenarios share most parties.
      static TempDir key_cache;
      static std::map<std::string, std::string> cached_vkeys;
      const auto cached = key_cache / (id + ".key");
      if (!cached_vkeys.count(id)) {
        auto keygen = run_vinledger({"keygen", "--name", id, "--out", cached.string()});
        INFO(keygen.err);
        REQUIRE(keygen.exit_code == 0);
        cached_vkeys[id] = keygen.out.substr(0, keygen.out.find('\n'));
      }
      std::filesystem::copy_file(cached, key_of(id));
      std::filesystem::permissions(key_of(id), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                   std::filesystem::perm_options::replace);
      new_keys[id] = cached_vkeys[id];
    }
    party["type"] = "party";
    party["actor"] = operator_id;
    party["vkey"] = new_keys[id];
    if (!party.contains("name")) party["name"] = id + " (test party)";
    party_lines += party.dump() + "\n";
  }
  auto sign_and_append = [&](const std::map<std::string, std::vector<std::string>>& by_signer,
                             const std::vector<std::string>& order) {
    std::map<std::string, std::vector<std::string>> signed_lines;
    for (const auto& [signer, lines] : by_signer) {
      std::string input;
      for (const auto& line : lines) input += line + "\n";
      auto signed_out = run({"sign", "--unregistered", "--key", key_of(signer).string(), "-"}, input);
      INFO(name << ": sign as " << signer << "\n" << signed_out.err);
      REQUIRE(signed_out.exit_code == 0);
      std::istringstream in(signed_out.out);
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) signed_lines[signer].push_back(line);
      REQUIRE(signed_lines[signer].size() == lines.size());
    }
    std::map<std::string, std::size_t> next;
    std::string batch;
    for (const auto& signer : order) batch += signed_lines[signer][next[signer]++] + "\n";
    if (batch.empty()) return;
    auto appended = run({"append", "-"}, batch);
    INFO(name << "\n" << appended.err);
    REQUIRE(appended.exit_code == 0);
  };
  if (!party_lines.empty()) {
    std::vector<std::string> lines, order;
    std::istringstream in(party_lines);
    for (std::string line; std::getline(in, line);) {
      lines.push_back(line);
      order.push_back("operator");
    }
    sign_and_append({{"operator", lines}}, order);
  }
  std::ifstream statements(scenario / "statements.jsonl");
  if (!batched) {
    for (std::string line; std::getline(statements, line);)
      if (!line.empty()) append_signed(line, /*unregistered=*/true);
    return;
  }
  std::map<std::string, std::vector<std::string>> by_actor;
  std::vector<std::string> order;
  for (std::string line; std::getline(statements, line);) {
    if (line.empty()) continue;
    const std::string actor = nlohmann::json::parse(line).at("actor");
    by_actor[actor].push_back(line);
    order.push_back(actor);
  }
  sign_and_append(by_actor, order);
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
