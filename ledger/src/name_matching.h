// Name normalization for denied-party screening: two spellings of one
// company ("KOMID Co., Ltd." and "Komid") must compare equal, and nothing
// else may, since every match is reported to a person as a sanctions hit.
#pragma once

#include <string>
#include <string_view>

namespace vinledger {

// Lower-case ASCII letters and digits in words separated by one space:
// punctuation becomes a space, "&" becomes "and", runs of one-letter words
// join ("K. K." -> "kk"), a leading "the" and trailing company-form words
// (Pte, Ltd, Co, Corp, LLC, GmbH, K.K., ...) are dropped. Bytes outside
// ASCII are kept as they are. Never returns an empty string for a name that
// has a letter or digit: a name made only of company-form words is kept.
std::string normalize_name(std::string_view name);

}  // namespace vinledger
