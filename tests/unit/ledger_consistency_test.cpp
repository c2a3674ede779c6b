// Ledger::consistency_proof and Ledger::open_own_checkpoint: proofs read
// from the ledger's own tiles, held to the published vectors and to a
// textbook RFC 6962 tree of the entries' hashes.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <bit>
#include <fstream>
#include <sstream>

#include "merkle_tree.h"
#include "process.h"
#include "vinledger/checkpoint.h"
#include "vinledger/key_endorsement.h"
#include "vinledger/ledger.h"
#include "vinledger/merkle.h"

using namespace vinledger;
using nlohmann::json;

namespace {

constexpr const char* kOrigin = "unit.vinledger.example";

// MTH(D[begin:end]) straight from RFC 6962 section 2.1.
Hash textbook_root(const std::vector<Hash>& leaves, std::size_t begin, std::size_t end) {
  if (end - begin == 1) return leaves[begin];
  const std::size_t k = std::bit_floor(end - begin - 1);
  return node_hash(textbook_root(leaves, begin, begin + k), textbook_root(leaves, begin + k, end));
}

struct ConsistencyFixture {
  vinledger::testing::TempDir dir;
  SigningKey operator_key = SigningKey::generate();
  std::filesystem::path path = dir.path() / "l.db";
  Ledger ledger = create();

  Ledger create() {
    InitOptions options;
    options.origin = kOrigin;
    auto created = Ledger::create(path, options, operator_key);
    REQUIRE(created);
    return std::move(*created);
  }
  // Registers `count` parties, one entry each.
  void grow(int count) {
    std::string lines;
    for (int i = 0; i < count; ++i) {
      const std::string id = "party" + std::to_string(i);
      json statement = {{"type", "party"}, {"time", "2025-01-01T00:00:00Z"}, {"actor", "operator"},
                        {"id", id},        {"name", id},                     {"country", "JP"},
                        {"roles", {"dealer"}}, {"vkey", SigningKey::generate().verifier(id).text()}};
      lines += sign_statement(statement, operator_key)->canonical + "\n";
    }
    std::istringstream in(lines);
    REQUIRE(ledger.append(in, "batch"));
  }
  std::vector<Hash> entry_hashes() {
    std::vector<Hash> hashes;
    for (std::int64_t seq = 0; seq < *ledger.size(); ++seq) hashes.push_back(ledger.entry(seq)->hash);
    return hashes;
  }
};

}  // namespace

TEST_CASE_METHOD(ConsistencyFixture, "ledger consistency proofs between every pair of sizes verify against textbook roots",
                 "[consistency][ledger]") {
  grow(40);
  const std::vector<Hash> leaves = entry_hashes();
  REQUIRE(leaves.size() == 41);
  for (std::uint64_t size2 = 1; size2 <= leaves.size(); ++size2) {
    for (std::uint64_t size1 = 1; size1 <= size2; ++size1) {
      INFO(size1 << " -> " << size2);
      auto proof = ledger.consistency_proof(size1, size2);
      REQUIRE(proof);
      CHECK(proof->root1 == textbook_root(leaves, 0, size1));
      CHECK(proof->root2 == textbook_root(leaves, 0, size2));
      CHECK(proof->proof.size() == consistency_proof_length(size1, size2));
      CHECK(verify_consistency(size1, size2, proof->root1, proof->root2, proof->proof));
    }
  }
  CHECK(ledger.consistency_proof(0, 5).error().kind == ErrorKind::invalid_input);
  CHECK(ledger.consistency_proof(6, 5).error().kind == ErrorKind::invalid_input);
  CHECK(ledger.consistency_proof(5, 42).error().kind == ErrorKind::invalid_input);
}

// The ledger's tiles replaced by the tree of the vectors' eight leaves: the
// proofs the ledger hands out are then exactly the published ones.
TEST_CASE_METHOD(ConsistencyFixture, "ledger consistency proofs over the published vectors' tree", "[consistency][ledger][vectors]") {
  grow(7);  // eight entries, as many as the vectors have leaves
  std::ifstream in(std::string(VINLEDGER_FIXTURES_DIR) + "/vectors/merkle_vectors.json");
  REQUIRE(in.good());
  const json vectors = json::parse(in);
  std::string tile;
  for (const auto& hex : vectors.at("leaf_inputs_hex")) {
    std::string bytes;
    const std::string text = hex.get<std::string>();
    for (std::size_t i = 0; i + 1 < text.size(); i += 2)
      bytes.push_back(static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16)));
    const Hash leaf = leaf_hash(bytes);
    tile.append(reinterpret_cast<const char*>(leaf.data()), leaf.size());
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER tiles_no_delete; DELETE FROM tiles");
    SQLite::Statement insert(db, "INSERT INTO tiles (level, idx, hashes) VALUES (0, 0, ?)");
    insert.bind(1, tile.data(), static_cast<int>(tile.size()));
    insert.exec();
  }
  int checked = 0;
  for (const auto& c : vectors.at("consistency_proofs")) {
    const std::uint64_t size1 = c.at("size1"), size2 = c.at("size2");
    INFO(size1 << " -> " << size2);
    auto proof = ledger.consistency_proof(size1, size2);
    REQUIRE(proof);
    std::vector<std::string> hexes;
    for (const Hash& hash : proof->proof) hexes.push_back(to_hex(hash));
    CHECK(hexes == c.at("proof_hex").get<std::vector<std::string>>());
    CHECK(to_hex(proof->root1) == c.at("root1_hex").get<std::string>());
    CHECK(to_hex(proof->root2) == c.at("root2_hex").get<std::string>());
    ++checked;
  }
  CHECK(checked == 5);
}

TEST_CASE_METHOD(ConsistencyFixture, "open_own_checkpoint accepts this log's checkpoints, also after a key rotation",
                 "[consistency][ledger]") {
  grow(3);
  auto issued = ledger.checkpoint(operator_key);
  REQUIRE(issued);
  CHECK(ledger.open_own_checkpoint(issued->note).value() == issued->checkpoint);

  // The operator rotates its key: the old checkpoint is still this log's.
  const SigningKey rotated = SigningKey::generate();
  json rotation = {{"type", "party"}, {"time", "2025-01-02T00:00:00Z"}, {"actor", "operator"},
                   {"id", "operator"}, {"name", kOrigin},              {"country", "ZZ"},
                   {"roles", {"regulator"}}, {"vkey", rotated.verifier(kOrigin).text()},
                   {"prev", to_hex(ledger.head("party/operator")->value())}};
  add_key_endorsement(rotation, operator_key);  // the old key vouches for the new one
  std::istringstream in(sign_statement(rotation, operator_key)->canonical + "\n");
  REQUIRE(ledger.append(in, "rotation"));
  CHECK(ledger.open_own_checkpoint(issued->note).has_value());
  auto later = ledger.checkpoint(rotated);
  REQUIRE(later);
  CHECK(ledger.open_own_checkpoint(later->note).has_value());

  // Another key, or another origin, is not this log's.
  const SigningKey stranger = SigningKey::generate();
  CHECK(ledger.open_own_checkpoint(*sign_checkpoint(issued->checkpoint, stranger, kOrigin)).error().kind ==
        ErrorKind::invalid_input);
  Checkpoint elsewhere = issued->checkpoint;
  elsewhere.origin = "other.example";
  CHECK_FALSE(ledger.open_own_checkpoint(*sign_checkpoint(elsewhere, operator_key, "other.example")).has_value());
}
