// The log's transparency through the library: its tiles and entry bundles,
// a --tiles-dir publication, a mirror that copies it exactly and refuses a
// rewritten or truncated log, `audit --since`, and cosignatures carried into
// the bundles `prove` writes.
#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include <sstream>

#include "process.h"
#include "unit_ledger.h"
#include "vinledger/bundle.h"
#include "vinledger/checkpoint.h"
#include "vinledger/entry.h"
#include "vinledger/ledger.h"
#include "vinledger/merkle.h"
#include "vinledger/monitor.h"
#include "vinledger/tiles_dir.h"
#include "vinledger/tlog_tiles.h"
#include "vinledger/log_witnessing.h"
#include "vinledger/witness_protocol.h"
#include "vinledger/vin.h"

using namespace vinledger;
using nlohmann::json;
using vinledger::testing::TempDir;

namespace {

using vinledger::testing::fixed_clock;
using vinledger::testing::signed_line;
using vinledger::testing::numbered_vin;
constexpr const char* kOrigin = vinledger::testing::kUnitOrigin;

// A log: the operator, a maker, and `vehicles` manufactures (one entry each),
// made with fixed keys so that two logs can share the operator's key.
struct Log {
  TempDir dir;
  SigningKey operator_key;
  SigningKey maker_key;
  Ledger ledger;
  int next_vehicle = 0;

  explicit Log(int vehicles, const SigningKey& op = SigningKey::generate(), const SigningKey& maker = SigningKey::generate())
      : operator_key(op), maker_key(maker), ledger(vinledger::testing::create_unit_ledger(dir / "log.db", op)) {
    std::istringstream party(signed_line(vinledger::testing::maker_registration(maker_key), operator_key));
    REQUIRE(ledger.append(party, "party"));
    grow(vehicles);
  }

  void grow(int vehicles, const std::string& model = "Land Cruiser") {
    std::string lines;
    for (int i = 0; i < vehicles; ++i, ++next_vehicle)
      lines += signed_line(vinledger::testing::manufacture_statement(next_vehicle, model), maker_key);
    std::istringstream in(lines);
    REQUIRE(ledger.append(in, "batch"));
  }

  std::string checkpoint() {
    auto issued = ledger.checkpoint(operator_key);
    REQUIRE(issued);
    return issued->note;
  }
  VerifierKey key() const { return operator_key.verifier(kOrigin); }
  std::int64_t size() { return *ledger.size(); }
};

std::vector<std::string> leaves_of(const std::filesystem::path& db) {
  SQLite::Database database(db.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(database, "SELECT leaf FROM entries ORDER BY seq");
  std::vector<std::string> leaves;
  while (query.executeStep())
    leaves.emplace_back(static_cast<const char*>(query.getColumn(0).getBlob()), query.getColumn(0).getBytes());
  return leaves;
}

Ledger mirror_ledger(const std::filesystem::path& path, const VerifierKey& key) {
  auto created = Ledger::create_mirror(path, key, "test source", fixed_clock());
  REQUIRE(created);
  return std::move(*created);
}

}  // namespace

TEST_CASE("the ledger serves its tiles and entry bundles as the spec lays them out", "[tiles][ledger]") {
  Log log(300);  // 302 entries: one full level-0 tile and a partial one
  REQUIRE(log.size() == 302);
  const auto leaves = leaves_of(log.dir / "log.db");

  auto full = log.ledger.tile_resource({false, 0, 0, 256}, 302);
  REQUIRE(full);
  REQUIRE(full->size() == 256 * 32);
  for (std::size_t i : {0u, 1u, 255u}) {
    const Hash expected = leaf_hash(leaves[i]);
    CHECK(full->substr(i * 32, 32) == std::string(reinterpret_cast<const char*>(expected.data()), 32));
  }
  auto partial = log.ledger.tile_resource({false, 0, 1, 46}, 302);
  REQUIRE(partial);
  CHECK(partial->size() == 46 * 32);
  // A partial tile of an earlier, smaller tree is a prefix of today's.
  auto earlier = log.ledger.tile_resource({false, 0, 1, 10}, 302);
  REQUIRE(earlier);
  CHECK(*earlier == partial->substr(0, 10 * 32));
  auto level1 = log.ledger.tile_resource({false, 1, 0, 1}, 302);
  REQUIRE(level1);
  auto root256 = log.ledger.tree_root(256);
  REQUIRE(root256);
  CHECK(*level1 == std::string(reinterpret_cast<const char*>(root256->data()), 32));

  auto bundle = log.ledger.tile_resource({true, 0, 1, 46}, 302);
  REQUIRE(bundle);
  auto entries = decode_entry_bundle(*bundle, 46);
  REQUIRE(entries);
  CHECK(entries->front() == leaves[256]);
  CHECK(entries->back() == leaves[301]);

  // What the tree of that size does not have is not found.
  CHECK(log.ledger.tile_resource({false, 0, 1, 256}, 302).error().kind == ErrorKind::not_found);
  CHECK(log.ledger.tile_resource({false, 0, 1, 47}, 302).error().kind == ErrorKind::not_found);
  CHECK(log.ledger.tile_resource({true, 0, 2, 1}, 302).error().kind == ErrorKind::not_found);
  CHECK(log.ledger.tile_resource({false, 0, 1, 10}, 260).error().kind == ErrorKind::not_found);
}

TEST_CASE("a tiles directory is published incrementally and never rewritten", "[tiles][ledger]") {
  Log log(300);
  TempDir out;
  const auto first = log.checkpoint();
  auto published = publish_tiles(log.ledger, out.path(), first);
  REQUIRE(published);
  CHECK(published->old_size == 0);
  CHECK(published->new_size == 302);
  CHECK(vinledger::testing::read_file(out / "checkpoint") == first);
  CHECK(std::filesystem::file_size(out.path() / "tile/0/000") == 8192);
  CHECK(std::filesystem::exists(out.path() / "tile/0/001.p/46"));
  CHECK(std::filesystem::exists(out.path() / "tile/1/000.p/1"));
  CHECK(std::filesystem::exists(out.path() / "tile/entries/001.p/46"));
  CHECK((std::filesystem::status(out.path() / "tile/0/000").permissions() & std::filesystem::perms::others_read) !=
        std::filesystem::perms::none);

  log.grow(220);  // 522: tile 0/1 fills, 0/2 starts
  const auto second = log.checkpoint();
  auto again = publish_tiles(log.ledger, out.path(), second);
  REQUIRE(again);
  CHECK(again->old_size == 302);
  // 0/1 full, 0/2.p/10, 1/0.p/2, entries 1 and 2.p/10
  CHECK(again->files_written == 5);
  CHECK(std::filesystem::exists(out.path() / "tile/0/001.p/46"));  // kept for older clients
  CHECK(std::filesystem::exists(out.path() / "tile/0/002.p/10"));

  SECTION("publishing the same checkpoint again writes nothing") {
    auto same = publish_tiles(log.ledger, out.path(), second);
    REQUIRE(same);
    CHECK(same->files_written == 0);
  }
  SECTION("an older checkpoint than the directory's is refused") {
    CHECK_FALSE(publish_tiles(log.ledger, out.path(), first));
  }
  SECTION("a file that differs stops the publication before the checkpoint moves") {
    log.grow(300);
    vinledger::testing::write_file(out.path() / "tile/0/002", std::string(8192, 'x'));
    auto refused = publish_tiles(log.ledger, out.path(), log.checkpoint());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("other bytes") != std::string::npos);
    CHECK(vinledger::testing::read_file(out / "checkpoint") == second);
  }
  SECTION("another log's directory is refused") {
    Log other(5);
    CHECK_FALSE(publish_tiles(other.ledger, out.path(), other.checkpoint()));
  }
}

TEST_CASE("a mirror holds the log's entries exactly, and fetches only what is new", "[mirror][ledger]") {
  Log log(600);
  TempDir out, local;
  REQUIRE(publish_tiles(log.ledger, out.path(), log.checkpoint()));
  DirectoryTileSource source(out.path());
  Ledger mirror = mirror_ledger(local / "mirror.db", log.key());
  MirrorOptions options;
  options.chunk_entries = 256;  // several commits, each proved a prefix
  auto update = mirror.mirror_from(source, log.key(), options);
  REQUIRE(update);
  CHECK(update->outcome == MirrorUpdate::Outcome::updated);
  CHECK(update->new_size == 602);
  CHECK(update->touched_vins.size() == 600);
  CHECK(leaves_of(local / "mirror.db") == leaves_of(log.dir / "log.db"));

  auto again = mirror.mirror_from(source, log.key());
  REQUIRE(again);
  CHECK(again->outcome == MirrorUpdate::Outcome::up_to_date);

  log.grow(30);
  REQUIRE(publish_tiles(log.ledger, out.path(), log.checkpoint()));
  auto more = mirror.mirror_from(source, log.key());
  REQUIRE(more);
  CHECK(more->outcome == MirrorUpdate::Outcome::updated);
  CHECK(more->old_size == 602);
  CHECK(more->new_size == 632);
  CHECK(more->touched_vins.size() == 30);
  CHECK(leaves_of(local / "mirror.db") == leaves_of(log.dir / "log.db"));

  // Every read works on it, and it audits clean.
  auto audit = mirror.audit();
  REQUIRE(audit);
  CHECK(audit->findings.empty());
  auto history = mirror.history(numbered_vin(5));
  REQUIRE(history);
  CHECK(history->size() == 1);
  auto bundle = mirror.prove(numbered_vin(5), nullptr);
  REQUIRE(bundle);
  BundleTrust trust{log.key(), {}, 0, {}};
  CHECK(verify_bundle(format_bundle(bundle->bundle), trust));
  // It takes nothing but its log's entries.
  std::istringstream line(signed_line(vinledger::testing::manufacture_statement(9999, "X"), log.maker_key));
  auto refused = mirror.append(line, "x");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("mirror") != std::string::npos);
  CHECK_FALSE(mirror.checkpoint(log.operator_key));
}

TEST_CASE("a mirror refuses a rewritten or truncated log and keeps what it had", "[mirror][ledger]") {
  const SigningKey operator_key = SigningKey::generate(), maker_key = SigningKey::generate();
  Log log(40, operator_key, maker_key);
  TempDir out, local;
  REQUIRE(publish_tiles(log.ledger, out.path(), log.checkpoint()));
  DirectoryTileSource source(out.path());
  Ledger mirror = mirror_ledger(local / "mirror.db", log.key());
  REQUIRE(mirror.mirror_from(source, log.key())->outcome == MirrorUpdate::Outcome::updated);
  const auto kept = leaves_of(local / "mirror.db");
  const std::string kept_note = vinledger::testing::read_file(out / "checkpoint");

  SECTION("a fork: the same key signs another history, longer") {
    Log fork(30, operator_key, maker_key);
    fork.grow(20, "Rewritten");
    TempDir fork_out;
    REQUIRE(publish_tiles(fork.ledger, fork_out.path(), fork.checkpoint()));
    DirectoryTileSource forked(fork_out.path());
    auto update = mirror.mirror_from(forked, log.key());
    REQUIRE(update);
    CHECK(update->outcome == MirrorUpdate::Outcome::refused);
    CHECK(update->reason.find("rewritten") != std::string::npos);
    CHECK(update->kept_checkpoint == kept_note);
    CHECK(update->offered_checkpoint == vinledger::testing::read_file(fork_out / "checkpoint"));
    CHECK(consistency_finding(*update).code == "CHECKPOINT_MISMATCH");
  }
  SECTION("a fork of the same size") {
    Log fork(30, operator_key, maker_key);
    fork.grow(10, "Rewritten");
    TempDir fork_out;
    REQUIRE(publish_tiles(fork.ledger, fork_out.path(), fork.checkpoint()));
    DirectoryTileSource forked(fork_out.path());
    auto update = mirror.mirror_from(forked, log.key());
    REQUIRE(update);
    CHECK(update->outcome == MirrorUpdate::Outcome::refused);
    CHECK(update->reason.find("forked") != std::string::npos);
  }
  SECTION("truncated: a smaller checkpoint") {
    Log shorter(20, operator_key, maker_key);
    TempDir short_out;
    REQUIRE(publish_tiles(shorter.ledger, short_out.path(), shorter.checkpoint()));
    DirectoryTileSource truncated(short_out.path());
    auto update = mirror.mirror_from(truncated, log.key());
    REQUIRE(update);
    CHECK(update->outcome == MirrorUpdate::Outcome::refused);
    CHECK(consistency_finding(*update).code == "TRUNCATED");
  }
  SECTION("entry bundles that do not hash to the signed tree") {
    log.grow(10);
    REQUIRE(publish_tiles(log.ledger, out.path(), log.checkpoint()));
    // Swap two entries inside the served bundle: each still a valid entry.
    const auto path = out.path() / "tile/entries/000.p/52";
    auto entries = *decode_entry_bundle(vinledger::testing::read_file(path), 52);
    std::swap(entries[45], entries[46]);
    vinledger::testing::write_file(path, *encode_entry_bundle(entries));
    auto update = mirror.mirror_from(source, log.key());
    REQUIRE(update);
    CHECK(update->outcome == MirrorUpdate::Outcome::refused);
    CHECK_FALSE(update->findings.empty());
  }
  SECTION("a log signed by another key than the one trusted") {
    Log stranger(50);
    TempDir stranger_out;
    REQUIRE(publish_tiles(stranger.ledger, stranger_out.path(), stranger.checkpoint()));
    DirectoryTileSource other(stranger_out.path());
    auto update = mirror.mirror_from(other, log.key());
    CHECK((!update || update->outcome == MirrorUpdate::Outcome::refused));
  }
  CHECK(leaves_of(local / "mirror.db") == kept);
  auto audit = mirror.audit();
  REQUIRE(audit);
  CHECK(audit->findings.empty());
}

TEST_CASE("audit --since checks only what came after a verified checkpoint, and says where to resume",
          "[audit][ledger]") {
  Log log(100);
  auto full = log.ledger.audit();
  REQUIRE(full);
  CHECK(full->findings.empty());
  CHECK_FALSE(full->resume);  // no checkpoint issued yet
  const std::string since_note = log.checkpoint();
  auto after_checkpoint = log.ledger.audit();
  REQUIRE(after_checkpoint->resume);
  CHECK(after_checkpoint->resume->note == since_note);
  CHECK(after_checkpoint->resume->size == 102);

  log.grow(50);
  const ExternalCheckpoint since{"since.cp", since_note};
  auto incremental = log.ledger.audit({}, since);
  REQUIRE(incremental);
  CHECK(incremental->findings.empty());
  CHECK(incremental->first_seq == 102);
  CHECK(incremental->size == 152);
  auto full_now = log.ledger.audit();
  REQUIRE(full_now);
  CHECK(incremental->root == full_now->root);
  REQUIRE(incremental->resume);
  CHECK(incremental->resume->size == 102);  // no newer checkpoint yet
  const std::string newer = log.checkpoint();
  auto next = log.ledger.audit({}, since);
  REQUIRE(next->resume);
  CHECK(next->resume->note == newer);
  auto from_newer = log.ledger.audit({}, ExternalCheckpoint{"newer.cp", newer});
  REQUIRE(from_newer);
  CHECK(from_newer->findings.empty());
  CHECK(from_newer->first_seq == 152);
  CHECK(from_newer->size == 152);

  SECTION("an entry after the checkpoint that was edited is found") {
    {
      SQLite::Database db((log.dir / "log.db").string(), SQLite::OPEN_READWRITE);
      db.exec("DROP TRIGGER entries_no_update");
      db.exec("UPDATE entries SET leaf = CAST(replace(CAST(leaf AS TEXT), 'Land Cruiser', 'Land Cruiset') AS BLOB) WHERE seq = 140");
    }
    auto report = Ledger::audit_file(log.dir / "log.db", {}, {}, since);
    REQUIRE(report);
    REQUIRE_FALSE(report->findings.empty());
    CHECK(report->findings.front().code == "HASH_MISMATCH");
    CHECK(report->findings.front().seq == 140);
    CHECK_FALSE(report->resume);
  }
  SECTION("a chain head before the checkpoint that was edited is found when a later entry builds on it") {
    // VIN 5's only entry is before the checkpoint; a new one links to it.
    std::istringstream line(signed_line({{"type", "register"}, {"vin", numbered_vin(5)}, {"time", "2025-02-01T00:00:00Z"},
                                         {"actor", "operator"}, {"country", "JP"}, {"owner", "someone"}},
                                        log.operator_key));
    REQUIRE(log.ledger.append(line, "x"));
    {
      SQLite::Database db((log.dir / "log.db").string(), SQLite::OPEN_READWRITE);
      db.exec("DROP TRIGGER entries_no_update");
      db.exec("UPDATE entries SET leaf = CAST(replace(CAST(leaf AS TEXT), 'Land Cruiser', 'Land Cruiset') AS BLOB) WHERE seq = 7");
    }
    auto report = Ledger::audit_file(log.dir / "log.db", {}, {}, since);
    REQUIRE(report);
    REQUIRE_FALSE(report->findings.empty());
    CHECK(report->findings.front().seq == 7);
  }
  SECTION("another log's checkpoint is bad input") {
    Log other(100);
    auto foreign = log.ledger.audit({}, ExternalCheckpoint{"foreign.cp", other.checkpoint()});
    REQUIRE_FALSE(foreign);
    CHECK(foreign.error().kind == ErrorKind::invalid_input);
  }
  SECTION("a checkpoint larger than the log is TRUNCATED") {
    Log longer(200, log.operator_key, log.maker_key);
    auto report = log.ledger.audit({}, ExternalCheckpoint{"longer.cp", longer.checkpoint()});
    REQUIRE(report);
    REQUIRE(report->findings.size() == 1);
    CHECK(report->findings.front().code == "TRUNCATED");
  }
}

TEST_CASE("cosignatures the log stores travel in the bundles prove writes", "[witness][prove][ledger]") {
  Log log(3);
  const std::string note = log.checkpoint();
  const SigningKey witness_key = SigningKey::generate();
  const CosignerKey witness = CosignerKey::from_public_key("witness.example/w1", witness_key.public_key());
  const std::vector<TrustedKey> witness_trust{witness};
  BundleTrust trust{log.key(), witness_trust, 1, {}};

  auto before = log.ledger.prove(numbered_vin(1), nullptr);
  REQUIRE(before);
  CHECK_FALSE(verify_bundle(format_bundle(before->bundle), trust));  // no cosignature yet

  auto parsed = parse_unverified_checkpoint(note);
  REQUIRE(parsed);
  auto cosignature = cosign_checkpoint(parsed->checkpoint, witness_key, "witness.example/w1", 1767225600);
  REQUIRE(cosignature);
  parsed->note.signatures.push_back(*cosignature);
  const std::string cosigned = *format_signed_note(parsed->note);
  const std::vector<CosignerKey> witnesses{witness};
  auto added = log.ledger.add_cosignatures(cosigned, witnesses);
  REQUIRE(added);
  CHECK(*added == 1);
  CHECK(*log.ledger.add_cosignatures(cosigned, witnesses) == 0);  // once

  auto after = log.ledger.prove(numbered_vin(1), nullptr);
  REQUIRE(after);
  auto verified = verify_bundle(format_bundle(after->bundle), trust);
  REQUIRE(verified);
  CHECK(verified->checkpoint.cosignatures.size() == 1);
  auto audit = log.ledger.audit();
  REQUIRE(audit);
  CHECK(audit->findings.empty());

  SECTION("a cosignature that does not verify is refused, and nothing is stored") {
    auto bad = parse_unverified_checkpoint(cosigned);
    bad->note.signatures.back().signature[20] ^= 1;
    CHECK_FALSE(log.ledger.add_cosignatures(*format_signed_note(bad->note), witnesses));
  }
  SECTION("a checkpoint the ledger did not issue is refused") {
    Checkpoint other = parsed->checkpoint;
    other.size = 2;
    other.root = *log.ledger.tree_root(2);
    auto unissued = parse_unverified_checkpoint(*sign_checkpoint(other, log.operator_key, kOrigin));
    unissued->note.signatures.push_back(*cosign_checkpoint(other, witness_key, "witness.example/w1", 1767225600));
    auto refused = log.ledger.add_cosignatures(*format_signed_note(unissued->note), witnesses);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("did not issue") != std::string::npos);
  }
  SECTION("audit finds a stored cosignature that was edited") {
    {
      SQLite::Database db((log.dir / "log.db").string(), SQLite::OPEN_READWRITE);
      db.exec("DROP TRIGGER cosignatures_no_update");
      db.exec("UPDATE cosignatures SET checkpoint_id = checkpoint_id");  // no-op: still clean
    }
    CHECK(log.ledger.audit()->findings.empty());
    log.grow(1);
    const std::string second = log.checkpoint();
    {
      SQLite::Database db((log.dir / "log.db").string(), SQLite::OPEN_READWRITE);
      db.exec("UPDATE cosignatures SET checkpoint_id = 2");  // moved to another checkpoint
    }
    auto report = log.ledger.audit();
    REQUIRE(report);
    REQUIRE(report->findings.size() == 1);
    CHECK(report->findings.front().code == "CHECKPOINT_MISMATCH");
  }
}

TEST_CASE("the log submits its checkpoints to its witnesses, follows a 409, and stores what they cosign",
          "[witness][ledger]") {
  Log log(20);
  TempDir witness_dir;
  const auto state = witness_dir / "w1";
  auto config = Witness::init(state, "witness.example/w1", witness_dir / "w1.key", log.key());
  REQUIRE(config);
  auto server = WitnessServer::open(state, std::vector<VerifierKey>{log.key()});
  REQUIRE(server);
  bool down = false;
  std::vector<std::string> bodies;
  WitnessPost post = [&](const WitnessEndpoint&, const std::string& body) -> Result<WitnessHttpAnswer> {
    if (down) return storage_error("connection refused");
    bodies.push_back(body);
    ProtocolReply reply = (*server)->add_checkpoint(body);
    return WitnessHttpAnswer{reply.status, reply.content_type, reply.body};
  };
  auto endpoint = parse_witness_endpoint("w1=http://127.0.0.1:1/=" + config->cosigner_key.text());
  REQUIRE(endpoint);
  CHECK(endpoint->url == "http://127.0.0.1:1");
  LogWitnessing witnessing({*endpoint}, post);

  auto first = log.ledger.checkpoint(log.operator_key);
  REQUIRE(first);
  CHECK(*witnessing.witness(log.ledger, *first) == 1);
  CHECK(bodies.back().starts_with("old 0\n\n"));
  log.grow(5);
  auto second = log.ledger.checkpoint(log.operator_key);
  REQUIRE(second);
  CHECK(*witnessing.witness(log.ledger, *second) == 1);
  CHECK(bodies.back().starts_with("old 22\n"));  // with a proof from what it cosigned
  CHECK(witnessing.states().front().size == 27);

  // The bundle from prove carries the cosignature: verify-bundle --witness passes.
  const std::vector<TrustedKey> witness_keys{config->cosigner_key};
  auto bundle = log.ledger.prove(numbered_vin(22), nullptr);
  REQUIRE(bundle);
  CHECK(verify_bundle(format_bundle(bundle->bundle), BundleTrust{log.key(), witness_keys, 1, {}}));
  auto served = log.ledger.latest_cosigned_checkpoint(1);
  REQUIRE(served);
  REQUIRE(*served);
  CHECK((*served)->checkpoint.size == 27);

  SECTION("a witness that is down: the log goes on, and says so") {
    down = true;
    log.grow(1);
    auto third = log.ledger.checkpoint(log.operator_key);
    CHECK(*witnessing.witness(log.ledger, *third) == 0);
    CHECK_FALSE(witnessing.states().front().up);
    CHECK(witnessing.states().front().failures == 1);
    CHECK((*log.ledger.latest_cosigned_checkpoint(1))->checkpoint.size == 27);  // the quorum's checkpoint stays
    down = false;
    log.grow(1);
    auto fourth = log.ledger.checkpoint(log.operator_key);
    CHECK(*witnessing.witness(log.ledger, *fourth) == 1);  // back: one proof from 27 to 29
    CHECK(witnessing.states().front().up);
  }
  SECTION("a log that lost track of a witness learns its size from a 409") {
    LogWitnessing fresh({*endpoint}, post);  // a restarted log: sizes unknown
    log.grow(3);
    auto next = log.ledger.checkpoint(log.operator_key);
    const std::size_t before = bodies.size();
    CHECK(*fresh.witness(log.ledger, *next) == 1);
    REQUIRE(bodies.size() == before + 2);
    CHECK(bodies[before].starts_with("old 0\n"));      // answered 409 "27"
    CHECK(bodies[before + 1].starts_with("old 27\n"));  // then cosigned
  }
  SECTION("a witness that answers with another key's cosignature stores nothing") {
    const SigningKey other = SigningKey::generate();
    WitnessEndpoint impostor{"w1", "http://x", CosignerKey::from_public_key("witness.example/w1", other.public_key())};
    LogWitnessing wrong({impostor}, post);
    log.grow(1);
    auto next = log.ledger.checkpoint(log.operator_key);
    CHECK(*wrong.witness(log.ledger, *next) == 0);
    CHECK_FALSE(wrong.states().front().up);
  }
}
