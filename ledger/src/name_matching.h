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

// Keys for a second, looser comparison, used only when the normalized names
// differ: the name transliterated to Latin (Cyrillic by a GOST-like table,
// Hangul syllables by Revised Romanization, accented Latin letters to their
// base letter), company-form words dropped wherever they stand (OOO, LLC,
// FZE, Corporation, hoesa, ...), common abbreviations spelled out (Intl, Dev, Mfg, Trdg),
// and romanization variants folded (Chosun, Choson, Joseon and 조선 all
// give "coson"; Ромашка and Romaschka give "lomashka"). `ordered` keeps
// the words in order without spaces ("Ryon Bong" = "Ryonbong"); `sorted`
// sorts them first (word order set aside). Empty when the name is too
// short (under kMinLooseKey letters) to compare loosely without false hits.
struct LooseNameKeys {
  std::string ordered;
  std::string sorted;
};
inline constexpr std::size_t kMinLooseKey = 6;
LooseNameKeys loose_name_keys(std::string_view name);

// UTF-8 text with Cyrillic, Hangul and accented Latin letters written in
// lower-case ASCII; other characters are kept as they are.
std::string transliterate_to_latin(std::string_view text);

}  // namespace vinledger
