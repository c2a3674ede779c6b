// vinledger submit [--server URL] [--ca FILE] [--batch N] FILE|-
//
// A party's own office sends its signed statements to the operator's server
// and keeps the receipts. Safe to run again after a timeout or a failure:
// what was recorded is answered again with its original receipts.
#include <fstream>
#include <iostream>

#include "command.h"
#include "parse_options.h"
#include "server_client.h"
#include "vinledger/json_lines.h"
#include "vinledger/statement.h"

namespace vinledger::cli {
namespace {

// A request stays well under a server's default body limit (8 MiB).
constexpr std::size_t kMaxBatchBytes = 4 * 1024 * 1024;

struct Batch {
  std::string body;
  std::vector<std::int64_t> lines;  // the input line of each of its statements
};

}  // namespace

int run_submit(Context& context) {
  cxxopts::Options options("vinledger submit",
                           "Send signed statements (JSON Lines, e.g. from `sign`) to a server in batches, each "
                           "recorded all or nothing; print one receipt per statement (JSON Lines) on standard output.");
  options.positional_help("FILE|-");
  options.add_options()
      ("file", "signed statements, or - for standard input", cxxopts::value<std::string>())
      ("server", "the server's URL (default: $VINLEDGER_SERVER)", cxxopts::value<std::string>())
      ("ca", "trust only this CA certificate file (PEM) for an https:// server", cxxopts::value<std::string>())
      ("batch", "statements per request", cxxopts::value<std::size_t>()->default_value("1000"));
  options.parse_positional({"file"});
  auto parsed = parse_options(options, context);
  if (!parsed.result) return parsed.exit_code;
  const auto& args = *parsed.result;
  auto file = required(args, context, "file");
  if (!file) return kExitBadInput;
  const std::size_t batch_size = args["batch"].as<std::size_t>();
  if (batch_size == 0 || batch_size > 100000) return fail_usage(context, "--batch must be 1 to 100000");

  ServerArgs server_args{args.count("server") ? std::optional(args["server"].as<std::string>()) : std::nullopt,
                         args.count("ca") ? std::optional(args["ca"].as<std::string>()) : std::nullopt, std::nullopt};
  // submit always talks to a server, whatever --db says.
  Context remote = context;
  remote.db_given = false;
  auto client = server_for(server_args, remote);
  if (!client) return fail(client.error());
  if (!*client) return fail_usage(context, "--server URL is required (or set $VINLEDGER_SERVER)");

  InputArgument input;
  if (auto opened = input.open(*file); !opened) return fail(opened.error());
  const std::string& source = input.name();
  std::int64_t submitted = 0, recorded_now = 0;
  Batch batch;
  auto send = [&]() -> Status {
    if (batch.lines.empty()) return {};
    std::int64_t refused_line = 0;
    auto posted = post_statements(**client, batch.body, false, refused_line);
    if (!posted) {
      Error error = posted.error();
      if (refused_line > 0 && static_cast<std::size_t>(refused_line) <= batch.lines.size())
        error = with_context(error, source + ":" + std::to_string(batch.lines[refused_line - 1]));
      else error = with_context(error, source);
      return std::unexpected(error);
    }
    std::string out;
    for (auto receipt : posted->document["statements"]) {
      const auto line = receipt["line"].get<std::int64_t>();
      if (line >= 1 && static_cast<std::size_t>(line) <= batch.lines.size()) receipt["line"] = batch.lines[line - 1];
      out += receipt.dump() + "\n";
    }
    std::cout << out << std::flush;
    submitted += static_cast<std::int64_t>(batch.lines.size());
    if (posted->status == 201) recorded_now += static_cast<std::int64_t>(batch.lines.size());
    batch = Batch{};
    return {};
  };
  auto read = for_each_json_line(input.stream(), source, kMaxStatementBytes, [&](std::int64_t number, std::string_view text) -> Status {
    if (batch.lines.size() == batch_size || batch.body.size() + text.size() + 1 > kMaxBatchBytes)
      if (auto ok = send(); !ok) return ok;
    batch.body.append(text).push_back('\n');
    batch.lines.push_back(number);
    return {};
  });
  // A send error already names its line; the reader's own errors too.
  if (!read) {
    std::cerr << "vinledger: submitted " << submitted << " statement(s) before the failure (each batch is recorded whole "
              << "or not at all; running submit again is safe)\n";
    return fail(read.error());
  }
  if (auto ok = send(); !ok) {
    std::cerr << "vinledger: submitted " << submitted << " statement(s) before the failure (each batch is recorded whole "
              << "or not at all; running submit again is safe)\n";
    return fail(ok.error());
  }
  std::cerr << "vinledger: submitted " << submitted << " statement(s) to " << (*client)->url().text() << ": "
            << recorded_now << " recorded now, " << submitted - recorded_now << " recorded before\n";
  return kExitOk;
}

}  // namespace vinledger::cli
