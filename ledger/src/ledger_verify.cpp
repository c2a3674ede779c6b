// Ledger::verify and Ledger::screen: read a vehicle's entries (or every
// vehicle's, one VIN at a time) and hand them to verify_vehicle.
#include <memory>
#include <optional>

#include "ledger_impl.h"
#include "party_registry.h"
#include "ordered_pipeline.h"
#include "vinledger/entry.h"
#include "vinledger/ledger.h"

namespace vinledger {
namespace {

// VINs handed to a worker at once: enough to amortize the hand-over,
// few enough that memory stays small.
constexpr std::size_t kVehiclesPerBatch = 64;

std::unexpected<Error> damaged(std::int64_t seq, const std::string& why) {
  return storage_error("the ledger is damaged at entry " + std::to_string(seq) + " (" + why +
                       "); run `vinledger audit`");
}

// The parts of a stored entry verification reads, cut out of its bytes.
// Entries are stored in RFC 8785 form (append writes it, audit re-checks
// it): members sorted, no whitespace, quotes inside strings escaped. So
// the statement is the text between "statement": and the final
// ,"vin_prev":, and its base64 signature (no quote can occur in it) can be
// cut out unread. Parsing the hashes and the signature would cost more
// than every rule together; the rules never read them.
struct EntryParts {
  std::string_view recorded;
  std::string statement;  // the statement's JSON text without "sig"
};

std::optional<EntryParts> cut_entry(std::string_view leaf) {
  constexpr std::string_view kRecorded = "\"recorded\":\"", kStatement = ",\"statement\":{",
                             kVinPrev = "},\"vin_prev\":", kSig = ",\"sig\":\"";
  const std::size_t recorded = leaf.find(kRecorded);
  const std::size_t statement = leaf.find(kStatement);
  const std::size_t vin_prev = leaf.rfind(kVinPrev);
  if (recorded == leaf.npos || statement == leaf.npos || vin_prev == leaf.npos || vin_prev < statement) return std::nullopt;
  const std::size_t recorded_begin = recorded + kRecorded.size();
  const std::size_t recorded_end = leaf.find('"', recorded_begin);
  if (recorded_end == leaf.npos || recorded_end > statement) return std::nullopt;
  EntryParts parts{leaf.substr(recorded_begin, recorded_end - recorded_begin), {}};
  std::string_view body = leaf.substr(statement + kStatement.size() - 1, vin_prev + 1 - (statement + kStatement.size() - 1));
  const std::size_t sig = body.find(kSig);
  if (sig == body.npos) {
    parts.statement = body;
  } else {
    const std::size_t sig_end = body.find('"', sig + kSig.size());
    if (sig_end == body.npos) return std::nullopt;
    parts.statement.reserve(body.size());
    parts.statement.append(body.substr(0, sig)).append(body.substr(sig_end + 1));
  }
  return parts;
}

// Reads a stored entry for verification: the statement's type, VIN, actor
// and time are checked; the rules read every other field defensively.
Result<VehicleEvent> event_from_row(const StoredEntry& row) {
  auto parts = cut_entry(row.leaf);
  if (!parts) return damaged(row.seq, "the stored bytes are not an entry in canonical form");
  VehicleEvent event;
  event.seq = row.seq;
  event.hash = row.hash;
  event.recorded = parts->recorded;
  Statement& statement = event.statement;
  statement.object = nlohmann::json::parse(parts->statement, nullptr, /*allow_exceptions=*/false);
  if (!statement.object.is_object()) return damaged(row.seq, "the stored statement is not a JSON object");
  const auto& object = statement.object;
  auto text = [&](const char* name) -> const std::string* {
    auto it = object.find(name);
    return it != object.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
  };
  const std::string *type = text("type"), *vin = text("vin"), *actor = text("actor"), *time = text("time");
  if (!type || !vin || !actor || !time) return damaged(row.seq, "the statement lacks its type, vin, actor or time");
  const std::optional<StatementType> parsed_type = statement_type_from(*type);
  if (!parsed_type.has_value() || parsed_type.value() == StatementType::kParty)
    return damaged(row.seq, "the statement is not a vehicle event");
  auto parsed_time = parse_timestamp(*time);
  if (!parsed_time) return damaged(row.seq, parsed_time.error().message);
  statement.type = parsed_type.value();
  statement.vin = *vin;
  statement.actor = *actor;
  statement.time = *parsed_time;
  return event;
}

// One VIN's rows, as read in the producer.
struct VehicleRows {
  std::string vin;
  std::vector<StoredEntry> rows;
};

Result<VehicleReport> verify_rows(VehicleRows& input, const PartyHistory& parties, const ReferenceData& reference,
                                  const VerifyOptions& options) {
  std::vector<VehicleEvent> events;
  events.reserve(input.rows.size());
  for (const auto& row : input.rows) {
    auto event = event_from_row(row);
    if (!event) return std::unexpected(event.error());
    events.push_back(std::move(*event));
  }
  VehicleReport report{input.vin, static_cast<std::int64_t>(events.size()), {}, {}};
  report.findings = verify_vehicle(input.vin, events, parties, reference, options);
  report.withdrawn = withdrawals(events, parties.operator_id());
  return report;
}

// Groups the cursor's rows (by chain, then seq) into one VehicleRows per VIN.
class VehicleReader {
 public:
  explicit VehicleReader(EntryCursor cursor) : cursor_(std::move(cursor)) {}

  Result<bool> next(VehicleRows& vehicle) {
    if (!pending_) {
      auto first = read();
      if (!first) return std::unexpected(first.error());
      if (!*first) return false;
    }
    vehicle.vin = pending_->chain;
    vehicle.rows.push_back(std::move(*pending_));
    pending_.reset();
    for (;;) {
      auto more = read();
      if (!more) return std::unexpected(more.error());
      if (!*more) return true;
      if (pending_->chain != vehicle.vin) return true;
      vehicle.rows.push_back(std::move(*pending_));
      pending_.reset();
    }
  }

 private:
  // Reads the next row into pending_; false at the end.
  Result<bool> read() {
    if (finished_) return false;  // a finished query must not be stepped again
    StoredEntry row;
    auto more = cursor_.next(row);
    if (more && !*more) finished_ = true;
    if (!more || !*more) return more;
    pending_ = std::move(row);
    return true;
  }

  EntryCursor cursor_;
  std::optional<StoredEntry> pending_;
  bool finished_ = false;
};

Result<PartyHistory> load_party_history(Store& store) {
  PartyHistory history;
  auto loaded = for_each_party_record(store, PartyLogReading::kStrict, [&](PartyRecord record, std::int64_t seq) -> Status {
    history.add(std::move(record), seq);
    return {};
  });
  if (!loaded) return std::unexpected(loaded.error());
  return history;
}

}  // namespace

Result<PartyHistory> Ledger::party_history() { return load_party_history(*impl_->store); }

Result<VehicleReport> Ledger::verify(std::string_view vin, const ReferenceData& reference,
                                     const VerifyOptions& options) {
  if (auto ok = impl_->store->begin_read(); !ok) return std::unexpected(ok.error());
  auto report = [&]() -> Result<VehicleReport> {
    auto parties = load_party_history(*impl_->store);
    if (!parties) return std::unexpected(parties.error());
    auto cursor = impl_->store->scan_chain(vin);
    if (!cursor) return std::unexpected(cursor.error());
    VehicleRows vehicle{std::string(vin), {}};
    StoredEntry row;
    for (;;) {
      auto more = cursor->next(row);
      if (!more) return std::unexpected(more.error());
      if (!*more) break;
      vehicle.rows.push_back(std::move(row));
    }
    if (vehicle.rows.empty()) return no_record_report(vin);
    return verify_rows(vehicle, *parties, reference, options);
  }();
  impl_->store->rollback();  // ends the read snapshot
  return report;
}

Result<ScreenSummary> Ledger::screen(const ReferenceData& reference, const VerifyOptions& options,
                                     const std::function<Status(const VehicleReport&)>& each_vehicle) {
  if (auto ok = impl_->store->begin_read(); !ok) return std::unexpected(ok.error());
  auto summary = [&]() -> Result<ScreenSummary> {
    auto parties = load_party_history(*impl_->store);
    if (!parties) return std::unexpected(parties.error());
    auto cursor = impl_->store->scan_vehicles();
    if (!cursor) return std::unexpected(cursor.error());
    VehicleReader reader(std::move(*cursor));
    ScreenSummary totals;
    // Shared, not borrowed: after an error, batches still in flight may
    // outlive this call (the pool joins them when the ledger closes).
    auto history = std::make_shared<const PartyHistory>(std::move(*parties));
    auto done = run_ordered_pipeline<VehicleRows>(
        impl_->workers(), kVehiclesPerBatch, [&](VehicleRows& vehicle) { return reader.next(vehicle); },
        [&] {
          return [history, &reference, options](VehicleRows& vehicle) {
            return verify_rows(vehicle, *history, reference, options);
          };
        },
        [&](Result<VehicleReport>& report) -> Status {
          if (!report) return std::unexpected(report.error());
          totals.add(*report);
          return each_vehicle(*report);
        });
    if (!done) return std::unexpected(done.error());
    return totals;
  }();
  impl_->store->rollback();
  return summary;
}

}  // namespace vinledger
