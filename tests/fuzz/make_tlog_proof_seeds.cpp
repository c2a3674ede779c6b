// Writes the tlog_proof seed corpus (fixtures/fuzz/tlog_proof/) with the
// library's own signer and formatter: proofs for several leaves of small
// trees, with and without extra data, over a checkpoint signed by a fixed
// test key (seed bytes 1..32) and, for one, a cosignature too. Run by hand
// (see fixtures/fuzz/README.md); tests never run it.
//   make_tlog_proof_seeds OUTPUT_DIR
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "vinledger/checkpoint.h"
#include "vinledger/hash.h"
#include "vinledger/keys.h"
#include "vinledger/signed_note.h"
#include "vinledger/tlog_proof.h"

namespace {

using vinledger::Hash;

// RFC 9162 section 2.1.1: MTH over leaves [begin, end).
Hash tree_hash(const std::vector<Hash>& leaves, std::size_t begin, std::size_t end) {
  if (end - begin == 1) return leaves[begin];
  std::size_t split = 1;
  while (split * 2 < end - begin) split *= 2;
  return vinledger::node_hash(tree_hash(leaves, begin, begin + split), tree_hash(leaves, begin + split, end));
}

// RFC 9162 section 2.1.3.1: PATH(m, D[begin:end]), leaf's sibling first.
void inclusion_path(const std::vector<Hash>& leaves, std::size_t m, std::size_t begin, std::size_t end,
                    std::vector<Hash>& path) {
  if (end - begin <= 1) return;
  std::size_t split = 1;
  while (split * 2 < end - begin) split *= 2;
  if (m < split) {
    inclusion_path(leaves, m, begin, begin + split, path);
    path.push_back(tree_hash(leaves, begin + split, end));
  } else {
    inclusion_path(leaves, m - split, begin + split, end, path);
    path.push_back(tree_hash(leaves, begin, begin + split));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_tlog_proof_seeds OUTPUT_DIR\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  std::filesystem::create_directories(out);
  std::array<std::uint8_t, 32> seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(i + 1);
  const auto key = vinledger::SigningKey::from_seed(seed);
  const std::string origin = "vinledger.example/fuzz";

  int written = 0;
  for (std::size_t size : {1u, 2u, 3u, 7u, 8u, 13u}) {
    std::vector<Hash> leaves;
    for (std::size_t i = 0; i < size; ++i) leaves.push_back(vinledger::leaf_hash("entry " + std::to_string(i)));
    vinledger::Checkpoint checkpoint{origin, size, tree_hash(leaves, 0, size), {}};
    auto signed_checkpoint = vinledger::sign_checkpoint(checkpoint, key, origin);
    if (size == 13) {  // one with a witness cosignature and an extension line
      checkpoint.extensions.push_back("fuzz extension");
      signed_checkpoint = vinledger::sign_checkpoint(checkpoint, key, origin);
      auto note = vinledger::parse_signed_note(*signed_checkpoint);
      note->signatures.push_back(*vinledger::cosign_checkpoint(checkpoint, key, "witness.example", 1700000000));
      signed_checkpoint = vinledger::format_signed_note(*note);
    }
    if (!signed_checkpoint) {
      std::cerr << signed_checkpoint.error().message << "\n";
      return 1;
    }
    for (std::size_t index : {std::size_t{0}, size / 2, size - 1}) {
      vinledger::TlogProof proof;
      proof.index = index;
      inclusion_path(leaves, index, 0, size, proof.inclusion_proof);
      proof.checkpoint = *signed_checkpoint;
      if (index % 2 == 1) proof.extra = {'v', 'i', 'n', 0, 0xff};
      auto text = vinledger::format_tlog_proof(proof);
      if (!text) {
        std::cerr << text.error().message << "\n";
        return 1;
      }
      std::ofstream(out / ("size" + std::to_string(size) + "-index" + std::to_string(index) + ".txt"),
                    std::ios::binary)
          << *text;
      ++written;
    }
  }
  std::cout << "wrote " << written << " proofs to " << out.string() << "\n";
  return 0;
}
