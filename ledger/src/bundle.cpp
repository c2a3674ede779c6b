// The bundle file: writing it, and reading its shape back (bundle.h).
#include "vinledger/bundle.h"

#include "vinledger/canonical_json.h"
#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {

std::unexpected<BundleFailure> malformed(std::string item, std::string reason) {
  return std::unexpected(BundleFailure{BundleFailure::Kind::malformed, std::move(item), std::move(reason)});
}

nlohmann::json items_json(const std::vector<BundleItem>& items) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& item : items) list.push_back({{"entry", item.entry}, {"tlog_proof", item.tlog_proof}});
  return list;
}

// Exactly these members, no others: an unknown member would be carried along
// unchecked, and a missing one means this is not a bundle.
std::expected<void, BundleFailure> expect_members(const nlohmann::json& object, std::initializer_list<const char*> names,
                                                  const std::string& item) {
  for (const char* name : names)
    if (!object.contains(name)) return malformed(item, std::string("has no \"") + name + "\" member");
  for (const auto& [name, value] : object.items()) {
    bool known = false;
    for (const char* expected : names) known = known || name == expected;
    if (!known) return malformed(item, "has an unknown member " + quote_untrusted(name));
  }
  return {};
}

std::expected<std::vector<BundleItem>, BundleFailure> items_from(nlohmann::json& list, const std::string& name) {
  if (!list.is_array()) return malformed(name, "is not an array");
  std::vector<BundleItem> items;
  items.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item = name + "[" + std::to_string(i) + "]";
    auto& object = list[i];
    if (!object.is_object()) return malformed(item, "is not an object");
    if (auto ok = expect_members(object, {"entry", "tlog_proof"}, item); !ok) return std::unexpected(ok.error());
    if (!object["entry"].is_object()) return malformed(item + ".entry", "is not an object");
    if (!object["tlog_proof"].is_string()) return malformed(item + ".tlog_proof", "is not a string");
    items.push_back(BundleItem{std::move(object["entry"]), std::move(object["tlog_proof"].get_ref<std::string&>())});
  }
  return items;
}

}  // namespace

nlohmann::json bundle_json(const Bundle& bundle) {
  nlohmann::json document = {{"format", bundle.version == 1 ? kBundleFormatV1 : kBundleFormat},
                             {"vin", bundle.vin},
                             {"log_key", bundle.log_key},
                             {"entries", items_json(bundle.entries)},
                             {"parties", items_json(bundle.parties)}};
  if (bundle.version != 1) {
    document["checkpoint"] = bundle.checkpoint;
    document["index_proof"] = bundle.index_proof;
  }
  return document;
}

std::string format_bundle(const Bundle& bundle) { return bundle_json(bundle).dump(2) + "\n"; }

std::expected<Bundle, BundleFailure> parse_bundle(std::string_view text) {
  if (text.size() > kMaxBundleBytes)
    return malformed("", "larger than " + std::to_string(kMaxBundleBytes) + " bytes: not a bundle");
  auto parsed = parse_strict_json(text);
  if (!parsed) return malformed("", parsed.error().message);
  nlohmann::json& document = *parsed;
  if (!document.is_object()) return malformed("", "not a JSON object: not a " + std::string(kBundleFormat) + " bundle");
  if (!document.contains("format") || !document["format"].is_string() ||
      (document["format"] != kBundleFormat && document["format"] != kBundleFormatV1))
    return malformed("format", "is not \"" + std::string(kBundleFormat) + "\" (or \"" + std::string(kBundleFormatV1) + "\")");
  Bundle bundle;
  bundle.version = document["format"] == kBundleFormatV1 ? 1 : 2;
  if (bundle.version == 1) {
    if (auto ok = expect_members(document, {"format", "vin", "log_key", "entries", "parties"}, "bundle"); !ok)
      return std::unexpected(ok.error());
  } else {
    if (auto ok = expect_members(
            document, {"format", "vin", "log_key", "checkpoint", "index_proof", "entries", "parties"}, "bundle");
        !ok)
      return std::unexpected(ok.error());
    if (!document["checkpoint"].is_string()) return malformed("checkpoint", "is not a string");
    if (!document["index_proof"].is_string()) return malformed("index_proof", "is not a string");
    bundle.checkpoint = document["checkpoint"].get<std::string>();
    bundle.index_proof = document["index_proof"].get<std::string>();
  }
  if (!document["vin"].is_string()) return malformed("vin", "is not a string");
  if (!document["log_key"].is_string()) return malformed("log_key", "is not a string");
  bundle.vin = document["vin"].get<std::string>();
  bundle.log_key = document["log_key"].get<std::string>();
  auto entries = items_from(document["entries"], "entries");
  if (!entries) return std::unexpected(entries.error());
  auto parties = items_from(document["parties"], "parties");
  if (!parties) return std::unexpected(parties.error());
  bundle.entries = std::move(*entries);
  bundle.parties = std::move(*parties);
  return bundle;
}

}  // namespace vinledger
