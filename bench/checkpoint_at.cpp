// vinledger_bench_checkpoint_at DB OPERATOR_KEY SIZE
// Prints the checkpoint the operator would have issued when the log had
// SIZE entries: the root of the log's first SIZE entries (read from its
// tiles), signed with the operator key. For benchmarks of consistency
// between two sizes of one large ledger, which the CLI can only checkpoint
// at its current size.
#include <cstdlib>
#include <iostream>
#include <string>

#include "vinledger/checkpoint.h"
#include "vinledger/ledger.h"

int main(int argc, char** argv) {
  using namespace vinledger;
  if (argc != 4) {
    std::cerr << "usage: vinledger_bench_checkpoint_at DB OPERATOR_KEY SIZE\n";
    return 2;
  }
  LedgerSettings settings;
  settings.read_only = true;
  auto ledger = Ledger::open(argv[1], settings);
  auto key = SigningKey::load(argv[2]);
  if (!ledger || !key) {
    std::cerr << (ledger ? key.error().message : ledger.error().message) << "\n";
    return 3;
  }
  const std::uint64_t size = std::strtoull(argv[3], nullptr, 10);
  auto roots = ledger->consistency_proof(size, size);
  if (!roots) {
    std::cerr << roots.error().message << "\n";
    return 3;
  }
  auto note = sign_checkpoint(Checkpoint{ledger->origin(), size, roots->root1, {}}, *key, ledger->origin());
  if (!note) {
    std::cerr << note.error().message << "\n";
    return 3;
  }
  std::cout << *note;
  return 0;
}
