// What the library's unit tests build their ledgers from: a fixed clock, a
// numbered VIN, a signed line, a maker's registration and manufacture, and
// a new ledger of the unit origin. One home, so that a change to what a
// valid statement needs is made once for every test that writes one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "vinledger/keys.h"
#include "vinledger/ledger.h"

namespace vinledger::testing {

inline constexpr const char* kUnitOrigin = "unit.vinledger.example";
inline constexpr std::int64_t kFixedNow = 1767225600;  // 2026-01-01T00:00:00Z

// Settings whose clock always answers kFixedNow, checking signatures on
// `threads` threads (0: one per hardware thread).
LedgerSettings fixed_clock(unsigned threads = 0);
// A valid VIN of a 2010 Toyota, different for each n (its check digit set).
std::string numbered_vin(int n);
// The statement signed with `key`, as one line of JSON Lines (ending "\n").
std::string signed_line(nlohmann::json statement, const SigningKey& key);
// The operator's registration of party "maker" (a Japanese manufacturer)
// with `maker_key`.
nlohmann::json maker_registration(const SigningKey& maker_key);
// Manufacture of vehicle `n` by "maker".
nlohmann::json manufacture_statement(int n, const std::string& model = "Land Cruiser");
// A new ledger at `path` of origin kUnitOrigin, on the fixed clock.
Ledger create_unit_ledger(const std::filesystem::path& path, const SigningKey& operator_key);

}  // namespace vinledger::testing
