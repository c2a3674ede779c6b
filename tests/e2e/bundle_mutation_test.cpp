// Every edit of a real bundle is refused. A bundle of the real case
// continued to North Korea is proved through the binary; then mutations are
// generated programmatically, and each must be refused by verify_bundle:
//   - every value of every entry (VIN entries and party entries, at every
//     depth) changed, every member removed, a member added to every object;
//   - every line of every tlog-proof changed and removed, adjacent proof
//     hashes swapped, proofs exchanged between entries;
//   - every line of the checkpoint (body and signature) changed and removed,
//     in every proof at once so that only the signature can tell;
//   - entries and party entries dropped (the VIN's last ones too: the VIN
//     index proves how many there are), duplicated, swapped, moved between
//     the two lists; statement signatures swapped between statements;
//   - every byte of the VIN index proof changed;
//   - the bundle's vin, log_key, format, checkpoint and index_proof changed.
// A few of them also go through `vinledger verify-bundle` for the exit code.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>

#include "cli_ledger.h"
#include "vinledger/bundle.h"
#include "vinledger/encoding.h"
#include "vinledger/ledger.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

constexpr const char* kVin = "JTJHY7AX0N4000321";

struct Mutation {
  std::string what;
  std::string text;
};

// A different value of the same kind (or of another kind, which is just as
// much an edit).
json changed(const json& value) {
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (text.empty()) return "x";
    char& last = text.back();
    last = last == 'A' ? 'B' : (last == '0' ? '1' : (last == 'a' ? 'b' : 'A'));
    return text;
  }
  if (value.is_number_integer()) return value.get<std::int64_t>() + 1;
  if (value.is_boolean()) return !value.get<bool>();
  if (value.is_null()) return std::string(64, '0');
  if (value.is_array()) {
    json list = value;
    if (list.empty()) list.push_back("JP");
    else list.erase(list.size() - 1);
    return list;
  }
  return nullptr;  // an object becomes null
}

// Every edit of one JSON value at `path` inside `root`.
void mutate_value(const json& root, const json::json_pointer& path, const std::string& label,
                  std::vector<Mutation>& out) {
  const json& value = root.at(path);
  {
    json edited = root;
    edited[path] = changed(value);
    out.push_back({label + " changed", edited.dump(2)});
  }
  if (value.is_object()) {
    json added = root;
    added[path]["unexpected"] = 1;
    out.push_back({label + " + member", added.dump(2)});
    for (const auto& [key, member] : value.items()) {
      json removed = root;
      removed[path].erase(key);
      out.push_back({label + "." + key + " removed", removed.dump(2)});
      mutate_value(root, path / key, label + "." + key, out);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) mutate_value(root, path / i, label + "[" + std::to_string(i) + "]", out);
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

std::string changed_line(std::string line) {
  if (line.empty()) return "x";
  // The last character but one: a base64 line's last character may be '='.
  char& c = line.size() > 2 ? line[line.size() - 2] : line.back();
  c = c == 'A' ? 'B' : (c == '0' ? '1' : 'A');
  return line;
}

std::vector<Mutation> all_mutations(const json& bundle) {
  std::vector<Mutation> out;
  const std::string original = bundle.dump(2);
  for (const char* list : {"entries", "parties"}) {
    const std::size_t count = bundle[list].size();
    for (std::size_t i = 0; i < count; ++i) {
      const std::string item = std::string(list) + "[" + std::to_string(i) + "]";
      const auto pointer = json::json_pointer("/" + std::string(list) + "/" + std::to_string(i));
      // Every field of the entry, at every depth.
      mutate_value(bundle, pointer / "entry", item + ".entry", out);
      // Every line of its proof, up to the checkpoint (the checkpoint below).
      const auto lines = lines_of(bundle.at(pointer / "tlog_proof").get<std::string>());
      const std::size_t blank = std::find(lines.begin(), lines.end(), "") - lines.begin();
      for (std::size_t l = 0; l <= blank && l < lines.size(); ++l) {
        auto edited = lines;
        edited[l] = changed_line(edited[l]);
        json a = bundle;
        a[pointer / "tlog_proof"] = joined(edited);
        out.push_back({item + ".tlog_proof line " + std::to_string(l + 1) + " changed", a.dump(2)});
        edited = lines;
        edited.erase(edited.begin() + static_cast<long>(l));
        json b = bundle;
        b[pointer / "tlog_proof"] = joined(edited);
        out.push_back({item + ".tlog_proof line " + std::to_string(l + 1) + " removed", b.dump(2)});
      }
      for (std::size_t l = 2; l + 1 < blank; ++l) {
        auto edited = lines;
        std::swap(edited[l], edited[l + 1]);
        json c = bundle;
        c[pointer / "tlog_proof"] = joined(edited);
        out.push_back({item + ".tlog_proof lines " + std::to_string(l + 1) + "-" + std::to_string(l + 2) + " swapped",
                       c.dump(2)});
      }
      // Structure: drop, duplicate, swap with the next, move to the other list.
      json dropped = bundle;
      dropped[list].erase(i);
      out.push_back({item + " dropped", dropped.dump(2)});
      json duplicated = bundle;
      duplicated[list].insert(duplicated[list].begin() + static_cast<long>(i), bundle[list][i]);
      out.push_back({item + " duplicated", duplicated.dump(2)});
      if (i + 1 < count) {
        json swapped = bundle;
        std::swap(swapped[list][i], swapped[list][i + 1]);
        out.push_back({item + " swapped with the next", swapped.dump(2)});
        json proofs = bundle;
        std::swap(proofs[list][i]["tlog_proof"], proofs[list][i + 1]["tlog_proof"]);
        out.push_back({item + " proof exchanged with the next", proofs.dump(2)});
        json sigs = bundle;
        std::swap(sigs[list][i]["entry"]["statement"]["sig"], sigs[list][i + 1]["entry"]["statement"]["sig"]);
        out.push_back({item + " signature swapped with the next", sigs.dump(2)});
      }
      const char* other = std::string(list) == "entries" ? "parties" : "entries";
      json moved = bundle;
      moved[other].push_back(bundle[list][i]);
      moved[list].erase(i);
      out.push_back({item + " moved to " + other, moved.dump(2)});
    }
  }
  // Signatures swapped between a VIN statement and a party statement.
  {
    json sigs = bundle;
    std::swap(sigs["entries"][0]["entry"]["statement"]["sig"], sigs["parties"][1]["entry"]["statement"]["sig"]);
    out.push_back({"entries[0] and parties[1] signatures swapped", sigs.dump(2)});
  }
  // The checkpoint: each line changed and removed, in every proof at once.
  {
    const std::string proof = bundle["entries"][0]["tlog_proof"];
    const std::size_t start = proof.find("\n\n") + 2;
    const std::string checkpoint = proof.substr(start);
    const auto lines = lines_of(checkpoint);
    auto with_checkpoint = [&](const std::string& replacement) {
      json edited = bundle;
      edited["checkpoint"] = replacement;
      for (const char* list : {"entries", "parties"})
        for (auto& item : edited[list]) {
          std::string text = item["tlog_proof"];
          text.replace(text.find("\n\n") + 2, std::string::npos, replacement);
          item["tlog_proof"] = text;
        }
      return edited.dump(2);
    };
    for (std::size_t l = 0; l < lines.size(); ++l) {
      auto edited = lines;
      edited[l] = changed_line(edited[l]);
      out.push_back({"checkpoint line " + std::to_string(l + 1) + " changed", with_checkpoint(joined(edited))});
      edited = lines;
      edited.erase(edited.begin() + static_cast<long>(l));
      out.push_back({"checkpoint line " + std::to_string(l + 1) + " removed", with_checkpoint(joined(edited))});
    }
  }
  // Every byte of the index proof, flipped.
  {
    const auto proof = vinledger::base64_decode(bundle["index_proof"].get<std::string>());
    REQUIRE(proof);
    for (std::size_t i = 0; i < proof->size(); ++i) {
      auto edited_proof = *proof;
      edited_proof[i] ^= 0x01;
      json edited = bundle;
      edited["index_proof"] = vinledger::base64_encode(edited_proof);
      out.push_back({"index_proof byte " + std::to_string(i) + " changed", edited.dump(2)});
    }
  }
  for (const char* member : {"vin", "log_key", "format", "checkpoint", "index_proof"}) {
    json edited = bundle;
    edited[member] = changed(bundle[member]);
    out.push_back({std::string(member) + " changed", edited.dump(2)});
  }
  // A mutation that changes nothing is no mutation.
  std::erase_if(out, [&](const Mutation& m) { return m.text == original; });
  return out;
}

}  // namespace

TEST_CASE("every mutation of a real bundle is refused", "[bundle][mutation]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case-continued");
  auto proved = ledger.run({"prove", kVin});
  INFO(proved.err);
  REQUIRE(proved.exit_code == 0);
  const json bundle = json::parse(proved.out);
  auto log_key = vinledger::VerifierKey::parse(bundle["log_key"].get<std::string>());
  REQUIRE(log_key);
  const vinledger::BundleTrust trust{*log_key, {}, 0, {}};
  REQUIRE(vinledger::verify_bundle(proved.out, trust));

  auto mutations = all_mutations(bundle);
  // Without its last entry a bundle used to verify as the VIN's earlier
  // state; the VIN index proof now shows what is missing.
  const std::string last = "entries[" + std::to_string(bundle["entries"].size() - 1) + "] dropped";
  auto tail = std::find_if(mutations.begin(), mutations.end(), [&](const Mutation& m) { return m.what == last; });
  REQUIRE(tail != mutations.end());
  auto earlier = vinledger::verify_bundle(tail->text, trust);
  REQUIRE_FALSE(earlier);
  CHECK(earlier.error().reason.find("the index proves " + std::to_string(bundle["entries"].size()) + " entries") !=
        std::string::npos);

  std::size_t refused = 0, malformed = 0;
  for (const auto& mutation : mutations) {
    auto verified = vinledger::verify_bundle(mutation.text, trust);
    if (verified) {
      std::cout << "accepted: " << mutation.what << "\n";
      continue;
    }
    ++refused;
    if (verified.error().kind == vinledger::BundleFailure::Kind::malformed) ++malformed;
  }
  std::cout << "bundle mutations: refused " << refused << " of " << mutations.size() << " (" << malformed
            << " as malformed, exit 2; the rest as integrity failures, exit 1)\n";
  CHECK(mutations.size() > 500);
  CHECK(refused == mutations.size());

  // Through the binary: exit 1 and the item named.
  const auto file = dir / "edited.bundle.json";
  for (const auto& [what, item] : std::vector<std::pair<std::string, std::string>>{
           {"entries[2].entry.statement.destination changed", "entries[2]"},
           {"entries[1] dropped", "entries[1].entry.vin_prev"},
           {"checkpoint line 1 changed", "checkpoint"},
           {"log_key changed", "log_key"}}) {
    auto found = std::find_if(mutations.begin(), mutations.end(), [&](const Mutation& m) { return m.what == what; });
    REQUIRE(found != mutations.end());
    write_file(file, found->text);
    auto result = run_vinledger({"verify-bundle", file.string(), "--log-key", log_key->text()});
    INFO(what << "\n" << result.err);
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("refused: " + item) != std::string::npos);
  }
}
