// SANCTIONED_PARTY: a party in the vehicle's chain is on a denied-party
// list: a registered party acting in it or named by it (actor, giver,
// receiver, consignee; by the name registered before the event) or a name
// written into a statement (an inline consignee, a registered owner).
// Names are compared after normalization (name_matching.h), against every
// name and alias of every list entry; one finding per party and entry,
// with every event that involves the party as evidence.
#include <algorithm>

#include "event_fields.h"
#include "rules/describe.h"
#include "rules/rules.h"

namespace vinledger::rules {
namespace {

// Every registration of a party is screened, not only the one in force: a
// party that renamed itself away from a listed name is still that party.
// A name as it appears in the chain, and where. Described in words only
// when it matches: most names never do, and screening must stay cheap.
struct NamedParty {
  std::string_view id;    // a registered party's id; empty for a written name
  std::string_view what;  // for a written name: "the consignee", "the registered owner"
  std::string_view name;
  std::int64_t registration_seq = -1;
  std::vector<std::int64_t> seqs;  // the events that involve it
};

class NameCollector {
 public:
  explicit NameCollector(const VehicleContext& context) : context_(context) {}

  void registered(std::string_view id, std::int64_t seq) {
    for (const auto& version : context_.parties.versions(id)) add({id, {}, version.record.name, version.seq, {}}, seq);
  }

  void written(std::string_view name, std::string_view what, std::int64_t seq) {
    if (!name.empty()) add({{}, what, name, -1, {}}, seq);
  }

  std::vector<NamedParty>& names() { return names_; }

 private:
  void add(NamedParty named, std::int64_t seq) {
    auto same = [&](const NamedParty& other) {
      return other.id == named.id && other.what == named.what && other.name == named.name &&
             other.registration_seq == named.registration_seq;
    };
    auto it = std::find_if(names_.begin(), names_.end(), same);
    if (it == names_.end()) it = names_.insert(names_.end(), std::move(named));
    if (std::find(it->seqs.begin(), it->seqs.end(), seq) == it->seqs.end()) it->seqs.push_back(seq);
  }

  const VehicleContext& context_;
  std::vector<NamedParty> names_;
};

std::string describe_named(const VehicleContext& context, const NamedParty& named) {
  if (named.id.empty()) return std::string(named.what) + " \"" + std::string(named.name) + "\"";
  const PartyVersion* party = context.parties.as_of(named.id, named.registration_seq + 1);
  const PartyVersion* in_force = context.parties.as_of(named.id, named.seqs.front());
  std::string text = "the registered party " + party_label(context, named.id, named.registration_seq + 1) +
                     " (registration at seq " + std::to_string(named.registration_seq) + ", country " +
                     country_label(context, party->record.country) + ")";
  if (in_force && in_force->seq != named.registration_seq)
    text += (in_force->seq > named.registration_seq ? ", since renamed \"" : ", later registered as \"") +
            in_force->record.name + "\" (seq " + std::to_string(in_force->seq) + ")";
  return text;
}

void collect_names(const VehicleContext& context, NameCollector& names) {
  for (const auto& event : context.events) {
    const std::int64_t seq = event.seq;
    names.registered(event.statement.actor, seq);
    switch (type_of(event)) {
      case StatementType::kTransfer:
        names.registered(text_field(event, "from"), seq);
        names.registered(text_field(event, "to"), seq);
        break;
      case StatementType::kExport: {
        const auto& object = event.statement.object;
        auto consignee = object.find("consignee");
        if (consignee == object.end()) break;
        if (consignee->is_string()) names.registered(consignee->get_ref<const std::string&>(), seq);
        else if (consignee->is_object() && consignee->contains("name") && consignee->at("name").is_string())
          names.written(consignee->at("name").get_ref<const std::string&>(), "the consignee", seq);
        break;
      }
      case StatementType::kRegister: names.written(text_field(event, "owner"), "the registered owner", seq); break;
      default: break;
    }
  }
}

std::string entry_text(const DeniedPartyMatch& match) {
  const DeniedParty& entry = *match.entry;
  std::string text = entry.id + " \"" + entry.name + "\"";
  if (match.matched != entry.name) text += " (alias \"" + match.matched + "\")";
  if (!entry.country.empty()) text += ", " + entry.country;
  if (!entry.listed_on.empty()) text += ", listed " + entry.listed_on;
  text += ", on " + entry.list + " (source: " + entry.source + "; " +
          (entry.verified ? "entry verified" : "entry NOT verified, see the list") + ")";
  return text;
}

}  // namespace

void check_sanctioned_parties(const VehicleContext& context, Findings& out) {
  if (context.reference.denied_parties().empty()) return;
  NameCollector names(context);
  collect_names(context, names);
  for (const auto& named : names.names()) {
    auto matches = context.reference.screen_name(named.name);
    if (matches.empty()) continue;
    std::vector<std::int64_t> evidence = named.seqs;
    if (named.registration_seq >= 0) evidence.push_back(named.registration_seq);
    if (!named.id.empty())
      if (const PartyVersion* in_force = context.parties.as_of(named.id, named.seqs.front())) evidence.push_back(in_force->seq);
    for (const auto& match : matches)
      out.push_back(make_finding(context, code::kSanctionedParty, Severity::kCritical, named.seqs.front(),
                                 describe_named(context, named) + ", involved at " + seqs_text(named.seqs) +
                                     ", matches the denied-party entry " + entry_text(match) +
                                     " (both names read \"" + match.normalized + "\" once case, punctuation and "
                                     "company-form words are set aside" +
                                     (match.how.empty() ? std::string() : ", " + match.how) + ")",
                                 evidence));
  }
}

}  // namespace vinledger::rules
