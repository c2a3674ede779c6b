// SHA-256 and the RFC 6962 leaf and node hashes, against published vectors.
#include "vinledger/hash.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace vinledger {
namespace {

nlohmann::json load_vectors(const std::string& file) {
  const std::string path = std::string(VINLEDGER_FIXTURES_DIR) + "/vectors/" + file;
  std::ifstream in(path);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

// Test-only hex decoding; the vectors are trusted to be well formed.
std::string bytes_from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

Hash hash_of_hex(const std::string& hex) {
  const std::optional<Hash> hash = hash_from_hex(hex);
  REQUIRE(hash.has_value());
  return *hash;
}

}  // namespace

TEST_CASE("sha256 matches FIPS 180-2 examples", "[hash]") {
  CHECK(to_hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(to_hex(sha256(std::string(1000000, 'a'))) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 hashes embedded zero bytes", "[hash]") {
  const std::string with_zero("a\0b", 3);
  CHECK(sha256(with_zero) != sha256("ab"));
  CHECK(sha256(with_zero) != sha256("a"));
}

TEST_CASE("RFC 6962 single hash vectors", "[hash][rfc6962]") {
  const nlohmann::json vectors = load_vectors("merkle_vectors.json");
  const nlohmann::json& cases = vectors.at("single_hash_vectors");
  REQUIRE(cases.size() >= 4);
  for (const nlohmann::json& c : cases) {
    const std::string kind = c.at("kind");
    INFO("kind " << kind);
    const std::string expected = c.at("expected_hex");
    if (kind == "empty_root") {
      CHECK(to_hex(sha256(c.at("input_ascii").get<std::string>())) == expected);
    } else if (kind == "leaf") {
      CHECK(to_hex(leaf_hash(bytes_from_hex(c.at("input_hex")))) == expected);
    } else if (kind == "node") {
      // node_hash takes 32-byte children; this vector has short ones, so it
      // pins the definition SHA-256(0x01 || left || right) instead.
      const std::string input = std::string("\x01", 1) + bytes_from_hex(c.at("left_hex")) +
                                bytes_from_hex(c.at("right_hex"));
      CHECK(to_hex(sha256(input)) == expected);
    } else {
      FAIL("unknown kind " << kind);
    }
  }
}

TEST_CASE("RFC 6962 leaf hashes of the Merkle vector leaves", "[hash][rfc6962]") {
  const nlohmann::json vectors = load_vectors("merkle_vectors.json");
  const nlohmann::json& leaves = vectors.at("leaf_inputs_hex");
  const nlohmann::json& level0 = vectors.at("node_hashes_by_level").at(0);
  REQUIRE(leaves.size() == level0.size());
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    INFO("leaf " << i);
    CHECK(to_hex(leaf_hash(bytes_from_hex(leaves[i]))) == level0[i].get<std::string>());
  }
}

TEST_CASE("node_hash builds every level of the Merkle vector tree", "[hash][rfc6962]") {
  const nlohmann::json levels = load_vectors("merkle_vectors.json").at("node_hashes_by_level");
  REQUIRE(levels.size() >= 2);
  for (std::size_t level = 1; level < levels.size(); ++level) {
    const nlohmann::json& below = levels[level - 1];
    const nlohmann::json& here = levels[level];
    REQUIRE(here.size() == below.size() / 2);
    for (std::size_t i = 0; i < here.size(); ++i) {
      INFO("level " << level << " node " << i);
      const Hash left = hash_of_hex(below[2 * i]);
      const Hash right = hash_of_hex(below[2 * i + 1]);
      CHECK(to_hex(node_hash(left, right)) == here[i].get<std::string>());
    }
  }
}

TEST_CASE("leaf and node hashes are domain-separated from plain sha256", "[hash][rfc6962]") {
  const Hash left = sha256("left");
  const Hash right = sha256("right");
  std::string concatenated(left.begin(), left.end());
  concatenated.append(right.begin(), right.end());
  CHECK(node_hash(left, right) != sha256(concatenated));
  CHECK(node_hash(left, right) != leaf_hash(concatenated));
  CHECK(node_hash(left, right) != node_hash(right, left));
  CHECK(leaf_hash("x") != sha256("x"));
}

TEST_CASE("to_hex writes lowercase, two digits per byte", "[hash][hex]") {
  CHECK(to_hex(std::vector<std::uint8_t>{}).empty());
  CHECK(to_hex(std::vector<std::uint8_t>{0x00, 0x0f, 0xa0, 0xff}) == "000fa0ff");
}

TEST_CASE("hash_from_hex round-trips to_hex", "[hash][hex]") {
  for (const std::string input : {"", "a", "vinledger"}) {
    const Hash hash = sha256(input);
    const std::optional<Hash> parsed = hash_from_hex(to_hex(hash));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == hash);
  }
}

TEST_CASE("hash_from_hex refuses anything but 64 lowercase hex digits", "[hash][hex]") {
  const std::string good = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  REQUIRE(hash_from_hex(good).has_value());

  SECTION("uppercase") {
    CHECK_FALSE(hash_from_hex("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855").has_value());
    std::string one_upper = good;
    one_upper[0] = 'E';
    CHECK_FALSE(hash_from_hex(one_upper).has_value());
  }
  SECTION("wrong length") {
    CHECK_FALSE(hash_from_hex("").has_value());
    CHECK_FALSE(hash_from_hex(good.substr(0, 63)).has_value());
    CHECK_FALSE(hash_from_hex(good + "0").has_value());
    CHECK_FALSE(hash_from_hex(good + good).has_value());
  }
  SECTION("non-hex characters") {
    for (const char bad : {'g', 'G', 'x', ' ', '-', '\n', '\0', '+'}) {
      std::string text = good;
      text[17] = bad;
      INFO("character code " << static_cast<int>(bad));
      CHECK_FALSE(hash_from_hex(text).has_value());
    }
    CHECK_FALSE(hash_from_hex(" " + good.substr(1)).has_value());
    CHECK_FALSE(hash_from_hex("0x" + good.substr(2)).has_value());
  }
}

TEST_CASE("sha256 gives the same answers from several threads", "[hash][threads]") {
  const Hash expected = leaf_hash("thread safety");
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        if (leaf_hash("thread safety") != expected) ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const int count : mismatches) CHECK(count == 0);
}

}  // namespace vinledger
