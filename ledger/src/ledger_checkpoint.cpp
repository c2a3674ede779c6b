// Ledger's checkpoints: the signed tree heads it issues and records.
#include "index_update.h"
#include "ledger_impl.h"
#include "merkle_tree.h"
#include "vinledger/key_endorsement.h"
#include "vinledger/ledger.h"
#include "vinledger/timestamp.h"
#include "vinledger/vin_index.h"

namespace vinledger {

Result<IssuedCheckpoint> issued_from(const StoredCheckpoint& row) {
  auto parsed = parse_unverified_checkpoint(row.note);
  if (!parsed)
    return storage_error("checkpoint #" + std::to_string(row.id) + " in the ledger is damaged (" +
                         parsed.error().message + "); run `vinledger audit`");
  return IssuedCheckpoint{row.id, row.issued, std::move(parsed->checkpoint), row.note};
}

namespace {

Result<PublicKeyBytes> operator_public_key(const PartyRegistry& parties) {
  const PartyVersion* party = parties.find(parties.operator_id());
  if (!party) return storage_error("the ledger has no operator registration at seq 0; run `vinledger audit`");
  return party->record.vkey.public_key();
}

}  // namespace

// A rotation the ledger recorded without an endorsement (before they
// existed) breaks the chain: it then starts after that rotation, and
// holders of keys before it need the newer key.
Result<std::vector<std::string>> endorsement_lines(Store& store, const std::string& origin) {
  auto registrations = operator_registrations(store);
  if (!registrations) return std::unexpected(registrations.error());
  std::vector<std::string> lines;
  for (std::size_t i = 1; i < registrations->size(); ++i) {
    const PartyRecord& previous = (*registrations)[i - 1].record;
    const PartyRecord& record = (*registrations)[i].record;
    if (record.vkey.public_key() == previous.vkey.public_key()) continue;  // the same key, re-registered
    if (!record.endorsement) {
      lines.clear();
      continue;
    }
    lines.push_back(KeyEndorsement{VerifierKey::from_public_key(origin, previous.vkey.public_key()), record.vkey,
                                   *record.endorsement}
                        .line());
  }
  return lines;
}

Status check_operator_key(const PartyRegistry& parties, const SigningKey& operator_key, const std::string& origin) {
  auto in_force = operator_public_key(parties);
  if (!in_force) return std::unexpected(in_force.error());
  if (operator_key.public_key() != *in_force)
    return invalid_input("the key given is not the operator's key in force (" + operator_key.verifier(origin).text() +
                         "); checkpoints are signed by the operator");
  return {};
}

Result<IssuedCheckpoint> record_checkpoint(Store& store, const PartyRegistry& parties, const std::string& origin,
                                           const SigningKey& operator_key, std::uint64_t size, const Hash& root,
                                           std::int64_t now, const std::vector<std::string>* endorsements) {
  if (auto ok = check_operator_key(parties, operator_key, origin); !ok) return std::unexpected(ok.error());
  // The index as of this size, caught up first if the ledger predates it;
  // its root is the first extension line, the operator's key endorsements
  // come after it (docs/format.md). Every checkpoint the log issues (the
  // `checkpoint` command's and the group committer's) carries both.
  IndexUpdater index(store);
  if (auto ok = index.start(size); !ok) return std::unexpected(ok.error());
  auto index_root = index.finish(size);
  if (!index_root) return std::unexpected(index_root.error());
  std::vector<std::string> extensions{format_index_line(*index_root)};
  if (endorsements) {
    extensions.insert(extensions.end(), endorsements->begin(), endorsements->end());
  } else {
    auto lines = endorsement_lines(store, origin);
    if (!lines) return std::unexpected(lines.error());
    for (auto& line : *lines) extensions.push_back(std::move(line));
  }
  Checkpoint checkpoint{origin, size, root, std::move(extensions)};
  auto note = sign_checkpoint(checkpoint, operator_key, origin);
  if (!note) return std::unexpected(note.error());
  StoredCheckpoint row{0, static_cast<std::int64_t>(size), root, format_timestamp(now), *note};
  auto id = store.insert_checkpoint(row);
  if (!id) return std::unexpected(id.error());
  return IssuedCheckpoint{*id, row.issued, std::move(checkpoint), std::move(*note)};
}

Result<VerifierKey> Ledger::log_key() {
  auto registry = PartyRegistry::load(*impl_->store);
  if (!registry) return std::unexpected(registry.error());
  impl_->parties = std::move(*registry);
  auto key = operator_public_key(impl_->parties);
  if (!key) return std::unexpected(key.error());
  return VerifierKey::from_public_key(impl_->origin, *key);
}

Result<IssuedCheckpoint> Ledger::checkpoint(const SigningKey& operator_key) {
  if (auto refused = impl_->refuse_if_mirror(); !refused) return std::unexpected(refused.error());
  Store& store = *impl_->store;
  // The write lock keeps the log from growing between reading its size and
  // recording the checkpoint, and orders checkpoints by size.
  if (auto ok = store.begin_write(); !ok) return std::unexpected(ok.error());
  auto issued = [&]() -> Result<IssuedCheckpoint> {
    auto registry = PartyRegistry::load(store);
    if (!registry) return std::unexpected(registry.error());
    impl_->parties = std::move(*registry);
    if (auto ok = check_operator_key(impl_->parties, operator_key, impl_->origin); !ok)
      return std::unexpected(ok.error());
    auto size = store.size();
    if (!size) return std::unexpected(size.error());
    auto latest = store.latest_checkpoint();
    if (!latest) return std::unexpected(latest.error());
    if (*latest && (*latest)->size == *size) {
      auto issued = issued_from(**latest);
      if (!issued) return issued;
      // One from before the VIN index is issued again, with the index line.
      auto index_root = checkpoint_index_root(issued->checkpoint);
      if (!index_root || *index_root) return issued;
    }

    TiledMerkleTree tree(store, static_cast<std::uint64_t>(*size));
    auto root = tree.root();
    if (!root) return std::unexpected(root.error());
    auto recorded = record_checkpoint(store, impl_->parties, impl_->origin, operator_key,
                                      static_cast<std::uint64_t>(*size), *root, impl_->settings.clock());
    if (!recorded) return std::unexpected(recorded.error());
    if (auto ok = store.commit(); !ok) return std::unexpected(ok.error());
    return recorded;
  }();
  store.rollback();  // a no-op after the commit; ends the transaction otherwise
  return issued;
}

Result<std::vector<IssuedCheckpoint>> Ledger::checkpoints() {
  auto rows = impl_->store->checkpoints();
  if (!rows) return std::unexpected(rows.error());
  std::vector<IssuedCheckpoint> issued;
  for (const auto& row : *rows) {
    auto checkpoint = issued_from(row);
    if (!checkpoint) return std::unexpected(checkpoint.error());
    issued.push_back(std::move(*checkpoint));
  }
  return issued;
}

}  // namespace vinledger
