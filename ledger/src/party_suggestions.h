// "did you mean kansai-motors?": the registered party ids nearest to one
// that is not registered, so that a one-letter slip in `--to` is caught
// when it is typed instead of becoming a permanent custody gap.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vinledger {

// Up to `limit` of `registered`, nearest first (edit distance with
// transpositions, case ignored; ties by id), among those close enough to be
// a slip: at most a third of the longer id's length, at least 1, and at most 3.
std::vector<std::string> nearest_party_ids(std::string_view id, const std::vector<std::string>& registered,
                                           std::size_t limit = 3);

}  // namespace vinledger
