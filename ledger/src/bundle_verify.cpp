// verify_bundle: everything a bundle claims, checked with nothing but the
// keys the verifier trusts (bundle.h). Each refusal names the item.
#include <map>
#include <optional>
#include <set>

#include "key_in_force.h"
#include "vinledger/bundle.h"
#include "vinledger/canonical_json.h"
#include "vinledger/entry.h"
#include "vinledger/key_endorsement.h"
#include "vinledger/merkle.h"
#include "vinledger/tlog_proof.h"
#include "vinledger/untrusted_text.h"
#include "vinledger/vin.h"
#include "vinledger/vin_index.h"
#include "vinledger/encoding.h"

namespace vinledger {
namespace {

using Refusal = std::unexpected<BundleFailure>;
template <class T>
using Checked = std::expected<T, BundleFailure>;

Refusal refused(std::string item, std::string reason) {
  return std::unexpected(BundleFailure{BundleFailure::Kind::integrity, std::move(item), std::move(reason)});
}

std::string hash_text(const std::optional<Hash>& hash) { return hash ? to_hex(*hash) : "null"; }

// "tlog-proof line 4: why" becomes item "<name> line 4", reason "why"
// (and "tlog-proof checkpoint (from line 6): why" likewise).
Refusal proof_refused(const std::string& name, const std::string& message) {
  constexpr std::string_view kTool = "tlog-proof ";
  const std::size_t colon = message.find(": ");
  if (message.rfind(kTool, 0) == 0 && colon != std::string::npos)
    return refused(name + " " + message.substr(kTool.size(), colon - kTool.size()), message.substr(colon + 2));
  return refused(name, message);
}

// The 1-based line of `proof` where its checkpoint starts: after the header,
// the index, the hashes and the blank line (a bundle's proofs have no extra).
std::size_t checkpoint_first_line(const TlogProof& proof) { return 3 + proof.inclusion_proof.size() + 1; }

// The first line (1-based) where two texts differ.
std::size_t first_differing_line(std::string_view a, std::string_view b) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < a.size() && i < b.size() && a[i] == b[i]; ++i)
    if (a[i] == '\n') ++line;
  return line;
}

// One item whose leaf hash and inclusion proof checked out.
struct ProvedEntry {
  EntryHeader header;
  Hash hash{};
  Statement statement;
};

class BundleVerifier {
 public:
  BundleVerifier(Bundle bundle, const BundleTrust& trust) : bundle_(std::move(bundle)), trust_(trust) {}

  Checked<VerifiedBundle> run() {
    if (auto valid = validate_vin(bundle_.vin); !valid) return refused("vin", valid.error().message);
    const bool v2 = bundle_.version != 1;
    if (bundle_.entries.empty() && !v2)
      return refused("entries", "empty: a bundle proves at least one entry of its VIN");
    if (bundle_.entries.empty() && !bundle_.parties.empty())
      return refused("parties", "an absence bundle (no entries) holds no party entries");
    if (!bundle_.entries.empty() && bundle_.parties.empty())
      return refused("parties", "empty: a bundle holds at least the operator's registration");
    if (v2) checkpoint_text_ = bundle_.checkpoint;
    if (auto ok = parse_proofs(); !ok) return std::unexpected(ok.error());
    if (auto ok = check_log_key_named(); !ok) return std::unexpected(ok.error());
    if (auto ok = open_the_checkpoint(); !ok) return std::unexpected(ok.error());
    if (auto ok = check_current(); !ok) return std::unexpected(ok.error());
    std::optional<IndexProof> index;
    if (v2) {
      auto proved = check_index_proof();
      if (!proved) return std::unexpected(proved.error());
      index = std::move(*proved);
    }
    if (auto ok = check_parties(); !ok) return std::unexpected(ok.error());
    if (auto ok = check_entries(); !ok) return std::unexpected(ok.error());
    if (index)
      if (auto ok = check_complete(*index); !ok) return std::unexpected(ok.error());
    result_.vin = bundle_.vin;
    result_.party_entries = bundle_.parties.size();
    result_.extent = EvidenceExtent{result_.events.empty() ? -1 : result_.events.back().seq,
                                    result_.checkpoint.checkpoint.size,
                                    result_.completeness != VerifiedBundle::Completeness::kUnknown};
    return std::move(result_);
  }

 private:
  static std::string name_of(bool party, std::size_t i) {
    return std::string(party ? "parties" : "entries") + "[" + std::to_string(i) + "]";
  }

  // Every proof parses, carries no extra data, and names the bundle's
  // checkpoint (v1: the one of entries[0]), byte for byte.
  Checked<void> parse_proofs() {
    for (bool party : {false, true}) {
      auto& items = party ? bundle_.parties : bundle_.entries;
      auto& proofs = party ? party_proofs_ : entry_proofs_;
      for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string name = name_of(party, i) + ".tlog_proof";
        auto proof = parse_tlog_proof(items[i].tlog_proof);
        if (!proof) return proof_refused(name, proof.error().message);
        if (!proof->extra.empty()) return refused(name + " line 2", "carries extra data; a bundle's proofs never do");
        if (!party && i == 0 && bundle_.version == 1) checkpoint_text_ = proof->checkpoint;
        if (proof->checkpoint != checkpoint_text_)
          return refused(name + " line " +
                             std::to_string(checkpoint_first_line(*proof) - 1 +
                                            first_differing_line(proof->checkpoint, checkpoint_text_)),
                         std::string("its checkpoint is not ") +
                             (bundle_.version == 1 ? "the one of entries[0].tlog_proof" : "the bundle's checkpoint") +
                             ": every proof in a bundle is against one checkpoint");
        proofs.push_back(std::move(*proof));
      }
    }
    return {};
  }

  // The bundle names the log key that signed its checkpoint: the trusted
  // key, or a later key of the same log that the trusted key endorses
  // through the checkpoint's key endorsements. Anything else is another
  // log's bundle, said before the checkpoint is looked at.
  Checked<void> check_log_key_named() {
    if (bundle_.log_key == trust_.log_key.text()) return {};
    bool endorsed = false;
    if (auto unverified = parse_unverified_checkpoint(checkpoint_text_))
      if (auto chain = read_key_endorsements(unverified->checkpoint.extensions, trust_.log_key.name()))
        if (auto signer = follow_key_endorsements(*chain, trust_.log_key))
          endorsed = signer->text() == bundle_.log_key && !chain->empty();
    if (!endorsed)
      return refused("log_key", "the bundle is from the log " + quote_untrusted(bundle_.log_key, kNoLimit) +
                                    ", not from the log whose key was given (" + trust_.log_key.text() +
                                    "), and its checkpoint carries no endorsement of that key by the key given");
    return {};
  }

  Checked<void> open_the_checkpoint() {
    auto opened = open_checkpoint(checkpoint_text_, trust_.log_key.name(), trust_.log_key, trust_.witnesses);
    if (!opened) return refused("checkpoint", opened.error().message);
    if (opened->log_key != bundle_.log_key)
      return refused("log_key", quote_untrusted(bundle_.log_key, kNoLimit) + " is not the key that signed the checkpoint (" +
                                    opened->log_key + ")");
    std::set<std::pair<std::string, std::uint32_t>> witnesses;
    std::string names;
    for (const auto& cosignature : opened->cosignatures)
      if (witnesses.insert({cosignature.name, cosignature.key_id}).second)
        names += (names.empty() ? "" : ", ") + cosignature.name;
    if (witnesses.size() < trust_.min_witnesses)
      return refused("checkpoint", "cosigned by " + std::to_string(witnesses.size()) + " of the trusted witnesses (" +
                                       (names.empty() ? std::string("none") : names) + "), fewer than the " +
                                       std::to_string(trust_.min_witnesses) + " required");
    result_.checkpoint = std::move(*opened);
    return {};
  }

  // A bundle speaks for the log up to its checkpoint only: one older than a
  // checkpoint the verifier already holds is stale, whatever it proves.
  Checked<void> check_current() {
    if (trust_.known_checkpoint.empty()) return {};
    auto known = open_checkpoint(trust_.known_checkpoint, trust_.log_key.name(), trust_.log_key);
    if (!known) return refused("known checkpoint", known.error().message);
    const Checkpoint& ours = result_.checkpoint.checkpoint;
    if (ours.size < known->checkpoint.size)
      return refused("checkpoint", "the bundle is proved against the checkpoint of size " + std::to_string(ours.size) +
                                       ", older than the checkpoint of size " +
                                       std::to_string(known->checkpoint.size) +
                                       " already held: entries recorded between them are not covered; ask for a "
                                       "fresh bundle");
    if (ours.size == known->checkpoint.size && ours.root != known->checkpoint.root)
      return refused("checkpoint", "the log signed two different trees of size " + std::to_string(ours.size) +
                                       " (this bundle's and the one already held): the log forked");
    return {};
  }

  // The index proof, checked against the checkpoint's index root for the
  // bundle's VIN (its key is derived here, never read from the bundle).
  Checked<IndexProof> check_index_proof() {
    const Checkpoint& checkpoint = result_.checkpoint.checkpoint;
    auto root = checkpoint_index_root(checkpoint);
    if (!root) return refused("checkpoint", root.error().message);
    if (!*root)
      return refused("checkpoint", "carries no VIN index line (" + std::string(kIndexLineTag) +
                                       "): a " + std::string(kBundleFormat) + " bundle's checkpoint must commit to the index");
    auto bytes = base64_decode(bundle_.index_proof);
    if (!bytes) return refused("index_proof", "not strict standard base64 (RFC 4648, padded)");
    auto proof = decode_index_proof(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
    if (!proof) return refused("index_proof", proof.error().message);
    if (auto ok = verify_index_proof(index_key(bundle_.vin), *proof, **root); !ok)
      return refused("index_proof", "does not prove the index entry of VIN " + bundle_.vin + ": " + ok.error().message);
    return std::move(*proof);
  }

  // The index's head of the VIN against the bundle's entries: the bundle
  // must end at the head the index proves, or prove the VIN absent.
  Checked<void> check_complete(const IndexProof& proof) {
    const std::uint64_t size = result_.checkpoint.checkpoint.size;
    const std::string at = " up to checkpoint size " + std::to_string(size);
    const std::size_t held = bundle_.entries.size();
    if (!proof.present()) {
      if (held != 0)
        return refused("index_proof", "the index proves VIN " + bundle_.vin + " has no entry" + at +
                                          ", but the bundle holds " + std::to_string(held));
      result_.completeness = VerifiedBundle::Completeness::kAbsent;
      return {};
    }
    const IndexValue& head = proof.value;
    const std::string last = "the last is seq " + std::to_string(head.last_seq) + " (entry hash " +
                             to_hex(head.last_hash) + ")";
    if (held == 0)
      return refused("entries", "the index proves " + std::to_string(head.count) + " entries for VIN " + bundle_.vin +
                                    at + ", the bundle holds none; " + last);
    if (held != head.count)
      return refused("entries", "the index proves " + std::to_string(head.count) + " entries for VIN " + bundle_.vin +
                                    at + ", the bundle holds " + std::to_string(held) + "; " + last);
    const VehicleEvent& final_event = result_.events.back();
    if (static_cast<std::uint64_t>(final_event.seq) != head.last_seq || last_hash_ != head.last_hash)
      return refused("entries[" + std::to_string(held - 1) + "]",
                     "seq " + std::to_string(final_event.seq) + " is not the VIN's last entry the index proves" + at +
                         "; " + last);
    result_.completeness = VerifiedBundle::Completeness::kComplete;
    return {};
  }

  // The item's leaf is its entry's JCS bytes, in canonical entry form; the
  // proof is for its seq and leads to the checkpoint's root.
  Checked<ProvedEntry> prove(bool party, std::size_t i) {
    const std::string name = name_of(party, i);
    const BundleItem& item = (party ? bundle_.parties : bundle_.entries)[i];
    const TlogProof& proof = (party ? party_proofs_ : entry_proofs_)[i];
    auto leaf = canonical_json(item.entry);
    if (!leaf) return refused(name + ".entry", leaf.error().message);
    auto parsed = parse_entry_leaf(*leaf);
    if (!parsed) return refused(name + ".entry", "not an entry: " + parsed.error().message);
    ProvedEntry proved{std::move(parsed->header), leaf_hash(*leaf), {}};
    if (proof.index != static_cast<std::uint64_t>(proved.header.seq))
      return refused(name + ".tlog_proof line 2", "index " + std::to_string(proof.index) + " is not the entry's seq " +
                                                       std::to_string(proved.header.seq));
    const Checkpoint& checkpoint = result_.checkpoint.checkpoint;
    if (auto ok = verify_inclusion(proved.hash, proof.index, checkpoint.size, proof.inclusion_proof, checkpoint.root);
        !ok) {
      const std::string lines = proof.inclusion_proof.empty()
                                    ? std::string()
                                    : " lines 3-" + std::to_string(2 + proof.inclusion_proof.size());
      return refused(name + ".tlog_proof" + lines,
                     "the entry (leaf hash " + to_hex(proved.hash) + ") is not leaf " + std::to_string(proof.index) +
                         " of the checkpoint's tree of size " + std::to_string(checkpoint.size) + ": " +
                         ok.error().message);
    }
    auto statement = statement_from_json(std::move(parsed->statement));
    if (!statement) return refused(name + ".entry.statement", statement.error().message);
    proved.statement = std::move(*statement);
    return proved;
  }

  // The key-in-force rules audit and append apply (key_in_force.h), with
  // the registration in force as the bundle's own party entries prove it.
  Checked<void> check_authentic(const std::string& name, const Statement& statement, const PartyVersion* in_force) {
    SignatureCheck signature;
    auto problem = check_key_in_force(statement, in_force, operator_id_, signature);
    if (!problem) return {};
    using Kind = KeyInForceProblem::Kind;
    const bool about_signature = problem->kind == Kind::kBadSignature || problem->kind == Kind::kWeakKey;
    std::string where;
    if (in_force != nullptr) {
      auto item = item_of_seq_.find(in_force->seq);
      where = " [registration in force: " + (item != item_of_seq_.end() ? item->second : name) + ", seq " +
              std::to_string(in_force->seq) + "]";
    }
    return refused(name + (about_signature ? ".entry.statement.sig" : ".entry.statement.actor"), problem->message + where);
  }

  Checked<void> check_order(bool party, std::size_t i, std::int64_t seq, std::int64_t previous) {
    if (i > 0 && seq <= previous)
      return refused(name_of(party, i) + ".entry.seq", std::to_string(seq) + " is not after " + name_of(party, i - 1) +
                                                           "'s seq " + std::to_string(previous) +
                                                           " (entries are in seq order, each once)");
    return {};
  }

  // The party entries: the operator's self-registration first, then each
  // party's registrations as a complete chain from its first, each signed by
  // the operator's key in force.
  Checked<void> check_parties() {
    std::map<std::string, std::pair<Hash, std::size_t>, std::less<>> heads;  // id -> last hash, item
    std::int64_t previous = -1;
    for (std::size_t i = 0; i < bundle_.parties.size(); ++i) {
      const std::string name = name_of(true, i);
      auto proved = prove(true, i);
      if (!proved) return std::unexpected(proved.error());
      const EntryHeader& header = proved->header;
      const Statement& statement = proved->statement;
      if (auto ok = check_order(true, i, header.seq, previous); !ok) return ok;
      previous = header.seq;
      if (statement.type != StatementType::kParty)
        return refused(name + ".entry.statement.type",
                       std::string(to_string(statement.type)) + " is not a party registration");
      const PartyRecord record = party_record_from(statement);
      // At seq 0 the operator registers itself: its own key is in force.
      std::optional<PartyVersion> self;
      if (i == 0) {
        if (header.seq != 0 || statement.actor != record.id)
          return refused(name, "is not the operator's self-registration at seq 0, which every bundle starts its "
                               "parties with");
        operator_id_ = record.id;
        self = PartyVersion{record, 0, 0};
      }
      auto head = heads.find(record.id);
      const std::optional<Hash> expected = head == heads.end() ? std::nullopt : std::optional<Hash>(head->second.first);
      if (header.vin_prev != expected)
        return refused(name + ".entry.vin_prev",
                       head == heads.end()
                           ? "is " + hash_text(header.vin_prev) + ", but the bundle holds no earlier registration of " +
                                 quote_party_id(record.id) + ": a party's registrations must be there from its first"
                           : "is " + hash_text(header.vin_prev) + ", not the hash of the previous registration of " +
                                 quote_party_id(record.id) + " (" + name_of(true, head->second.second) +
                                 "): a registration between them is missing from the bundle");
      const PartyVersion* in_force = self ? &*self : result_.parties.as_of(statement.actor, header.seq);
      if (auto ok = check_authentic(name, statement, in_force); !ok) return ok;
      heads[record.id] = {proved->hash, i};
      item_of_seq_[header.seq] = name;
      result_.parties.add(record, header.seq);
    }
    return {};
  }

  // The VIN's entries: its chain from its first entry, each statement signed
  // by its actor's key in force as the bundle's parties register it.
  Checked<void> check_entries() {
    std::optional<Hash> previous_hash;
    std::int64_t previous = -1;
    for (std::size_t i = 0; i < bundle_.entries.size(); ++i) {
      const std::string name = name_of(false, i);
      auto proved = prove(false, i);
      if (!proved) return std::unexpected(proved.error());
      const EntryHeader& header = proved->header;
      Statement& statement = proved->statement;
      if (auto ok = check_order(false, i, header.seq, previous); !ok) return ok;
      previous = header.seq;
      if (statement.type == StatementType::kParty)
        return refused(name + ".entry.statement.type", "a party registration is not an event of the VIN");
      if (statement.vin != bundle_.vin)
        return refused(name + ".entry.statement.vin", statement.vin + " is not the bundle's VIN " + bundle_.vin);
      if (header.vin_prev != previous_hash)
        return refused(name + ".entry.vin_prev",
                       i == 0 ? "is " + hash_text(header.vin_prev) +
                                    ", not null: the bundle does not start at the VIN's first entry"
                              : "is " + hash_text(header.vin_prev) + ", not the hash of " + name_of(false, i - 1) +
                                    ": an entry of the VIN between them is missing from the bundle");
      const PrevClaim& prev = statement.prev;
      if ((prev.kind == PrevClaim::Kind::kFirst && previous_hash) ||
          (prev.kind == PrevClaim::Kind::kHash && (!previous_hash || prev.hash != *previous_hash)))
        return refused(name + ".entry.statement.prev", "is not the VIN's head when it was recorded (" +
                                                           hash_text(previous_hash) + ")");
      if (auto ok = check_authentic(name, statement, result_.parties.as_of(statement.actor, header.seq)); !ok)
        return ok;
      previous_hash = proved->hash;
      last_hash_ = proved->hash;
      result_.events.push_back(VehicleEvent{header.seq, header.recorded, std::move(statement), proved->hash});
    }
    return {};
  }

  Bundle bundle_;
  const BundleTrust& trust_;
  std::vector<TlogProof> entry_proofs_, party_proofs_;
  std::string checkpoint_text_;
  Hash last_hash_{};  // the leaf hash of the VIN's last entry in the bundle
  std::string operator_id_;
  std::map<std::int64_t, std::string> item_of_seq_;  // party entry seq -> "parties[i]"
  VerifiedBundle result_;
};

}  // namespace

Verdict bundle_verdict(std::span<const Finding> findings, const EvidenceExtent& extent) {
  Verdict verdict = verdict_for(findings);
  if (extent.complete()) return verdict;
  verdict.words = "As far as the bundle shows, up to seq " + std::to_string(extent.through_seq) + " of the " +
                  std::to_string(extent.checkpoint_size) + " entries its checkpoint covers (entries of this VIN " +
                  "recorded after seq " + std::to_string(extent.through_seq) + " cannot be excluded): " + verdict.words;
  return verdict;
}

std::expected<VerifiedBundle, BundleFailure> verify_bundle(std::string_view text, const BundleTrust& trust) {
  auto bundle = parse_bundle(text);
  if (!bundle) return std::unexpected(bundle.error());
  return BundleVerifier(std::move(*bundle), trust).run();
}

}  // namespace vinledger
