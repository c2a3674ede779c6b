// A TileSource (vinledger/tile_source.h) over HTTP: the resources of a
// tiled log at its URL prefix, for `mirror --server` and `monitor
// --server`. Beside the HTTP client so the library keeps no HTTP
// dependency. Entry bundles are asked for gzip-encoded and inflated here
// (bounded: a small answer never becomes a huge one in memory).
#pragma once

#include <string>
#include <string_view>

#include "http/http_client.h"
#include "vinledger/tile_source.h"

namespace vinledger::http {

class HttpTileSource final : public TileSource {
 public:
  explicit HttpTileSource(HttpClient client);
  const std::string& location() const override { return location_; }
  // 200: the bytes; 404: not_found; 401/403: forbidden; 429 and 5xx:
  // storage (retry later); any other answer: invalid_input.
  [[nodiscard]] Result<std::string> fetch(std::string_view path) override;

 private:
  HttpClient client_;
  std::string location_;
};

}  // namespace vinledger::http
