#include "tile_source_options.h"

#include "http/http_tile_source.h"
#include "server_client.h"

namespace vinledger::cli {

void add_tile_source_options(cxxopts::Options& options) {
  options.add_options()
      ("server", "the log's URL prefix (where it serves /checkpoint and /tile/...)", cxxopts::value<std::string>())
      ("ca", "trust only this CA certificate file (PEM) for an https:// --server", cxxopts::value<std::string>())
      ("tiles-dir", "read the log from this directory instead (as `--tiles-dir` writes it)", cxxopts::value<std::string>());
}

std::unique_ptr<TileSource> tile_source_from(const cxxopts::ParseResult& args, const Context& context) {
  if (args.count("server") == args.count("tiles-dir")) {
    fail_usage(context, "give the log's --server URL (or --tiles-dir DIR)");
    return nullptr;
  }
  if (args.count("tiles-dir")) {
    if (args.count("ca")) {
      fail_usage(context, "--ca is for an https:// --server, not --tiles-dir");
      return nullptr;
    }
    return std::make_unique<DirectoryTileSource>(args["tiles-dir"].as<std::string>());
  }
  ServerArgs server{args["server"].as<std::string>(),
                    args.count("ca") ? std::optional<std::string>(args["ca"].as<std::string>()) : std::nullopt,
                    // No resource is larger (a gzip answer barely more): a
                    // server cannot make the client hold more.
                    kMaxTileResourceBytes + 64 * 1024};
  auto client = server_for(server, context);
  if (!client) {
    fail_usage(context, client.error().message);
    return nullptr;
  }
  return std::make_unique<http::HttpTileSource>(std::move(**client));
}

}  // namespace vinledger::cli
