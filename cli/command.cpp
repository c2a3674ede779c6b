#include "command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include "vinledger/untrusted_text.h"
#include "vinledger/json.h"

namespace vinledger::cli {

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input:
    case ErrorKind::forbidden:
    case ErrorKind::conflict:
    case ErrorKind::not_found:
      return kExitBadInput;
    case ErrorKind::storage:
    case ErrorKind::internal:
      return kExitStorage;
  }
  return kExitStorage;
}

int fail(const Error& error) {
  std::string message = error.message;
  std::replace(message.begin(), message.end(), '\n', ' ');  // one line, always
  // Messages quote untrusted values escaped already; escaping the whole line
  // again is the last guard, and changes nothing in a safe message.
  std::cerr << "vinledger: " << escape_untrusted(message) << "\n";
  return exit_code_for(error.kind);
}

int fail_usage(const Context& context, const std::string& message) {
  std::cerr << "vinledger " << escape_untrusted(context.command) << ": " << escape_untrusted(message)
            << " (see `vinledger " << escape_untrusted(context.command) << " --help`)\n";
  return kExitBadInput;
}

void print_json(const nlohmann::json& document) { std::cout << json_text(document); }

Result<Ledger> open_ledger(const Context& context) { return Ledger::open(context.db); }

Result<Ledger> open_ledger_to_read(const Context& context) {
  const std::filesystem::path dir = context.db.has_parent_path() ? context.db.parent_path() : std::filesystem::path(".");
  LedgerSettings settings;
  settings.read_only = ::access(dir.c_str(), W_OK) != 0;
  return Ledger::open(context.db, std::move(settings));
}

Result<TimeZone> time_zone_of(const Context& context) {
  if (context.tz.empty()) return TimeZone();
  auto zone = TimeZone::locate(context.tz);
  if (!zone) return std::unexpected(with_context(zone.error(), "--tz"));
  return zone;
}

std::filesystem::path default_operator_key_path(const std::filesystem::path& db) {
  std::filesystem::path key = db;
  key.replace_extension(".operator.key");
  return key;
}

std::optional<Severity> parse_fail_on(const std::string& text) { return severity_from(text); }

void print_findings(std::ostream& out, const std::vector<Finding>& findings) {
  std::vector<const Finding*> sorted;
  for (const auto& finding : findings) sorted.push_back(&finding);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
  for (const Finding* finding : sorted) {
    std::string severity(to_string(finding->severity));
    std::transform(severity.begin(), severity.end(), severity.begin(), ::toupper);
    // A finding's message may quote stored text: escaped, like every cell.
    out << severity << " " << finding->code;
    if (finding->seq) out << " seq " << *finding->seq;
    if (finding->vin) out << " VIN " << escape_untrusted(*finding->vin);
    out << ": " << escape_untrusted(finding->message) << "\n";
  }
}

void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& raw_rows) {
  // Cells hold stored text (names, documents, keys): escaped before anything
  // is measured or printed, so no cell can break a line or reorder a row.
  std::vector<std::vector<std::string>> rows;
  for (const auto& raw : raw_rows) {
    std::vector<std::string>& row = rows.emplace_back();
    for (const auto& cell : raw) row.push_back(escape_untrusted(cell));
  }
  std::vector<std::size_t> widths(headers.size());
  for (std::size_t i = 0; i < headers.size(); ++i) widths[i] = headers[i].size();
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  };
  print_row(headers);
  for (const auto& row : rows) print_row(row);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return parts;
}

Status open_input_file(const std::filesystem::path& path, std::ifstream& stream) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return not_found("cannot read " + path.string() + ": it does not exist");
    return invalid_input("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  // A directory opens, and then every read fails: refuse it by name.
  if (!S_ISREG(info.st_mode) && !S_ISFIFO(info.st_mode))
    return invalid_input("cannot read " + path.string() + ": not a regular file or a pipe");
  stream.open(path, std::ios::binary);
  if (!stream) return invalid_input("cannot read " + path.string() + ": " + std::strerror(errno));
  return {};
}

Status InputArgument::open(const std::string& argument) {
  if (argument == "-") {
    input_ = &std::cin;
    name_ = "<stdin>";
    return {};
  }
  if (auto opened = open_input_file(argument, file_); !opened) return opened;
  input_ = &file_;
  name_ = argument;
  return {};
}

Result<std::string> read_input_file(const std::filesystem::path& path, std::size_t max_bytes) {
  std::ifstream stream;
  if (auto opened = open_input_file(path, stream); !opened) return std::unexpected(opened.error());
  std::string text;
  char buffer[64 * 1024];
  while (stream.read(buffer, sizeof buffer) || stream.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(stream.gcount()));
    if (text.size() > max_bytes)
      return invalid_input(path.string() + " is larger than " + std::to_string(max_bytes) + " bytes: not a file this command reads");
  }
  if (stream.bad()) return storage_error("cannot read " + path.string() + ": read error");
  return text;
}

Argv::Argv(const std::vector<std::string>& args) : storage_(args) {
  for (auto& arg : storage_) pointers_.push_back(arg.data());
}

}  // namespace vinledger::cli
