#include "vinledger/hash.h"

#include <openssl/evp.h>

#include <initializer_list>
#include <new>
#include <stdexcept>

#include "openssl_handles.h"

namespace vinledger {
namespace {

// Fetched once: with OpenSSL 3 the EVP_sha256() shortcut re-fetches the
// provider implementation on every init, which doubles the cost of hashing a
// small input. Deliberately never freed, so no exit-time destructor races
// OpenSSL's own cleanup.
const EVP_MD* sha256_md() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) throw std::runtime_error("OpenSSL has no SHA-256");
    return fetched;
  }();
  return md;
}

// One digest context per thread, reused: hashing allocates nothing after the
// first call on a thread, and threads never share a context.
EVP_MD_CTX* thread_digest_context() {
  thread_local const ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) throw std::bad_alloc();
  return ctx.get();
}

// SHA-256 over the concatenation of `parts`.
Hash sha256_of_parts(std::initializer_list<std::string_view> parts) {
  EVP_MD_CTX* ctx = thread_digest_context();
  bool ok = EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(ctx, part.data(), part.size()) == 1;
  }
  Hash out;
  unsigned int length = 0;
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &length) == 1;
  if (!ok || length != out.size()) throw std::runtime_error("SHA-256 failed");
  return out;
}

std::string_view as_chars(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

// Lowercase only: the contract writes hashes one way, so one value has one
// spelling.
int lowercase_hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

Hash sha256(std::string_view data) { return sha256_of_parts({data}); }

Hash leaf_hash(std::string_view leaf_bytes) {
  return sha256_of_parts({std::string_view("\x00", 1), leaf_bytes});
}

Hash node_hash(const Hash& left, const Hash& right) {
  return sha256_of_parts({std::string_view("\x01", 1), as_chars(left), as_chars(right)});
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

std::optional<Hash> hash_from_hex(std::string_view hex) {
  Hash out;
  if (hex.size() != out.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int high = lowercase_hex_value(hex[2 * i]);
    const int low = lowercase_hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return out;
}

}  // namespace vinledger
