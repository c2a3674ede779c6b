#include "vinledger/vkey.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "ed25519_point.h"
#include "openssl_handles.h"
#include "utf8.h"
#include "vinledger/encoding.h"
#include "vinledger/hash.h"
#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {

// ---- Key names -------------------------------------------------------------

// The Unicode White_Space property (what Go's unicode.IsSpace tests, which is
// what the reference signed-note implementation uses).
bool is_unicode_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// What makes `name` unusable as a key name, or nullopt. C0 controls are
// refused even by the C2SP rule: a signed note may not contain them, so
// such a key could never sign a valid note. `strict` adds the hidden and
// control characters of untrusted_text.h, which no stored text may hold.
std::optional<std::string> key_name_problem(std::string_view name, bool strict) {
  if (name.empty()) return "key name is empty";
  std::size_t pos = 0;
  while (pos < name.size()) {
    const std::optional<char32_t> c = utf8::next(name, pos);
    if (!c) return "key name is not valid UTF-8";
    if (*c == '+') return "key name contains '+'";
    if (is_unicode_space(*c)) return "key name contains a space (" + code_point_label(*c) + ")";
    if (*c < 0x20 || (strict && is_hidden_or_control(*c)))
      return "key name contains a control or hidden character (" + code_point_label(*c) + ")";
  }
  return std::nullopt;
}

std::string byte_label(std::uint8_t byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("0x") + kHex[byte >> 4] + kHex[byte & 0xF];
}

std::string_view type_label(std::uint8_t type) {
  return type == kEd25519SignatureType ? "0x01 (Ed25519)" : "0x04 (Ed25519 cosignature/v1)";
}

// ---- The key itself ----------------------------------------------------------

// What both key types hold: the parts, the text, and an OpenSSL key built
// once (EVP_PKEY is safe to share between threads for verification).
struct KeyCore {
  std::string name;
  std::uint32_t key_id = 0;
  PublicKeyBytes public_key{};
  std::string text;
  std::optional<std::string> weakness;
  ossl::PkeyPtr pkey;
};

void fill_core(KeyCore& core_ref, std::string name, std::uint8_t type, const PublicKeyBytes& key) {
  if (std::optional<std::string> problem = key_name_problem(name, false)) throw std::invalid_argument(*problem);
  KeyCore* core = &core_ref;
  core->key_id = key_id_for(name, type, key);
  core->public_key = key;
  core->weakness = ed25519_key_weakness(key);
  core->pkey.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()));
  if (core->pkey == nullptr) throw std::runtime_error("cannot load Ed25519 public key: " + ossl::take_errors());
  std::vector<std::uint8_t> key_data{type};
  key_data.insert(key_data.end(), key.begin(), key.end());
  core->text = name + "+" + hex32_encode(core->key_id) + "+" + base64_encode(key_data);
  core->name = std::move(name);
}

bool verify_with(const KeyCore& core, std::string_view message, std::span<const std::uint8_t> signature) {
  if (core.weakness || signature.size() != SignatureBytes{}.size()) return false;
  if (ed25519::signature_problem(signature.first<64>())) return false;
  // A context per call: contexts are not thread-safe, the shared key is.
  const ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool valid = ctx != nullptr && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, core.pkey.get()) == 1 &&
                     EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                                      reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  if (!valid) ERR_clear_error();
  return valid;
}

// ---- Parsing ---------------------------------------------------------------

enum class Rules { strict, recorded };

struct VkeyText {
  std::string_view name;
  std::uint32_t key_id = 0;
  std::uint8_t type = 0;
  PublicKeyBytes public_key{};
};

// The one parser of vkey text. `types` lists the signature types the
// caller accepts.
Result<VkeyText> parse_vkey(std::string_view text, std::initializer_list<std::uint8_t> types, Rules rules) {
  // Names cannot contain '+', base64 can: split at the first two.
  const std::size_t first_plus = text.find('+');
  const std::size_t second_plus = first_plus == std::string_view::npos ? first_plus : text.find('+', first_plus + 1);
  if (second_plus == std::string_view::npos)
    return invalid_input("verifier key must have three parts, <name>+<key id>+<base64 key>");
  VkeyText parts;
  parts.name = text.substr(0, first_plus);
  const std::string_view key_id_hex = text.substr(first_plus + 1, second_plus - first_plus - 1);
  const std::string_view key_base64 = text.substr(second_plus + 1);

  if (std::optional<std::string> problem = key_name_problem(parts.name, rules == Rules::strict))
    return invalid_input(*problem);
  const std::optional<std::uint32_t> key_id = hex32_decode(key_id_hex);
  if (!key_id) return invalid_input("key hash " + quote_untrusted(key_id_hex) + " is not 8 lowercase hex digits");
  parts.key_id = *key_id;

  const std::optional<std::vector<std::uint8_t>> key_data = base64_decode(key_base64);
  if (!key_data) return invalid_input("key data is not strict standard base64 (RFC 4648, padded)");
  if (key_data->empty()) return invalid_input("key data is empty");
  parts.type = (*key_data)[0];
  if (std::find(types.begin(), types.end(), parts.type) == types.end()) {
    std::string supported;
    for (std::uint8_t type : types) supported += (supported.empty() ? "" : " and ") + std::string(type_label(type));
    return invalid_input("key has signature type " + byte_label(parts.type) + "; supported: " + supported);
  }
  if (key_data->size() != 1 + parts.public_key.size())
    return invalid_input("key data must be 33 bytes (type " + byte_label(parts.type) + " and a 32-byte Ed25519 key), got " +
                         std::to_string(key_data->size()));
  std::copy(key_data->begin() + 1, key_data->end(), parts.public_key.begin());

  const std::uint32_t expected = key_id_for(parts.name, parts.type, parts.public_key);
  if (parts.key_id != expected)
    return invalid_input("key hash " + hex32_encode(parts.key_id) + " does not match name and key (expected " +
                         hex32_encode(expected) + ")");
  if (rules == Rules::strict)
    if (std::optional<std::string> weakness = ed25519_key_weakness(parts.public_key))
      return invalid_input("weak Ed25519 key: " + *weakness);
  return parts;
}

}  // namespace

// ---- Names, ids, weakness ----------------------------------------------------

bool is_valid_key_name(std::string_view name) { return !key_name_problem(name, true).has_value(); }
bool is_c2sp_key_name(std::string_view name) { return !key_name_problem(name, false).has_value(); }

std::uint32_t key_id_for(std::string_view name, std::uint8_t type, const PublicKeyBytes& key) {
  std::string preimage;
  preimage.reserve(name.size() + 2 + key.size());
  preimage.append(name);
  preimage.push_back('\n');
  preimage.push_back(static_cast<char>(type));
  preimage.append(key.begin(), key.end());
  const Hash digest = sha256(preimage);
  return std::uint32_t{digest[0]} << 24 | std::uint32_t{digest[1]} << 16 | std::uint32_t{digest[2]} << 8 |
         std::uint32_t{digest[3]};
}

std::uint32_t key_id_for(std::string_view name, const PublicKeyBytes& key) {
  return key_id_for(name, kEd25519SignatureType, key);
}

std::uint32_t cosigner_key_id_for(std::string_view name, const PublicKeyBytes& key) {
  return key_id_for(name, kCosignatureV1SignatureType, key);
}

std::optional<std::string> ed25519_key_weakness(const PublicKeyBytes& key) {
  return ed25519::public_key_problem(std::span<const std::uint8_t, 32>(key));
}

// ---- VerifierKey -----------------------------------------------------------

struct VerifierKey::Impl : KeyCore {};

VerifierKey::VerifierKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

namespace {

template <class Key>
Result<Key> key_from(Result<VkeyText> parts) {
  if (!parts) return std::unexpected(parts.error());
  return Key::from_public_key(std::string(parts->name), parts->public_key);
}

}  // namespace

Result<VerifierKey> VerifierKey::parse(std::string_view text) {
  return key_from<VerifierKey>(parse_vkey(text, {kEd25519SignatureType}, Rules::strict));
}

Result<VerifierKey> VerifierKey::parse_recorded(std::string_view text) {
  return key_from<VerifierKey>(parse_vkey(text, {kEd25519SignatureType}, Rules::recorded));
}

VerifierKey VerifierKey::from_public_key(std::string name, const PublicKeyBytes& key) {
  auto impl = std::make_shared<Impl>();
  fill_core(*impl, std::move(name), kEd25519SignatureType, key);
  return VerifierKey(std::move(impl));
}

const std::string& VerifierKey::name() const { return impl_->name; }
std::uint32_t VerifierKey::key_id() const { return impl_->key_id; }
const PublicKeyBytes& VerifierKey::public_key() const { return impl_->public_key; }
const std::string& VerifierKey::text() const { return impl_->text; }
const std::optional<std::string>& VerifierKey::weakness() const { return impl_->weakness; }

bool VerifierKey::verify(std::string_view message, std::span<const std::uint8_t> signature) const {
  return verify_with(*impl_, message, signature);
}

// ---- CosignerKey -----------------------------------------------------------

std::string cosignature_message(std::string_view checkpoint_body, std::uint64_t timestamp) {
  return "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + std::string(checkpoint_body);
}

struct CosignerKey::Impl : KeyCore {};

CosignerKey::CosignerKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

Result<CosignerKey> CosignerKey::parse(std::string_view text) {
  return key_from<CosignerKey>(parse_vkey(text, {kCosignatureV1SignatureType}, Rules::strict));
}

CosignerKey CosignerKey::from_public_key(std::string name, const PublicKeyBytes& key) {
  auto impl = std::make_shared<Impl>();
  fill_core(*impl, std::move(name), kCosignatureV1SignatureType, key);
  return CosignerKey(std::move(impl));
}

const std::string& CosignerKey::name() const { return impl_->name; }
std::uint32_t CosignerKey::key_id() const { return impl_->key_id; }
const PublicKeyBytes& CosignerKey::public_key() const { return impl_->public_key; }
const std::string& CosignerKey::text() const { return impl_->text; }
const std::optional<std::string>& CosignerKey::weakness() const { return impl_->weakness; }

bool CosignerKey::verify(std::string_view checkpoint_body, std::uint64_t timestamp,
                         std::span<const std::uint8_t> signature) const {
  if (timestamp > kMaxCosignatureTimestamp) return false;
  return verify_with(*impl_, cosignature_message(checkpoint_body, timestamp), signature);
}

// ---- Either type -----------------------------------------------------------

Result<TrustedKey> parse_trusted_key(std::string_view text) {
  auto parts = parse_vkey(text, {kEd25519SignatureType, kCosignatureV1SignatureType}, Rules::strict);
  if (!parts) return std::unexpected(parts.error());
  if (parts->type == kEd25519SignatureType)
    return TrustedKey(VerifierKey::from_public_key(std::string(parts->name), parts->public_key));
  return TrustedKey(CosignerKey::from_public_key(std::string(parts->name), parts->public_key));
}

}  // namespace vinledger
