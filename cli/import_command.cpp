// vinledger import --csv FILE --mapping FILE.json --key KEY [--check] [--unregistered] [--skip-recorded]
//
// Turns a spreadsheet export into statements (the mapping says which column
// is which field: vinledger/csv_import.h), signs each with the key and
// appends them all in one transaction, or none.
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "vinledger/csv_import.h"
#include "vinledger/keys.h"

namespace vinledger::cli {
namespace {

// A spreadsheet export larger than this is not one day's records.
constexpr std::size_t kMaxCsvBytes = 64 * 1024 * 1024;
constexpr std::size_t kMaxMappingBytes = 64 * 1024;

}  // namespace

int run_import(Context& context) {
  cxxopts::Options options("vinledger import",
                           "Record the rows of a CSV export as signed statements, all or nothing "
                           "(docs/guide.md, \"From a spreadsheet\").");
  options.add_options()
      ("csv", "the CSV file (RFC 4180, a header row naming the columns)", cxxopts::value<std::string>())
      ("mapping", "the mapping file (JSON: which column is which statement field)", cxxopts::value<std::string>())
      ("key", "the signing party's private key file", cxxopts::value<std::string>())
      ("check", "check every row against the ledger, write nothing")
      ("unregistered", "allow from/to/consignee ids that are not registered parties")
      ("skip-recorded", "skip rows the ledger already holds (a retried import)");
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  auto csv_file = required(*parsed.result, context, "csv");
  auto mapping_file = csv_file ? required(*parsed.result, context, "mapping") : std::nullopt;
  auto key_file = mapping_file ? required(*parsed.result, context, "key") : std::nullopt;
  if (!key_file) return kExitBadInput;

  auto mapping_text = read_input_file(*mapping_file, kMaxMappingBytes);
  if (!mapping_text) return fail(mapping_text.error());
  auto mapping = CsvMapping::parse(*mapping_text);
  if (!mapping) return fail(with_context(mapping.error(), *mapping_file));
  auto csv_text = read_input_file(*csv_file, kMaxCsvBytes);
  if (!csv_text) return fail(csv_text.error());
  auto rows = statements_from_csv(*csv_text, *csv_file, *mapping);
  if (!rows) return fail(rows.error());
  auto key = SigningKey::load(*key_file);
  if (!key) return fail(key.error());
  auto ledger = open_ledger(context);
  if (!ledger) return fail(ledger.error());

  std::vector<LabelledStatement> statements;
  statements.reserve(rows->size());
  for (auto& row : *rows)
    statements.push_back(LabelledStatement{*csv_file + ": row " + std::to_string(row.row), std::move(row.statement)});
  RecordOptions record;
  record.unregistered = parsed.result->count("unregistered") > 0;
  record.check_only = parsed.result->count("check") > 0;
  record.skip_recorded = parsed.result->count("skip-recorded") > 0;
  const std::size_t total = statements.size();
  auto report = ledger->record_all(std::move(statements), *key, record);
  if (!report) return fail(report.error());
  if (context.json) {
    print_json({{"rows", total}, {"appended", record.check_only ? 0 : report->count},
                {"first_seq", report->first_seq}, {"skipped", report->skipped}, {"checked_only", record.check_only}});
  } else if (record.check_only) {
    std::cerr << "checked " << total << " row" << (total == 1 ? "" : "s") << ": all would be recorded";
    if (report->skipped) std::cerr << " (" << report->skipped << " already recorded, skipped)";
    std::cerr << "; nothing written\n";
  } else {
    std::cerr << "imported " << report->count << " row" << (report->count == 1 ? "" : "s");
    if (report->count > 0)
      std::cerr << " (seq " << report->first_seq << ".." << report->first_seq + report->count - 1 << ")";
    if (report->skipped) std::cerr << "; skipped " << report->skipped << " already recorded";
    std::cerr << "\n";
  }
  return kExitOk;
}

}  // namespace vinledger::cli
