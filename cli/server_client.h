// How a command reaches a vinledger server instead of a ledger file:
// --server URL (else $VINLEDGER_SERVER, unless --db was given), --ca FILE
// for a private CA, $VINLEDGER_TOKEN for a server whose reads need a token.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "command.h"
#include "http/http_client.h"
#include "vinledger/keys.h"
#include "vinledger/signing.h"

namespace vinledger::cli {

struct ServerArgs {
  std::optional<std::string> server;  // --server
  std::optional<std::string> ca;      // --ca
  std::optional<std::size_t> max_response_bytes;  // the client's default if unset
};

// The client for the server the command should use, or nullopt when it
// works on the local ledger (--db) instead.
[[nodiscard]] Result<std::optional<http::HttpClient>> server_for(const ServerArgs& args, const Context& context);

// Chain heads as the server sees them (GET /v1/vehicles/VIN/head,
// /v1/parties/ID/head).
HeadLookup server_heads(http::HttpClient& client);

// What signing for a server needs from it (GET /v1/parties): the log's
// origin, which binds a statement to it (`log`; the operator's key is named
// after it), and the parties registered there.
struct ServerRegistry {
  std::string origin;
  nlohmann::json parties;  // as GET /v1/parties lists them
};
[[nodiscard]] Result<ServerRegistry> server_registry(http::HttpClient& client);

// An unsigned statement completed as the server's ledger takes it: the
// key's party and the registered ids read from the server's party list,
// then the library's prepare_statement_for (what Ledger::prepare_unsigned
// does for a local ledger), and `log` = the server's origin.
[[nodiscard]] Result<nlohmann::json> prepare_for_server(nlohmann::json statement, const ServerRegistry& registry,
                                                        const SigningKey& key, bool unregistered, std::int64_t now);

// What POST /v1/statements answered.
struct Posted {
  int status = 0;  // 201 recorded now, 200 recorded before (a retry)
  nlohmann::json document;
};

// Posts statements (one JSON text when `single`, else JSON Lines) and
// reads the answer. A server that is busy or shutting down (429, 503) and a
// connection lost before the answer are retried a few times with the same
// bytes: the server answers a repeat with the receipts it gave the first
// time, so nothing is recorded twice. A refusal is the server's Error; when
// it is about one line of the request, `refused_line` is that line (else 0)
// and the message does not repeat it.
[[nodiscard]] Result<Posted> post_statements(http::HttpClient& client, std::string_view body, bool single,
                                             std::int64_t& refused_line);

// `record --server`: signs `statement` on the VIN's head as the server sees
// it and submits it; a head that moved meanwhile (409) is read again and the
// statement signed again, a few times. Prints what `record` prints, and the
// receipt. Returns the exit code.
int record_on_server(const Context& context, http::HttpClient& client, nlohmann::json statement,
                     const SigningKey& key, const std::string& type, bool unregistered);

}  // namespace vinledger::cli
