// The cost of keeping the Merkle tree (or the VIN index) during appends,
// measured in one run:
//   vinledger_bench_append_tree BASE.db STATEMENTS.jsonl WORK_DIR [ROUNDS] [tree|index]
// BASE.db and STATEMENTS.jsonl come from vinledger_bench_gen. Each round
// copies BASE.db twice and appends the same statements to one copy with the
// structure maintained and to the other without (LedgerSettings::
// maintain_tree or maintain_index, knobs for this benchmark only),
// alternating which goes first. Prints each run and the ratio of the median
// throughputs.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include "vinledger/ledger.h"

using namespace vinledger;
namespace fs = std::filesystem;

namespace {

// Seconds to append `statements` to a fresh copy of `base`; negative on error.
bool g_index = false;  // measure the index, not the tree

double timed_append(const fs::path& base, const fs::path& statements, const fs::path& copy, bool tree) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(copy.string() + suffix);
  fs::copy_file(base, copy);
  LedgerSettings settings;
  if (g_index) settings.maintain_index = tree;
  else settings.maintain_tree = tree;
  auto ledger = Ledger::open(copy, settings);
  if (!ledger) {
    std::cerr << ledger.error().message << "\n";
    return -1;
  }
  std::ifstream in(statements, std::ios::binary);
  const auto start = std::chrono::steady_clock::now();
  auto report = ledger->append(in, statements.string());
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  if (!report) {
    std::cerr << report.error().message << "\n";
    return -1;
  }
  return elapsed.count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 6) {
    std::cerr << "usage: vinledger_bench_append_tree BASE.db STATEMENTS.jsonl WORK_DIR [ROUNDS] [tree|index]\n";
    return 2;
  }
  const fs::path base = argv[1], statements = argv[2], work = argv[3];
  const int rounds = argc >= 5 ? std::atoi(argv[4]) : 3;
  g_index = argc == 6 && std::string(argv[5]) == "index";
  if (g_index) std::cout << "measuring the VIN index (\"tree\" below: the index)\n";
  std::size_t count = 0;
  {
    std::ifstream in(statements);
    for (std::string line; std::getline(in, line);) count += !line.empty();
  }
  std::vector<double> with_tree, without_tree;
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < 2; ++i) {
      const bool tree = (round + i) % 2 == 0;
      const double seconds = timed_append(base, statements, work / (tree ? "with-tree.db" : "without-tree.db"), tree);
      if (seconds < 0) return 3;
      (tree ? with_tree : without_tree).push_back(seconds);
      std::cout << "round " << round + 1 << " " << (tree ? "with tree:    " : "without tree: ") << seconds << " s, "
                << static_cast<long>(count / seconds) << " statements/s\n";
    }
  }
  const double with_rate = count / median(with_tree), without_rate = count / median(without_tree);
  std::cout << "statements: " << count << "\n"
            << "median with tree:    " << static_cast<long>(with_rate) << " statements/s\n"
            << "median without tree: " << static_cast<long>(without_rate) << " statements/s\n"
            << "ratio (with / without): " << with_rate / without_rate << "\n";
  return 0;
}
