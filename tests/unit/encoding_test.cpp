// Strict standard base64: RFC 4648 vectors, round trips and every refusal.
#include "vinledger/encoding.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace vinledger {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

TEST_CASE("base64 matches RFC 4648 section 10", "[encoding][base64]") {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    INFO(plain);
    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_encode(std::span<const std::uint8_t>(bytes_of(plain))) == encoded);
    const auto decoded = base64_decode(encoded);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == bytes_of(plain));
  }
}

TEST_CASE("base64 uses the standard alphabet, not the URL one", "[encoding][base64]") {
  CHECK(base64_encode(std::vector<std::uint8_t>{0xfb, 0xff}) == "+/8=");
  CHECK(base64_encode(std::vector<std::uint8_t>{0xfb, 0xef, 0xbe}) == "++++");
  CHECK(base64_encode(std::vector<std::uint8_t>{0xff, 0xff, 0xff}) == "////");
}

TEST_CASE("base64 round-trips every byte value at every length up to 70", "[encoding][base64]") {
  for (std::size_t length = 0; length <= 70; ++length) {
    std::vector<std::uint8_t> bytes(length);
    for (std::size_t i = 0; i < length; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37 + length * 11);
    const std::string encoded = base64_encode(bytes);
    INFO("length " << length << " encoded " << encoded);
    CHECK(encoded.size() == (length + 2) / 3 * 4);
    const auto decoded = base64_decode(encoded);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == bytes);
  }
  std::vector<std::uint8_t> all_values(256);
  for (int i = 0; i < 256; ++i) all_values[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
  CHECK(base64_decode(base64_encode(all_values)) == all_values);
}

TEST_CASE("base64_decode refuses bad padding", "[encoding][base64]") {
  for (const std::string text : {"Zg", "Zg=", "Zg===", "Zm8", "Zm9v=", "Zm9v==", "Zm9v====", "Z===", "====", "=",
                                 "Zg==Zg==", "Zg==Zm9v", "Zm8=Zm9v", "Zg=a", "Z=g=", "=Zg=", "Zm=v"}) {
    INFO(text);
    CHECK_FALSE(base64_decode(text).has_value());
  }
}

TEST_CASE("base64_decode refuses whitespace anywhere", "[encoding][base64]") {
  for (const std::string text : {" Zm9v", "Zm9v ", "Zm 9v", "Zm9v\n", "Zm9v\r\n", "\tZm9v", "Zm9v\nZm9v",
                                 "Zg== ", "Zm9vYmFy\n"}) {
    INFO(text);
    CHECK_FALSE(base64_decode(text).has_value());
  }
}

TEST_CASE("base64_decode refuses characters outside the alphabet", "[encoding][base64]") {
  const std::string outside[] = {"Zm-v", "Zm_v", "Zm9!", "Zm.v", "Zm9v*A==", std::string("Zm9\0", 4), "Zm9\xc3",
                                 "Zm\xc3\xa9"};
  for (const std::string& text : outside) {
    INFO(text);
    CHECK_FALSE(base64_decode(text).has_value());
  }
}

TEST_CASE("base64_decode refuses non-zero trailing bits", "[encoding][base64]") {
  // "Zg==" is "f"; Zh, Zi ... Zv differ only in the 4 bits that padding drops.
  for (const std::string text : {"Zh==", "Zi==", "Zv==", "Zm9=", "Zm+=", "Zm/="}) {
    INFO(text);
    CHECK_FALSE(base64_decode(text).has_value());
  }
  CHECK(base64_decode("Zg==").has_value());
  CHECK(base64_decode("Zm8=").has_value());
}

TEST_CASE("base64_decode accepts exactly what base64_encode produces", "[encoding][base64]") {
  // Every 4-character group "Zm" + c3 + c4 over the alphabet and '='. Valid
  // ones: 64 * 64 full groups, plus the 16 third characters whose low two bits
  // are zero before one '='. "Zm==" has stray bits in 'm', so it is refused.
  const std::string symbols = std::string(kAlphabet) + "=";
  int accepted = 0;
  for (const char c3 : symbols) {
    for (const char c4 : symbols) {
      const std::string text = std::string("Zm") + c3 + c4;
      const auto decoded = base64_decode(text);
      if (!decoded) continue;
      ++accepted;
      INFO(text);
      CHECK(base64_encode(*decoded) == text);
    }
  }
  CHECK(accepted == 64 * 64 + 16);
}

}  // namespace vinledger

TEST_CASE("hex32 takes exactly 8 lowercase hex digits, both ways", "[encoding]") {
  CHECK(vinledger::hex32_encode(0x0a1b2c3d) == "0a1b2c3d");
  CHECK(vinledger::hex32_decode("0a1b2c3d") == 0x0a1b2c3du);
  CHECK(vinledger::hex32_decode("ffffffff") == 0xffffffffu);
  for (const char* bad : {"0A1B2C3D", "0a1b2c3", "0a1b2c3d0", "", "0a1b2c3g", " a1b2c3d"}) {
    INFO(bad);
    CHECK_FALSE(vinledger::hex32_decode(bad));
  }
}

TEST_CASE("strict decimals: digits only, no leading zeros, within 64 bits", "[encoding]") {
  CHECK(vinledger::parse_strict_decimal("0") == 0u);
  CHECK(vinledger::parse_strict_decimal("1000006") == 1000006u);
  CHECK(vinledger::parse_strict_decimal("18446744073709551615") == UINT64_MAX);
  for (const char* bad : {"", "01", "-1", "+1", "1 ", "18446744073709551616", "99999999999999999999", "1e3", "0x10"}) {
    INFO(bad);
    CHECK_FALSE(vinledger::parse_strict_decimal(bad));
  }
}
