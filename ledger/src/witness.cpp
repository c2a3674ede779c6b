#include "vinledger/witness.h"

#include <nlohmann/json.hpp>

#include "durable_file.h"
#include "vinledger/merkle.h"
#include "vinledger/timestamp.h"
#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {

constexpr const char* kConfigFile = "witness.json";
constexpr const char* kStateFile = "state.json";
constexpr const char* kLockFile = "lock";
constexpr std::size_t kMaxConfigBytes = 64 * 1024;

// What the witness remembers: the latest checkpoint it cosigned, as the log
// signed it, and the log key that signed it.
struct WitnessState {
  Checkpoint checkpoint;
  std::string note;
  VerifierKey log_key;
};

// Creates `dir` (and its parents) and makes it 0700 whatever the umask, an
// existing directory included: the state and the lock are the witness's
// alone, and only its owner may add files beside them.
Status make_private_directory(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return storage_error("cannot create " + dir.string() + ": " + error.message());
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, error);
  if (error) return storage_error("cannot make " + dir.string() + " private (mode 0700): " + error.message());
  return {};
}

std::unexpected<Error> refused(const std::string& why) { return conflict("witness refuses: " + why); }

Result<nlohmann::json> read_json_file(const std::filesystem::path& path, std::size_t max_bytes) {
  auto text = read_small_file(path, max_bytes);
  if (!text) {
    if (text.error().kind == ErrorKind::not_found)
      return storage_error(path.string() + " is missing: not a witness directory (create one with `witness init`)");
    return std::unexpected(text.error());
  }
  nlohmann::json document = nlohmann::json::parse(*text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return storage_error(path.string() + " is damaged");
  return document;
}

Result<WitnessConfig> config_from(const nlohmann::json& json, const std::filesystem::path& path) {
  auto text = [&](const char* key) -> std::string {
    auto found = json.find(key);
    return found != json.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  auto log_key = VerifierKey::parse(text("log_key"));
  auto cosigner = CosignerKey::parse(text("cosigner_key"));
  if (!log_key || !cosigner || cosigner->name() != text("name") || text("key_file").empty())
    return storage_error(path.string() + " is damaged (name, log_key, cosigner_key, key_file)");
  return WitnessConfig{text("name"), *log_key, std::filesystem::path(text("key_file")), *cosigner};
}

}  // namespace

struct Witness::Impl {
  std::filesystem::path dir;
  WitnessConfig config;
  SigningKey key;
  WitnessSettings settings;

  // The signed checkpoint in the state, verified again on every read: a
  // state that no longer verifies is damage, not a reason to start over.
  // It was opened from the configured log key, following the key
  // endorsements it carries; the key that signed it is the key the witness
  // trusts from then on, so a rotation it followed once it never unlearns.
  Result<std::optional<WitnessState>> read_state() {
    const std::filesystem::path path = dir / kStateFile;
    auto state = read_json_file(path, kMaxNoteBytes * 2);
    if (!state) return std::unexpected(state.error());
    auto note = state->find("checkpoint");
    if (note == state->end()) return storage_error(path.string() + " is damaged (no \"checkpoint\")");
    if (note->is_null()) return std::optional<WitnessState>{};
    if (!note->is_string()) return storage_error(path.string() + " is damaged (\"checkpoint\" is not a note)");
    auto opened = open_checkpoint(note->get<std::string>(), config.origin(), config.log_key);
    if (!opened)
      return storage_error(path.string() + " is damaged (its checkpoint does not verify: " + opened.error().message + ")");
    auto signer = VerifierKey::parse(opened->log_key);
    if (!signer) return storage_error(path.string() + " is damaged (its log key: " + signer.error().message + ")");
    return std::optional<WitnessState>{WitnessState{opened->checkpoint, note->get<std::string>(), *signer}};
  }

  Status write_state(std::string_view signed_checkpoint) {
    return replace_file_durably(dir / kStateFile, nlohmann::json{{"checkpoint", signed_checkpoint}}.dump(2) + "\n");
  }

  // Holds `next` to what the witness cosigned last. Returns whether the state
  // must move forward (false: the same tree again).
  Result<bool> check_against(const std::optional<WitnessState>& state, const Checkpoint& next,
                             const ProofSource& proof_source) {
    if (!state) return true;  // the first checkpoint seen: nothing to hold it to
    const Checkpoint& last = state->checkpoint;
    if (last.size == 0 && next.size > 0) return true;  // every tree extends the empty one
    if (next.size < last.size)
      return refused("the checkpoint has size " + std::to_string(next.size) + ", older than size " +
                     std::to_string(last.size) + " already cosigned (a replay, or a log rolled back)");
    if (next.size == last.size) {
      if (next.root != last.root)
        return refused("the tree of size " + std::to_string(next.size) + " was cosigned with root " +
                       to_hex(last.root) + ", this checkpoint says " + to_hex(next.root) + ": the log forked");
      return false;
    }
    auto proof = proof_source ? proof_source(last.size, next.size)
                              : Result<std::vector<Hash>>(not_found("no proof was given"));
    if (!proof) {
      if (proof.error().kind == ErrorKind::storage || proof.error().kind == ErrorKind::internal)
        return std::unexpected(proof.error());
      return refused("no consistency proof from size " + std::to_string(last.size) + " to " +
                     std::to_string(next.size) + " (" + proof.error().message + ")");
    }
    if (auto ok = verify_consistency(last.size, next.size, last.root, next.root, *proof); !ok)
      return refused("the tree of size " + std::to_string(next.size) + " is not shown to extend the tree of size " +
                     std::to_string(last.size) + " already cosigned: " + ok.error().message);
    return true;
  }

  // The note with this witness's cosignature in place of any earlier one.
  Result<std::string> add_cosignature(std::string_view signed_checkpoint, const Checkpoint& checkpoint) {
    auto note = parse_signed_note(signed_checkpoint);
    if (!note) return std::unexpected(note.error());
    const std::int64_t now = settings.clock();
    if (now < 0) return internal_error("the clock is before 1970");
    auto mine = cosign_checkpoint(checkpoint, key, config.name, static_cast<std::uint64_t>(now));
    if (!mine) return std::unexpected(mine.error());
    std::erase_if(note->signatures, [&](const NoteSignature& s) {
      return s.name == config.name && s.key_id == config.cosigner_key.key_id();
    });
    note->signatures.push_back(std::move(*mine));
    return format_signed_note(*note);
  }
};

Witness::Witness(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Witness::Witness(Witness&&) noexcept = default;
Witness& Witness::operator=(Witness&&) noexcept = default;
Witness::~Witness() = default;

const WitnessConfig& Witness::config() const { return impl_->config; }

Result<WitnessConfig> Witness::init(const std::filesystem::path& dir, const std::string& name,
                                    const std::filesystem::path& key_file, const VerifierKey& log_key) {
  if (!is_valid_key_name(name))
    return invalid_input("witness name " + quote_untrusted(name) +
                         " is not valid (no spaces, no '+', no control or hidden characters)");
  if (name == log_key.name())
    return invalid_input("witness name " + quote_untrusted(name) +
                         " is the log's origin: a witness's key may not be named like the log it watches");
  std::error_code error;
  for (const char* file : {kConfigFile, kStateFile})
    if (std::filesystem::exists(dir / file))
      return invalid_input("refusing to init a witness in " + dir.string() + ": it already holds " + file);
  if (auto made = make_private_directory(dir); !made) return std::unexpected(made.error());

  const std::filesystem::path key_path = std::filesystem::absolute(key_file);
  bool created_key = false;
  auto key = [&]() -> Result<SigningKey> {
    if (std::filesystem::exists(key_path)) return SigningKey::load(key_path);
    SigningKey fresh = SigningKey::generate();
    if (auto saved = fresh.save_new(key_path); !saved) return std::unexpected(saved.error());
    created_key = true;
    return fresh;
  }();
  if (!key) return std::unexpected(key.error());

  WitnessConfig config{name, log_key, key_path, CosignerKey::from_public_key(name, key->public_key())};
  const nlohmann::json document = {{"name", config.name},
                                   {"log_key", config.log_key.text()},
                                   {"key_file", config.key_file.string()},
                                   {"cosigner_key", config.cosigner_key.text()}};
  // The state first: a directory with a config always has a state.
  Status written = replace_file_durably(dir / kStateFile, nlohmann::json{{"checkpoint", nullptr}}.dump(2) + "\n");
  if (written) written = replace_file_durably(dir / kConfigFile, document.dump(2) + "\n");
  if (!written) {
    std::filesystem::remove(dir / kStateFile, error);
    if (created_key) std::filesystem::remove(key_path, error);
    return std::unexpected(written.error());
  }
  return config;
}

Result<Witness> Witness::open(const std::filesystem::path& dir, WitnessSettings settings) {
  const std::filesystem::path config_path = dir / kConfigFile;
  auto document = read_json_file(config_path, kMaxConfigBytes);
  if (!document) return std::unexpected(document.error());
  auto config = config_from(*document, config_path);
  if (!config) return std::unexpected(config.error());
  auto key = SigningKey::load(config->key_file);
  if (!key) return std::unexpected(key.error());
  if (key->public_key() != config->cosigner_key.public_key())
    return storage_error("the key in " + config->key_file.string() + " is not this witness's key (" +
                         config->cosigner_key.text() + ")");
  if (!settings.clock) settings.clock = now_seconds;
  return Witness(std::make_unique<Impl>(Impl{dir, std::move(*config), std::move(*key), std::move(settings)}));
}

Result<std::optional<Checkpoint>> Witness::latest() {
  auto state = impl_->read_state();
  if (!state) return std::unexpected(state.error());
  if (!*state) return std::optional<Checkpoint>{};
  return std::optional<Checkpoint>{(*state)->checkpoint};
}

Result<std::string> Witness::cosign(std::string_view signed_checkpoint, const ProofSource& proof,
                                    const StateCheck& check) {
  Impl& self = *impl_;
  // From reading the state to writing it, no other cosign may run: two
  // cosigns of diverging trees would otherwise both pass.
  auto lock = FileLock::acquire(self.dir / kLockFile);
  if (!lock) return std::unexpected(lock.error());
  auto state = self.read_state();
  if (!state) return std::unexpected(state.error());
  // The log key the witness trusts now: the one that signed what it last
  // cosigned. A checkpoint signed by a later key must carry that key's
  // endorsement chain from it (key_endorsement.h).
  const VerifierKey& trusted = *state ? (*state)->log_key : self.config.log_key;
  auto opened = open_checkpoint(signed_checkpoint, self.config.origin(), trusted);
  if (!opened)
    return invalid_input("not a checkpoint of " + quote_untrusted(self.config.origin()) + " signed by " +
                         trusted.text() + " or a key it endorses: " + opened.error().message);
  if (check)
    if (auto ok = check(*state ? std::optional<Checkpoint>((*state)->checkpoint) : std::nullopt, opened->checkpoint); !ok)
      return std::unexpected(ok.error());
  auto advance = self.check_against(*state, opened->checkpoint, proof);
  if (!advance) return std::unexpected(advance.error());
  // The state moves before any cosignature exists: a crash between the two
  // leaves a witness that remembers a tree it never vouched for (harmless),
  // never one that vouched for a tree it forgot (a fork it could then sign).
  if (*advance)
    if (auto ok = self.write_state(signed_checkpoint); !ok) return std::unexpected(ok.error());
  if (self.settings.after_state_saved)
    if (auto ok = self.settings.after_state_saved(); !ok) return std::unexpected(ok.error());
  return self.add_cosignature(signed_checkpoint, opened->checkpoint);
}

}  // namespace vinledger
