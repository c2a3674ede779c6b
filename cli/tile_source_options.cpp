#include "tile_source_options.h"

namespace vinledger::cli {

void add_tile_source_options(cxxopts::Options& options) {
  options.add_options()
      ("server", "the log's URL prefix (where it serves /checkpoint and /tile/...)", cxxopts::value<std::string>())
      ("tiles-dir", "read the log from this directory instead (as `--tiles-dir` writes it)", cxxopts::value<std::string>());
}

std::unique_ptr<TileSource> tile_source_from(const cxxopts::ParseResult& args, const Context& context) {
  if (args.count("server") == args.count("tiles-dir")) {
    fail_usage(context, "give the log's --server URL (or --tiles-dir DIR)");
    return nullptr;
  }
  if (args.count("tiles-dir")) return std::make_unique<DirectoryTileSource>(args["tiles-dir"].as<std::string>());
  fail_usage(context, "--server needs the HTTP client, which this build does not have yet");
  return nullptr;
}

}  // namespace vinledger::cli
