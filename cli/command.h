// What every command gets, and the helpers they share. Commands only parse
// their arguments, call the library and print: no ledger rule lives here.
#pragma once

#include <filesystem>
#include <fstream>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vinledger/finding.h"
#include "vinledger/ledger.h"
#include "vinledger/output_file.h"
#include "vinledger/result.h"
#include "vinledger/time_zone.h"

namespace vinledger::cli {

// Exit codes (docs/format.md, "Command output").
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitStorage = 3;

struct Context {
  std::filesystem::path db;  // --db, else $VINLEDGER_DB, else ./vinledger.db
  bool db_given = false;     // --db was on the command line (then $VINLEDGER_SERVER is not used)
  bool json = false;         // --json: one JSON document on stdout
  std::string tz;            // --tz: the IANA zone times are shown in for people (empty: UTC)
  std::string command;       // for messages and usage, e.g. "party add"
  std::vector<std::string> args;  // the command's own arguments (argv[0] = command)
};

// A usage or input problem found by the CLI itself: exit 2.
struct UsageError {
  std::string message;
};

// The command-line contract (docs/format.md): 2 for bad usage or input,
// including input the ledger refuses; 3 for storage or internal errors.
int exit_code_for(ErrorKind kind);

// Prints "vinledger: <message>" on stderr and returns the exit code for it.
int fail(const Error& error);
int fail_usage(const Context& context, const std::string& message);

// Prints a JSON document on stdout (the --json contract) with a newline.
void print_json(const nlohmann::json& document);

// Opens the ledger named by --db.
Result<Ledger> open_ledger(const Context& context);
// Opens it for a command that only reads: as open_ledger, except that a
// ledger in a directory this user cannot write (a copy handed to a reader)
// is opened read-only, without -wal or -shm files beside it
// (docs/format.md "Read-only copies").
Result<Ledger> open_ledger_to_read(const Context& context);

// The zone of --tz (UTC when not given); an unknown name is invalid_input.
Result<TimeZone> time_zone_of(const Context& context);

// The operator key file's default path: beside the database.
std::filesystem::path default_operator_key_path(const std::filesystem::path& db);

// --fail-on: the severity at or above which findings make the exit code 1.
std::optional<Severity> parse_fail_on(const std::string& text);

// Prints findings for people: one line each, worst first, messages escaped.
void print_findings(std::ostream& out, const std::vector<Finding>& findings);

// Prints rows under headers in aligned columns (for people, not parsers),
// every cell escaped with escape_untrusted (vinledger/untrusted_text.h).
void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows);

// Opens an input file given on the command line: a regular file or a pipe
// (anything else, such as a directory, is invalid_input; a missing one is
// not_found). Readers check the stream's bad() after reading: a read
// error is a storage error, never the end of the input.
[[nodiscard]] Status open_input_file(const std::filesystem::path& path, std::ifstream& stream);

// A FILE argument that may be "-" for standard input, as the commands that
// read lines take it (sign, submit, verify-receipt): a file is opened with
// open_input_file's checks; name() is what errors call it ("<stdin>" or the
// path). Not copyable: stream() may refer to the file it holds.
class InputArgument {
 public:
  InputArgument() = default;
  InputArgument(const InputArgument&) = delete;
  InputArgument& operator=(const InputArgument&) = delete;
  [[nodiscard]] Status open(const std::string& argument);
  std::istream& stream() { return *input_; }
  const std::string& name() const { return name_; }

 private:
  std::ifstream file_;
  std::istream* input_ = nullptr;
  std::string name_;
};

// Reads a whole text file given on the command line (a checkpoint, a proof,
// a bundle), refusing one larger than `max_bytes`; errors name the file.
Result<std::string> read_input_file(const std::filesystem::path& path, std::size_t max_bytes);


// Splits "a,b,c" into its parts (empty parts dropped).
std::vector<std::string> split_list(const std::string& text);

// argv-style view of context.args for cxxopts.
class Argv {
 public:
  explicit Argv(const std::vector<std::string>& args);
  int argc() const { return static_cast<int>(pointers_.size()); }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> storage_;
  std::vector<char*> pointers_;
};

int run_init(Context& context);
int run_keygen(Context& context);
int run_party(Context& context);
int run_append(Context& context);
int run_record(Context& context);
int run_sign(Context& context);
int run_history(Context& context);
int run_audit(Context& context);
int run_verify(Context& context);
int run_screen(Context& context);
int run_checkpoint(Context& context);
int run_prove(Context& context);
int run_verify_bundle(Context& context);
int run_consistency(Context& context);
int run_witness(Context& context);
int run_import(Context& context);
int run_mirror(Context& context);
int run_monitor(Context& context);
int run_serve(Context& context);
int run_submit(Context& context);
int run_verify_receipt(Context& context);

}  // namespace vinledger::cli
