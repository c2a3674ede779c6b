#include "api/tlog_routes.h"

#include "api/api.h"
#include "vinledger/compression.h"
#include "vinledger/tlog_tiles.h"

namespace vinledger::api {
namespace {

http::Response from_error(const Error& error) {
  return http::error_response(status_for(error.kind), code_for(error.kind), error.message);
}

}  // namespace

http::Response tlog_checkpoint(Ledger& ledger, std::size_t quorum) {
  auto published = ledger.published_checkpoint(quorum);
  if (!published) return from_error(published.error());
  if (!*published)
    return http::error_response(404, "not_found",
                                quorum > 0 ? "no checkpoint has been cosigned by " + std::to_string(quorum) +
                                                 " witnesses yet"
                                           : std::string("the ledger has issued no checkpoint yet"));
  http::Response response;
  response.content_type = std::string(kCheckpointContentType);
  response.headers.emplace_back("Cache-Control", std::string(kCheckpointCacheControl));
  response.body = std::move((*published)->note);
  return response;
}

http::Response tlog_tile(const http::Request& request, const std::string& path, Ledger& ledger) {
  // Any spelling but the one the spec gives is no resource: 404, not 400,
  // as a static file server would answer.
  auto address = parse_tile_path("tile/" + path);
  if (!address) return http::error_response(404, "not_found", "no such tile: " + address.error().message);
  // Tiles are served for the tree of the latest recorded checkpoint: a
  // client sees nothing a checkpoint does not cover. Checkpoints only grow,
  // so a tile served once is served the same way ever after.
  auto latest = ledger.latest_checkpoint();
  if (!latest) return from_error(latest.error());
  if (!*latest) return http::error_response(404, "not_found", "the ledger has issued no checkpoint yet");
  auto bytes = ledger.tile_resource(*address, (*latest)->checkpoint.size);
  if (!bytes) return from_error(bytes.error());
  http::Response response;
  response.content_type = std::string(kTileContentType);
  response.headers.emplace_back("Cache-Control", std::string(kImmutableCacheControl));
  if (address->entries) {
    response.headers.emplace_back("Vary", "Accept-Encoding");
    auto accept = request.header("accept-encoding");
    if (accept && accepts_gzip(*accept)) {
      response.headers.emplace_back("Content-Encoding", "gzip");
      response.body = gzip_compress(*bytes);
      return response;
    }
  }
  response.body = std::move(*bytes);
  return response;
}

}  // namespace vinledger::api
