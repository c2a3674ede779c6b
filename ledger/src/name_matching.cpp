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
