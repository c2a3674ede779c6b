#include "vinledger/money.h"

#include <algorithm>
#include <cctype>

#include "currency_table.h"

namespace vinledger {
namespace {

// JCS numbers are IEEE doubles: an amount must survive that (docs/format.md).
constexpr std::int64_t kMaxAmount = (std::int64_t{1} << 53) - 1;

std::string with_thousands(std::int64_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_currency_word(std::string_view word) {
  return word.size() == 3 && std::all_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string shown(std::string_view text) {
  std::string out(text.substr(0, 40));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return "\"" + out + "\"";
}

// The digits of "65,000.00" as an integer part and a fraction, checking the
// grouping: either no commas, or commas every three digits.
Result<std::pair<std::string, std::string>> split_number(std::string_view number) {
  const std::size_t point = number.find('.');
  std::string_view whole = number.substr(0, point);
  std::string_view fraction = point == std::string_view::npos ? std::string_view() : number.substr(point + 1);
  if (whole.empty()) return invalid_input("has no digits before the decimal point");
  if (point != std::string_view::npos && fraction.empty()) return invalid_input("has nothing after the decimal point");
  if (!std::all_of(fraction.begin(), fraction.end(), is_digit))
    return invalid_input("has a decimal part that is not digits (write 65,000.00: ',' groups thousands, '.' marks decimals)");
  std::string digits;
  if (whole.find(',') == std::string_view::npos) {
    if (!std::all_of(whole.begin(), whole.end(), is_digit)) return invalid_input("is not a number");
    digits = whole;
  } else {
    std::size_t start = 0;
    bool first = true;
    while (start <= whole.size()) {
      const std::size_t comma = std::min(whole.find(',', start), whole.size());
      const std::string_view group = whole.substr(start, comma - start);
      const bool group_ok = std::all_of(group.begin(), group.end(), is_digit) &&
                            (first ? !group.empty() && group.size() <= 3 : group.size() == 3);
      if (!group_ok)
        return invalid_input("has digit groups that are not thousands (write 65,000.00: ',' groups thousands, '.' marks decimals)");
      digits += group;
      first = false;
      start = comma + 1;
    }
  }
  return std::pair<std::string, std::string>{digits, std::string(fraction)};
}

}  // namespace

std::optional<int> currency_minor_unit(std::string_view code) {
  const auto& table = iso4217_minor_units();
  auto found = std::lower_bound(table.begin(), table.end(), code,
                                [](const CurrencyMinorUnit& row, std::string_view key) { return row.code < key; });
  if (found == table.end() || found->code != code) return std::nullopt;
  return found->minor_unit;
}

Result<Money> parse_money(std::string_view text, std::string_view default_currency) {
  const std::string_view whole = trim(text);
  auto refuse = [&](const std::string& why) {
    return invalid_input("amount " + shown(text) + " " + why);
  };
  if (whole.empty()) return refuse("is empty");
  std::string_view number = whole, currency = default_currency;
  if (const std::size_t space = whole.find_first_of(" \t"); space != std::string_view::npos) {
    const std::string_view first = whole.substr(0, space), last = trim(whole.substr(space));
    if (last.find_first_of(" \t") != std::string_view::npos) return refuse("must be \"AMOUNT CURRENCY\" (e.g. \"65,000.00 EUR\")");
    if (is_currency_word(last)) {
      number = first;
      currency = last;
    } else if (is_currency_word(first)) {
      number = last;
      currency = first;
    } else {
      return refuse("must be \"AMOUNT CURRENCY\" (e.g. \"65,000.00 EUR\")");
    }
  }
  if (currency.empty()) return refuse("names no currency (write e.g. \"65,000.00 EUR\")");
  const auto minor_unit = currency_minor_unit(currency);
  if (!minor_unit) return refuse("has currency " + shown(currency) + ", which is not an ISO 4217 currency code");
  if (!number.empty() && number.front() == '-') return refuse("is negative");
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  auto parts = split_number(number);
  if (!parts) return refuse(parts.error().message);
  auto [digits, fraction] = std::move(*parts);
  if (fraction.size() > static_cast<std::size_t>(*minor_unit))
    return refuse("has " + std::to_string(fraction.size()) + " decimal places, but " + std::string(currency) +
                  " has " + std::to_string(*minor_unit) + " (ISO 4217)");
  fraction.append(static_cast<std::size_t>(*minor_unit) - fraction.size(), '0');
  digits += fraction;
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.size() > 16) return refuse("is too large");
  std::int64_t amount = 0;
  for (char c : digits) amount = amount * 10 + (c - '0');
  if (amount > kMaxAmount) return refuse("is too large");
  return Money{amount, std::string(currency)};
}

std::string format_money(const Money& money) {
  const auto minor_unit = currency_minor_unit(money.currency);
  if (!minor_unit) return std::to_string(money.amount) + " " + money.currency + " (minor units; not an ISO 4217 currency)";
  std::int64_t scale = 1;
  for (int i = 0; i < *minor_unit; ++i) scale *= 10;
  const std::int64_t magnitude = money.amount < 0 ? -money.amount : money.amount;
  std::string text = (money.amount < 0 ? "-" : "") + with_thousands(magnitude / scale);
  if (*minor_unit > 0) {
    const std::string fraction = std::to_string(magnitude % scale);
    text += "." + std::string(static_cast<std::size_t>(*minor_unit) - fraction.size(), '0') + fraction;
  }
  return text + " " + money.currency;
}

}  // namespace vinledger
