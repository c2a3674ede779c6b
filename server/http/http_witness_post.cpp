#include "http/http_witness_post.h"

#include <map>
#include <memory>

namespace vinledger::http {

WitnessPost http_witness_post(ClientOptions options) {
  auto clients = std::make_shared<std::map<std::string, HttpClient>>();
  return [clients, options](const WitnessEndpoint& witness, const std::string& body) -> Result<WitnessHttpAnswer> {
    auto found = clients->find(witness.url);
    if (found == clients->end()) {
      auto url = parse_url(witness.url);
      if (!url) return std::unexpected(url.error());
      found = clients->emplace(witness.url, HttpClient(std::move(*url), options)).first;
    }
    auto response = found->second.request("POST", "/add-checkpoint", body, "text/plain; charset=utf-8",
                                          {{"Accept", "text/plain, text/x.tlog.size"}});
    if (!response) return std::unexpected(response.error());
    return WitnessHttpAnswer{response->status, std::move(response->content_type), std::move(response->body)};
  };
}

}  // namespace vinledger::http
