#include "party_registry.h"

#include "vinledger/entry.h"

namespace vinledger {
namespace {

std::unexpected<Error> damaged(std::int64_t seq, const std::string& why) {
  return storage_error("the ledger is damaged at party entry " + std::to_string(seq) + " (" + why +
                       "); run `vinledger audit`");
}

}  // namespace

PartyRegistry::PartyRegistry() : parties_(std::make_shared<std::map<std::string, PartyVersion, std::less<>>>()) {}

Status for_each_party_record(Store& store, PartyLogReading reading,
                             const std::function<Status(PartyRecord, std::int64_t seq)>& each) {
  auto cursor = store.scan_parties();
  if (!cursor) return std::unexpected(cursor.error());
  const bool strict = reading == PartyLogReading::kStrict;
  StoredEntry row;
  for (;;) {
    auto more = cursor->next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more) return {};
    auto entry = parse_entry_leaf(row.leaf);
    if (!entry) {
      if (strict) return damaged(row.seq, entry.error().message);
      continue;
    }
    auto statement = statement_from_json(std::move(entry->statement), StatementSource::kRecorded);
    if (!statement || statement->type != StatementType::kParty) {
      if (strict) return damaged(row.seq, "it does not hold a valid party statement");
      continue;
    }
    if (auto ok = each(party_record_from(*statement), row.seq); !ok) return ok;
  }
}

Result<PartyRegistry> PartyRegistry::load(Store& store, PartyLogReading reading) {
  PartyRegistry registry;
  auto loaded = for_each_party_record(store, reading, [&](PartyRecord record, std::int64_t seq) -> Status {
    registry.apply(std::move(record), seq);
    return {};
  });
  if (!loaded) return std::unexpected(loaded.error());
  return registry;
}

const PartyVersion* PartyRegistry::find(std::string_view id) const {
  auto it = parties_->find(id);
  return it == parties_->end() ? nullptr : &it->second;
}

void PartyRegistry::apply(PartyRecord record, std::int64_t seq) {
  // Copy on write: snapshots handed to workers must not change under them.
  if (parties_.use_count() > 1)
    parties_ = std::make_shared<std::map<std::string, PartyVersion, std::less<>>>(*parties_);
  if (seq == 0) operator_id_ = record.id;
  auto it = parties_->find(record.id);
  const std::int64_t first_seq = it == parties_->end() ? seq : it->second.first_seq;
  std::string id = record.id;
  parties_->insert_or_assign(std::move(id), PartyVersion{std::move(record), seq, first_seq});
}

Result<std::vector<PartyVersion>> operator_registrations(Store& store) {
  std::vector<PartyVersion> registrations;
  std::string operator_id;
  auto read = for_each_party_record(store, PartyLogReading::kLenient, [&](PartyRecord record, std::int64_t seq) {
    if (seq == 0) operator_id = record.id;
    const std::int64_t first_seq = registrations.empty() ? seq : registrations.front().seq;
    if (!operator_id.empty() && record.id == operator_id)
      registrations.push_back(PartyVersion{std::move(record), seq, first_seq});
    return Status{};
  });
  if (!read) return std::unexpected(read.error());
  return registrations;
}

Result<VerifiedCheckpoint> open_with_operator_keys(std::string_view note, const std::string& origin,
                                                   const std::vector<PartyVersion>& registrations) {
  // A damaged origin is reported by audit's settings check; no checkpoint opens under it.
  if (!is_c2sp_key_name(origin)) return invalid_input("the ledger's origin setting is missing or invalid");
  Error last{ErrorKind::invalid_input, "the ledger has no operator key"};
  // Newest first: nearly every checkpoint is signed with the key in force.
  for (auto it = registrations.rbegin(); it != registrations.rend(); ++it) {
    auto opened = open_checkpoint(note, origin, VerifierKey::from_public_key(origin, it->record.vkey.public_key()));
    if (opened) return opened;
    last = opened.error();
  }
  return std::unexpected(last);
}

}  // namespace vinledger
