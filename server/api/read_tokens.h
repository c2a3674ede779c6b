// Bearer tokens for the read API (`serve --read-tokens FILE`): who may read.
// The file has one token per line, "NAME TOKEN" (NAME appears in the access
// log as the actor; TOKEN is 16 to 256 characters from A-Z a-z 0-9 - . _ ~
// + / =); blank lines and lines starting with '#' are skipped. Like a key
// file, it must not be readable by group or others.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vinledger/hash.h"
#include "vinledger/result.h"

namespace vinledger::api {

class ReadTokens {
 public:
  // Errors name the file and line; a token given twice is refused.
  [[nodiscard]] static Result<ReadTokens> load(const std::filesystem::path& path);
  [[nodiscard]] static Result<ReadTokens> parse(std::string_view text, std::string_view source);

  // The name of the token in an "Authorization: Bearer TOKEN" header value,
  // or nullopt. Tokens are compared as SHA-256 digests, in constant time.
  std::optional<std::string> holder(std::string_view authorization) const;
  std::size_t size() const { return tokens_.size(); }

 private:
  struct Entry {
    std::string name;
    Hash digest;
  };
  std::vector<Entry> tokens_;
};

}  // namespace vinledger::api
