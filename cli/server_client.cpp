#include "server_client.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "http/url.h"
#include "vinledger/key_endorsement.h"
#include "vinledger/ledger.h"
#include "vinledger/statement.h"
#include "vinledger/timestamp.h"

namespace vinledger::cli {
namespace {

constexpr int kAttempts = 8;

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

Result<nlohmann::json> json_answer(const http::HttpResponse& response) {
  auto document = nlohmann::json::parse(response.body, nullptr, false);
  if (document.is_discarded() || !document.is_object())
    return storage_error("the server's answer (HTTP " + std::to_string(response.status) + ") is not a JSON object");
  return document;
}

}  // namespace

Result<std::optional<http::HttpClient>> server_for(const ServerArgs& args, const Context& context) {
  std::optional<std::string> url = args.server;
  if (!url && !context.db_given) url = environment("VINLEDGER_SERVER");
  if (!url) {
    if (args.ca) return invalid_input("--ca is for a server (--server URL or $VINLEDGER_SERVER)");
    return std::optional<http::HttpClient>{};
  }
  auto parsed = http::parse_url(*url);
  if (!parsed) return std::unexpected(parsed.error());
  http::ClientOptions options;
  if (args.ca) {
    if (!parsed->tls) return invalid_input("--ca is for an https:// server, not " + *url);
    options.ca_file = *args.ca;
  }
  options.bearer_token = environment("VINLEDGER_TOKEN");
  if (args.max_response_bytes) options.max_response_bytes = *args.max_response_bytes;
  return std::optional<http::HttpClient>(http::HttpClient(std::move(*parsed), std::move(options)));
}

HeadLookup server_heads(http::HttpClient& client) {
  return [&client](std::string_view chain) -> Result<std::optional<Hash>> {
    constexpr std::string_view kParty = "party/";
    const std::string path = chain.starts_with(kParty)
                                 ? "/v1/parties/" + http::percent_encode(chain.substr(kParty.size())) + "/head"
                                 : "/v1/vehicles/" + http::percent_encode(chain) + "/head";
    auto response = client.request("GET", path);
    if (!response) return std::unexpected(response.error());
    if (response->status != 200) return std::unexpected(http::error_from_response(*response));
    auto document = json_answer(*response);
    if (!document) return std::unexpected(document.error());
    const auto head = document->find("head");
    if (head == document->end()) return storage_error("the server's head answer has no \"head\"");
    if (head->is_null()) return std::optional<Hash>{};
    auto hash = head->is_string() ? hash_from_hex(head->get<std::string>()) : std::nullopt;
    if (!hash) return storage_error("the server's head answer holds no hash");
    return std::optional<Hash>{*hash};
  };
}

Result<ServerRegistry> server_registry(http::HttpClient& client) {
  auto response = client.request("GET", "/v1/parties");
  if (!response) return std::unexpected(response.error());
  if (response->status != 200) return std::unexpected(http::error_from_response(*response));
  auto document = json_answer(*response);
  if (!document) return std::unexpected(document.error());
  ServerRegistry registry;
  registry.parties = (*document)["parties"];
  if (!registry.parties.is_array()) return storage_error("the server's party list has no \"parties\"");
  for (const auto& party : registry.parties)
    if (party.is_object() && party.value("registered_seq", std::int64_t{-1}) == 0 && party.contains("vkey") &&
        party["vkey"].is_string()) {
      // The operator's key is named after the log's origin.
      const std::string vkey = party["vkey"].get<std::string>();
      registry.origin = vkey.substr(0, vkey.find('+'));
    }
  if (registry.origin.empty()) return storage_error("the server's party list names no operator (the party at seq 0)");
  return registry;
}

Result<nlohmann::json> prepare_for_server(nlohmann::json statement, const ServerRegistry& registry,
                                          const SigningKey& key, bool unregistered, std::int64_t now) {
  std::optional<std::string> own;
  std::vector<std::string> ids;
  for (const auto& party : registry.parties) {
    if (!party.is_object() || !party.contains("id") || !party["id"].is_string() || !party.contains("vkey") ||
        !party["vkey"].is_string())
      continue;
    const std::string id = party["id"].get<std::string>(), vkey = party["vkey"].get<std::string>();
    ids.push_back(id);
    if (!party.value("revoked", false) && key.verifier(vkey.substr(0, vkey.find('+'))).text() == vkey) own = id;
  }
  if (!own)
    return invalid_input("the key is not the key in force of any party registered on the server (its public key: " +
                         key.verifier("key").text().substr(4) + ")");
  auto prepared = prepare_statement_for(std::move(statement), *own, ids, unregistered, now);
  if (!prepared) return prepared;
  // Bound to the server's log: the same bytes cannot be replayed elsewhere.
  if (!prepared->contains("log")) (*prepared)["log"] = registry.origin;
  return prepared;
}

Result<Posted> post_statements(http::HttpClient& client, std::string_view body, bool single,
                               std::int64_t& refused_line) {
  refused_line = 0;
  const std::string_view type = single ? "application/json" : "application/x-ndjson";
  Error last{ErrorKind::storage, "no attempt made"};
  int attempts = 0;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(250 << std::min(attempt, 4)));
    ++attempts;
    auto response = client.request("POST", "/v1/statements", body, type);
    if (!response) {
      last = response.error();  // no answer: the same bytes again are safe
      // A server never reached at the first try (nobody listens, or its
      // certificate is not trusted) is an answer in itself: no waiting.
      if (attempt == 0 && !client.reached_server()) return std::unexpected(last);
      continue;
    }
    if (response->status == 429 || response->status == 503) {
      last = http::error_from_response(*response);
      continue;
    }
    if (response->status == 200 || response->status == 201) {
      auto document = json_answer(*response);
      if (!document) return std::unexpected(document.error());
      return Posted{response->status, std::move(*document)};
    }
    Error refused = http::error_from_response(*response);
    auto document = nlohmann::json::parse(response->body, nullptr, false);
    if (document.is_object() && document.contains("error") && document["error"].is_object()) {
      const auto& error = document["error"];
      if (error.contains("line") && error["line"].is_number_integer() && error.contains("message") &&
          error["message"].is_string()) {
        refused_line = error["line"].get<std::int64_t>();
        refused.message = error["message"].get<std::string>();
      }
    }
    return std::unexpected(refused);
  }
  return std::unexpected(Error{last.kind, last.message + " (gave up after " + std::to_string(attempts) + " attempts)"});
}

int record_on_server(const Context& context, http::HttpClient& client, nlohmann::json statement,
                     const SigningKey& key, const std::string& type, bool unregistered) {
  auto registry = server_registry(client);
  if (!registry) return fail(registry.error());
  auto prepared = prepare_for_server(std::move(statement), *registry, key, unregistered, now_seconds());
  if (!prepared) return fail(prepared.error());
  statement = std::move(*prepared);
  add_key_endorsement(statement, key);
  auto chain = chain_of(statement);
  if (!chain) return fail(chain.error());
  const HeadLookup heads = server_heads(client);
  constexpr int kTries = 3;
  for (int attempt = 1;; ++attempt) {
    auto head = heads(*chain);
    if (!head) return fail(head.error());
    auto signed_statement = sign_on_head(statement, *head, key, now_seconds());
    if (!signed_statement) return fail(signed_statement.error());
    std::int64_t line = 0;
    auto posted = post_statements(client, signed_statement->canonical, true, line);
    if (!posted) {
      // Someone else extended the chain between reading its head and
      // submitting: nothing was written, so sign on the new head.
      if (posted.error().kind == ErrorKind::conflict && attempt < kTries) continue;
      return fail(posted.error());
    }
    const auto& receipts = posted->document["statements"];
    if (!receipts.is_array() || receipts.size() != 1) return fail(Error{ErrorKind::storage, "the server's answer has no receipt"});
    const auto& receipt = receipts[0];
    if (context.json) {
      print_json({{"seq", receipt["seq"]}, {"hash", receipt["hash"]}, {"entry", receipt["entry"]}, {"receipt", receipt["receipt"]}});
    } else {
      std::cerr << "recorded " << type << " at seq " << receipt["seq"].get<std::int64_t>() << " on " << client.url().text()
                << "\n";
      std::cout << receipt["hash"].get<std::string>() << "\n";
    }
    return kExitOk;
  }
}

}  // namespace vinledger::cli
