// Ledger::record, record_all and what `sign` shares with them: building a
// statement for a party's key (actor, time in UTC, the parties it names),
// signing it with prev = the chain's head under the write lock, and
// corrections (a void and its replacement in one append).

#include <algorithm>

#include "ledger_impl.h"
#include "party_suggestions.h"
#include "vinledger/key_endorsement.h"
#include "vinledger/money.h"
#include "vinledger/timestamp.h"
#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {

using nlohmann::json;

// The default reason of a void made by `--corrects`.
constexpr const char* kCorrectionReason = "corrected: replaced by the statement recorded with this void";

Result<std::string> party_of_key_in(const PartyRegistry& registry, const SigningKey& key) {
  for (const auto& [id, party] : *registry.snapshot())
    if (party.record.vkey.public_key() == key.public_key()) {
      if (party.record.revoked)
        return invalid_input("the key is the key of party " + quote_party_id(id) + ", which was revoked at seq " +
                             std::to_string(party.seq));
      return id;
    }
  return invalid_input("the key is not the key in force of any registered party (its public key: " +
                       key.verifier("key").text().substr(4) + ")");
}

std::vector<std::string> registered_ids(const PartyRegistry& registry) {
  std::vector<std::string> ids;
  for (const auto& [id, party] : *registry.snapshot()) ids.push_back(id);
  return ids;
}

Status check_references(const PartyRegistry& registry, const json& statement) {
  return check_party_references_in(statement, registered_ids(registry));
}

// The statement as `key`'s party would sign it, against the registry as
// loaded.
Result<json> prepare_for(const PartyRegistry& registry, json statement, const SigningKey& key, bool unregistered,
                         std::int64_t now) {
  auto party = party_of_key_in(registry, key);
  if (!party) return std::unexpected(party.error());
  return prepare_statement_for(std::move(statement), *party, registered_ids(registry), unregistered, now);
}

}  // namespace

Status check_party_references_in(const nlohmann::json& statement, const std::vector<std::string>& registered) {
  if (!statement.is_object() || !statement.contains("type") || !statement["type"].is_string()) return {};
  auto type = statement_type_from(statement["type"].get_ref<const std::string&>());
  if (!type) return {};
  for (std::string_view field : party_reference_fields(*type)) {
    auto it = statement.find(std::string(field));
    if (it == statement.end() || !it->is_string()) continue;  // an inline consignee names no party id
    const auto& id = it->get_ref<const std::string&>();
    if (std::find(registered.begin(), registered.end(), id) != registered.end()) continue;
    std::string message = "field \"" + std::string(field) + "\" " + quote_party_id(id) + " is not a registered party id";
    const auto nearest = nearest_party_ids(id, registered);
    if (!nearest.empty()) {
      std::string list;
      for (std::size_t i = 0; i < nearest.size(); ++i)
        list += (i == 0 ? "" : i + 1 == nearest.size() ? " or " : ", ") + nearest[i];
      message += " (did you mean " + list + "?)";
    }
    return invalid_input(message + "; if it is meant, record it with --unregistered");
  }
  return {};
}

Result<json> prepare_statement_for(json statement, std::string_view party,
                                   const std::vector<std::string>& registered_ids, bool unregistered,
                                   std::int64_t now) {
  if (!statement.is_object()) return invalid_input("a statement must be a JSON object");
  if (auto actor = statement.find("actor"); actor == statement.end()) {
    statement["actor"] = std::string(party);
  } else if (!actor->is_string() || actor->get_ref<const std::string&>() != party) {
    return invalid_input("actor " + actor->dump() + " is not the key's party " + quote_party_id(party) +
                         ": a statement is signed by the party it names as actor");
  }
  if (auto time = statement.find("time"); time == statement.end()) {
    statement["time"] = format_timestamp(now);
  } else if (time->is_string()) {
    auto utc = utc_timestamp_text(time->get_ref<const std::string&>());
    if (!utc) return invalid_input("field \"time\" " + utc.error().message);
    *time = std::move(*utc);
  }
  if (auto value = statement.find("value"); value != statement.end() && value->is_object())
    if (auto currency = value->find("currency"); currency != value->end() && currency->is_string() &&
                                                 !currency_minor_unit(currency->get_ref<const std::string&>()))
      return invalid_input("field \"value\" currency " + currency->dump() + " is not an ISO 4217 currency code");
  if (!unregistered)
    if (auto ok = check_party_references_in(statement, registered_ids); !ok) return std::unexpected(ok.error());
  return statement;
}

Result<std::string> Ledger::party_of_key(const SigningKey& key) {
  auto registry = PartyRegistry::load(*impl_->store);
  if (!registry) return std::unexpected(registry.error());
  impl_->parties = std::move(*registry);
  return party_of_key_in(impl_->parties, key);
}

Status Ledger::check_party_references(const nlohmann::json& statement) {
  return check_references(impl_->parties, statement);
}

Result<nlohmann::json> Ledger::prepare_unsigned(nlohmann::json statement, const SigningKey& key, bool unregistered) {
  // The registry as loaded by open: `sign` prepares a file's lines against
  // one state of it (append checks the keys in force again anyway).
  return prepare_for(impl_->parties, std::move(statement), key, unregistered, impl_->settings.clock());
}

Result<AppendReport> Ledger::record(nlohmann::json unsigned_statement, const SigningKey& key,
                                    const RecordOptions& options) {
  std::vector<LabelledStatement> one;
  one.push_back(LabelledStatement{"", std::move(unsigned_statement)});
  return record_all(std::move(one), key, options);
}

Result<AppendReport> Ledger::record_all(std::vector<LabelledStatement> statements, const SigningKey& key,
                                        const RecordOptions& options) {
  if (options.corrects && statements.size() != 1)
    return invalid_input("a correction replaces one entry with one statement");
  auto body = [&](Appender& appender) -> Result<AppendReport> {
    // Signs `object` with prev = its chain's head (which the write lock
    // keeps the head until commit) and appends it.
    auto append_one = [&](json object) -> Status {
      auto chain = chain_of(object);
      if (!chain) return std::unexpected(chain.error());
      auto head = impl_->store->chain_head(*chain);
      if (!head) return std::unexpected(head.error());
      object["prev"] = *head ? json(to_hex((*head)->hash)) : json(nullptr);
      // Bound to this ledger (`log`), and an operator's new key endorsed.
      if (!object.contains("log")) object["log"] = impl_->origin;
      add_key_endorsement(object, key);
      auto statement = sign_statement(std::move(object), key);
      if (!statement) return std::unexpected(statement.error());
      auto added = impl_->append_signed(appender, std::move(*statement));
      if (!added) return std::unexpected(added.error());
      return {};
    };
    for (auto& item : statements) {
      auto located = [&](Error error) {
        return std::unexpected(item.label.empty() ? std::move(error) : with_context(std::move(error), item.label));
      };
      auto prepared = prepare_for(impl_->parties, std::move(item.statement), key, options.unregistered,
                                  impl_->settings.clock());
      if (!prepared) return located(prepared.error());
      if (options.corrects) {
        if (!prepared->contains("vin") || !(*prepared)["vin"].is_string())
          return invalid_input("a correction is a statement about a VIN (its --vin names the corrected entry's VIN)");
        json withdrawal = {{"type", "void"},
                           {"vin", (*prepared)["vin"]},
                           {"actor", (*prepared)["actor"]},
                           {"time", format_timestamp(impl_->settings.clock())},
                           {"target", to_hex(*options.corrects)},
                           {"reason", options.reason.empty() ? kCorrectionReason : options.reason}};
        if (auto ok = append_one(std::move(withdrawal)); !ok) return located(ok.error());
      }
      if (auto ok = append_one(std::move(*prepared)); !ok) return located(ok.error());
    }
    return appender.report();
  };
  return impl_->write(body, AppendOptions{options.skip_recorded}, options.check_only);
}

}  // namespace vinledger
