// The VIN index's own costs at a given number of chains, in one run:
//   vinledger_bench_index WORK_DIR [CHAINS] [PROOFS]
// 1. IndexBuilder fed CHAINS entries (one per chain), then its root: what
//    `audit` and a mirror spend recomputing the index.
// 2. A stored index of CHAINS keys in a fresh SQLite ledger file, written in
//    transactions of 10,000 entries (as `append` does), then PROOFS lookup
//    proofs of known keys and PROOFS absence proofs, each read as `prove`
//    reads it (stored tiles at the checkpoint's size): time and size.
// 3. Verifying those proofs (what verify-bundle adds to a bundle's checks).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <vector>

#include "index_tree.h"
#include "store.h"
#include "vinledger/vin_index.h"

using namespace vinledger;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string vin_of(std::uint64_t i) {
  std::string digits = std::to_string(i);
  return "BENCH" + std::string(12 - digits.size(), '0') + digits;  // 17 characters, like a VIN
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::cerr << "usage: vinledger_bench_index WORK_DIR [CHAINS] [PROOFS]\n";
    return 2;
  }
  const fs::path work = argv[1];
  const std::uint64_t chains = argc > 2 ? std::stoull(argv[2]) : 1000000;
  const int proofs = argc > 3 ? std::stoi(argv[3]) : 1000;

  // 1. Recomputation from a stream of entries.
  auto start = Clock::now();
  IndexBuilder builder;
  for (std::uint64_t seq = 0; seq < chains; ++seq) builder.add(vin_of(seq), seq, sha256(vin_of(seq)));
  const Hash root = builder.root();
  const double rebuild = since(start);
  std::cout << "chains: " << chains << "\n"
            << "recompute (IndexBuilder, " << chains << " entries, then root): " << rebuild << " s\n";

  // 2. The stored index.
  const fs::path db = work / "index-bench.db";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  auto store = Store::open(db, Store::OpenMode::kCreateNew);
  if (!store) {
    std::cerr << store.error().message << "\n";
    return 3;
  }
  IndexTree tree(**store);
  start = Clock::now();
  constexpr std::uint64_t kBatch = 10000;
  Result<Hash> stored_root = index_empty();
  for (std::uint64_t first = 0; first < chains; first += kBatch) {
    std::vector<IndexChange> changes;
    for (std::uint64_t seq = first; seq < std::min(chains, first + kBatch); ++seq)
      changes.push_back(IndexChange{index_key(vin_of(seq)), 1, seq, sha256(vin_of(seq))});
    std::sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    if (!(*store)->begin_write()) return 3;
    stored_root = tree.apply(changes, 0);
    if (!stored_root || !(*store)->commit()) return 3;
  }
  std::cout << "stored index written in transactions of " << kBatch << ": " << since(start) << " s\n";
  if (*stored_root != root) {
    std::cerr << "the stored root differs from the recomputed one\n";
    return 4;
  }

  for (bool present : {true, false}) {
    std::vector<double> times;
    std::vector<std::size_t> sizes;
    std::vector<IndexProof> made;
    for (int i = 0; i < proofs; ++i) {
      const std::uint64_t n = (static_cast<std::uint64_t>(i) * 7919 + 13) % chains;
      const Hash key = index_key(present ? vin_of(n) : "ABSENT" + vin_of(n));
      const auto t = Clock::now();
      auto proof = tree.prove(key, chains);
      times.push_back(since(t) * 1e3);
      if (!proof || proof->present() != present) return 5;
      sizes.push_back(encode_index_proof(*proof).size());
      made.push_back(std::move(*proof));
    }
    std::sort(times.begin(), times.end());
    const auto [smallest, largest] = std::minmax_element(sizes.begin(), sizes.end());
    const double mean_size = std::accumulate(sizes.begin(), sizes.end(), 0.0) / static_cast<double>(sizes.size());
    start = Clock::now();
    for (int i = 0; i < proofs; ++i) {
      const std::uint64_t n = (static_cast<std::uint64_t>(i) * 7919 + 13) % chains;
      const Hash key = index_key(present ? vin_of(n) : "ABSENT" + vin_of(n));
      if (!verify_index_proof(key, made[static_cast<std::size_t>(i)], root)) return 6;
    }
    const double verify_ms = since(start) * 1e3 / proofs;
    std::cout << (present ? "lookup" : "absence") << " proofs (" << proofs << "): make median "
              << times[times.size() / 2] << " ms, max " << times.back() << " ms; size mean " << mean_size
              << " bytes (min " << *smallest << ", max " << *largest << "; base64 in a bundle: "
              << (*largest + 2) / 3 * 4 << " characters at most); verify mean " << verify_ms << " ms\n";
  }
  // What the audit adds beside the recomputation: reading every stored tile.
  start = Clock::now();
  auto all = (*store)->index_tiles_between(0, chains);
  if (!all) return 7;
  std::cout << "audit's read of every stored tile (" << all->size() << " tiles): " << since(start) << " s\n";
  std::cout << "database: " << fs::file_size(db) / (1024 * 1024) << " MiB\n";
  return 0;
}
