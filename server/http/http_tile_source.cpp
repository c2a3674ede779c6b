#include "http/http_tile_source.h"

#include "vinledger/compression.h"
#include "vinledger/untrusted_text.h"

namespace vinledger::http {
namespace {

std::string header_of(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers)
    if (key == name) return value;
  return {};
}

}  // namespace

HttpTileSource::HttpTileSource(HttpClient client) : client_(std::move(client)), location_(client_.url().text()) {}

Result<std::string> HttpTileSource::fetch(std::string_view path) {
  const std::string where = location_ + "/" + std::string(path);
  auto response = client_.request("GET", "/" + std::string(path), {}, {},
                                  {{"Accept", "*/*"}, {"Accept-Encoding", "gzip"}});
  if (!response) return std::unexpected(response.error());
  const int status = response->status;
  if (status == 404) return not_found(location_ + " has no " + std::string(path));
  if (status != 200) {
    const std::string message = where + ": the server answered " + std::to_string(status);
    if (status == 401 || status == 403) return forbidden(message + " (a read token? $VINLEDGER_TOKEN)");
    if (status == 429 || status >= 500) return storage_error(message);
    return invalid_input(message);
  }
  const std::string encoding = header_of(*response, "content-encoding");
  if (encoding.empty() || encoding == "identity") {
    if (response->body.size() > kMaxTileResourceBytes)
      return invalid_input(where + ": " + std::to_string(response->body.size()) + " bytes, more than any resource");
    return std::move(response->body);
  }
  if (encoding != "gzip")
    return invalid_input(where + ": an answer in Content-Encoding " + quote_untrusted(encoding) + ", not gzip");
  auto inflated = gzip_decompress(response->body, kMaxTileResourceBytes);
  if (!inflated) return invalid_input(where + ": " + inflated.error().message);
  return inflated;
}

}  // namespace vinledger::http
