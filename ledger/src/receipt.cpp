#include "vinledger/receipt.h"

#include "vinledger/canonical_json.h"
#include "vinledger/entry.h"
#include "vinledger/merkle.h"
#include "vinledger/tlog_proof.h"

namespace vinledger {

Result<VerifiedReceipt> verify_receipt(const nlohmann::json& entry, std::string_view tlog_proof,
                                       const VerifierKey& log_key) {
  auto proof = parse_tlog_proof(tlog_proof);
  if (!proof) return invalid_input("receipt: " + proof.error().message);
  if (!proof->extra.empty()) return invalid_input("receipt: an \"extra\" line is not part of a vinledger receipt");
  auto checkpoint = open_checkpoint(proof->checkpoint, log_key.name(), log_key);
  if (!checkpoint) return invalid_input("receipt's checkpoint: " + checkpoint.error().message);
  auto leaf = canonical_json(entry);
  if (!leaf) return invalid_input("entry: " + leaf.error().message);
  // One spelling per entry: what parses back is what the log hashed.
  auto parsed = parse_entry_leaf(*leaf);
  if (!parsed) return invalid_input("entry: " + parsed.error().message);
  if (static_cast<std::uint64_t>(parsed->header.seq) != proof->index)
    return invalid_input("the entry is seq " + std::to_string(parsed->header.seq) + " but the receipt proves index " +
                         std::to_string(proof->index));
  const Hash hash = leaf_hash(*leaf);
  if (auto ok = verify_inclusion(hash, proof->index, checkpoint->checkpoint.size, proof->inclusion_proof,
                                 checkpoint->checkpoint.root);
      !ok)
    return invalid_input("the entry is not proved in the checkpoint: " + ok.error().message);
  return VerifiedReceipt{parsed->header.seq, hash, checkpoint->checkpoint};
}

Result<VerifiedReceipt> verify_receipt_line(std::string_view line, const VerifierKey& log_key) {
  auto document = parse_strict_json(line);
  if (!document) return std::unexpected(document.error());
  if (!document->is_object()) return invalid_input("a receipt must be a JSON object");
  const auto& object = *document;
  auto entry = object.find("entry");
  auto receipt = object.find("receipt");
  if (entry == object.end() || !entry->is_object()) return invalid_input("the receipt has no \"entry\" object");
  if (receipt == object.end() || !receipt->is_string()) return invalid_input("the receipt has no \"receipt\" text");
  auto verified = verify_receipt(*entry, receipt->get_ref<const std::string&>(), log_key);
  if (!verified) return verified;
  if (auto hash = object.find("hash"); hash != object.end() && *hash != to_hex(verified->hash))
    return invalid_input("\"hash\" is not the entry's hash " + to_hex(verified->hash));
  if (auto seq = object.find("seq"); seq != object.end() && *seq != verified->seq)
    return invalid_input("\"seq\" is not the entry's seq " + std::to_string(verified->seq));
  return verified;
}

}  // namespace vinledger
