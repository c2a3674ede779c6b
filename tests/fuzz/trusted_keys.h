// Public keys from the shared signed-note vectors (golang.org/x/mod test keys
// and sum.golang.org's log key), so that seeds signed by them reach the
// signature checks rather than stopping at "no trusted key".
#pragma once

#include <string_view>
#include <vector>

#include "vinledger/signed_note.h"

namespace vinledger::fuzz {

inline constexpr std::string_view kSumGolangOrgKey = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
inline constexpr std::string_view kSumGolangOrgOrigin = "go.sum database tree";

inline const std::vector<TrustedKey>& trusted_note_keys() {
  static const std::vector<TrustedKey> keys = [] {
    std::vector<TrustedKey> parsed;
    for (std::string_view text : {std::string_view("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
                                  std::string_view("EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"),
                                  kSumGolangOrgKey})
      parsed.push_back(*parse_trusted_key(text));
    return parsed;
  }();
  return keys;
}

}  // namespace vinledger::fuzz
