// Weak Ed25519 keys and non-canonical signatures: what OpenSSL 3.0 accepts
// on its own, and what vinledger's one vkey unit refuses on top of it
// (ledger/src/ed25519_point.cpp, vinledger/vkey.h).
#include "vinledger/vkey.h"

#include <openssl/bn.h>
#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vinledger/encoding.h"
#include "vinledger/hash.h"
#include "vinledger/keys.h"

namespace vinledger {
namespace {

std::vector<std::uint8_t> bytes_from_hex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

PublicKeyBytes key_from_hex(const std::string& hex) {
  const auto bytes = bytes_from_hex(hex);
  REQUIRE(bytes.size() == 32);
  PublicKeyBytes key;
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

// A little-endian encoding of the number given in big-endian hex, with the
// sign bit of x set or not.
PublicKeyBytes encoding_of(const std::string& big_endian_hex, bool sign) {
  auto bytes = bytes_from_hex(big_endian_hex);
  REQUIRE(bytes.size() == 32);
  PublicKeyBytes key;
  std::copy(bytes.rbegin(), bytes.rend(), key.begin());
  if (sign) key[31] |= 0x80;
  return key;
}

// What OpenSSL alone says, with no vinledger check in between.
bool openssl_verifies(const PublicKeyBytes& key, std::span<const std::uint8_t> message,
                      std::span<const std::uint8_t> signature) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()), EVP_PKEY_free);
  REQUIRE(pkey != nullptr);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  REQUIRE(EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1);
  return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) == 1;
}

// What vinledger says: the key must parse (strictly), then verify.
bool vinledger_verifies(const PublicKeyBytes& key, std::span<const std::uint8_t> message,
                        std::span<const std::uint8_t> signature) {
  const VerifierKey recorded = VerifierKey::from_public_key("test.example", key);
  const bool parses = VerifierKey::parse(recorded.text()).has_value();
  const std::string text(message.begin(), message.end());
  const bool verifies = recorded.verify(text, signature);
  // A key that does not parse never verifies, even read as recorded.
  if (!parses) CHECK_FALSE(verifies);
  return parses && verifies;
}

constexpr const char* kP = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed";
// y of the points of order 8 (see ed25519_point.cpp).
constexpr const char* kY8 = "7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7";
constexpr const char* kMinusY8 = "05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826";

struct BnDeleter {
  void operator()(BIGNUM* n) const { BN_free(n); }
};
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;

Bn bn(const char* hex) {
  BIGNUM* n = nullptr;
  REQUIRE(BN_hex2bn(&n, hex) > 0);
  return Bn(n);
}

// The eight points of small order, canonically encoded: the identity
// (y = 1), order 2 (y = p - 1), order 4 (y = 0, x = +-sqrt(-1)) and order 8
// (y = +-y8, two x each).
std::vector<PublicKeyBytes> small_order_points() {
  const std::string zero(64, '0'), one = std::string(63, '0') + "1";
  const std::string p_minus_1 = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec";
  return {encoding_of(one, false),   encoding_of(p_minus_1, false), encoding_of(zero, false), encoding_of(zero, true),
          encoding_of(kY8, false),   encoding_of(kY8, true),        encoding_of(kMinusY8, false),
          encoding_of(kMinusY8, true)};
}

// Other spellings of small-order points: the sign bit on x = 0, and
// y = p, p + 1 (which are 0 and 1 again).
std::vector<PublicKeyBytes> non_canonical_small_order_points() {
  const std::string one = std::string(63, '0') + "1";
  const std::string p_minus_1 = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec";
  const std::string p = kP, p_plus_1 = "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffee";
  return {encoding_of(one, true), encoding_of(p_minus_1, true), encoding_of(p, false),
          encoding_of(p, true),   encoding_of(p_plus_1, false), encoding_of(p_plus_1, true)};
}

}  // namespace

TEST_CASE("the small-order y coordinates are what the curve says they are", "[vkey][ed25519]") {
  // d = -121665/121666 mod p, and the points of order 8 have
  // d*y^4 + 2*y^2 - 1 = 0 (their double is of order 4: y = 0).
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), BN_CTX_free);
  const Bn p = bn(kP);
  const Bn d = bn("52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3");
  Bn check(BN_new()), y2(BN_new()), y4(BN_new()), t(BN_new());
  Bn k1 = bn("1db42"), k2 = bn("1db41");  // 121666, 121665
  REQUIRE(BN_mod_mul(check.get(), d.get(), k1.get(), p.get(), ctx.get()) == 1);
  REQUIRE(BN_mod_add(check.get(), check.get(), k2.get(), p.get(), ctx.get()) == 1);
  CHECK(BN_is_zero(check.get()));
  for (const char* y_hex : {kY8, kMinusY8}) {
    const Bn y = bn(y_hex);
    Bn two = bn("2");
    REQUIRE(BN_mod_sqr(y2.get(), y.get(), p.get(), ctx.get()) == 1);
    REQUIRE(BN_mod_sqr(y4.get(), y2.get(), p.get(), ctx.get()) == 1);
    REQUIRE(BN_mod_mul(check.get(), d.get(), y4.get(), p.get(), ctx.get()) == 1);
    REQUIRE(BN_mod_mul(t.get(), two.get(), y2.get(), p.get(), ctx.get()) == 1);
    REQUIRE(BN_mod_add(check.get(), check.get(), t.get(), p.get(), ctx.get()) == 1);
    REQUIRE(BN_mod_sub(check.get(), check.get(), BN_value_one(), p.get(), ctx.get()) == 1);
    CHECK(BN_is_zero(check.get()));
  }
}

TEST_CASE("OpenSSL 3.0 alone accepts a forgery under a small-order key, vinledger refuses the key",
          "[vkey][ed25519][weak]") {
  // (R = identity, S = 0) satisfies S*B = R + k*A for every message when A
  // is of small order and k*A happens to be the identity (k a multiple of
  // A's order): for the identity itself, always.
  const PublicKeyBytes identity = encoding_of(std::string(63, '0') + "1", false);
  std::array<std::uint8_t, 64> forgery{};
  forgery[0] = 0x01;  // R = the identity's encoding, S = 0
  for (const std::string message : {"transfer of JTJHY7AX0N4000321 to mallory", "anything at all"}) {
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
    CHECK(openssl_verifies(identity, bytes, forgery));
    CHECK_FALSE(vinledger_verifies(identity, bytes, forgery));
  }
}

TEST_CASE("every small-order key and every other spelling of one is refused at parse time", "[vkey][ed25519][weak]") {
  std::vector<PublicKeyBytes> weak = small_order_points();
  REQUIRE(weak.size() == 8);
  for (const auto& key : non_canonical_small_order_points()) weak.push_back(key);
  for (const PublicKeyBytes& key : weak) {
    INFO(to_hex(key));
    const VerifierKey recorded = VerifierKey::from_public_key("weak.example", key);
    REQUIRE(recorded.weakness().has_value());
    auto strict = VerifierKey::parse(recorded.text());
    REQUIRE_FALSE(strict);
    CHECK(strict.error().message.find("weak Ed25519 key") == 0);
    const CosignerKey cosigner = CosignerKey::from_public_key("weak.example", key);
    CHECK_FALSE(CosignerKey::parse(cosigner.text()).has_value());
    CHECK_FALSE(parse_trusted_key(recorded.text()).has_value());
    CHECK_FALSE(parse_trusted_key(cosigner.text()).has_value());
    // As a ledger recorded it, the key is read, knows it is weak, and
    // verifies nothing.
    auto lenient = VerifierKey::parse_recorded(recorded.text());
    REQUIRE(lenient);
    CHECK(lenient->weakness() == recorded.weakness());
    std::array<std::uint8_t, 64> forgery{};
    forgery[0] = 0x01;
    CHECK_FALSE(lenient->verify("m", forgery));
  }
}

TEST_CASE("any y >= p is refused: the encoding is not canonical", "[vkey][ed25519][weak]") {
  // p + k for k = 0..18 (the rest of the 255-bit range), either sign.
  for (int k = 0; k <= 18; ++k) {
    PublicKeyBytes key;
    key.fill(0xff);
    key[31] = 0x7f;
    key[0] = static_cast<std::uint8_t>(0xed + k);
    for (bool sign : {false, true}) {
      PublicKeyBytes spelled = key;
      if (sign) spelled[31] |= 0x80;
      INFO(to_hex(spelled));
      const auto weakness = ed25519_key_weakness(spelled);
      REQUIRE(weakness);
      CHECK(weakness->find("not a canonical encoding") != std::string::npos);
    }
  }
}

TEST_CASE("a key that is not a point on the curve is refused", "[vkey][ed25519][weak]") {
  // About half of all y values have no x: find some, and check each is
  // refused for that reason, while generated keys never are.
  int off_curve = 0;
  for (std::uint8_t y = 2; y < 40; ++y) {
    PublicKeyBytes key{};
    key[0] = y;
    auto weakness = ed25519_key_weakness(key);
    if (weakness && weakness->find("not a point on the curve") != std::string::npos) ++off_curve;
  }
  CHECK(off_curve > 5);
  for (int i = 0; i < 64; ++i) {
    const SigningKey key = SigningKey::generate();
    INFO(to_hex(key.public_key()));
    CHECK_FALSE(ed25519_key_weakness(key.public_key()).has_value());
    CHECK(VerifierKey::parse(key.verifier("fresh.example").text()).has_value());
  }
}

TEST_CASE("Taming the many EdDSAs: what OpenSSL 3.0 accepts and what vinledger accepts", "[vkey][ed25519][vectors]") {
  std::ifstream in(std::string(VINLEDGER_FIXTURES_DIR) + "/vectors/ed25519_speccheck.json");
  REQUIRE(in.good());
  const auto vectors = nlohmann::json::parse(in).at("cases");
  REQUIRE(vectors.size() == 12);
  for (const auto& v : vectors) {
    INFO("case " << v.at("case") << ": " << v.at("conditions").get<std::string>());
    const PublicKeyBytes key = key_from_hex(v.at("public_key"));
    const auto message = bytes_from_hex(v.at("message"));
    const auto signature = bytes_from_hex(v.at("signature"));
    CHECK(openssl_verifies(key, message, signature) == v.at("openssl_3_0_accepts").get<bool>());
    CHECK(vinledger_verifies(key, message, signature) == v.at("vinledger_accepts").get<bool>());
  }
}

TEST_CASE("S must be reduced and R canonical and of large order", "[vkey][ed25519]") {
  const SigningKey signer = SigningKey::generate();
  const VerifierKey key = signer.verifier("signer.example");
  const std::string message = "m";
  SignatureBytes good = signer.sign(message);
  REQUIRE(key.verify(message, good));

  SECTION("S + L: the same equation holds, OpenSSL 3.0 already refuses it, and so does vinledger") {
    // L, little-endian.
    const auto l = bytes_from_hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    SignatureBytes bumped = good;
    unsigned carry = 0;
    for (std::size_t i = 0; i < 32; ++i) {
      const unsigned sum = bumped[32 + i] + l[i] + carry;
      bumped[32 + i] = static_cast<std::uint8_t>(sum);
      carry = sum >> 8;
    }
    REQUIRE(carry == 0);  // S < L, so S + L < 2^253
    CHECK_FALSE(openssl_verifies(key.public_key(), std::span(reinterpret_cast<const std::uint8_t*>(message.data()), 1),
                                 bumped));
    CHECK_FALSE(key.verify(message, bumped));
  }
  SECTION("R small order: refused whatever S") {
    for (const PublicKeyBytes& r : small_order_points()) {
      SignatureBytes signature = good;
      std::copy(r.begin(), r.end(), signature.begin());
      CHECK_FALSE(key.verify(message, signature));
    }
  }
}

TEST_CASE("key names may hold no hidden or control character", "[vkey][names]") {
  const PublicKeyBytes key = SigningKey::generate().public_key();
  for (const std::string name : {"a\xe2\x80\xae" "b", "a\xe2\x80\x8b" "b", "a\xc2\x9b" "b", "a\x7f" "b",
                                 "a\xef\xbb\xbf" "b", "a\xe2\x81\xa6" "b"}) {
    INFO(to_hex(std::span(reinterpret_cast<const std::uint8_t*>(name.data()), name.size())));
    CHECK_FALSE(is_valid_key_name(name));
    CHECK(is_c2sp_key_name(name));  // the C2SP rule allows them
    const VerifierKey recorded = VerifierKey::from_public_key(name, key);
    CHECK_FALSE(VerifierKey::parse(recorded.text()).has_value());
    CHECK(VerifierKey::parse_recorded(recorded.text()).has_value());
  }
}

}  // namespace vinledger
