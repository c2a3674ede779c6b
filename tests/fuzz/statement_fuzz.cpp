// Statement parsing and field validation (the contract's form checks).
// Properties: an accepted statement's canonical bytes are accepted again and
// describe the same statement; its signed message is the prefix followed by
// the JCS bytes without `sig`; the chain read before full checking is the
// chain of the checked statement; a party statement yields a party record.
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"
#include "vinledger/canonical_json.h"
#include "vinledger/statement.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using vinledger::fuzz::require;
  auto statement = vinledger::parse_statement(vinledger::fuzz::as_text(data, size));
  if (!statement) return 0;

  auto again = vinledger::parse_statement(statement->canonical);
  require(again.has_value());
  require(again->canonical == statement->canonical);
  require(again->signed_message == statement->signed_message);
  require(again->type == statement->type && again->vin == statement->vin && again->actor == statement->actor);
  require(again->sig == statement->sig);

  auto unsigned_object = statement->object;
  unsigned_object.erase("sig");
  auto unsigned_bytes = vinledger::canonical_json(unsigned_object);
  require(unsigned_bytes.has_value());
  require(statement->signed_message == std::string(vinledger::kStatementSignaturePrefix) + *unsigned_bytes);

  auto chain = vinledger::chain_of(statement->object);
  require(chain.has_value() && *chain == statement->chain());

  if (statement->type == vinledger::StatementType::kParty) {
    auto party = vinledger::party_record_from(*statement);
    require(vinledger::is_party_id(party.id));
  }
  return 0;
}
