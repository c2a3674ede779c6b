#include "api/witness_serve.h"

#include "vinledger/witness_protocol.h"

namespace vinledger::api {
namespace {

http::Response reply(ProtocolReply answer) {
  http::Response response;
  response.status = answer.status;
  response.content_type = std::move(answer.content_type);
  response.body = std::move(answer.body);
  return response;
}

}  // namespace

Status serve_witness(WitnessServeOptions options, const std::function<void(const std::string& url)>& listening) {
  auto witness = WitnessServer::open(options.state, options.logs);
  if (!witness) return std::unexpected(witness.error());
  WitnessServer& handlers = **witness;
  http::Server server(options.http);
  using http::RouteOptions;
  // On a worker: the handler writes and fsyncs the state before answering.
  server.route("POST", "/add-checkpoint",
               [&handlers](http::Request& request, http::Respond respond) {
                 respond(reply(handlers.add_checkpoint(request.body)));
               },
               RouteOptions{RouteOptions::Run::worker, kMaxAddCheckpointBodyBytes, {}});
  server.route("GET", "/{origin}/checkpoint", [&handlers](http::Request& request, http::Respond respond) {
    respond(reply(handlers.latest_checkpoint(request.params.at("origin"))));
  });
  server.route("GET", "/healthz", [&server](http::Request&, http::Respond respond) {
    if (server.stopping()) return respond(http::json_response(503, {{"status", "stopping"}}));
    respond(http::json_response(200, {{"status", "ok"}}));
  }, RouteOptions{RouteOptions::Run::network, 0, {}});
  server.route("GET", "/metrics", [&server](http::Request&, http::Respond respond) {
    http::Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = server.metrics().render();
    respond(std::move(response));
  });
  if (auto ok = server.listen(); !ok) return ok;
  server.handle_signals();
  listening(server.url());
  server.run();
  return {};
}

}  // namespace vinledger::api
