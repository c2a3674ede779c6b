#include "party_registry.h"

#include "vinledger/entry.h"

namespace vinledger {
namespace {

std::unexpected<Error> damaged(std::int64_t seq, const std::string& why) {
  return storage_error("the ledger is damaged at party entry " + std::to_string(seq) + " (" + why +
                       "); run `vinledger audit`");
}

}  // namespace

PartyRegistry::PartyRegistry()
    : parties_(std::make_shared<std::map<std::string, RegisteredParty, std::less<>>>()) {}

Status for_each_party_record(Store& store, const std::function<Status(PartyRecord, std::int64_t seq)>& each) {
  auto cursor = store.scan_parties();
  if (!cursor) return std::unexpected(cursor.error());
  StoredEntry row;
  for (;;) {
    auto more = cursor->next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more) return {};
    auto entry = parse_entry_leaf(row.leaf);
    if (!entry) return damaged(row.seq, entry.error().message);
    auto statement = statement_from_json(std::move(entry->statement));
    if (!statement || statement->type != StatementType::kParty)
      return damaged(row.seq, "it does not hold a valid party statement");
    if (auto ok = each(party_record_from(*statement), row.seq); !ok) return ok;
  }
}

Result<PartyRegistry> PartyRegistry::load(Store& store) {
  PartyRegistry registry;
  auto loaded = for_each_party_record(store, [&](PartyRecord record, std::int64_t seq) -> Status {
    registry.apply(std::move(record), seq);
    return {};
  });
  if (!loaded) return std::unexpected(loaded.error());
  return registry;
}

const RegisteredParty* PartyRegistry::find(std::string_view id) const {
  auto it = parties_->find(id);
  return it == parties_->end() ? nullptr : &it->second;
}

void PartyRegistry::apply(PartyRecord record, std::int64_t seq) {
  // Copy on write: snapshots handed to workers must not change under them.
  if (parties_.use_count() > 1)
    parties_ = std::make_shared<std::map<std::string, RegisteredParty, std::less<>>>(*parties_);
  if (seq == 0) operator_id_ = record.id;
  std::string id = record.id;
  parties_->insert_or_assign(std::move(id), RegisteredParty{std::move(record), seq});
}

}  // namespace vinledger
