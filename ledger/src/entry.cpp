#include "vinledger/entry.h"

#include "vinledger/canonical_json.h"
#include "vinledger/timestamp.h"

namespace vinledger {
namespace {

using nlohmann::json;

void append_optional_hash(const std::optional<Hash>& hash, std::string& out) {
  if (!hash) {
    out += "null";
    return;
  }
  out += '"';
  out += to_hex(*hash);
  out += '"';
}

json optional_hash_json(const std::optional<Hash>& hash) { return hash ? json(to_hex(*hash)) : json(nullptr); }

Result<std::optional<Hash>> optional_hash_from(const json& value, const char* name) {
  if (value.is_null()) return std::optional<Hash>{};
  if (value.is_string())
    if (auto hash = hash_from_hex(value.get_ref<const std::string&>())) return std::optional<Hash>{*hash};
  return invalid_input(std::string("entry field \"") + name + "\" must be null or a lowercase hex hash");
}

}  // namespace

std::string entry_leaf_bytes(const EntryHeader& header, std::string_view canonical_statement) {
  std::string leaf;
  leaf.reserve(canonical_statement.size() + 220);
  leaf += "{\"prev_entry\":";
  append_optional_hash(header.prev_entry, leaf);
  leaf += ",\"recorded\":\"";
  leaf += header.recorded;  // RFC 3339: no character that JCS would escape
  leaf += "\",\"seq\":";
  leaf += std::to_string(header.seq);
  leaf += ",\"statement\":";
  leaf += canonical_statement;
  leaf += ",\"vin_prev\":";
  append_optional_hash(header.vin_prev, leaf);
  leaf += '}';
  return leaf;
}

json entry_json(const EntryHeader& header, const json& statement) {
  return json{{"prev_entry", optional_hash_json(header.prev_entry)},
              {"recorded", header.recorded},
              {"seq", header.seq},
              {"statement", statement},
              {"vin_prev", optional_hash_json(header.vin_prev)}};
}

Result<ParsedEntry> parse_entry_leaf(std::string_view leaf) {
  auto object = parse_strict_json(leaf);
  if (!object) return std::unexpected(object.error());
  if (!object->is_object() || object->size() != 5)
    return invalid_input("an entry must be an object with exactly prev_entry, recorded, seq, statement, vin_prev");
  for (const char* name : {"prev_entry", "recorded", "seq", "statement", "vin_prev"})
    if (!object->contains(name)) return invalid_input(std::string("entry lacks \"") + name + "\"");

  ParsedEntry parsed;
  const json& seq = (*object)["seq"];
  if (!seq.is_number_integer() || seq.get<std::int64_t>() < 0)
    return invalid_input("entry field \"seq\" must be a non-negative integer");
  parsed.header.seq = seq.get<std::int64_t>();
  const json& recorded = (*object)["recorded"];
  if (!recorded.is_string() || !parse_timestamp(recorded.get_ref<const std::string&>()))
    return invalid_input("entry field \"recorded\" must be an RFC 3339 UTC timestamp");
  parsed.header.recorded = recorded.get<std::string>();
  auto prev_entry = optional_hash_from((*object)["prev_entry"], "prev_entry");
  if (!prev_entry) return std::unexpected(prev_entry.error());
  parsed.header.prev_entry = *prev_entry;
  auto vin_prev = optional_hash_from((*object)["vin_prev"], "vin_prev");
  if (!vin_prev) return std::unexpected(vin_prev.error());
  parsed.header.vin_prev = *vin_prev;
  if (!(*object)["statement"].is_object()) return invalid_input("entry field \"statement\" must be an object");

  auto canonical = canonical_json(*object);
  if (!canonical) return std::unexpected(canonical.error());
  if (*canonical != leaf) return invalid_input("entry bytes are not in canonical (RFC 8785) form");
  parsed.statement = std::move((*object)["statement"]);
  return parsed;
}

}  // namespace vinledger
