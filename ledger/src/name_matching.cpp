#include "name_matching.h"

#include <algorithm>
#include <array>
#include <vector>

namespace vinledger {
namespace {

// Legal-form words that say what kind of company a party is, not which one.
// Dropped only at the end of a name, where they stand in trade names.
constexpr std::array<std::string_view, 36> kCompanyForms = {
    "ag",   "bv",    "co",   "company", "corp", "corporation", "fzc",  "fzco", "fze",     "gmbh", "inc",   "incorporated",
    "jsc",  "kk",    "lc",   "llc",     "llp",  "lp",          "ltd",  "limited", "nv",   "oao",  "ojsc",  "ooo",
    "pjsc", "plc",   "pte",  "pty",     "pvt",  "private",     "sa",   "sarl",    "srl",  "zao",  "spa",   "kabushikikaisha",
};

bool is_company_form(std::string_view word) {
  return std::find(kCompanyForms.begin(), kCompanyForms.end(), word) != kCompanyForms.end();
}

bool is_word_char(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80; }

std::vector<std::string> words_of(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (char raw : name) {
    auto c = static_cast<unsigned char>(raw);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    if (is_word_char(c)) {
      word += static_cast<char>(c);
    } else {
      flush();
      if (c == '&') words.emplace_back("and");
    }
  }
  flush();
  return words;
}

// "k k" -> "kk", "l l c" -> "llc": initials written with dots or spaces.
std::vector<std::string> join_initials(std::vector<std::string> words) {
  std::vector<std::string> joined;
  bool in_initials = false;  // joined.back() is made of one-letter words only
  for (auto& word : words) {
    const bool initial = word.size() == 1;
    if (initial && in_initials) {
      joined.back() += word;
    } else {
      joined.push_back(std::move(word));
      in_initials = initial;
    }
  }
  return joined;
}

}  // namespace

std::string normalize_name(std::string_view name) {
  std::vector<std::string> words = join_initials(words_of(name));
  std::size_t begin = 0, end = words.size();
  if (end - begin > 1 && words[begin] == "the") ++begin;
  std::size_t trimmed = end;
  while (trimmed > begin && is_company_form(words[trimmed - 1])) --trimmed;
  if (trimmed > begin) end = trimmed;  // a name made only of company forms is kept whole
  std::string normalized;
  for (std::size_t i = begin; i < end; ++i) {
    if (!normalized.empty()) normalized += ' ';
    normalized += words[i];
  }
  return normalized;
}

}  // namespace vinledger

namespace vinledger {
namespace {

// Decodes one UTF-8 code point at `i` (advancing it); U+FFFD for bad bytes.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  int length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xe ? 3 : (byte >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || i + static_cast<std::size_t>(length) > text.size()) {
    ++i;
    return 0xfffd;
  }
  char32_t point = length == 1 ? byte : byte & (0x7f >> length);
  for (int k = 1; k < length; ++k) point = (point << 6) | (static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]) & 0x3f);
  i += static_cast<std::size_t>(length);
  return point;
}

// Russian, Ukrainian and Belarusian letters, lower case (U+0430-U+045F).
const char* cyrillic_latin(char32_t lower) {
  static constexpr const char* kBasic[] = {"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
                                           "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"};
  if (lower >= 0x430 && lower <= 0x44f) return kBasic[lower - 0x430];
  switch (lower) {
    case 0x451: return "e";   // ё
    case 0x456: return "i";   // і
    case 0x457: return "yi";  // ї
    case 0x454: return "ye";  // є
    case 0x491: return "g";   // ґ
    case 0x45e: return "u";   // ў
    default: return nullptr;
  }
}

// A Hangul syllable (U+AC00-U+D7A3) in Revised Romanization.
std::string hangul_latin(char32_t syllable) {
  static constexpr const char* kInitial[] = {"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s",
                                             "ss", "", "j", "jj", "ch", "k", "t", "p", "h"};
  static constexpr const char* kVowel[] = {"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae",
                                           "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"};
  static constexpr const char* kFinal[] = {"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l",
                                           "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"};
  const unsigned index = static_cast<unsigned>(syllable - 0xac00);
  return std::string(kInitial[index / 588]) + kVowel[(index % 588) / 28] + kFinal[index % 28];
}

// Accented Latin letters (Latin-1 Supplement, Latin Extended-A) to their base.
const char* latin_base(char32_t point) {
  // U+00C0-U+00FF lower-cased to the base letter; '.' where there is none
  // (multiplication and division signs, Æ, Ð, Ø, Þ: kept as they are).
  static constexpr std::string_view kLatin1 = "aaaaaa.ceeeeiiii.nooooo..uuuuy..aaaaaa.ceeeeiiii.nooooo..uuuuy.y";
  static_assert(kLatin1.size() == 0x40);
  if (point >= 0xc0 && point <= 0xff) {
    static thread_local char letter[2] = {0, 0};
    if (point == 0xdf) return "ss";
    letter[0] = kLatin1[point - 0xc0];
    return letter[0] == '.' ? nullptr : letter;
  }
  if (point >= 0x100 && point <= 0x17f) {
    // U+0100-U+017F to the base letter; '.' where there is none.
    static constexpr std::string_view kExtendedA = "aaaaaaccccccccdd..eeeeeeeeeegggggggghh..iiiiiiiii.iijjkk.llllllll..nnnnnnn..oooooo..rrrrrrsssssssstttt..uuuuuuuuuuuuwwyyyzzzzzzs";
    static_assert(kExtendedA.size() == 0x80);
    static thread_local char letter[2] = {0, 0};
    letter[0] = kExtendedA[point - 0x100];
    return letter[0] == '.' ? nullptr : letter;
  }
  return nullptr;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// Romanization variants folded to one spelling (see loose_name_keys).
std::string fold_romanization(std::string word) {
  static constexpr std::pair<std::string_view, std::string_view> kDigraphs[] = {
      {"shch", "sh"}, {"sch", "sh"}, {"tch", "ch"}, {"dzh", "j"}, {"zh", "j"}, {"kh", "h"}, {"ck", "k"},
      {"ph", "f"},    {"yeo", "yo"}, {"eo", "o"},   {"eu", "u"},  {"ae", "e"}, {"ou", "u"}, {"oo", "u"},
      {"iy", "i"},    {"yi", "i"},   {"ts", "c"},   {"tz", "c"},  {"ch", "c"}, {"j", "c"}};
  for (const auto& [from, to] : kDigraphs) word = replace_all(std::move(word), from, to);
  std::string folded;
  for (char c : word) {
    switch (c) {
      case 'g': c = 'k'; break;
      case 'd': c = 't'; break;
      case 'b': c = 'p'; break;
      case 'r': c = 'l'; break;
      case 'z': c = 's'; break;
      case 'v': c = 'w'; break;
      case 'q': c = 'k'; break;
      case 'y': c = 'i'; break;
      case 'u': c = 'o'; break;
      default: break;
    }
    if (folded.empty() || folded.back() != c) folded += c;
  }
  return folded;
}

bool is_loose_company_form(std::string_view word) {
  static constexpr std::string_view kMore[] = {"ao", "pao", "tov", "oao", "zao", "ooo", "hoesa", "hwesa", "hoisa",
                                               "trading company", "gongsi", "youxian"};
  return is_company_form(word) || std::find(std::begin(kMore), std::end(kMore), word) != std::end(kMore);
}

std::string_view expanded(std::string_view word) {
  static constexpr std::pair<std::string_view, std::string_view> kAbbreviations[] = {
      {"intl", "international"}, {"dev", "development"}, {"devt", "development"}, {"mfg", "manufacturing"},
      {"trdg", "trading"},       {"gen", "general"},     {"bros", "brothers"},    {"natl", "national"},
      {"svcs", "services"},      {"mgmt", "management"}, {"eng", "engineering"},  {"ind", "industrial"}};
  for (const auto& [abbreviation, word_in_full] : kAbbreviations)
    if (word == abbreviation) return word_in_full;
  return word;
}

}  // namespace

std::string transliterate_to_latin(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    char32_t point = next_code_point(text, i);
    if (point < 0x80) {
      out += static_cast<char>(point);
      continue;
    }
    if (point >= 0x400 && point <= 0x42f) point += 0x20;  // Cyrillic capitals
    if (point >= 0x400 && point <= 0x40f) point += 0x50;  // Ѐ-Џ
    if (const char* latin = cyrillic_latin(point)) {
      out += latin;
    } else if (point >= 0xac00 && point <= 0xd7a3) {
      out += hangul_latin(point);
    } else if (const char* base = latin_base(point)) {
      out += base;
    } else if ((point >= 0x80 && point <= 0xbf) || (point >= 0x2000 && point <= 0x206f) ||
               (point >= 0x3000 && point <= 0x303f)) {
      // Latin-1, general and CJK punctuation («quotes», dashes, 、): word breaks.
      out += ' ';
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out;
}

LooseNameKeys loose_name_keys(std::string_view name) {
  std::vector<std::string> words = join_initials(words_of(transliterate_to_latin(name)));
  std::size_t begin = 0, end = words.size();
  while (end - begin > 1 && (words[begin] == "the" || is_loose_company_form(words[begin]))) ++begin;
  while (end - begin > 1 && is_loose_company_form(words[end - 1])) --end;
  // Company forms inside the name too ("Trading Corporation Namchongang"),
  // unless nothing else is left.
  std::vector<std::string> folded;
  for (std::size_t i = begin; i < end; ++i)
    if (!is_loose_company_form(words[i]) || end - begin == 1)
      folded.push_back(fold_romanization(std::string(expanded(words[i]))));
  LooseNameKeys keys;
  for (const auto& word : folded) keys.ordered += word;
  if (keys.ordered.size() < kMinLooseKey) return {};
  std::sort(folded.begin(), folded.end());
  for (const auto& word : folded) keys.sorted += (keys.sorted.empty() ? "" : " ") + word;
  return keys;
}

}  // namespace vinledger
