#include "party_suggestions.h"

#include <algorithm>
#include <cctype>

namespace vinledger {
namespace {

char folded(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Optimal string alignment distance: insertions, deletions, substitutions
// and transpositions of neighbours ("kanasi" for "kansai") cost one each.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = folded(a[i - 1]) == folded(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && folded(a[i - 1]) == folded(b[j - 2]) && folded(a[i - 2]) == folded(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::vector<std::string> nearest_party_ids(std::string_view id, const std::vector<std::string>& registered,
                                           std::size_t limit) {
  std::vector<std::pair<std::size_t, std::string>> close;
  for (const auto& candidate : registered) {
    // Ids are at most 64 characters (docs/format.md), so this stays cheap.
    const std::size_t longer = std::max(id.size(), candidate.size());
    const std::size_t allowed = std::min<std::size_t>(3, std::max<std::size_t>(1, longer / 3));
    if (const std::size_t d = distance(id, candidate); d <= allowed) close.emplace_back(d, candidate);
  }
  std::sort(close.begin(), close.end());
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < close.size() && i < limit; ++i) ids.push_back(close[i].second);
  return ids;
}

}  // namespace vinledger
