// The log's transparency through the binary: tiles published with
// --tiles-dir and read back by a client written from the spec alone; a
// mirror on which every read command works, which refuses a forked log with
// the evidence; `audit --since` with its resume file; `monitor --once`.
#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <random>
#include <thread>

#include "cli_ledger.h"
#include "cli_witness.h"
#include "served_ledger.h"
#include "spec_tile_reader.h"
#include "vinledger/compression.h"
#include "vinledger/statement.h"
#include "vinledger/vin.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kOrigin = "test.vinledger.example";

std::string vin_for(int n) {
  std::string vin = "JTMHV05J0A" + std::to_string(1000000 + n);
  vin[8] = vinledger::expected_check_digit(vin);
  return vin;
}

// A ledger with the real case and `vehicles` more manufactures by a maker.
struct BigLedger {
  TempDir dir;
  CliLedger ledger{dir};
  int next = 0;

  explicit BigLedger(int vehicles) {
    ledger.load_scenario("real-case");
    ledger.add_party("bulkmaker", "JP", "manufacturer", {"--wmi", "JTM"});
    grow(vehicles);
  }
  void grow(int vehicles, const std::string& model = "Land Cruiser") {
    if (vehicles == 0) return;
    auto key = vinledger::SigningKey::load(ledger.key_of("bulkmaker"));
    REQUIRE(key);
    std::string lines;
    for (int i = 0; i < vehicles; ++i, ++next) {
      auto statement = vinledger::sign_statement({{"type", "manufacture"},
                                                  {"vin", vin_for(next)},
                                                  {"time", "2025-01-01T00:00:00Z"},
                                                  {"actor", "bulkmaker"},
                                                  {"country", "JP"},
                                                  {"make", "Toyota"},
                                                  {"model", model},
                                                  {"year", 2025}},
                                                 *key);
      REQUIRE(statement);
      lines += statement->canonical + "\n";
    }
    auto appended = ledger.run({"append", "-"}, lines);
    INFO(appended.err);
    REQUIRE(appended.exit_code == 0);
  }
  RunResult publish(const std::filesystem::path& tiles) const {
    return ledger.run({"checkpoint", "--tiles-dir", tiles.string()});
  }
};

std::vector<std::string> leaves_of(const std::filesystem::path& db) {
  SQLite::Database database(db.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(database, "SELECT leaf FROM entries ORDER BY seq");
  std::vector<std::string> leaves;
  while (query.executeStep())
    leaves.emplace_back(static_cast<const char*>(query.getColumn(0).getBlob()), query.getColumn(0).getBytes());
  return leaves;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  return lines;
}

// Another ledger under the same operator key and origin, `entries` long:
// a second history the operator signs, as a log that forked would.
std::filesystem::path second_history(const TempDir& dir, const CliLedger& original, int registrations) {
  std::filesystem::copy_file(original.operator_key(), dir / "ledger.operator.key");
  const auto db = dir / "ledger.db";
  auto init = run_vinledger({"--db", db.string(), "init", "--origin", kOrigin, "--operator-key",
                             (dir / "ledger.operator.key").string()});
  INFO(init.err);
  REQUIRE(init.exit_code == 0);
  auto key = vinledger::SigningKey::load(dir / "ledger.operator.key");
  REQUIRE(key);
  std::string lines;
  for (int i = 0; i < registrations; ++i) {
    auto statement = vinledger::sign_statement({{"type", "register"},
                                                {"vin", vin_for(5000 + i)},
                                                {"time", "2025-01-01T00:00:00Z"},
                                                {"actor", "operator"},
                                                {"country", "JP"},
                                                {"owner", "someone else"}},
                                               *key);
    REQUIRE(statement);
    lines += statement->canonical + "\n";
  }
  if (!lines.empty()) REQUIRE(run_vinledger({"--db", db.string(), "append", "-"}, lines).exit_code == 0);
  return db;
}

SpecFetch directory_fetch(const std::filesystem::path& dir) {
  return [dir](const std::string& path) -> std::optional<std::string> {
    if (!std::filesystem::exists(dir / path)) return std::nullopt;
    return read_file(dir / path);
  };
}

// The log's tiles fetched over HTTP, as a client knowing only the spec would.
SpecFetch http_fetch(vinledger::http::HttpClient& client) {
  return [&client](const std::string& path) -> std::optional<std::string> {
    auto response = client.request("GET", "/" + path);
    if (!response) throw std::runtime_error("GET /" + path + ": " + response.error().message);
    if (response->status == 404) return std::nullopt;
    if (response->status != 200) throw std::runtime_error("GET /" + path + ": " + std::to_string(response->status));
    return response->body;
  };
}

std::string header_of(const vinledger::http::HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers)
    if (key == name) return value;
  return "";
}

// The request paths a server's access log (its stderr) shows, from line `from` on.
std::vector<std::string> requested_paths(const ServedLedger& server, std::size_t from = 0) {
  std::vector<std::string> paths;
  const auto lines = split_lines(server.stderr_text());
  for (std::size_t i = from; i < lines.size(); ++i) {
    auto line = json::parse(lines[i], nullptr, false);
    if (line.is_object() && line.contains("path")) paths.push_back(line["path"].get<std::string>());
  }
  return paths;
}

}  // namespace

TEST_CASE("serve publishes the log as tlog-tiles: the bytes --tiles-dir writes, read by the spec-only client",
          "[e2e][tiles][server]") {
  BigLedger big(600);
  TempDir tiles, run;
  REQUIRE(big.publish(tiles.path()).exit_code == 0);
  const std::string log_key = log_key_of(big.ledger);
  ServedLedger server(big.ledger.db(), run.path());
  auto client = server.client();

  // Every file the directory holds is served with the same bytes, type and
  // cache lifetime.
  std::size_t files = 0;
  for (const auto& file : std::filesystem::recursive_directory_iterator(tiles.path())) {
    if (!file.is_regular_file()) continue;
    const std::string path = std::filesystem::relative(file.path(), tiles.path()).generic_string();
    auto response = client.request("GET", "/" + path);
    INFO(path);
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->body == read_file(file.path()));
    CHECK(header_of(*response, "content-encoding").empty());  // not asked for
    if (path == "checkpoint") {
      CHECK(response->content_type == "text/plain; charset=utf-8");
      CHECK(header_of(*response, "cache-control") == "no-cache, max-age=5");
    } else {
      CHECK(response->content_type == "application/octet-stream");
      CHECK(header_of(*response, "cache-control") == "public, max-age=31536000, immutable");
    }
    ++files;
  }
  CHECK(files >= 6);  // checkpoint, 2 full + 1 partial level-0 tiles and bundles, a level-1 partial

  // The spec-only client reads and verifies the whole log over HTTP.
  SpecLog log = read_whole_log(http_fetch(client), log_key);
  CHECK(log.entries == leaves_of(big.ledger.db()));

  const std::uint64_t size = log.size;
  const std::uint64_t edge = size % 256;  // the partial level-0 tile's width
  REQUIRE(size / 256 == 2);
  REQUIRE(edge > 5);
  SECTION("entry bundles are gzip-encoded when asked") {
    for (const std::string& path : std::vector<std::string>{"tile/entries/000", "tile/entries/002.p/" + std::to_string(edge)}) {
      auto response = client.request("GET", "/" + path, {}, {}, {{"Accept-Encoding", "deflate, gzip;q=0.5"}});
      REQUIRE(response);
      CHECK(response->status == 200);
      CHECK(header_of(*response, "content-encoding") == "gzip");
      CHECK(header_of(*response, "vary") == "Accept-Encoding");
      auto inflated = vinledger::gzip_decompress(response->body, 1 << 24);
      REQUIRE(inflated);
      CHECK(*inflated == read_file(tiles / path));
      CHECK(response->body.size() < inflated->size());
      auto refused = client.request("GET", "/" + path, {}, {}, {{"Accept-Encoding", "gzip;q=0"}});
      REQUIRE(refused);
      CHECK(header_of(*refused, "content-encoding").empty());
      CHECK(refused->body == read_file(tiles / path));
    }
  }
  SECTION("a smaller partial tile is a prefix; beyond the checkpoint and other spellings are 404") {
    auto smaller = client.request("GET", "/tile/0/002.p/5");
    REQUIRE(smaller);
    CHECK(smaller->status == 200);
    CHECK(smaller->body == read_file(tiles / ("tile/0/002.p/" + std::to_string(edge))).substr(0, 5 * 32));
    for (const std::string& path : std::vector<std::string>{
             "/tile/0/002", "/tile/0/003", "/tile/0/002.p/" + std::to_string(edge + 1), "/tile/entries/002",
          "/tile/1/000", "/tile/0/02", "/tile/0/x000/002", "/tile/0/002.p/0", "/tile/0/002.p/256", "/tile/64/000",
          "/tile/0/000/", "/tile/entries/000.p/", "/tile/x/000"}) {
      auto response = client.request("GET", path);
      INFO(path);
      REQUIRE(response);
      CHECK(response->status == 404);
    }
  }
  SECTION("a writable server issues a checkpoint of the whole log, with the cosignatures the log holds") {
    server.stop(SIGTERM);
    big.grow(3);
    REQUIRE(big.ledger.run({"checkpoint", "--out", (run / "cp").string()}).exit_code == 0);
    CliWitness witness(run, "customs.example/w", log_key);
    auto cosigned = witness.cosign(run / "cp", {}, big.ledger.db());
    INFO(cosigned.err);
    REQUIRE(cosigned.exit_code == 0);
    write_file(run / "cosigned.cp", cosigned.out);
    REQUIRE(big.ledger.run({"checkpoint", "--cosigned", (run / "cosigned.cp").string(), "--witness",
                            witness.cosigner_key()}).exit_code == 0);
    TempDir again_dir;
    ServedLedger again(big.ledger.db(), again_dir.path());
    auto fresh = again.client();
    auto checkpoint = fresh.request("GET", "/checkpoint");
    REQUIRE(checkpoint);
    CHECK(checkpoint->status == 200);
    CHECK(checkpoint->body.find("\n" + std::to_string(size + 3) + "\n") != std::string::npos);
    const std::string cosignature = cosigned.out.substr(cosigned.out.rfind("\n\xe2\x80\x94 customs.example/w ") + 1);
    CHECK(checkpoint->body.find(cosignature) != std::string::npos);
    CHECK(read_whole_log(http_fetch(fresh), log_key).entries == leaves_of(big.ledger.db()));
  }
}

TEST_CASE("tiles follow --read-tokens like every read", "[e2e][tiles][server]") {
  BigLedger big(3);
  TempDir run;
  write_file(run / "tokens", "mirror-geneva 0123456789abcdef0123\n");
  std::filesystem::permissions(run / "tokens", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  REQUIRE(big.ledger.run({"checkpoint"}).exit_code == 0);
  ServedLedger server(big.ledger.db(), run.path(), {"--read-tokens", (run / "tokens").string()});
  auto anonymous = server.client();
  for (const char* path : {"/checkpoint", "/tile/0/000.p/1"}) {
    auto response = anonymous.request("GET", path);
    REQUIRE(response);
    CHECK(response->status == 401);
  }
  vinledger::http::ClientOptions options;
  options.bearer_token = "0123456789abcdef0123";
  auto reader = server.client(options);
  CHECK(read_whole_log(http_fetch(reader), log_key_of(big.ledger)).entries == leaves_of(big.ledger.db()));
  // mirror --server sends $VINLEDGER_TOKEN.
  auto mirrored = run_vinledger({"--db", (run / "mirror.db").string(), "mirror", "--server", server.url(), "--log-key",
                                 log_key_of(big.ledger)},
                                "", {{"VINLEDGER_TOKEN", "0123456789abcdef0123"}});
  INFO(mirrored.err);
  CHECK(mirrored.exit_code == 0);
  CHECK(leaves_of(run / "mirror.db") == leaves_of(big.ledger.db()));
}

TEST_CASE("mirror --server copies a served log, fetches only what is new, refuses a forked one", "[e2e][mirror][server]") {
  BigLedger big(300);
  REQUIRE(big.ledger.run({"checkpoint"}).exit_code == 0);
  TempDir run, local;
  const std::string log_key = log_key_of(big.ledger);
  const auto mirror_db = local / "mirror.db";
  auto mirror = [&](const std::string& url) {
    return run_vinledger({"--db", mirror_db.string(), "--json", "mirror", "--server", url, "--log-key", log_key});
  };
  auto server = std::make_unique<ServedLedger>(big.ledger.db(), run.path(), std::vector<std::string>{"--read-only"});
  auto first = mirror(server->url());
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(json::parse(first.out)["outcome"] == "updated");
  CHECK(leaves_of(mirror_db) == leaves_of(big.ledger.db()));
  CHECK(json::parse(mirror(server->url()).out)["outcome"] == "up_to_date");
  auto audit = run_vinledger({"--db", mirror_db.string(), "--json", "audit"});
  CHECK(audit.exit_code == 0);

  SECTION("the log grows: only the new bundles are fetched") {
    server->stop(SIGTERM);
    big.grow(300);
    REQUIRE(big.ledger.run({"checkpoint"}).exit_code == 0);
    TempDir grown_run;
    server = std::make_unique<ServedLedger>(big.ledger.db(), grown_run.path(), std::vector<std::string>{"--read-only"});
    auto again = mirror(server->url());
    INFO(again.err);
    REQUIRE(again.exit_code == 0);
    auto report = json::parse(again.out);
    CHECK(report["outcome"] == "updated");
    CHECK(report["size"].get<std::size_t>() - report["old_size"].get<std::size_t>() == 300);
    CHECK(leaves_of(mirror_db) == leaves_of(big.ledger.db()));
    const auto paths = requested_paths(*server);
    CHECK(std::count(paths.begin(), paths.end(), "/checkpoint") == 1);
    // Bundle 0 was full at the first run: it is not fetched again.
    CHECK(std::find(paths.begin(), paths.end(), "/tile/entries/000") == paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "/tile/entries/001") != paths.end());
  }
  SECTION("a log that forked: refused, evidence printed, the mirror unchanged") {
    TempDir fork_dir;
    const auto fork_db = second_history(fork_dir, big.ledger, 400);
    REQUIRE(run_vinledger({"--db", fork_db.string(), "checkpoint"}).exit_code == 0);
    ServedLedger fork(fork_db, fork_dir.path(), {"--read-only"});
    const std::string before = json::parse(big.ledger.run({"--json", "checkpoint"}).out)["note"].get<std::string>();
    auto refused = run_vinledger({"--db", mirror_db.string(), "mirror", "--server", fork.url(), "--log-key", log_key});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("mirror refused") != std::string::npos);
    auto forked_note = fork.client().request("GET", "/checkpoint");
    REQUIRE(forked_note);
    CHECK(refused.out.find(forked_note->body) != std::string::npos);
    CHECK(leaves_of(mirror_db) == leaves_of(big.ledger.db()));
  }
  SECTION("monitor --server follows it too") {
    auto monitored = run_vinledger({"--db", (local / "monitor.db").string(), "--json", "monitor", "--once", "--server",
                                    server->url(), "--log-key", log_key, "--as-of", "2025-06-01", "--fail-on", "critical"});
    INFO(monitored.err);
    CHECK(monitored.exit_code == 0);
    CHECK(leaves_of(local / "monitor.db") == leaves_of(big.ledger.db()));
  }
  SECTION("nobody listening, or not a tiled log: exit 3 or 2, no mirror created") {
    const auto fresh = local / "fresh.db";
    auto down = run_vinledger({"--db", fresh.string(), "mirror", "--server", "http://127.0.0.1:1", "--log-key", log_key});
    CHECK(down.exit_code != 0);
    CHECK(down.exit_code != 1);
    CHECK_FALSE(std::filesystem::exists(fresh));
    auto bad_url = run_vinledger({"--db", fresh.string(), "mirror", "--server", "ftp://x", "--log-key", log_key});
    CHECK(bad_url.exit_code == 2);
  }
}

TEST_CASE("a client written from the spec alone reads and verifies the whole log from --tiles-dir",
          "[e2e][tiles]") {
  BigLedger big(600);
  TempDir tiles;
  auto published = big.publish(tiles.path());
  INFO(published.err);
  REQUIRE(published.exit_code == 0);
  const std::string log_key = log_key_of(big.ledger);

  SpecLog log = read_whole_log(directory_fetch(tiles.path()), log_key);
  CHECK(log.origin == kOrigin);
  const auto leaves = leaves_of(big.ledger.db());
  CHECK(log.size == leaves.size());
  CHECK(log.entries == leaves);

  // The log grows; the next publication adds files and the reader still agrees.
  big.grow(100);
  REQUIRE(big.publish(tiles.path()).exit_code == 0);
  SpecLog grown = read_whole_log(directory_fetch(tiles.path()), log_key);
  CHECK(grown.entries == leaves_of(big.ledger.db()));

  // A tampered tile is caught by the reader (it checks, it does not trust).
  std::string tile = read_file(tiles / "tile/0/000");
  tile[40] ^= 1;
  write_file(tiles / "tile/0/000", tile);
  CHECK_THROWS(read_whole_log(directory_fetch(tiles.path()), log_key));
}

TEST_CASE("a mirror is a ledger every read command works on, and refuses a forked log with the evidence",
          "[e2e][mirror]") {
  BigLedger big(300);
  TempDir tiles, local;
  REQUIRE(big.publish(tiles.path()).exit_code == 0);
  const std::string log_key = log_key_of(big.ledger);
  const auto mirror_db = local / "mirror.db";
  auto mirror = [&](const std::filesystem::path& from) {
    return run_vinledger({"--db", mirror_db.string(), "--json", "mirror", "--tiles-dir", from.string(), "--log-key", log_key});
  };

  auto first = mirror(tiles.path());
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  auto report = json::parse(first.out);
  CHECK(report["outcome"] == "updated");
  CHECK(report["size"] == leaves_of(big.ledger.db()).size());
  CHECK(leaves_of(mirror_db) == leaves_of(big.ledger.db()));
  CHECK(json::parse(mirror(tiles.path()).out)["outcome"] == "up_to_date");

  // Every read command, on the mirror, answers as on the log.
  const std::string vin = "JTJHY7AX0N4000321";  // the real case's vehicle
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--json", "history", vin}, {"--json", "verify", vin, "--as-of", "2025-06-01"},
        {"--json", "screen", "--as-of", "2025-06-01"}}) {
    std::vector<std::string> on_log = args, on_mirror = args;
    on_mirror.insert(on_mirror.begin(), {"--db", mirror_db.string()});
    auto expected = big.ledger.run(on_log);
    auto got = run_vinledger(on_mirror);
    INFO(args[1] << "\n" << got.err);
    CHECK(got.exit_code == expected.exit_code);
    CHECK(got.out == expected.out);
  }
  auto audit = run_vinledger({"--db", mirror_db.string(), "--json", "audit"});
  INFO(audit.err);
  CHECK(audit.exit_code == 0);
  CHECK(json::parse(audit.out)["findings"].empty());
  auto proved = run_vinledger({"--db", mirror_db.string(), "prove", vin, "--out", (local / "b.json").string()});
  INFO(proved.err);
  REQUIRE(proved.exit_code == 0);
  auto verified = run_vinledger({"verify-bundle", (local / "b.json").string(), "--log-key", log_key, "--as-of", "2025-06-01"});
  INFO(verified.err);
  CHECK(verified.exit_code == big.ledger.run({"verify", vin, "--as-of", "2025-06-01"}).exit_code);
  // It takes no entries but its log's.
  auto appended = run_vinledger({"--db", mirror_db.string(), "record", "register", "--vin", vin, "--as", "operator",
                                 "--key", big.ledger.operator_key().string(), "--country", "BD", "--owner", "x"});
  CHECK(appended.exit_code == 2);
  CHECK(appended.err.find("mirror") != std::string::npos);

  SECTION("a log that forked: refused, evidence printed, the mirror unchanged") {
    TempDir fork_dir, fork_tiles;
    const auto fork_db = second_history(fork_dir, big.ledger, 400);  // longer than what the mirror holds
    auto fork_checkpoint = run_vinledger({"--db", fork_db.string(), "checkpoint", "--tiles-dir", fork_tiles.path().string()});
    REQUIRE(fork_checkpoint.exit_code == 0);
    auto refused = run_vinledger({"--db", mirror_db.string(), "mirror", "--tiles-dir", fork_tiles.path().string(),
                                  "--log-key", log_key});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("mirror refused") != std::string::npos);
    CHECK(refused.err.find("rewritten") != std::string::npos);
    CHECK(refused.out.find(read_file(tiles / "checkpoint")) != std::string::npos);       // what the mirror held
    CHECK(refused.out.find(read_file(fork_tiles / "checkpoint")) != std::string::npos);  // what the log serves now
    CHECK(leaves_of(mirror_db) == leaves_of(big.ledger.db()));
  }
  SECTION("the log grows: the mirror fetches only the new entries") {
    big.grow(50);
    REQUIRE(big.publish(tiles.path()).exit_code == 0);
    auto again = json::parse(mirror(tiles.path()).out);
    CHECK(again["outcome"] == "updated");
    CHECK(again["size"].get<std::size_t>() - again["old_size"].get<std::size_t>() == 50);
    CHECK(leaves_of(mirror_db) == leaves_of(big.ledger.db()));
  }
}

TEST_CASE("audit --since checks what is new and keeps its resume point in a file", "[e2e][audit]") {
  BigLedger big(50);
  const auto state = big.dir / "audit-state.cp";
  auto first = big.ledger.run({"--json", "audit", "--resume-file", state.string()});
  REQUIRE(first.exit_code == 0);
  CHECK(json::parse(first.out)["resume"].is_null());  // the log has issued no checkpoint yet
  CHECK_FALSE(std::filesystem::exists(state));
  REQUIRE(big.ledger.run({"checkpoint"}).exit_code == 0);
  auto second = big.ledger.run({"--json", "audit", "--resume-file", state.string()});
  REQUIRE(second.exit_code == 0);
  const auto size_then = json::parse(second.out)["size"].get<std::int64_t>();
  REQUIRE(std::filesystem::exists(state));

  big.grow(20);
  REQUIRE(big.ledger.run({"checkpoint"}).exit_code == 0);
  auto since = big.ledger.run({"--json", "audit", "--since", state.string(), "--resume-file", state.string()});
  INFO(since.err);
  REQUIRE(since.exit_code == 0);
  auto report = json::parse(since.out);
  CHECK(report["since"] == size_then);
  CHECK(report["size"] == size_then + 20);
  CHECK(report["findings"].empty());
  CHECK(report["resume"]["size"] == size_then + 20);
  CHECK(read_file(state) == report["resume"]["note"].get<std::string>());

  auto text = big.ledger.run({"audit", "--since", state.string()});
  CHECK(text.exit_code == 0);
  CHECK(text.err.find("resume next time from the checkpoint of size") != std::string::npos);

  SECTION("a since file that is no checkpoint of this log is bad input") {
    write_file(big.dir / "junk.cp", "not a checkpoint\n");
    CHECK(big.ledger.run({"audit", "--since", (big.dir / "junk.cp").string()}).exit_code == 2);
  }
}

TEST_CASE("monitor --once follows the log and reports each new finding once", "[e2e][monitor]") {
  BigLedger big(10);
  TempDir tiles, local;
  REQUIRE(big.publish(tiles.path()).exit_code == 0);
  const std::string log_key = log_key_of(big.ledger);
  auto monitor = [&](const std::filesystem::path& from) {
    return run_vinledger({"--db", (local / "monitor.db").string(), "--json", "monitor", "--once", "--tiles-dir",
                          from.string(), "--log-key", log_key, "--as-of", "2025-06-01", "--fail-on", "critical"});
  };
  auto first = monitor(tiles.path());
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  // The first round verifies every vehicle: the findings are screen's, each
  // printed once, as a JSON line.
  std::vector<std::string> printed = split_lines(first.out);
  CHECK_FALSE(printed.empty());
  std::vector<std::string> screened;
  const json screen = json::parse(big.ledger.run({"--json", "screen", "--as-of", "2025-06-01"}).out);
  for (const auto& finding : screen["findings"]) screened.push_back(finding.dump());
  for (auto& line : printed) line = json::parse(line).dump();
  std::sort(printed.begin(), printed.end());
  std::sort(screened.begin(), screened.end());
  screened.erase(std::unique(screened.begin(), screened.end()), screened.end());
  CHECK(printed == screened);
  // Nothing new: nothing printed.
  CHECK(monitor(tiles.path()).out.empty());

  SECTION("a log that forked: exit 1 with the evidence") {
    TempDir fork_dir, fork_tiles;
    const auto fork_db = second_history(fork_dir, big.ledger, 0);  // shorter than what the monitor saw
    REQUIRE(run_vinledger({"--db", fork_db.string(), "checkpoint", "--tiles-dir", fork_tiles.path().string()}).exit_code == 0);
    auto refused = monitor(fork_tiles.path());
    CHECK(refused.exit_code == 1);
    auto finding = json::parse(refused.out.substr(0, refused.out.find('\n')));
    CHECK(finding["code"] == "TRUNCATED");
    CHECK(refused.err.find(read_file(fork_tiles / "checkpoint")) != std::string::npos);
  }
}

// Killed at random moments, a publication leaves the directory at its old
// checkpoint or its new one, every resource that checkpoint needs present
// and right; a mirror keeps what it committed and finishes on the next run.
TEST_CASE("a tiles publication or a mirror killed at any moment stays consistent and finishes next time",
          "[e2e][crash][tiles][slow]") {
  BigLedger big(0);
  TempDir tiles, local;
  const std::string log_key = log_key_of(big.ledger);
  const auto mirror_db = local / "mirror.db";
  std::mt19937_64 random(std::random_device{}());
  for (int trial = 0; trial < 5; ++trial) {
    big.grow(200 + static_cast<int>(random() % 300));
    REQUIRE(big.ledger.run({"checkpoint"}).exit_code == 0);
    const auto delay = std::chrono::microseconds(random() % 60000);
    {
      ChildProcess publish(vinledger_binary(),
                           {"--db", big.ledger.db().string(), "checkpoint", "--tiles-dir", tiles.path().string()},
                           local / "publish.out", local / "publish.err");
      std::this_thread::sleep_for(delay);
      publish.kill(SIGKILL);
      publish.wait();
    }
    INFO("trial " << trial << " killed after " << delay.count() << " us");
    if (std::filesystem::exists(tiles / "checkpoint")) {
      // Whatever checkpoint the directory shows, all of it is there.
      CHECK_NOTHROW(read_whole_log(directory_fetch(tiles.path()), log_key));
    }
    auto finished = big.publish(tiles.path());
    INFO(finished.err);
    REQUIRE(finished.exit_code == 0);
    CHECK(read_whole_log(directory_fetch(tiles.path()), log_key).entries == leaves_of(big.ledger.db()));

    {
      ChildProcess mirror(vinledger_binary(),
                          {"--db", mirror_db.string(), "mirror", "--tiles-dir", tiles.path().string(), "--log-key", log_key},
                          local / "mirror.out", local / "mirror.err");
      std::this_thread::sleep_for(delay);
      mirror.kill(SIGKILL);
      mirror.wait();
    }
    if (std::filesystem::exists(mirror_db)) {
      auto audit = run_vinledger({"--db", mirror_db.string(), "--json", "audit"});
      if (audit.exit_code != 2)  // a mirror killed before its first commit may be an empty file
        CHECK(json::parse(audit.out)["findings"].empty());
    }
    auto again = run_vinledger({"--db", mirror_db.string(), "mirror", "--tiles-dir", tiles.path().string(), "--log-key", log_key});
    INFO(again.err);
    REQUIRE(again.exit_code == 0);
    CHECK(leaves_of(mirror_db) == leaves_of(big.ledger.db()));
  }
}
