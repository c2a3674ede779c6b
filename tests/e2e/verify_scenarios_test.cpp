// Every scenario under fixtures/scenarios, loaded through the real binary
// and judged by `verify --json` and `screen --json` against its expect.json:
//   {"label": "evasion"|"legitimate"|"irregular", "typology", "expected_level"?,
//    "runs": [{"as_of"?, "arrival_window_days"?, "rules"?,
//              "vins": {VIN: [{"code", "severity", "seq", "evidence"}]}}]}
// Each VIN's list is the exact set of findings above info. `seq` and
// evidence numbers are 0-based lines of statements.jsonl; "party:<id>" is
// the entry that registered that party ("party:<id>@2" its second
// registration). Also: that every finding's message names every seq of its
// evidence, exit codes under --fail-on (for a few scenarios: the gate is
// one code path), and over the whole corpus the recall on evasions (worst
// finding at or above the expected level) and the false positives on
// legitimate trade (anything above low), against the targets of
// docs/rules.md. "irregular" scenarios (an incomplete or inconsistent
// record that is no evasion typology, e.g. a mistyped check digit) count
// in neither.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <regex>
#include <set>

#include "cli_ledger.h"

using namespace vinledger::testing;
using nlohmann::json;

namespace {

std::filesystem::path scenario_dir(const std::string& name) { return fixtures_dir() / "scenarios" / name; }

std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(fixtures_dir() / "scenarios"))
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// Scenario-relative seqs to the ledger's, for a fresh ledger: the operator
// is seq 0, then one entry per party, then the statements in order.
class SeqMap {
 public:
  explicit SeqMap(const std::string& scenario) {
    for (const auto& line : lines_of(scenario_dir(scenario) / "parties.jsonl")) {
      const std::string id = json::parse(line)["id"];
      const auto seq = 1 + static_cast<std::int64_t>(parties_);
      ++parties_;
      const int nth = ++registrations_[id];
      party_seq_[nth == 1 ? id : id + "@" + std::to_string(nth)] = seq;
    }
    statements_ = static_cast<std::int64_t>(lines_of(scenario_dir(scenario) / "statements.jsonl").size());
  }
  std::int64_t parties() const { return parties_; }
  std::int64_t size() const { return 1 + parties_ + statements_; }
  std::int64_t seq(const json& relative) const {
    if (relative.is_number_integer()) return 1 + parties_ + relative.get<std::int64_t>();
    const std::string text = relative.get<std::string>();
    REQUIRE(text.rfind("party:", 0) == 0);
    return party_seq_.at(text.substr(6));
  }

 private:
  std::map<std::string, std::int64_t> party_seq_;
  std::map<std::string, int> registrations_;
  std::int64_t parties_ = 0;
  std::int64_t statements_ = 0;
};

// A finding reduced to what expect.json pins down.
using Key = std::tuple<std::string, std::string, std::int64_t, std::vector<std::int64_t>>;

std::multiset<Key> expected_keys(const json& expected, const SeqMap& seqs) {
  std::multiset<Key> keys;
  for (const auto& finding : expected) {
    std::vector<std::int64_t> evidence;
    for (const auto& item : finding["evidence"]) evidence.push_back(seqs.seq(item));
    std::sort(evidence.begin(), evidence.end());
    keys.insert({finding["code"], finding["severity"], seqs.seq(finding["seq"]), evidence});
  }
  return keys;
}

std::multiset<Key> actual_keys(const json& findings) {
  std::multiset<Key> keys;
  for (const auto& finding : findings) {
    if (finding["severity"] == "info") continue;
    keys.insert({finding["code"], finding["severity"], finding["seq"], finding["evidence"].get<std::vector<std::int64_t>>()});
  }
  return keys;
}

std::string describe(const std::multiset<Key>& keys) {
  std::string text;
  for (const auto& [code, severity, seq, evidence] : keys) {
    text += "  " + code + " " + severity + " seq " + std::to_string(seq) + " evidence";
    for (auto e : evidence) text += " " + std::to_string(e);
    text += "\n";
  }
  return text.empty() ? "  (none)\n" : text;
}

// Every finding must be readable without the code: its message names each
// seq of its evidence, and its own seq is part of the evidence.
void check_finding_shape(const json& finding, const std::string& vin) {
  INFO(finding.dump());
  CHECK(finding["vin"] == vin);
  CHECK(finding["message"].get<std::string>().size() > 20);
  const auto evidence = finding["evidence"].get<std::vector<std::int64_t>>();
  CHECK(std::find(evidence.begin(), evidence.end(), finding["seq"].get<std::int64_t>()) != evidence.end());
  for (auto seq : evidence) {
    std::regex number("(^|[^0-9])" + std::to_string(seq) + "([^0-9]|$)");
    CHECK(std::regex_search(finding["message"].get<std::string>(), number));
  }
}

std::vector<std::string> run_options(const json& run, const std::string& scenario) {
  std::vector<std::string> options;
  if (run.contains("as_of")) options.insert(options.end(), {"--as-of", run["as_of"].get<std::string>()});
  if (run.contains("arrival_window_days"))
    options.insert(options.end(), {"--arrival-window", std::to_string(run["arrival_window_days"].get<int>())});
  if (run.contains("rules"))
    options.insert(options.end(), {"--rules", (scenario_dir(scenario) / run["rules"].get<std::string>()).string()});
  return options;
}

bool any_at_or_above(const std::multiset<Key>& keys, const std::string& threshold) {
  static const std::vector<std::string> order = {"info", "low", "medium", "high", "critical"};
  auto rank = [&](const std::string& s) { return std::find(order.begin(), order.end(), s) - order.begin(); };
  return std::any_of(keys.begin(), keys.end(), [&](const Key& key) { return rank(std::get<1>(key)) >= rank(threshold); });
}

std::vector<std::string> with_options(std::vector<std::string> args, const std::vector<std::string>& options) {
  args.insert(args.end(), options.begin(), options.end());
  return args;
}

const std::vector<std::string> kOrder = {"info", "low", "medium", "high", "critical"};

std::size_t rank_of(const std::string& severity) {
  return static_cast<std::size_t>(std::find(kOrder.begin(), kOrder.end(), severity) - kOrder.begin());
}

// The --fail-on gate is one code path for every finding: checked on a few
// scenarios of each verdict, so that sixty scenarios stay cheap.
bool checks_fail_on(const std::string& scenario) {
  for (const char* name : {"real-case", "real-case-continued", "clean-export", "sanctioned-party", "no-arrival"})
    if (scenario == name) return true;
  return false;
}

// Returns the worst severity found in the run ("info" when nothing).
std::string check_run(const CliLedger& ledger, const std::string& scenario, const json& run, const SeqMap& seqs) {
  const auto options = run_options(run, scenario);
  std::size_t worst = 0;
  json all_verified = json::array();
  std::multiset<Key> all_expected;
  const bool full = checks_fail_on(scenario);
  for (const auto& [vin, expected_list] : run["vins"].items()) {
    INFO("scenario " << scenario << ", VIN " << vin << ", run " << run.dump());
    if (!full) {  // judged from `screen` alone, below
      const auto expected = expected_keys(expected_list, seqs);
      all_expected.insert(expected.begin(), expected.end());
      continue;
    }
    auto verified = ledger.run(with_options({"--json", "verify", vin}, options));
    INFO(verified.err);
    REQUIRE((verified.exit_code == 0 || verified.exit_code == 1));
    const json document = json::parse(verified.out);
    REQUIRE(document["vin"] == vin);
    const auto expected = expected_keys(expected_list, seqs);
    const auto actual = actual_keys(document["findings"]);
    INFO("expected:\n" << describe(expected) << "actual:\n" << describe(actual) << document.dump(2));
    CHECK(actual == expected);
    for (const auto& finding : document["findings"]) check_finding_shape(finding, vin);
    CHECK(verified.exit_code == (any_at_or_above(expected, "medium") ? 1 : 0));
    for (const std::string threshold : {"low", "high", "critical"}) {
      auto gated = ledger.run(with_options({"verify", vin, "--fail-on", threshold}, options));
      INFO("--fail-on " << threshold << "\n" << gated.err);
      CHECK(gated.exit_code == (any_at_or_above(expected, threshold) ? 1 : 0));
    }
    for (const auto& finding : document["findings"]) all_verified.push_back(finding);
    all_expected.insert(expected.begin(), expected.end());
  }

  auto screened = ledger.run(with_options({"--json", "screen"}, options));
  INFO("screen " << scenario << "\n" << screened.err);
  REQUIRE((screened.exit_code == 0 || screened.exit_code == 1));
  const json screen = json::parse(screened.out);
  if (full) {
    CHECK(screen["findings"] == all_verified);  // the same findings, in VIN order
  } else {
    // Each VIN's findings from screen, against its expect.json.
    for (const auto& [vin, expected_list] : run["vins"].items()) {
      json mine = json::array();
      for (const auto& finding : screen["findings"])
        if (finding["vin"] == vin) mine.push_back(finding);
      const auto expected = expected_keys(expected_list, seqs);
      const auto actual = actual_keys(mine);
      INFO("scenario " << scenario << ", VIN " << vin << "\nexpected:\n" << describe(expected) << "actual:\n"
                       << describe(actual) << mine.dump(2));
      CHECK(actual == expected);
      for (const auto& finding : mine) check_finding_shape(finding, vin);
    }
  }
  for (const auto& finding : screen["findings"]) worst = std::max(worst, rank_of(finding["severity"]));
  CHECK(screen["summary"]["vehicles"] == run["vins"].size());
  CHECK(screen["summary"]["entries"] == seqs.size() - 1 - seqs.parties());
  CHECK(screened.exit_code == (any_at_or_above(all_expected, "medium") ? 1 : 0));
  return kOrder[worst];
}

// What the corpus run found, per scenario: its label, the level it must
// reach (evasions) and the worst severity it got over all its runs.
struct Outcome {
  std::string label, expected_level, worst;
};

void report_corpus(const std::map<std::string, Outcome>& outcomes) {
  int evasions = 0, caught = 0, legitimate = 0, false_positives = 0;
  std::string missed, flagged;
  for (const auto& [name, outcome] : outcomes) {
    if (outcome.label == "evasion") {
      ++evasions;
      if (rank_of(outcome.worst) >= rank_of(outcome.expected_level)) ++caught;
      else missed += " " + name + " (" + outcome.worst + ", expected " + outcome.expected_level + ")";
    } else if (outcome.label == "legitimate") {
      ++legitimate;
      if (rank_of(outcome.worst) > rank_of("low")) {
        ++false_positives;
        flagged += " " + name + " (" + outcome.worst + ")";
      }
    }
  }
  const double recall = evasions ? 100.0 * caught / evasions : 0;
  std::ostringstream text;
  text << "scenario corpus: " << evasions << " evasions, " << caught << " flagged at their expected level or above "
       << "(recall " << std::fixed << std::setprecision(1) << recall << "%); " << legitimate
       << " legitimate, " << false_positives << " above low (false-positive rate "
       << (legitimate ? 100.0 * false_positives / legitimate : 0) << "%)";
  if (!missed.empty()) text << "; missed:" << missed;
  if (!flagged.empty()) text << "; flagged:" << flagged;
  std::cout << text.str() << "\n";
  INFO(text.str());
  CHECK(evasions >= 40);
  CHECK(legitimate >= 20);
  CHECK(recall >= 90.0);
  CHECK(false_positives == 0);
}

// Loads one scenario and judges every run of its expect.json.
Outcome judge_scenario(const std::string& name) {
  REQUIRE(std::filesystem::exists(scenario_dir(name) / "expect.json"));
  REQUIRE(std::filesystem::exists(scenario_dir(name) / "README.md"));
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario(name, /*batched=*/true);
  const SeqMap seqs(name);
  if (checks_fail_on(name)) {
    auto audit = ledger.run({"--json", "audit"});
    REQUIRE(json::parse(audit.out)["size"] == seqs.size());  // the seq arithmetic holds
  }
  std::ifstream in(scenario_dir(name) / "expect.json");
  const json expect = json::parse(in);
  REQUIRE(!expect["runs"].empty());
  const std::string label = expect.value("label", "");
  REQUIRE((label == "evasion" || label == "legitimate" || label == "irregular"));
  REQUIRE(!expect.value("typology", "").empty());
  Outcome outcome{label, expect.value("expected_level", "high"), "info"};
  if (outcome.label == "evasion") REQUIRE(rank_of(outcome.expected_level) >= rank_of("high"));
  for (const auto& run : expect["runs"])
    outcome.worst = kOrder[std::max(rank_of(outcome.worst), rank_of(check_run(ledger, name, run, seqs)))];
  return outcome;
}

}  // namespace

// The whole corpus: a hundred scenarios through the binary is heavy for the
// sanitizer build, so it runs in the normal build only; the case below keeps
// a sample of every family in both.
TEST_CASE("every scenario yields exactly the findings of its expect.json, recall and false positives",
          "[e2e][verify][scenarios][slow]") {
  const auto names = scenario_names();
  REQUIRE(names.size() >= 60);
  // Catch runs this test case once per section; the outcomes gather here.
  static std::map<std::string, Outcome> outcomes;
  for (const auto& name : names)
    DYNAMIC_SECTION("scenario " << name) { outcomes[name] = judge_scenario(name); }
  if (outcomes.size() == names.size()) report_corpus(outcomes);
}

TEST_CASE("a sample of the scenarios, through verify, screen and --fail-on", "[e2e][verify][scenarios][once]") {
  for (const char* name : {"real-case", "real-case-continued", "clean-export", "sanctioned-party", "no-arrival",
                           "ev-jp-kz-eaeu-registration", "ev-denied-hangul", "ev-import-without-leg",
                           "ev-quick-reexport-ae-kg", "ev-backdated-before-engine-ban", "ok-hub-colombo",
                           "ok-receiver-records-first", "ok-carrier-records-late"})
    DYNAMIC_SECTION("scenario " << name) { judge_scenario(name); }
}

TEST_CASE("the legitimate scenarios expect nothing above low, the clean- ones nothing above info",
          "[e2e][verify][scenarios]") {
  int legitimate = 0;
  for (const auto& name : scenario_names()) {
    std::ifstream in(scenario_dir(name) / "expect.json");
    const json expect = json::parse(in);
    if (expect.value("label", "") != "legitimate") continue;
    ++legitimate;
    INFO(name);
    for (const auto& run : expect["runs"])
      for (const auto& [vin, findings] : run["vins"].items())
        for (const auto& finding : findings)
          CHECK(rank_of(finding["severity"]) <= rank_of(name.rfind("clean-", 0) == 0 ? "info" : "low"));
  }
  CHECK(legitimate >= 20);
}

TEST_CASE("screen puts the worst vehicles first and says what to do with each", "[e2e][screen][once]") {
  TempDir dir;
  CliLedger ledger(dir);
  for (const char* name : {"clean-export", "real-case", "sanctioned-party"}) ledger.load_scenario(name);
  auto screened = ledger.run({"--json", "screen", "--as-of", "2024-01-01"});
  INFO(screened.err);
  REQUIRE(screened.exit_code == 1);
  const json summary = json::parse(screened.out)["summary"];
  CHECK(summary["vehicles"] == 3);
  CHECK(summary["vehicles_by_worst"]["critical"] == 1);
  CHECK(summary["vehicles_by_worst"]["high"] == 1);
  CHECK(summary["vehicles_by_worst"]["info"] == 1);
  CHECK(summary["findings_by_code"]["ROUTE_DEVIATION"]["high"] == 1);
  REQUIRE(summary["worst_vehicles"].size() == 2);
  CHECK(summary["worst_vehicles"][0]["vin"] == "JTJHY7AX6P4000116");
  CHECK(summary["worst_vehicles"][0]["verdict"].get<std::string>().rfind("DO NOT RELEASE", 0) == 0);
  CHECK(summary["worst_vehicles"][1]["vin"] == "JTJHY7AX0N4000321");
  CHECK(ledger.run({"screen", "--as-of", "2024-01-01", "--fail-on", "critical"}).exit_code == 1);

  auto text = ledger.run({"screen", "--as-of", "2024-01-01"});
  CHECK(text.out.find("Screened 3 vehicle(s)") != std::string::npos);
  CHECK(text.out.find("VIN JTJHY7AX6P4000116: DO NOT RELEASE") < text.out.find("VIN JTJHY7AX0N4000321: HOLD"));
}

TEST_CASE("verify speaks to a customs officer and refuses bad input", "[e2e][verify]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("real-case-continued");
  const std::string vin = "JTJHY7AX0N4000321";

  auto text = ledger.run({"verify", vin, "--as-of", "2024-01-01"});
  CHECK(text.exit_code == 1);
  CHECK(text.out.find("Lexus, made in Japan (WMI JTJ)") != std::string::npos);
  CHECK(text.out.find("Nampo (KPNAM), North Korea (KP)") != std::string::npos);
  CHECK(text.out.find("Verdict: DO NOT RELEASE") != std::string::npos);

  CHECK(ledger.run({"verify", "JTMHV05J3P4000101"}).exit_code == 1);  // no entries for it: NO_RECORD (medium)
  CHECK(ledger.run({"verify", "NOT-A-VIN"}).exit_code == 2);
  CHECK(ledger.run({"verify", vin, "--as-of", "yesterday"}).exit_code == 2);
  CHECK(ledger.run({"verify", vin, "--arrival-window", "-1"}).exit_code == 2);
  CHECK(ledger.run({"verify", vin, "--fail-on", "severe"}).exit_code == 2);
  CHECK(ledger.run({"verify", vin, "--rules", (dir / "missing.json").string()}).exit_code == 2);
  write_file(dir / "bad-rules.json", R"({"embargoes": [{"id": "X"}]})");
  auto bad = ledger.run({"verify", vin, "--rules", (dir / "bad-rules.json").string()});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("lacks \"title\"") != std::string::npos);
  CHECK(ledger.run({"screen", "--rules", (dir / "bad-rules.json").string()}).exit_code == 2);

  auto no_data = run_vinledger({"--db", ledger.db().string(), "verify", vin}, "",
                               {{"VINLEDGER_DATA_DIR", (dir / "nowhere").string()}});
  CHECK(no_data.exit_code == 3);
  CHECK(no_data.err.find("VINLEDGER_DATA_DIR") != std::string::npos);
}

TEST_CASE("history shows the make and country of manufacture from the WMI table", "[e2e][history]") {
  TempDir dir;
  CliLedger ledger(dir);
  ledger.load_scenario("clean-ssangyong-kp-wmi");
  auto history = ledger.run({"history", "KPTA0B1S9PP000123"});
  INFO(history.err);
  CHECK(history.exit_code == 0);
  CHECK(history.out.find("SsangYong, made in South Korea") != std::string::npos);
  auto as_json = json::parse(ledger.run({"--json", "history", "KPTA0B1S9PP000123"}).out);
  CHECK(as_json.size() == 2);  // the contract: {"vin", "entries"} only
}
