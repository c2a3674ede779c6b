// Shared by the fuzz targets: a property that must hold traps, which both
// libFuzzer and the replay tests report as a crash with a stack trace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vinledger::fuzz {

inline void require(bool property) {
  if (!property) __builtin_trap();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace vinledger::fuzz
