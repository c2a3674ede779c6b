// Ledger's store of witnesses' cosignatures: verified on the way in, merged
// into the checkpoints it hands out (prove, the service, --tiles-dir).
#include "ledger_impl.h"
#include "vinledger/checkpoint.h"
#include "vinledger/ledger.h"
#include "vinledger/timestamp.h"

namespace vinledger {
namespace {

// The issued checkpoint whose note has exactly this body, if any.
Result<std::optional<StoredCheckpoint>> issued_with_body(Store& store, const Checkpoint& checkpoint,
                                                         const std::string& body) {
  auto rows = store.checkpoints_after(static_cast<std::int64_t>(checkpoint.size) - 1);
  if (!rows) return std::unexpected(rows.error());
  for (auto& row : *rows) {
    if (row.size != static_cast<std::int64_t>(checkpoint.size)) continue;
    auto note = parse_signed_note(row.note);
    if (note && note->text == body) return std::optional<StoredCheckpoint>{std::move(row)};
  }
  return std::optional<StoredCheckpoint>{};
}

}  // namespace

Result<std::size_t> Ledger::add_cosignatures(std::string_view cosigned, std::span<const CosignerKey> witnesses) {
  if (auto refused = impl_->refuse_if_mirror(); !refused) return std::unexpected(refused.error());
  auto log_key = this->log_key();
  if (!log_key) return std::unexpected(log_key.error());
  std::vector<TrustedKey> trusted(witnesses.begin(), witnesses.end());
  // A bad signature by any of these keys rejects the whole copy.
  auto opened = open_checkpoint(cosigned, impl_->origin, *log_key, trusted);
  if (!opened) return invalid_input("not a checkpoint of this log cosigned by the given witnesses: " + opened.error().message);
  if (opened->cosignatures.empty()) return std::size_t{0};
  auto note = parse_signed_note(cosigned);
  if (!note) return std::unexpected(note.error());

  Store& store = *impl_->store;
  if (auto ok = store.begin_write(); !ok) return std::unexpected(ok.error());
  auto added = [&]() -> Result<std::size_t> {
    auto issued = issued_with_body(store, opened->checkpoint, opened->body);
    if (!issued) return std::unexpected(issued.error());
    if (!*issued) return invalid_input("the ledger did not issue this checkpoint (size " +
                                       std::to_string(opened->checkpoint.size) + ")");
    std::size_t count = 0;
    const std::string received = format_timestamp(impl_->settings.clock());
    for (const VerifiedSignature& verified : opened->cosignatures) {
      if (verified.signature_type != kCosignatureV1SignatureType) continue;
      const CosignerKey* witness = nullptr;
      for (const CosignerKey& key : witnesses)
        if (key.name() == verified.name && key.key_id() == verified.key_id) witness = &key;
      if (!witness) continue;
      for (const NoteSignature& signature : note->signatures) {
        if (signature.name != verified.name || signature.key_id != verified.key_id) continue;
        auto inserted = store.insert_cosignature({(*issued)->id, witness->text(), signature.line(), received});
        if (!inserted) return std::unexpected(inserted.error());
        if (*inserted) ++count;
        break;
      }
    }
    if (auto ok = store.commit(); !ok) return std::unexpected(ok.error());
    return count;
  }();
  store.rollback();  // a no-op after the commit
  return added;
}

Result<std::string> note_with_cosignatures(Store& store, std::int64_t checkpoint_id, const std::string& text) {
  auto rows = store.cosignatures(checkpoint_id);
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return text;
  auto note = parse_signed_note(text);
  if (!note) return storage_error("checkpoint #" + std::to_string(checkpoint_id) + " is damaged; run `vinledger audit`");
  for (const StoredCosignature& row : *rows) {
    auto line = parse_signed_note("-\n\n" + row.line);
    if (!line || line->signatures.size() != 1)
      return storage_error("a cosignature of checkpoint #" + std::to_string(checkpoint_id) +
                           " is damaged; run `vinledger audit`");
    const NoteSignature& signature = line->signatures.front();
    bool present = false;
    for (const NoteSignature& existing : note->signatures)
      present = present || (existing.name == signature.name && existing.key_id == signature.key_id);
    if (!present) note->signatures.push_back(signature);
  }
  return format_signed_note(*note);
}

Result<std::string> Ledger::cosigned_note(const IssuedCheckpoint& checkpoint) {
  return note_with_cosignatures(*impl_->store, checkpoint.id, checkpoint.note);
}

Result<std::optional<IssuedCheckpoint>> Ledger::latest_cosigned_checkpoint(std::size_t min_cosignatures) {
  auto row = impl_->store->latest_cosigned_checkpoint(0, static_cast<std::int64_t>(min_cosignatures));
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<IssuedCheckpoint>{};
  auto issued = issued_from(**row);
  if (!issued) return std::unexpected(issued.error());
  auto note = cosigned_note(*issued);
  if (!note) return std::unexpected(note.error());
  issued->note = std::move(*note);
  return std::optional<IssuedCheckpoint>{std::move(*issued)};
}

Result<std::optional<IssuedCheckpoint>> Ledger::published_checkpoint(std::size_t quorum) {
  if (quorum > 0) return latest_cosigned_checkpoint(quorum);
  auto latest = latest_checkpoint();
  if (!latest || !*latest) return latest;
  auto note = cosigned_note(**latest);
  if (!note) return std::unexpected(note.error());
  (*latest)->note = std::move(*note);
  return latest;
}

}  // namespace vinledger
