// The CLI's files: input files that are not files or fail partway, output
// files that must not replace what is there, files that are not ledgers,
// `checkpoint` without the operator key, statement and origin limits, and
// `init` interrupted at any moment.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include "cli_ledger.h"

using namespace vinledger::testing;

namespace {

std::string manufacture(const std::string& vin) {
  return R"({"type":"manufacture","vin":")" + vin +
         R"(","time":"2023-04-03T02:00:00Z","actor":"toyota","country":"JP","make":"Lexus","model":"LX 600","year":2023})";
}

struct Fixture {
  TempDir dir;
  CliLedger ledger{dir};
  Fixture() { ledger.add_party("toyota", "JP", "manufacturer", {"--wmi", "JTJ"}); }
};

// The verifier key `keygen` prints on its first line.
std::string vkey_from(const RunResult& keygen) {
  REQUIRE(keygen.exit_code == 0);
  return keygen.out.substr(0, keygen.out.find('\n'));
}

// Every file in `dir`, by name, with its content.
std::map<std::string, std::string> snapshot(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& item : std::filesystem::directory_iterator(dir))
    if (item.is_regular_file()) files[item.path().filename()] = read_file(item.path());
  return files;
}

}  // namespace

TEST_CASE_METHOD(Fixture, "append, sign, submit and verify-receipt refuse a directory and write nothing", "[e2e][io]") {
  const std::string before = ledger.content_digest();
  std::filesystem::create_directories(dir / "batch");
  const std::string batch = (dir / "batch").string();
  const std::string log_key =
      vkey_from(run_vinledger({"keygen", "--name", "log", "--out", (dir / "log.key").string()}));
  for (const std::string command : {"append", "sign", "submit", "verify-receipt"}) {
    std::vector<std::string> args = {command, batch};
    if (command == "sign") args = {"sign", "--key", ledger.key_of("toyota").string(), batch};
    // Nothing listens there: the file is refused before any connection.
    if (command == "submit") args = {"submit", "--server", "http://127.0.0.1:9", batch};
    if (command == "verify-receipt") args = {"verify-receipt", "--log-key", log_key, batch};
    auto refused = ledger.run(args);
    INFO(command << ": " << refused.err);
    CHECK(refused.exit_code == 2);
    CHECK(refused.out.empty());
    CHECK(refused.err.find("not a regular file or a pipe") != std::string::npos);
  }
  CHECK(ledger.content_digest() == before);
}

TEST_CASE_METHOD(Fixture, "append - with empty standard input is an empty batch", "[e2e][io]") {
  auto empty = ledger.run({"append", "-"}, "");
  INFO(empty.err);
  CHECK(empty.exit_code == 0);
  CHECK(empty.err.find("appended 0 statements") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "history party/ID shows a party's registrations", "[e2e][io]") {
  auto shown = ledger.run({"history", "party/toyota"});
  INFO(shown.err);
  REQUIRE(shown.exit_code == 0);
  CHECK(shown.out.find("party/toyota") != std::string::npos);
  CHECK(shown.out.find("registers toyota") != std::string::npos);
  auto json = ledger.run({"--json", "history", "party/toyota"});
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.find(R"("party":"toyota")") != std::string::npos);
  auto bad = ledger.run({"history", "party/no such"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE_METHOD(Fixture, "an output file (--out) never replaces an existing file unless --force, and never a key or a ledger", "[e2e][io]") {
  ledger.append_signed(manufacture("JTJHY7AX0N4000321"));
  const auto out = dir / "bundle.json";
  write_file(out, "old");
  auto refused = ledger.run({"prove", "JTJHY7AX0N4000321", "--out", out.string()});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("--force") != std::string::npos);
  CHECK(read_file(out) == "old");
  auto forced = ledger.run({"prove", "JTJHY7AX0N4000321", "--out", out.string(), "--force"});
  INFO(forced.err);
  CHECK(forced.exit_code == 0);
  CHECK(read_file(out).find("vinledger-bundle") != std::string::npos);

  const auto files = snapshot(dir.path());
  for (const auto& precious : {ledger.operator_key(), ledger.key_of("toyota"), ledger.db()}) {
    for (const std::string command : {"prove", "checkpoint"}) {
      std::vector<std::string> args = {command, "--out", precious.string(), "--force"};
      if (command == "prove") args.insert(args.begin() + 1, "JTJHY7AX0N4000321");
      auto never = ledger.run(args);
      INFO(command << " " << precious << ": " << never.err);
      CHECK(never.exit_code == 2);
      CHECK(never.err.find("never replaces") != std::string::npos);
    }
  }
  CHECK(snapshot(dir.path()).size() == files.size());
  CHECK(read_file(ledger.operator_key()) == files.at("ledger.operator.key"));
}

TEST_CASE("no command changes a byte of a file that is not a ledger", "[e2e][io]") {
  TempDir dir;
  const auto foreign = dir / "other.sqlite";
  {
    SQLite::Database db(foreign.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x')");
  }
  const auto empty = dir / "empty.db";
  write_file(empty, "");
  const auto text = dir / "notes.txt";
  write_file(text, "not a database\n");
  write_file(dir / "batch.jsonl", "");
  const std::vector<std::vector<std::string>> commands = {
      {"history", "JTJHY7AX0N4000321"}, {"verify", "JTJHY7AX0N4000321"}, {"audit"},
      {"party", "list"},                {"append", (dir / "batch.jsonl").string()},
      {"checkpoint", "--list"},         {"screen"}};
  for (const auto& path : {foreign, empty, text}) {
    const auto before = snapshot(dir.path());
    for (const auto& command : commands) {
      std::vector<std::string> args = {"--db", path.string()};
      args.insert(args.end(), command.begin(), command.end());
      auto refused = run_vinledger(args);
      INFO(path << " " << command[0] << ": " << refused.err);
      CHECK(refused.exit_code == 2);
      CHECK(refused.err.find("is not a vinledger ledger") != std::string::npos);
    }
    CHECK(snapshot(dir.path()) == before);
  }
}

TEST_CASE("checkpoint without the operator key prints the stored checkpoint that covers the log", "[e2e][io]") {
  TempDir dir;
  CliLedger ledger{dir};
  auto issued = ledger.run({"checkpoint"});
  REQUIRE(issued.exit_code == 0);
  const auto key = dir / "kept.key";
  std::filesystem::rename(ledger.operator_key(), key);

  auto stored = ledger.run({"checkpoint"});
  INFO(stored.err);
  CHECK(stored.exit_code == 0);
  CHECK(stored.out == issued.out);
  auto written = ledger.run({"checkpoint", "--out", (dir / "a.cp").string()});
  CHECK(written.exit_code == 0);
  CHECK(read_file(dir / "a.cp") == issued.out);

  // One more entry: the stored checkpoint no longer covers the log.
  auto added = ledger.run({"party", "add", "dealer", "--name", "D", "--country", "JP", "--roles", "dealer", "--vkey",
                           vkey_from(run_vinledger({"keygen", "--name", "dealer", "--out", (dir / "d.key").string()})),
                           "--operator-key", key.string()});
  REQUIRE(added.exit_code == 0);
  auto stale = ledger.run({"checkpoint", "--out", (dir / "b.cp").string()});
  CHECK(stale.exit_code == 2);
  CHECK(stale.err.find("covers 1 of 2 entries") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "b.cp"));
}

TEST_CASE_METHOD(Fixture, "every command that signs statements keeps them within 16 KiB", "[e2e][io]") {
  const std::string before = ledger.content_digest();
  // Each field within its own limit, the whole over 16 KiB.
  const std::string letters = "ABCDEFGHJKLMNPRSTUVWXYZ";
  std::string wmis;
  for (int n = 0; n < 5000; ++n)
    wmis += std::string(n ? "," : "") + letters[n / 529 % 23] + letters[n / 23 % 23] + letters[n % 23];
  auto party = ledger.run({"party", "add", "big", "--name", "Big", "--country", "JP", "--roles", "manufacturer",
                           "--wmi", wmis, "--vkey",
                           vkey_from(run_vinledger({"keygen", "--name", "big", "--out", (dir / "big.key").string()}))});
  CHECK(party.exit_code == 2);
  CHECK(party.err.find("16384-byte limit") != std::string::npos);
  std::string line = manufacture("JTJHY7AX0N4000321");
  line.insert(line.size() - 1, R"(,"note":")" + std::string(20 * 1024, 'x') + "\"");
  auto sign = ledger.run({"sign", "--key", ledger.key_of("toyota").string(), "-"}, line + "\n");
  CHECK(sign.exit_code == 2);
  CHECK(sign.out.empty());
  CHECK(ledger.content_digest() == before);

  TempDir other;
  auto init = run_vinledger({"--db", (other / "l.db").string(), "init", "--origin", std::string(2000, 'o')});
  CHECK(init.exit_code == 2);
  CHECK(std::filesystem::is_empty(other.path()));
}

TEST_CASE("init killed at any moment leaves no ledger or a whole one, and runs again", "[e2e][io]") {
  for (int delay_us : {0, 2000, 5000, 10000, 20000, 40000, 80000}) {
    TempDir dir;
    const auto db = dir / "l.db";
    {
      ChildProcess init(vinledger_binary(), {"--db", db.string(), "init", "--origin", "crash.example"}, dir / "out",
                        dir / "err");
      ::usleep(static_cast<useconds_t>(delay_us));
      init.kill(SIGKILL);
      init.wait();
    }
    INFO("killed after " << delay_us << " us");
    if (std::filesystem::exists(db)) {
      auto shown = run_vinledger({"--db", db.string(), "history", "party/operator"});
      CHECK(shown.exit_code == 0);
    } else {
      auto again = run_vinledger({"--db", db.string(), "init", "--origin", "crash.example"});
      INFO(again.err);
      CHECK(again.exit_code == 0);
      CHECK(run_vinledger({"--db", db.string(), "history", "party/operator"}).exit_code == 0);
    }
  }
}

// A reader who is handed a copy of a ledger in a directory it cannot write
// (a regulator's read-only share, say) runs the read commands on it, and no
// -wal or -shm file appears beside it. Run as an unprivileged user: root
// writes anywhere, so as root the test drops to `nobody` with setpriv.
TEST_CASE_METHOD(Fixture, "a read-only copy is read without -wal or -shm files beside it", "[e2e][io]") {
  ledger.append_signed(manufacture("JTJHY7AX0N4000321"));
  const auto history_here = ledger.run({"--json", "history", "JTJHY7AX0N4000321"});
  REQUIRE(history_here.exit_code == 0);

  TempDir shared;
  std::filesystem::permissions(shared.path(), std::filesystem::perms(0755));
  const auto bin = shared / "bin";
  const auto copy = shared / "copy";
  std::filesystem::create_directory(bin);
  std::filesystem::create_directory(copy);
  // The binary travels with the copy: the build tree may not be readable by
  // the unprivileged user.
  std::filesystem::copy_file(vinledger_binary(), bin / "vinledger");
  std::filesystem::permissions(bin / "vinledger", std::filesystem::perms(0755));
  REQUIRE(!std::filesystem::exists(ledger.db().string() + "-wal"));  // the writer closed it cleanly
  std::filesystem::copy_file(ledger.db(), copy / "ledger.db");
  std::filesystem::permissions(copy / "ledger.db", std::filesystem::perms(0444));
  std::filesystem::permissions(copy, std::filesystem::perms(0555));

  auto as_reader = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", (copy / "ledger.db").string()});
    if (::geteuid() != 0) return run_program((bin / "vinledger").string(), args);
    std::vector<std::string> dropped = {"--reuid=65534", "--regid=65534", "--clear-groups", (bin / "vinledger").string()};
    dropped.insert(dropped.end(), args.begin(), args.end());
    return run_program("/usr/bin/setpriv", dropped);
  };
  auto history = as_reader({"--json", "history", "JTJHY7AX0N4000321"});
  INFO(history.err);
  REQUIRE(history.exit_code == 0);
  CHECK(history.out == history_here.out);
  auto parties = as_reader({"party", "list"});
  INFO(parties.err);
  CHECK(parties.exit_code == 0);
  CHECK(parties.out.find("toyota") != std::string::npos);
  // The reader really could not write there (else the test proves nothing).
  const std::string probe = (copy / "probe").string();
  auto touched = ::geteuid() != 0
                     ? run_program("/usr/bin/touch", {probe})
                     : run_program("/usr/bin/setpriv", {"--reuid=65534", "--regid=65534", "--clear-groups", "touch", probe});
  CHECK(touched.exit_code != 0);
  std::vector<std::string> names;
  for (const auto& item : std::filesystem::directory_iterator(copy)) names.push_back(item.path().filename());
  CHECK(names == std::vector<std::string>{"ledger.db"});
  std::filesystem::permissions(copy, std::filesystem::perms(0755));  // so that the TempDir can go
}
