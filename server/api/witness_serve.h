// `vinledger witness serve`: a C2SP tlog-witness over HTTP (docs/format.md
// "Witnesses over HTTP"), the library's WitnessServer handlers mounted on
// the service's HTTP server. Thin: the handlers decide every status.
//   POST /add-checkpoint                 (WitnessServer::add_checkpoint)
//   GET  /<hex SHA-256 of origin>/checkpoint
//   GET  /healthz, /metrics
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "http/http_server.h"
#include "vinledger/keys.h"
#include "vinledger/result.h"

namespace vinledger::api {

struct WitnessServeOptions {
  http::ServerOptions http;
  std::filesystem::path state;    // made by `witness init`
  std::vector<VerifierKey> logs;  // one key per origin
};

// Opens the witness, binds, calls `listening` with the URL, serves until
// SIGTERM or SIGINT, then lets requests in flight finish.
[[nodiscard]] Status serve_witness(WitnessServeOptions options,
                                   const std::function<void(const std::string& url)>& listening);

}  // namespace vinledger::api
