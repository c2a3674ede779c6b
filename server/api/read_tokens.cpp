#include "api/read_tokens.h"

#include <openssl/crypto.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace vinledger::api {
namespace {

constexpr std::size_t kMinTokenBytes = 16;
constexpr std::size_t kMaxTokenBytes = 256;
constexpr std::size_t kMaxFileBytes = 1 << 20;

bool token_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

bool name_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '@';
}

}  // namespace

Result<ReadTokens> ReadTokens::load(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return invalid_input("--read-tokens " + path.string() + ": cannot read it");
  if (info.st_mode & (S_IRWXG | S_IRWXO))
    return invalid_input("--read-tokens " + path.string() + " may be read by group or others (chmod 600 it)");
  if (static_cast<std::size_t>(info.st_size) > kMaxFileBytes)
    return invalid_input("--read-tokens " + path.string() + " is larger than 1 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_input("--read-tokens " + path.string() + ": cannot read it");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path.string());
}

Result<ReadTokens> ReadTokens::parse(std::string_view text, std::string_view source) {
  ReadTokens tokens;
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto where = [&] { return std::string(source) + ":" + std::to_string(number) + ": "; };
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos) return invalid_input(where() + "expected NAME TOKEN");
    const std::string_view name = line.substr(0, space);
    const std::string_view token = line.substr(space + 1);
    if (name.empty() || name.size() > 64 || !std::all_of(name.begin(), name.end(), name_character))
      return invalid_input(where() + "the name must be 1-64 of A-Z a-z 0-9 - . _ @");
    if (token.size() < kMinTokenBytes || token.size() > kMaxTokenBytes ||
        !std::all_of(token.begin(), token.end(), token_character))
      return invalid_input(where() + "the token must be 16-256 of A-Z a-z 0-9 - . _ ~ + / =");
    const Hash digest = sha256(token);
    for (const auto& entry : tokens.tokens_)
      if (entry.digest == digest) return invalid_input(where() + "this token is already given to " + entry.name);
    tokens.tokens_.push_back(Entry{std::string(name), digest});
  }
  return tokens;
}

std::optional<std::string> ReadTokens::holder(std::string_view authorization) const {
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization.starts_with(kBearer)) return std::nullopt;
  const Hash digest = sha256(authorization.substr(kBearer.size()));
  std::optional<std::string> found;
  // Every entry is compared, found or not: the time says nothing.
  for (const auto& entry : tokens_)
    if (CRYPTO_memcmp(entry.digest.data(), digest.data(), digest.size()) == 0) found = entry.name;
  return found;
}

}  // namespace vinledger::api
