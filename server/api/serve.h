// `vinledger serve`: the HTTP server and the API over one ledger, until
// SIGTERM or SIGINT, then a graceful stop (docs/api.md, "Running a server").
#pragma once

#include <functional>
#include <string>

#include "api/api.h"
#include "http/http_server.h"

namespace vinledger::api {

struct ServeOptions {
  http::ServerOptions http;
  ApiOptions api;
};

// Mounts the API, binds, calls `listening` with the server's URL (once it
// takes connections), serves until a signal, lets requests in flight
// finish, then answers what the committer holds and returns.
[[nodiscard]] Status serve(ServeOptions options, const std::function<void(const std::string& url)>& listening);

}  // namespace vinledger::api
