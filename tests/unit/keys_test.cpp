// Ed25519 keys and C2SP signed-note verifier keys, against RFC 8032, the
// golang.org/x/mod and transparency-dev vectors, and the key file rules.
#include "vinledger/keys.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "vinledger/encoding.h"
#include "vinledger/hash.h"

namespace vinledger {
namespace {

namespace fs = std::filesystem;

nlohmann::json load_vectors(const std::string& file) {
  const std::string path = std::string(VINLEDGER_FIXTURES_DIR) + "/vectors/" + file;
  std::ifstream in(path);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

std::vector<std::uint8_t> bytes_from_hex(const std::string& hex) {
  REQUIRE(hex.size() % 2 == 0);
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

template <std::size_t N>
std::array<std::uint8_t, N> fixed_from_hex(const std::string& hex) {
  const std::vector<std::uint8_t> bytes = bytes_from_hex(hex);
  REQUIRE(bytes.size() == N);
  std::array<std::uint8_t, N> out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

std::string as_string(std::span<const std::uint8_t> bytes) { return {bytes.begin(), bytes.end()}; }

std::string key_id_hex(std::uint32_t id) {
  const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
                                 static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  return to_hex(bytes);
}

VerifierKey parse_ok(std::string_view text) {
  Result<VerifierKey> key = VerifierKey::parse(text);
  INFO(text << (key ? "" : " -> " + key.error().message));
  REQUIRE(key.has_value());
  return *key;
}

std::string parse_error(std::string_view text) {
  Result<VerifierKey> key = VerifierKey::parse(text);
  INFO(text);
  REQUIRE_FALSE(key.has_value());
  CHECK(key.error().kind == ErrorKind::invalid_input);
  return key.error().message;
}

// The golang.org/x/mod private key text PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>.
// Decoded here, in the test: vinledger itself only reads PKCS#8 PEM.
struct TestSignerKey {
  std::string name;
  std::uint32_t key_id;
  std::array<std::uint8_t, 32> seed;
};

TestSignerKey parse_test_signer_key(const std::string& text) {
  const std::string prefix = "PRIVATE+KEY+";
  REQUIRE(text.rfind(prefix, 0) == 0);
  const std::string rest = text.substr(prefix.size());
  const std::size_t plus1 = rest.find('+');
  const std::size_t plus2 = rest.find('+', plus1 + 1);
  REQUIRE(plus2 != std::string::npos);
  TestSignerKey key;
  key.name = rest.substr(0, plus1);
  key.key_id = static_cast<std::uint32_t>(std::stoul(rest.substr(plus1 + 1, plus2 - plus1 - 1), nullptr, 16));
  const auto data = base64_decode(rest.substr(plus2 + 1));
  REQUIRE(data.has_value());
  REQUIRE(data->size() == 33);
  REQUIRE((*data)[0] == kEd25519SignatureType);
  std::copy(data->begin() + 1, data->end(), key.seed.begin());
  return key;
}

// The signature line value: base64(4-byte big-endian key id || signature).
std::string note_signature_base64(std::uint32_t key_id, const SignatureBytes& signature) {
  std::vector<std::uint8_t> bytes = {static_cast<std::uint8_t>(key_id >> 24), static_cast<std::uint8_t>(key_id >> 16),
                                     static_cast<std::uint8_t>(key_id >> 8), static_cast<std::uint8_t>(key_id)};
  bytes.insert(bytes.end(), signature.begin(), signature.end());
  return base64_encode(bytes);
}

// A fresh directory, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "vinledger_keys_test_XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const std::string& contents, mode_t mode) {
  std::ofstream(path, std::ios::binary) << contents;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

mode_t file_mode(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

std::string pem_from_der(const std::vector<std::uint8_t>& der) {
  return "-----BEGIN PRIVATE KEY-----\n" + base64_encode(der) + "\n-----END PRIVATE KEY-----\n";
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410 section 7), built by hand
// so the PEM reader is checked against an encoding it did not produce.
std::vector<std::uint8_t> ed25519_pkcs8_der(const std::array<std::uint8_t, 32>& seed) {
  std::vector<std::uint8_t> der = bytes_from_hex("302e020100300506032b657004220420");
  der.insert(der.end(), seed.begin(), seed.end());
  return der;
}

// Throwaway keys of other types, made with `openssl genpkey` for these tests.
constexpr const char* kP256Pkcs8Pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgXHK22ezMmH4l+u+H\n"
    "Vjj2uVmQUYPagokEvhFj6/DXZWGhRANCAAROFyJmepx/a9wKi38q6msDbttoJyQB\n"
    "cFZE0L2ej0KAr2meHupCEAptrzgGdgxHOfyPwYSnleKIDs2vBYgQJFV0\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* kEd448Pkcs8Pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MEcCAQAwBQYDK2VxBDsEOUb5NRo3U2XF/jvQJU3jUhX+Ib0ehaH62CwPPGaLqqwG\n"
    "z/PpjtXFBqsGxJEofZ5zDbClY6e7JCsV7w==\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* kX25519Pkcs8Pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VuBCIEIMiaSgYCc8sK239oDcgm4ojwlHHfMSw0JLhh3GDLafN/\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* kEncryptedPkcs8Pem =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
    "MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiYkutiVJQ8MAICCAAw\n"
    "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEC6ZRVQxAr81B2ZINia8ZEMEQLda\n"
    "J13lJIPgECDmobcHk3RKFelAsmAyVSMuNv7czTCuruoOjKTuR5Jt2svBZqJdiKiG\n"
    "pB3OxZVTdx8NyXIM1MQ=\n"
    "-----END ENCRYPTED PRIVATE KEY-----\n";
constexpr const char* kSec1EcPem =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIMOkcZc/jTpfIkgPyEDf0NlaIQQLlfD8itV3dCXEuaftoAoGCCqGSM49\n"
    "AwEHoUQDQgAESU2RkUD2vWrrQw7lnIs4bP6Z4+hsoPs6YwqkkLbFy2RHtdZSdZUG\n"
    "zKICbEvqypCk7KhVz8k01kUz5CPUqY47QQ==\n"
    "-----END EC PRIVATE KEY-----\n";

std::string from_pem_error(std::string_view pem) {
  Result<SigningKey> key = SigningKey::from_pem(pem);
  REQUIRE_FALSE(key.has_value());
  CHECK(key.error().kind == ErrorKind::invalid_input);
  return key.error().message;
}

}  // namespace

// ---- Verifier keys ---------------------------------------------------------

TEST_CASE("every C2SP verifier key vector parses to its decoded parts", "[keys][vkey][vectors]") {
  const nlohmann::json vectors = load_vectors("signed_note_vectors.json").at("verifier_keys");
  REQUIRE(vectors.size() >= 12);
  for (const nlohmann::json& v : vectors) {
    const std::string text = v.at("vkey");
    INFO(text);
    if (v.at("expected_parse") != "ok") {
      CHECK_FALSE(VerifierKey::parse(text).has_value());
      continue;
    }
    REQUIRE(v.at("sig_type") == 1);
    const VerifierKey key = parse_ok(text);
    CHECK(key.name() == v.at("name").get<std::string>());
    CHECK(key_id_hex(key.key_id()) == v.at("key_id_hex").get<std::string>());
    CHECK(to_hex(key.public_key()) == v.at("ed25519_public_key_hex").get<std::string>());
    CHECK(key.text() == text);
    CHECK(key_id_for(key.name(), key.public_key()) == key.key_id());
    CHECK(VerifierKey::from_public_key(key.name(), key.public_key()) == key);
  }
}

TEST_CASE("every C2SP invalid verifier key vector is refused", "[keys][vkey][vectors]") {
  const nlohmann::json vectors = load_vectors("signed_note_vectors.json").at("invalid_verifier_keys");
  REQUIRE(vectors.size() >= 6);
  for (const nlohmann::json& v : vectors) {
    INFO(v.at("why").get<std::string>());
    REQUIRE(v.at("expected_parse") == "reject");
    parse_error(v.at("vkey").get<std::string>());
  }
}

TEST_CASE("no proper prefix or suffix of a valid verifier key parses", "[keys][vkey]") {
  const nlohmann::json vectors = load_vectors("signed_note_vectors.json").at("verifier_keys");
  for (const nlohmann::json& v : vectors) {
    const std::string text = v.at("vkey");
    for (std::size_t length = 0; length < text.size(); ++length) {
      INFO(text << " cut to " << length);
      CHECK_FALSE(VerifierKey::parse(text.substr(0, length)).has_value());
      CHECK_FALSE(VerifierKey::parse(text.substr(text.size() - length)).has_value());
    }
  }
}

TEST_CASE("verifier key errors say exactly what is wrong", "[keys][vkey]") {
  const std::string name = "PeterNeumann";
  const std::string hash = "c74f20a3";
  const std::string data = "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  REQUIRE(VerifierKey::parse(name + "+" + hash + "+" + data).has_value());

  CHECK(parse_error(name + "+c74f20a4+" + data) == "key hash c74f20a4 does not match name and key (expected c74f20a3)");
  CHECK(parse_error("PeterNeumanm+" + hash + "+" + data).find("does not match name and key") != std::string::npos);
  CHECK(parse_error(name + "+C74F20A3+" + data).find("8 lowercase hex digits") != std::string::npos);
  CHECK(parse_error(name + "+c74f20A3+" + data).find("8 lowercase hex digits") != std::string::npos);
  CHECK(parse_error(name + "+c74f20a+" + data).find("8 lowercase hex digits") != std::string::npos);
  CHECK(parse_error(name + "+0c74f20a3+" + data).find("8 lowercase hex digits") != std::string::npos);
  CHECK(parse_error(name + "+c74f2g03+" + data).find("8 lowercase hex digits") != std::string::npos);
  CHECK(parse_error(name + "+" + hash + "+" + data + "\n").find("base64") != std::string::npos);
  CHECK(parse_error(name + "+" + hash + "+ " + data).find("base64") != std::string::npos);
  CHECK(parse_error(name + "+" + hash + "+").find("empty") != std::string::npos);
  CHECK(parse_error(name + "+" + hash + "+AhpcAA==").find("signature type 0x02") != std::string::npos);
  CHECK(parse_error(name + "+" + hash + "+ARpc").find("must be 33 bytes") != std::string::npos);
  CHECK(parse_error(name + "+" + hash).find("three parts") != std::string::npos);
  CHECK(parse_error(name).find("three parts") != std::string::npos);
  CHECK(parse_error("").find("three parts") != std::string::npos);
  CHECK(parse_error("+" + hash + "+" + data) == "key name is empty");
  CHECK(parse_error("Peter Neumann+" + hash + "+" + data).find("space (U+0020)") != std::string::npos);
  CHECK(parse_error(" " + name + "+" + hash + "+" + data).find("space") != std::string::npos);
  CHECK(parse_error("Peter\xc2\xa0Neumann+" + hash + "+" + data).find("space (U+00A0)") != std::string::npos);
  CHECK(parse_error("Peter\xffNeumann+" + hash + "+" + data).find("UTF-8") != std::string::npos);
}

TEST_CASE("a verifier key's base64 part may contain '+'", "[keys][vkey]") {
  // Split at the first two '+' only: names cannot hold '+', base64 can.
  const VerifierKey key = parse_ok("sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8");
  CHECK(key.name() == "sum.golang.org");
  CHECK(key.key_id() == 0x033de0aeu);
}

TEST_CASE("is_valid_key_name follows the signed-note name rules", "[keys][names]") {
  for (const std::string good : {"a", "example.com/foo", "PeterNeumann", "sum.golang.org", "ex\xc3\xa9mple",
                                 "\xe3\x83\xad\xe3\x82\xb0", "emoji\xf0\x9f\x9a\x97", "a=b"}) {
    INFO(good);
    CHECK(is_valid_key_name(good));
  }
  const std::string bad_names[] = {
      "",                   // empty
      "a+b",                // plus
      "a b", "a\tb", "a\nb", "a\rb", "a\vb", "a\fb",  // ASCII spaces
      "a\xc2\x85" "b",      // U+0085 NEL
      "a\xc2\xa0" "b",      // U+00A0 no-break space
      "a\xe1\x9a\x80" "b",  // U+1680 Ogham space mark
      "a\xe2\x80\x80" "b",  // U+2000 en quad
      "a\xe2\x80\x8a" "b",  // U+200A hair space
      "a\xe2\x80\xa8" "b",  // U+2028 line separator
      "a\xe2\x80\xa9" "b",  // U+2029 paragraph separator
      "a\xe2\x80\xaf" "b",  // U+202F narrow no-break space
      "a\xe2\x81\x9f" "b",  // U+205F medium mathematical space
      "a\xe3\x80\x80" "b",  // U+3000 ideographic space
      std::string("a\0b", 3), "a\x01" "b", "a\x1b[31m",  // control characters
      "a\xe2\x80\x8b",      // U+200B zero-width space: hidden (vkey_test.cpp has the rest)
      "a\xff", "a\xc3", "a\xc0\xaf", "a\xe0\x80\xaf",  // invalid, truncated, overlong
      "a\xed\xa0\x80", "a\xf4\x90\x80\x80",           // surrogate, above U+10FFFF
  };
  for (const std::string& bad : bad_names) {
    INFO(to_hex(std::span(reinterpret_cast<const std::uint8_t*>(bad.data()), bad.size())));
    CHECK_FALSE(is_valid_key_name(bad));
  }
}

TEST_CASE("from_public_key refuses a name that could not parse back", "[keys][vkey]") {
  const PublicKeyBytes key = SigningKey::generate().public_key();
  CHECK_THROWS_AS(VerifierKey::from_public_key("a b", key), std::invalid_argument);
  CHECK_THROWS_AS(VerifierKey::from_public_key("", key), std::invalid_argument);
  CHECK_THROWS_AS(VerifierKey::from_public_key("a+b", key), std::invalid_argument);
}

TEST_CASE("a verifier key with a non-ASCII name round-trips through its text", "[keys][vkey]") {
  const SigningKey signer = SigningKey::generate();
  const VerifierKey key = signer.verifier("h\xc3\xa4ndler.example/\xe3\x83\xad\xe3\x82\xb0");
  const VerifierKey parsed = parse_ok(key.text());
  CHECK(parsed == key);
  CHECK(parsed.name() == key.name());
  CHECK(parsed.public_key() == signer.public_key());
  const SignatureBytes signature = signer.sign("m");
  CHECK(parsed.verify("m", signature));
}

// ---- Signer keys and signing ----------------------------------------------

TEST_CASE("every x/mod test signer key gives its matching verifier key", "[keys][vectors]") {
  const nlohmann::json vectors = load_vectors("signed_note_vectors.json").at("signer_keys");
  REQUIRE(vectors.size() >= 6);
  for (const nlohmann::json& v : vectors) {
    const TestSignerKey skey = parse_test_signer_key(v.at("skey"));
    INFO(skey.name);
    const SigningKey signer = SigningKey::from_seed(skey.seed);
    const VerifierKey verifier = signer.verifier(skey.name);
    CHECK(verifier.text() == v.at("matching_vkey").get<std::string>());
    CHECK(verifier.key_id() == skey.key_id);
    CHECK(parse_ok(v.at("matching_vkey").get<std::string>()) == verifier);
  }
}

TEST_CASE("signing KAT reproduces the expected signed note byte for byte", "[keys][vectors]") {
  const nlohmann::json vectors = load_vectors("signed_note_vectors.json").at("signing_kats");
  REQUIRE_FALSE(vectors.empty());
  for (const nlohmann::json& v : vectors) {
    const TestSignerKey skey = parse_test_signer_key(v.at("skey"));
    const SigningKey signer = SigningKey::from_seed(skey.seed);
    const VerifierKey verifier = signer.verifier(skey.name);
    // A note's signature covers exactly its text, final newline included.
    const std::string text = v.at("text");
    const SignatureBytes signature = signer.sign(text);
    const std::string line = "\xe2\x80\x94 " + skey.name + " " + note_signature_base64(verifier.key_id(), signature) + "\n";
    CHECK(text + "\n" + line == v.at("expected_signed_note").get<std::string>());
    CHECK(verifier.verify(text, signature));
  }
}

TEST_CASE("signatures in the vector notes verify under their trusted keys", "[keys][vectors]") {
  // Not a note parser: just enough splitting to reach the signature bytes,
  // so real sum.golang.org and x/mod signatures exercise verify.
  const std::string em_dash_space = "\xe2\x80\x94 ";
  const nlohmann::json cases = load_vectors("signed_note_vectors.json").at("open_cases");
  int checked_cases = 0;
  for (const nlohmann::json& c : cases) {
    const std::string expected = c.at("expected");
    if ((expected != "ok" && expected != "invalid_signature") || !c.contains("note")) continue;
    INFO(c.at("id").get<std::string>());
    std::vector<VerifierKey> trusted;
    for (const nlohmann::json& text : c.at("trusted_vkeys")) trusted.push_back(parse_ok(text.get<std::string>()));

    const std::string note = c.at("note");
    const std::size_t separator = note.rfind("\n\n");
    REQUIRE(separator != std::string::npos);
    const std::string text = note.substr(0, separator + 1);
    std::istringstream lines(note.substr(separator + 2));
    std::vector<std::string> verified;
    bool any_failed = false;
    for (std::string line; std::getline(lines, line);) {
      REQUIRE(line.rfind(em_dash_space, 0) == 0);
      const std::string rest = line.substr(em_dash_space.size());
      const std::size_t space = rest.find(' ');
      const std::string name = rest.substr(0, space);
      const auto sig = base64_decode(rest.substr(space + 1));
      if (!sig || sig->size() < 4) {
        any_failed = true;
        continue;
      }
      const std::uint32_t id = std::uint32_t{(*sig)[0]} << 24 | std::uint32_t{(*sig)[1]} << 16 |
                               std::uint32_t{(*sig)[2]} << 8 | (*sig)[3];
      for (const VerifierKey& key : trusted) {
        if (key.name() != name || key.key_id() != id) continue;
        if (key.verify(text, std::span(*sig).subspan(4))) {
          if (std::find(verified.begin(), verified.end(), name) == verified.end()) verified.push_back(name);
        } else {
          any_failed = true;
        }
        break;
      }
    }
    if (expected == "ok") {
      CHECK(verified == c.at("expected_verified_signers").get<std::vector<std::string>>());
    } else {
      CHECK(any_failed);
    }
    ++checked_cases;
  }
  CHECK(checked_cases >= 12);
}

TEST_CASE("RFC 8032 section 7.1 Ed25519 test vectors", "[keys][ed25519][vectors]") {
  const nlohmann::json vectors = load_vectors("rfc8032_ed25519.json").at("vectors");
  REQUIRE(vectors.size() == 4);
  for (const nlohmann::json& v : vectors) {
    INFO(v.at("name").get<std::string>());
    const auto seed = fixed_from_hex<32>(v.at("secret_key_hex"));
    const auto public_key = fixed_from_hex<32>(v.at("public_key_hex"));
    const auto expected_signature = fixed_from_hex<64>(v.at("signature_hex"));
    const std::string message = as_string(bytes_from_hex(v.at("message_hex")));

    const SigningKey signer = SigningKey::from_seed(seed);
    CHECK(signer.public_key() == public_key);
    CHECK(signer.sign(message) == expected_signature);

    const VerifierKey verifier = VerifierKey::from_public_key("rfc8032", public_key);
    CHECK(verifier.verify(message, expected_signature));
    if (!message.empty()) {
      std::string changed = message;
      changed[changed.size() / 2] ^= 0x01;
      CHECK_FALSE(verifier.verify(changed, expected_signature));
    }
    CHECK_FALSE(verifier.verify(message + "x", expected_signature));
  }
}

TEST_CASE("any one-bit change in the signature fails verification", "[keys][ed25519]") {
  const SigningKey signer = SigningKey::generate();
  const VerifierKey verifier = signer.verifier("example.com/bits");
  const std::string message = "VIN 1HGCM82633A004352 handed over at JPYOK";
  const SignatureBytes signature = signer.sign(message);
  REQUIRE(verifier.verify(message, signature));
  for (std::size_t bit = 0; bit < signature.size() * 8; ++bit) {
    SignatureBytes changed = signature;
    changed[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    INFO("bit " << bit);
    CHECK_FALSE(verifier.verify(message, changed));
  }
}

TEST_CASE("any one-bit change in the message fails verification", "[keys][ed25519]") {
  const SigningKey signer = SigningKey::generate();
  const VerifierKey verifier = signer.verifier("example.com/bits");
  const std::string message = "custody: seller -> carrier";
  const SignatureBytes signature = signer.sign(message);
  for (std::size_t bit = 0; bit < message.size() * 8; ++bit) {
    std::string changed = message;
    changed[bit / 8] = static_cast<char>(changed[bit / 8] ^ (1 << (bit % 8)));
    INFO("bit " << bit);
    CHECK_FALSE(verifier.verify(changed, signature));
  }
}

TEST_CASE("a signature of the wrong length is false, not a crash", "[keys][ed25519]") {
  const SigningKey signer = SigningKey::generate();
  const VerifierKey verifier = signer.verifier("example.com/len");
  const SignatureBytes signature = signer.sign("m");
  const std::vector<std::uint8_t> full(signature.begin(), signature.end());
  CHECK(verifier.verify("m", full));
  CHECK_FALSE(verifier.verify("m", std::span(full).first(63)));
  CHECK_FALSE(verifier.verify("m", std::span(full).first(0)));
  std::vector<std::uint8_t> longer = full;
  longer.push_back(0);
  CHECK_FALSE(verifier.verify("m", longer));
  CHECK_FALSE(verifier.verify("m", std::vector<std::uint8_t>(4096, 0xff)));
}

TEST_CASE("a public key that is not a curve point verifies nothing", "[keys][ed25519]") {
  // Parsing refuses it (vkey_test.cpp); read as a ledger recorded it, it is
  // weak and verification still fails cleanly.
  PublicKeyBytes not_a_point;
  not_a_point.fill(0xff);
  const VerifierKey key = VerifierKey::from_public_key("example.com/bogus", not_a_point);
  CHECK_FALSE(VerifierKey::parse(key.text()).has_value());
  REQUIRE(VerifierKey::parse_recorded(key.text()) == key);
  CHECK(key.weakness().has_value());
  const SignatureBytes signature = SigningKey::generate().sign("m");
  CHECK_FALSE(key.verify("m", signature));
  CHECK_FALSE(key.verify("m", SignatureBytes{}));
}

TEST_CASE("a signature by one key does not verify under another", "[keys][ed25519]") {
  const SigningKey alice = SigningKey::generate();
  const SigningKey bob = SigningKey::generate();
  REQUIRE(alice.public_key() != bob.public_key());
  const SignatureBytes signature = alice.sign("transfer");
  CHECK(alice.verifier("alice").verify("transfer", signature));
  CHECK_FALSE(bob.verifier("alice").verify("transfer", signature));
  CHECK_FALSE(bob.verifier("bob").verify("transfer", signature));
}

TEST_CASE("one verifier key verifies from several threads at once", "[keys][ed25519][threads]") {
  const SigningKey signer = SigningKey::generate();
  const VerifierKey verifier = signer.verifier("example.com/threads");
  const std::string message(500, 'v');
  const SignatureBytes good = signer.sign(message);
  SignatureBytes bad = good;
  bad[10] ^= 0x40;
  std::vector<int> wrong_answers(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < wrong_answers.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 150; ++i) {
        if (!verifier.verify(message, good)) ++wrong_answers[t];
        if (verifier.verify(message, bad)) ++wrong_answers[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const int count : wrong_answers) CHECK(count == 0);
}

// ---- PEM ---------------------------------------------------------------------

TEST_CASE("a generated key survives a PKCS#8 PEM round trip", "[keys][pem]") {
  const SigningKey original = SigningKey::generate();
  const std::string pem = original.to_pem();
  CHECK(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);
  CHECK(pem.find("-----END PRIVATE KEY-----") != std::string::npos);
  Result<SigningKey> copy = SigningKey::from_pem(pem);
  REQUIRE(copy.has_value());
  CHECK(copy->public_key() == original.public_key());
  CHECK(copy->sign("same message") == original.sign("same message"));  // Ed25519 is deterministic
  CHECK(copy->to_pem() == pem);
}

TEST_CASE("from_pem reads a hand-built PKCS#8 key for the RFC 8032 TEST 1 seed", "[keys][pem]") {
  const nlohmann::json test1 = load_vectors("rfc8032_ed25519.json").at("vectors").at(0);
  const auto seed = fixed_from_hex<32>(test1.at("secret_key_hex"));
  Result<SigningKey> key = SigningKey::from_pem(pem_from_der(ed25519_pkcs8_der(seed)));
  REQUIRE(key.has_value());
  CHECK(to_hex(key->public_key()) == test1.at("public_key_hex").get<std::string>());
  CHECK(key->to_pem() == pem_from_der(ed25519_pkcs8_der(seed)));
  CHECK(SigningKey::from_seed(seed).to_pem() == key->to_pem());
}

TEST_CASE("from_pem refuses other key types and formats with a clear message", "[keys][pem]") {
  CHECK(from_pem_error(kP256Pkcs8Pem).find("the private key is a EC key; only Ed25519") != std::string::npos);
  CHECK(from_pem_error(kEd448Pkcs8Pem).find("ED448 key; only Ed25519") != std::string::npos);
  CHECK(from_pem_error(kX25519Pkcs8Pem).find("X25519 key; only Ed25519") != std::string::npos);
  CHECK(from_pem_error(kEncryptedPkcs8Pem).find("encrypted") != std::string::npos);
  CHECK(from_pem_error(kSec1EcPem).find("found \"-----BEGIN EC PRIVATE KEY-----\"") != std::string::npos);
  CHECK(from_pem_error("").find("no PEM block") != std::string::npos);
  CHECK(from_pem_error("not a key at all\n").find("no PEM block") != std::string::npos);
  const std::string pem = SigningKey::generate().to_pem();
  CHECK(from_pem_error(pem + pem).find("more than one PEM block") != std::string::npos);
  CHECK(from_pem_error(pem.substr(0, pem.size() / 2)).find("no PEM block") != std::string::npos);

  std::vector<std::uint8_t> der = ed25519_pkcs8_der({});
  der.push_back(0x00);  // trailing garbage after the PKCS#8 structure
  CHECK(from_pem_error(pem_from_der(der)).find("not a well-formed PKCS#8") != std::string::npos);
  der.resize(20);  // truncated
  CHECK(from_pem_error(pem_from_der(der)).find("not a well-formed PKCS#8") != std::string::npos);
}

// ---- Key files ---------------------------------------------------------------

TEST_CASE("save_new writes a 0600 key file that load reads back", "[keys][files]") {
  const TempDir dir;
  const fs::path path = dir.path() / "signer.pem";
  const SigningKey key = SigningKey::generate();
  const mode_t old_umask = ::umask(0);  // a careless umask must not widen the mode
  const Status saved = key.save_new(path);
  ::umask(old_umask);
  REQUIRE(saved.has_value());
  CHECK(file_mode(path) == 0600);
  CHECK(read_file(path) == key.to_pem());
  Result<SigningKey> loaded = SigningKey::load(path);
  REQUIRE(loaded.has_value());
  CHECK(loaded->public_key() == key.public_key());
}

TEST_CASE("save_new refuses to overwrite and leaves the old file alone", "[keys][files]") {
  const TempDir dir;
  const fs::path path = dir.path() / "signer.pem";
  write_file(path, "precious", 0600);
  const Status saved = SigningKey::generate().save_new(path);
  REQUIRE_FALSE(saved.has_value());
  CHECK(saved.error().kind == ErrorKind::invalid_input);
  CHECK(saved.error().message.find("refusing to overwrite") != std::string::npos);
  CHECK(saved.error().message.find(path.string()) != std::string::npos);
  CHECK(read_file(path) == "precious");

  const fs::path link = dir.path() / "link.pem";
  fs::create_symlink(dir.path() / "missing-target.pem", link);
  CHECK_FALSE(SigningKey::generate().save_new(link).has_value());  // O_EXCL does not follow links
  CHECK_FALSE(fs::exists(dir.path() / "missing-target.pem"));
}

TEST_CASE("save_new into a missing directory is a storage error and leaves nothing", "[keys][files]") {
  const TempDir dir;
  const fs::path path = dir.path() / "no-such-dir" / "signer.pem";
  const Status saved = SigningKey::generate().save_new(path);
  REQUIRE_FALSE(saved.has_value());
  CHECK(saved.error().kind == ErrorKind::storage);
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("load refuses a key file that group or others can access", "[keys][files]") {
  const TempDir dir;
  const fs::path path = dir.path() / "signer.pem";
  write_file(path, SigningKey::generate().to_pem(), 0644);
  Result<SigningKey> loaded = SigningKey::load(path);
  REQUIRE_FALSE(loaded.has_value());
  const Error& error = loaded.error();
  CHECK(error.kind == ErrorKind::invalid_input);
  CHECK(error.message.find(path.string()) != std::string::npos);
  CHECK(error.message.find("0644") != std::string::npos);
  CHECK(error.message.find("chmod 600") != std::string::npos);

  for (const mode_t mode : {0640, 0604, 0620, 0602, 0610, 0601, 0660, 0666, 0700 | 0040}) {
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    INFO("mode " << std::oct << mode);
    CHECK_FALSE(SigningKey::load(path).has_value());
  }
  for (const mode_t mode : {0600, 0400, 0700}) {
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    INFO("mode " << std::oct << mode);
    CHECK(SigningKey::load(path).has_value());
  }
}

TEST_CASE("load names the file when it is missing or not a key", "[keys][files]") {
  const TempDir dir;
  const fs::path missing = dir.path() / "missing.pem";
  Result<SigningKey> loaded = SigningKey::load(missing);
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().kind == ErrorKind::not_found);
  CHECK(loaded.error().message.find(missing.string()) != std::string::npos);

  const fs::path garbage = dir.path() / "garbage.pem";
  write_file(garbage, "this is not a key\n", 0600);
  loaded = SigningKey::load(garbage);
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().kind == ErrorKind::invalid_input);
  CHECK(loaded.error().message.find(garbage.string()) != std::string::npos);
  CHECK(loaded.error().message.find("no PEM block") != std::string::npos);

  const fs::path wrong_type = dir.path() / "p256.pem";
  write_file(wrong_type, kP256Pkcs8Pem, 0600);
  loaded = SigningKey::load(wrong_type);
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().message.find(wrong_type.string()) != std::string::npos);
  CHECK(loaded.error().message.find("only Ed25519") != std::string::npos);

  const fs::path huge = dir.path() / "huge.pem";
  write_file(huge, std::string(200 * 1024, 'A'), 0600);
  loaded = SigningKey::load(huge);
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().message.find("too large") != std::string::npos);

  loaded = SigningKey::load(dir.path());
  REQUIRE_FALSE(loaded.has_value());
  CHECK(loaded.error().kind == ErrorKind::invalid_input);
}

}  // namespace vinledger
