#include "data_dir.h"

#include <cstdlib>

namespace vinledger {
namespace {

constexpr const char* kMarkerFile = "rules.json";

std::filesystem::path executable_dir() {
  std::error_code error;
  auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : self.parent_path();
}

bool holds_data(const std::filesystem::path& dir) {
  std::error_code error;
  return !dir.empty() && std::filesystem::is_regular_file(dir / kMarkerFile, error);
}

}  // namespace

std::vector<std::filesystem::path> data_dir_candidates() {
  if (const char* from_env = std::getenv("VINLEDGER_DATA_DIR"); from_env && *from_env) return {from_env};
  std::vector<std::filesystem::path> candidates;
  if (auto dir = executable_dir(); !dir.empty()) candidates.push_back(dir.parent_path() / "share" / "vinledger");
  candidates.emplace_back(VINLEDGER_INSTALL_DATADIR);
  candidates.emplace_back(VINLEDGER_SOURCE_DATADIR);
  return candidates;
}

Result<std::filesystem::path> find_data_dir() {
  const auto candidates = data_dir_candidates();
  for (const auto& dir : candidates)
    if (holds_data(dir)) return dir;
  std::string searched;
  for (const auto& dir : candidates) searched += (searched.empty() ? "" : ", ") + dir.string();
  return not_found("no vinledger reference data (" + std::string(kMarkerFile) + ") in " + searched +
                   "; set VINLEDGER_DATA_DIR to the directory that holds it");
}

}  // namespace vinledger
