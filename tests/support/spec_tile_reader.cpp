#include "spec_tile_reader.h"

#include <openssl/evp.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace vinledger::testing {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("spec reader: " + what); }

std::string sha256(const std::string& data) {
  unsigned char out[32];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out, &length, EVP_sha256(), nullptr) != 1) fail("SHA-256");
  return std::string(reinterpret_cast<char*>(out), 32);
}

// RFC 6962 section 2.1.
std::string leaf_hash(const std::string& entry) { return sha256(std::string(1, '\0') + entry); }
std::string node_hash(const std::string& left, const std::string& right) {
  return sha256(std::string(1, '\x01') + left + right);
}

// MTH(D[begin:end]) over leaf hashes, split at the largest power of two
// smaller than the number of leaves.
std::string mth(const std::vector<std::string>& leaves, std::uint64_t begin, std::uint64_t end) {
  const std::uint64_t n = end - begin;
  if (n == 0) return sha256("");
  if (n == 1) return leaves[begin];
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return node_hash(mth(leaves, begin, begin + k), mth(leaves, begin + k, end));
}

std::string base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) fail("base64 length");
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) fail("base64");
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

// tlog-tiles: "x001/x234/067" for 1234067.
std::string index_path(std::uint64_t n) {
  auto three = [](std::uint64_t v) {
    std::string s = std::to_string(v);
    return std::string(3 - s.size(), '0') + s;
  };
  std::string path = three(n % 1000);
  for (n /= 1000; n > 0; n /= 1000) path = "x" + three(n % 1000) + "/" + path;
  return path;
}

std::string tile_path(const std::string& level, std::uint64_t n, std::uint64_t width) {
  std::string path = "tile/" + level + "/" + index_path(n);
  if (width < 256) path += ".p/" + std::to_string(width);
  return path;
}

bool ed25519_verify(const std::string& public_key, const std::string& message, const std::string& signature) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key.data()),
                                  public_key.size()),
      EVP_PKEY_free);
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

// signed-note: the text up to and including the last "\n\n"'s first '\n',
// then "— <name> <base64(key id || signature)>" lines.
struct Note {
  std::string text;
  std::vector<std::pair<std::string, std::string>> signatures;  // name, decoded bytes
};

Note parse_note(const std::string& note) {
  const std::size_t blank = note.rfind("\n\n");
  if (blank == std::string::npos || note.empty() || note.back() != '\n') fail("not a signed note");
  Note parsed;
  parsed.text = note.substr(0, blank + 1);
  const std::string dash = "\xe2\x80\x94 ";
  for (const std::string& line : split(note.substr(blank + 2, note.size() - blank - 3), '\n')) {
    if (line.rfind(dash, 0) != 0) fail("signature line without the em dash");
    const std::string rest = line.substr(dash.size());
    const std::size_t space = rest.rfind(' ');
    if (space == std::string::npos) fail("signature line");
    parsed.signatures.emplace_back(rest.substr(0, space), base64_decode(rest.substr(space + 1)));
  }
  return parsed;
}

std::string fetch_required(const SpecFetch& fetch, const std::string& path) {
  auto bytes = fetch(path);
  if (!bytes) fail("the log does not serve " + path);
  return *bytes;
}

}  // namespace

SpecLog read_whole_log(const SpecFetch& fetch, const std::string& vkey) {
  // vkey: <name>+<8 hex key hash>+<base64(0x01 || 32-byte key)>
  const std::size_t first_plus = vkey.find('+');
  const std::size_t second_plus = vkey.find('+', first_plus + 1);
  if (first_plus == std::string::npos || second_plus == std::string::npos) fail("vkey");
  const std::string name = vkey.substr(0, first_plus);
  const std::string key_bytes = base64_decode(vkey.substr(second_plus + 1));
  if (key_bytes.size() != 33 || key_bytes[0] != 0x01) fail("vkey is not an Ed25519 key");
  const std::string key_id = sha256(name + "\n" + key_bytes).substr(0, 4);

  const Note note = parse_note(fetch_required(fetch, "checkpoint"));
  bool signed_by_log = false;
  for (const auto& [signer, bytes] : note.signatures)
    if (signer == name && bytes.size() == 68 && bytes.substr(0, 4) == key_id)
      signed_by_log = ed25519_verify(key_bytes.substr(1), note.text, bytes.substr(4)) || signed_by_log;
  if (!signed_by_log) fail("the checkpoint is not signed by the log's key");
  const auto lines = split(note.text, '\n');  // origin, size, root, [extensions...], ""
  if (lines.size() < 4) fail("checkpoint body");
  SpecLog log;
  log.origin = lines[0];
  if (log.origin != name) fail("origin is not the key's name");
  log.size = std::stoull(lines[1]);
  log.root = base64_decode(lines[2]);

  // Entries, bundle by bundle.
  std::vector<std::string> leaves;
  for (std::uint64_t n = 0; n * 256 < log.size; ++n) {
    const std::uint64_t width = std::min<std::uint64_t>(256, log.size - n * 256);
    const std::string bundle = fetch_required(fetch, tile_path("entries", n, width));
    std::size_t at = 0;
    for (std::uint64_t i = 0; i < width; ++i) {
      if (at + 2 > bundle.size()) fail("bundle " + std::to_string(n) + " is short");
      const std::size_t length = (static_cast<unsigned char>(bundle[at]) << 8) | static_cast<unsigned char>(bundle[at + 1]);
      if (at + 2 + length > bundle.size()) fail("bundle " + std::to_string(n) + " entry is short");
      log.entries.push_back(bundle.substr(at + 2, length));
      leaves.push_back(leaf_hash(log.entries.back()));
      at += 2 + length;
    }
    if (at != bundle.size()) fail("bundle " + std::to_string(n) + " has trailing bytes");
  }
  if (mth(leaves, 0, leaves.size()) != log.root) fail("the entries do not make the checkpoint's root");

  // Hash tiles, level by level: hash i of tile (L, N) is the root of the
  // 256^L leaves it covers.
  for (int level = 0;; ++level) {
    std::uint64_t span = 1;
    for (int i = 0; i < level; ++i) span *= 256;
    const std::uint64_t row = log.size / span;
    if (row == 0) break;
    for (std::uint64_t n = 0; n * 256 < row; ++n) {
      const std::uint64_t width = std::min<std::uint64_t>(256, row - n * 256);
      const std::string tile = fetch_required(fetch, tile_path(std::to_string(level), n, width));
      if (tile.size() != width * 32) fail("tile " + std::to_string(level) + "/" + std::to_string(n) + " size");
      for (std::uint64_t i = 0; i < width; ++i) {
        const std::uint64_t begin = (n * 256 + i) * span;
        if (tile.substr(i * 32, 32) != mth(leaves, begin, begin + span))
          fail("tile " + std::to_string(level) + "/" + std::to_string(n) + " hash " + std::to_string(i));
      }
    }
  }
  return log;
}

}  // namespace vinledger::testing
