#include "vinledger/key_endorsement.h"

#include <algorithm>

#include "vinledger/encoding.h"
#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {

bool same_key(const VerifierKey& a, const VerifierKey& b) {
  return a.public_key() == b.public_key() && a.name() == b.name();
}

std::optional<SignatureBytes> signature_from(std::string_view base64) {
  auto bytes = base64_decode(base64);
  if (!bytes || bytes->size() != SignatureBytes{}.size()) return std::nullopt;
  SignatureBytes signature;
  std::copy(bytes->begin(), bytes->end(), signature.begin());
  return signature;
}

}  // namespace

std::string key_endorsement_message(std::string_view origin, const VerifierKey& old_key, const VerifierKey& new_key) {
  std::string message(kKeyEndorsementContext);
  message.append(origin).append("\n").append(old_key.text()).append("\n").append(new_key.text()).append("\n");
  return message;
}

bool KeyEndorsement::verify(std::string_view origin) const {
  if (old_key.name() != origin || new_key.name() != origin) return false;
  return old_key.verify(key_endorsement_message(origin, old_key, new_key), signature);
}

std::string KeyEndorsement::line() const {
  return std::string(kKeyEndorsementLinePrefix) + old_key.text() + " " + new_key.text() + " " + base64_encode(signature);
}

KeyEndorsement endorse_key(std::string_view origin, const SigningKey& old_signing_key, const VerifierKey& new_key) {
  KeyEndorsement endorsement{old_signing_key.verifier(std::string(origin)), new_key, {}};
  endorsement.signature = old_signing_key.sign(key_endorsement_message(origin, endorsement.old_key, new_key));
  return endorsement;
}

void add_key_endorsement(nlohmann::json& statement, const SigningKey& key) {
  auto text = [&](const char* field) -> const std::string* {
    auto it = statement.find(field);
    return it != statement.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
  };
  const std::string *type = text("type"), *actor = text("actor"), *id = text("id"), *vkey = text("vkey");
  if (!statement.is_object() || statement.contains("endorsement") || !type || *type != "party" || !actor || !id ||
      *actor != *id || !vkey)
    return;
  // A vkey that does not parse is refused later, with the whole statement.
  auto new_key = VerifierKey::parse(*vkey);
  if (!new_key || new_key->public_key() == key.public_key()) return;
  statement["endorsement"] = base64_encode(endorse_key(new_key->name(), key, *new_key).signature);
}

Result<std::optional<KeyEndorsement>> parse_key_endorsement_line(std::string_view line) {
  if (!line.starts_with(kKeyEndorsementLinePrefix)) return std::optional<KeyEndorsement>{};
  line.remove_prefix(kKeyEndorsementLinePrefix.size());
  // Key names hold no space, base64 none: exactly three fields.
  const std::size_t first = line.find(' ');
  const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos)
    return invalid_input("a key endorsement line holds <old vkey> <new vkey> <base64 signature>, one space apart");
  auto old_key = VerifierKey::parse(line.substr(0, first));
  if (!old_key) return invalid_input("the endorsing key: " + old_key.error().message);
  auto new_key = VerifierKey::parse(line.substr(first + 1, second - first - 1));
  if (!new_key) return invalid_input("the endorsed key: " + new_key.error().message);
  auto signature = signature_from(line.substr(second + 1));
  if (!signature) return invalid_input("the endorsement signature is not the base64 of 64 bytes");
  return std::optional<KeyEndorsement>(KeyEndorsement{std::move(*old_key), std::move(*new_key), *signature});
}

Result<std::vector<KeyEndorsement>> read_key_endorsements(std::span<const std::string> extensions,
                                                          std::string_view origin) {
  std::vector<KeyEndorsement> chain;
  for (std::size_t i = 0; i < extensions.size(); ++i) {
    // Extension lines follow origin, size and root: line 4 is the first.
    const std::string where = "checkpoint line " + std::to_string(4 + i) + " (key endorsement)";
    auto parsed = parse_key_endorsement_line(extensions[i]);
    if (!parsed) return invalid_input(where + ": " + parsed.error().message);
    if (!*parsed) continue;
    const KeyEndorsement& endorsement = **parsed;
    if (!endorsement.verify(origin))
      return invalid_input(where + ": not a valid endorsement of " + escape_untrusted(endorsement.new_key.text()) +
                           " by " + escape_untrusted(endorsement.old_key.text()) + " for the log " +
                           quote_untrusted(origin));
    if (!chain.empty() && !same_key(chain.back().new_key, endorsement.old_key))
      return invalid_input(where + ": its endorsing key is not the key the line before endorsed: the endorsements "
                                   "do not form one chain");
    chain.push_back(**parsed);
  }
  return chain;
}

Result<VerifierKey> follow_key_endorsements(std::span<const KeyEndorsement> chain, const VerifierKey& trusted) {
  if (chain.empty()) return trusted;
  const VerifierKey& last = chain.back().new_key;
  if (same_key(trusted, last)) return last;
  const bool endorsed = std::any_of(chain.begin(), chain.end(),
                                    [&](const KeyEndorsement& e) { return same_key(e.old_key, trusted); });
  if (!endorsed)
    return invalid_input("the checkpoint's key endorsements lead to " + escape_untrusted(last.text()) +
                         " but do not start from the trusted key " + escape_untrusted(trusted.text()) +
                         ": this log key cannot vouch for the key that signed it");
  return last;
}

}  // namespace vinledger
