// An independent verifier of VIN index proofs, written from docs/format.md
// ("The VIN index") alone: OpenSSL's SHA-256 and base64, nothing of the
// library's index code. It checks the proofs in fixtures/index/proofs.json,
// which the library made; a second case checks that the library still makes
// exactly that file (set VINLEDGER_WRITE_FIXTURES=1 to rewrite it after a
// deliberate format change, which is a contract change).
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "index_tree.h"
#include "vinledger/encoding.h"
#include "vinledger/vin_index.h"

namespace {

using Bytes = std::vector<std::uint8_t>;
const std::string kFixture = std::string(VINLEDGER_FIXTURES_DIR) + "/index/proofs.json";

// --- the independent verifier ---------------------------------------------

Bytes sha(const Bytes& data) {
  Bytes out(32);
  SHA256(data.data(), data.size(), out.data());
  return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

Bytes from_hex(const std::string& hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

Bytes from_base64(const std::string& text) {
  Bytes out(text.size() / 4 * 3 + 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return {};
  out.resize(static_cast<std::size_t>(n));
  std::size_t padding = 0;
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  out.resize(out.size() - padding);
  return out;
}

struct Verdict {
  bool ok = false;
  bool present = false;
  Bytes value;  // 48 bytes when present
};

// "Verifying a proof", step by step as docs/format.md gives it.
Verdict verify(const std::string& chain, const Bytes& proof, const Bytes& root) {
  Verdict verdict;
  const Bytes key = sha(concat({Bytes{0x10}, Bytes(chain.begin(), chain.end())}));
  auto bit = [&](const Bytes& k, std::size_t i) { return (k[i / 8] >> (7 - i % 8)) & 1; };
  if (proof.size() < 2 || proof[0] > 2) return verdict;
  const int kind = proof[0];
  const std::size_t depth = proof[1];
  std::size_t at = 2;
  const std::size_t bitmap_at = at;
  at += (depth + 7) / 8;
  if (proof.size() < at) return verdict;
  if (depth % 8 && (proof[at - 1] & (0xFF >> (depth % 8)))) return verdict;
  std::vector<Bytes> siblings;
  for (std::size_t i = 0; i < depth; ++i) {
    if (!(proof[bitmap_at + i / 8] & (0x80 >> (i % 8)))) {
      siblings.push_back(Bytes(32, 0));
      continue;
    }
    if (proof.size() < at + 32) return verdict;
    siblings.emplace_back(proof.begin() + static_cast<long>(at), proof.begin() + static_cast<long>(at + 32));
    if (siblings.back() == Bytes(32, 0)) return verdict;
    at += 32;
  }
  const std::size_t rest = kind == 0 ? 48 : kind == 2 ? 80 : 0;
  if (proof.size() != at + rest) return verdict;
  Bytes node;
  if (kind == 0) {
    verdict.value.assign(proof.begin() + static_cast<long>(at), proof.end());
    node = sha(concat({Bytes{0x11}, key, verdict.value}));
  } else if (kind == 1) {
    node = Bytes(32, 0);
  } else {
    const Bytes other(proof.begin() + static_cast<long>(at), proof.begin() + static_cast<long>(at + 32));
    if (other == key) return verdict;
    for (std::size_t i = 0; i < depth; ++i)
      if (bit(other, i) != bit(key, i)) return verdict;
    node = sha(concat({Bytes{0x11}, other, Bytes(proof.begin() + static_cast<long>(at + 32), proof.end())}));
  }
  for (std::size_t i = depth; i-- > 0;)
    node = bit(key, i) ? sha(concat({Bytes{0x12}, siblings[i], node})) : sha(concat({Bytes{0x12}, node, siblings[i]}));
  verdict.ok = node == root;
  verdict.present = kind == 0;
  return verdict;
}

// --- the fixture, as the library makes it ---------------------------------

// A small log: the operator and a party, two vehicles (one with two entries),
// then enough vehicles for proofs several levels deep.
std::vector<std::pair<std::string, vinledger::Hash>> fixture_entries() {
  std::vector<std::pair<std::string, vinledger::Hash>> entries;
  auto add = [&](const std::string& chain) {
    entries.emplace_back(chain, vinledger::sha256("vinledger index fixture entry " + std::to_string(entries.size())));
  };
  add("party/operator");
  add("party/dealer-1");
  add("WVWZZZ1JZXW000001");
  add("JTNHV05J0Z9000020");
  add("WVWZZZ1JZXW000001");
  for (int i = 0; i < 40; ++i) {
    std::string vin = "1HGCM82633A0000" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    add(vin);
  }
  return entries;
}

nlohmann::json library_fixture() {
  using namespace vinledger;
  MemoryIndexTiles tiles;
  IndexTree tree(tiles);
  IndexBuilder builder;
  nlohmann::json entries = nlohmann::json::array();
  const auto list = fixture_entries();
  for (std::size_t seq = 0; seq < list.size(); ++seq) {
    builder.add(list[seq].first, seq, list[seq].second);
    entries.push_back({{"seq", seq}, {"chain", list[seq].first}, {"hash", to_hex(list[seq].second)}});
  }
  const Hash root = builder.root();
  nlohmann::json proofs = nlohmann::json::array();
  for (const std::string chain : {"WVWZZZ1JZXW000001", "JTNHV05J0Z9000020", "party/operator", "1HGCM82633A000017",
                                  "WVWZZZ1JZXW000002", "SALGA2EV8HA000001", "JTNHV05J0Z9000021"}) {
    auto proof = builder.state().tree.prove(index_key(chain), std::numeric_limits<std::uint64_t>::max());
    REQUIRE(proof);
    nlohmann::json item = {{"chain", chain}, {"proof", base64_encode(encode_index_proof(*proof))},
                           {"present", proof->present()}};
    if (proof->present()) item["value"] = to_hex(std::span(reinterpret_cast<const std::uint8_t*>(encode_index_value(proof->value).data()), 48));
    proofs.push_back(item);
  }
  return {{"about", "VIN index proofs made by vinledger for docs/format.md; checked by tests/unit/vin_index_spec_test.cpp"},
          {"entries", entries},
          {"root", to_hex(root)},
          {"checkpoint_line", format_index_line(root)},
          {"proofs", proofs}};
}

nlohmann::json read_fixture() {
  std::ifstream in(kFixture);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

}  // namespace

TEST_CASE("index spec: the library still makes fixtures/index/proofs.json", "[index]") {
  const nlohmann::json made = library_fixture();
  if (std::getenv("VINLEDGER_WRITE_FIXTURES")) {
    std::ofstream(kFixture) << made.dump(2) << "\n";
  }
  CHECK(read_fixture() == made);
}

TEST_CASE("index spec: an independent verifier accepts the library's proofs and nothing else", "[index]") {
  const nlohmann::json fixture = read_fixture();
  const Bytes root = from_hex(fixture["root"].get<std::string>());
  REQUIRE(root.size() == 32);
  const std::string line = fixture["checkpoint_line"].get<std::string>();
  REQUIRE(line.rfind("vinledger-index/v1 ", 0) == 0);
  CHECK(from_base64(line.substr(19)) == root);
  int present = 0, absent = 0;
  for (const auto& item : fixture["proofs"]) {
    const std::string chain = item["chain"].get<std::string>();
    const Bytes proof = from_base64(item["proof"].get<std::string>());
    CAPTURE(chain);
    const Verdict verdict = verify(chain, proof, root);
    CHECK(verdict.ok);
    CHECK(verdict.present == item["present"].get<bool>());
    if (verdict.present) {
      CHECK(verdict.value == from_hex(item["value"].get<std::string>()));
      ++present;
    } else {
      ++absent;
    }
    // A lookup proof for another key, and every one-byte change, fail. (An
    // absence proof may hold for another key too: one that is just as absent.)
    if (verdict.present) CHECK_FALSE(verify(chain + "X", proof, root).ok);
    for (std::size_t i = 0; i < proof.size(); ++i) {
      Bytes mutated = proof;
      mutated[i] ^= 0x01;
      CAPTURE(i);
      CHECK_FALSE(verify(chain, mutated, root).ok);
    }
  }
  CHECK(present >= 3);
  CHECK(absent >= 2);
}
