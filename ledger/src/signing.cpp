#include "vinledger/signing.h"

#include <set>

#include "vinledger/canonical_json.h"
#include "vinledger/json_lines.h"
#include "vinledger/key_endorsement.h"
#include "vinledger/timestamp.h"

namespace vinledger {

Result<Statement> sign_on_head(nlohmann::json unsigned_statement, const std::optional<Hash>& head,
                               const SigningKey& key, std::int64_t now) {
  if (!unsigned_statement.is_object()) return invalid_input("a statement must be a JSON object");
  unsigned_statement["prev"] = head ? nlohmann::json(to_hex(*head)) : nlohmann::json(nullptr);
  if (!unsigned_statement.contains("time")) unsigned_statement["time"] = format_timestamp(now);
  return sign_statement(std::move(unsigned_statement), key);
}

namespace {

// `linked` holds the chains that already got a prev from this input.
Result<std::string> sign_line(std::string_view text, const SigningKey& key, const HeadLookup& heads, std::int64_t now,
                              const PrepareStatement& prepare, std::set<std::string, std::less<>>& linked) {
  auto object = parse_strict_json(text);
  if (!object) return std::unexpected(object.error());
  if (!object->is_object()) return invalid_input("a statement must be a JSON object");
  if (prepare) {
    auto prepared = prepare(std::move(*object));
    if (!prepared) return std::unexpected(prepared.error());
    object = std::move(*prepared);
  }
  if (!object->contains("time")) (*object)["time"] = format_timestamp(now);
  if (heads && !object->contains("prev")) {
    auto chain = chain_of(*object);
    if (!chain) return std::unexpected(chain.error());
    if (linked.insert(*chain).second) {
      auto head = heads(*chain);
      if (!head) return std::unexpected(head.error());
      (*object)["prev"] = *head ? nlohmann::json(to_hex(**head)) : nlohmann::json(nullptr);
    }
  }
  add_key_endorsement(*object, key);
  auto statement = sign_statement(std::move(*object), key);
  if (!statement) return std::unexpected(statement.error());
  return std::move(statement->canonical);
}

}  // namespace

Result<std::string> sign_statement_lines(std::istream& in, std::string_view source_name, const SigningKey& key,
                                         const HeadLookup& heads, std::int64_t now, const PrepareStatement& prepare) {
  std::set<std::string, std::less<>> linked;
  std::string output;
  auto signed_all = for_each_json_line(in, source_name, kMaxStatementBytes,
                                       [&](std::int64_t, std::string_view text) -> Status {
                                         auto signed_line = sign_line(text, key, heads, now, prepare, linked);
                                         if (!signed_line) return std::unexpected(signed_line.error());
                                         output += *signed_line;
                                         output += '\n';
                                         return {};
                                       });
  if (!signed_all) return std::unexpected(signed_all.error());
  return output;
}

}  // namespace vinledger
