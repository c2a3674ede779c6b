#include "ed25519_point.h"

#include <openssl/bn.h>

#include <algorithm>
#include <array>
#include <memory>
#include <new>

namespace vinledger::ed25519 {
namespace {

using Bytes32 = std::array<std::uint8_t, 32>;

// A little-endian 32-byte constant from its big-endian hex spelling.
constexpr Bytes32 le_from_hex(const char (&hex)[65]) {
  Bytes32 out{};
  auto nibble = [](char c) -> std::uint8_t {
    return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  for (std::size_t i = 0; i < 32; ++i)
    out[31 - i] = static_cast<std::uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

// p = 2^255 - 19, the field prime.
constexpr Bytes32 kP = le_from_hex("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed");
// L = 2^252 + 27742317777372353535851937790883648493, the group order.
constexpr Bytes32 kL = le_from_hex("1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed");
// d = -121665/121666 mod p, the curve constant.
constexpr Bytes32 kD = le_from_hex("52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3");

// The y coordinates of the eight points of small order (the torsion
// subgroup E[8]): the identity (y = 1), the point of order 2 (y = p - 1),
// the two of order 4 (y = 0) and the four of order 8 (y = y8, p - y8, where
// d*y^4 + 2*y^2 - 1 = 0). tests/unit/vkey_test.cpp re-derives them.
constexpr std::array<Bytes32, 5> kSmallOrderY = {
    le_from_hex("0000000000000000000000000000000000000000000000000000000000000000"),
    le_from_hex("0000000000000000000000000000000000000000000000000000000000000001"),
    le_from_hex("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec"),
    le_from_hex("7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7"),
    le_from_hex("05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826"),
};

// a < b for little-endian numbers of the same length.
bool less_le(std::span<const std::uint8_t, 32> a, const Bytes32& b) {
  for (std::size_t i = 32; i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i];
  return false;
}

Bytes32 y_of(std::span<const std::uint8_t, 32> encoding) {
  Bytes32 y;
  std::copy(encoding.begin(), encoding.end(), y.begin());
  y[31] &= 0x7F;
  return y;
}

bool sign_bit(std::span<const std::uint8_t, 32> encoding) { return (encoding[31] & 0x80) != 0; }

struct BnFree {
  void operator()(BIGNUM* n) const { BN_free(n); }
};
struct BnCtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bn bn_from_le(const Bytes32& bytes) {
  Bn n(BN_lebin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (n == nullptr) throw std::bad_alloc();
  return n;
}

Bn bn_new() {
  Bn n(BN_new());
  if (n == nullptr) throw std::bad_alloc();
  return n;
}

enum class Decoded { on_curve, x_zero, not_on_curve };

// Whether some x satisfies -x^2 + y^2 = 1 + d x^2 y^2 (mod p), that is
// whether x^2 = (y^2 - 1) / (d y^2 + 1) is a square; y < p.
Decoded decode_x(const Bytes32& y_bytes) {
  const std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
  if (ctx == nullptr) throw std::bad_alloc();
  const Bn p = bn_from_le(kP), d = bn_from_le(kD), y = bn_from_le(y_bytes);
  Bn y2 = bn_new(), u = bn_new(), v = bn_new(), x2 = bn_new();
  bool ok = BN_mod_sqr(y2.get(), y.get(), p.get(), ctx.get()) == 1 &&
            BN_mod_sub(u.get(), y2.get(), BN_value_one(), p.get(), ctx.get()) == 1 &&
            BN_mod_mul(v.get(), d.get(), y2.get(), p.get(), ctx.get()) == 1 &&
            BN_mod_add(v.get(), v.get(), BN_value_one(), p.get(), ctx.get()) == 1;
  if (!ok) throw std::bad_alloc();
  // d is not a square, so d y^2 + 1 is never 0; guard anyway.
  if (BN_is_zero(v.get())) return Decoded::not_on_curve;
  if (BN_mod_inverse(v.get(), v.get(), p.get(), ctx.get()) == nullptr ||
      BN_mod_mul(x2.get(), u.get(), v.get(), p.get(), ctx.get()) != 1)
    throw std::bad_alloc();
  if (BN_is_zero(x2.get())) return Decoded::x_zero;
  const int symbol = BN_kronecker(x2.get(), p.get(), ctx.get());
  if (symbol == -2) throw std::bad_alloc();
  return symbol == 1 ? Decoded::on_curve : Decoded::not_on_curve;
}

// Why `encoding` is not the canonical encoding of a point, or nullopt.
std::optional<std::string> encoding_problem(std::span<const std::uint8_t, 32> encoding) {
  const Bytes32 y = y_of(encoding);
  if (!less_le(y, kP)) return "it is not a canonical encoding (its y coordinate is not below 2^255 - 19)";
  switch (decode_x(y)) {
    case Decoded::not_on_curve: return "it is not a point on the curve";
    case Decoded::x_zero:
      if (sign_bit(encoding)) return "it is not a canonical encoding (x = 0 with the sign bit set)";
      return std::nullopt;
    case Decoded::on_curve: return std::nullopt;
  }
  return std::nullopt;
}

bool is_small_order(std::span<const std::uint8_t, 32> encoding) {
  const Bytes32 y = y_of(encoding);
  return std::find(kSmallOrderY.begin(), kSmallOrderY.end(), y) != kSmallOrderY.end();
}

}  // namespace

std::optional<std::string> public_key_problem(std::span<const std::uint8_t, 32> key) {
  if (auto problem = encoding_problem(key)) return problem;
  if (is_small_order(key)) return "it is a point of small order: anyone could make signatures that verify with it";
  return std::nullopt;
}

std::optional<std::string> signature_problem(std::span<const std::uint8_t, 64> signature) {
  const auto r = signature.first<32>();
  const auto s = signature.last<32>();
  if (!less_le(s, kL)) return "its S is not reduced (S >= L)";
  if (!less_le(y_of(r), kP) || (sign_bit(r) && (y_of(r) == kSmallOrderY[1] || y_of(r) == kSmallOrderY[2])))
    return "its R is not a canonical encoding";
  if (is_small_order(r)) return "its R is a point of small order";
  return std::nullopt;
}

}  // namespace vinledger::ed25519
