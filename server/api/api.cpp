#include "api/api.h"

#include <chrono>
#include <set>

#include "api/ledger_pool.h"
#include "api/log_witnesses.h"
#include "api/tlog_routes.h"
#include "vinledger/bundle.h"
#include "vinledger/json.h"
#include "vinledger/statement.h"
#include "vinledger/timestamp.h"
#include "vinledger/untrusted_text.h"
#include "vinledger/vin.h"

namespace vinledger::api {
namespace {

using http::Request;
using http::Respond;
using http::Response;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kJsonLines = "application/x-ndjson";
constexpr std::string_view kJson = "application/json";

Response from_error(const Error& error, std::optional<std::int64_t> line = {}) {
  return http::error_response(status_for(error.kind), code_for(error.kind), error.message, line);
}

Response with_retry_after(Response response) {
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

// Query parameters a route does not know are refused, not ignored: a typo
// (`asof=`) must not quietly give another answer.
std::optional<Response> unknown_parameter(const Request& request, std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : request.query) {
    bool found = false;
    for (const auto& allowed : known) found = found || name == allowed;
    if (!found) {
      std::string list;
      for (const auto& allowed : known) list += (list.empty() ? "" : ", ") + std::string(allowed);
      return http::error_response(400, "malformed", "unknown query parameter " + quote_untrusted(name) +
                                                        (list.empty() ? " (this resource takes none)" : " (known: " + list + ")"));
    }
  }
  return std::nullopt;
}

std::optional<std::string> query(const Request& request, const std::string& name) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return std::nullopt;
  return it->second;
}

Result<VerifyOptions> verify_options(const Request& request) {
  return verify_options_from(VerifyOptionsText{query(request, "as_of"), query(request, "arrival_window")},
                             now_seconds());
}

}  // namespace

int status_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input:
      return 400;
    case ErrorKind::forbidden:
      return 403;
    case ErrorKind::not_found:
      return 404;
    case ErrorKind::conflict:
      return 409;
    case ErrorKind::storage:
    case ErrorKind::internal:
      return 500;
  }
  return 500;
}

std::string_view code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input:
      return "malformed";
    case ErrorKind::forbidden:
      return "forbidden";
    case ErrorKind::not_found:
      return "not_found";
    case ErrorKind::conflict:
      return "conflict";
    case ErrorKind::storage:
      return "storage";
    case ErrorKind::internal:
      return "internal";
  }
  return "internal";
}

struct Api::Impl {
  ApiOptions options;
  http::Server& server;
  LedgerPool pool;
  std::unique_ptr<GroupCommitter> committer;
  http::Histogram* append_seconds = nullptr;
  std::unique_ptr<LogWitnesses> witnesses;  // after the pool: it borrows from it

  Impl(ApiOptions options_in, http::Server& server_in, LedgerSettings settings)
      : options(std::move(options_in)), server(server_in), pool(options.db, std::move(settings)) {}

  // nullopt when the request may read (its token holder in `actor`), else
  // the 401 to answer.
  std::optional<Response> authorize(const Request& request, std::string& actor) const;
  // A read route: authorization, then `body` with a borrowed ledger.
  template <class Body>
  http::Handler read(Body body);

  void mount();
  void submit(Request& request, Respond respond);
  Response vehicle(const Request& request, Ledger& ledger);
  Response head(std::string chain, Ledger& ledger);
  Response verification(const Request& request, Ledger& ledger);
  Response bundle(const Request& request, Ledger& ledger);
  Response checkpoint(const Request& request, Ledger& ledger);
  Response screen(const Request& request, std::shared_ptr<LedgerPool::Lease> lease);
};

Api::Api(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Api::~Api() { stop(); }

void Api::stop() {
  if (impl_->witnesses) impl_->witnesses->stop();
  if (impl_->committer) impl_->committer->stop();
}

Result<std::unique_ptr<Api>> Api::mount(ApiOptions options, http::Server& server) {
  LedgerSettings settings = options.commit.settings;
  settings.read_only = options.read_only;
  // A read worker's own checks need no threads of their own.
  settings.threads = 1;
  auto impl = std::make_unique<Impl>(std::move(options), server, settings);
  // Opening one ledger up front checks the file before anyone connects.
  auto first = impl->pool.lease();
  if (!first) return std::unexpected(first.error());
  if (!impl->options.read_only) {
    if (!impl->options.operator_key)
      return invalid_input("a server that takes statements needs the operator's key (--operator-key), or --read-only");
    // The log published on GET /checkpoint covers every entry from the
    // start: entries appended before the server ran get a checkpoint now,
    // and each group commit records the next one.
    if (auto issued = (*first)->checkpoint(*impl->options.operator_key); !issued)
      return std::unexpected(issued.error());
    auto committer = GroupCommitter::open(impl->options.db, *impl->options.operator_key, impl->options.commit);
    if (!committer) return std::unexpected(committer.error());
    impl->committer = std::move(*committer);
  }
  if (!impl->options.witnesses.empty() && impl->options.read_only)
    return invalid_input("--witness needs a server that issues checkpoints (not --read-only): it stores what they cosign");
  if (impl->options.witness_quorum > impl->options.witnesses.size())
    return invalid_input("--witness-quorum " + std::to_string(impl->options.witness_quorum) + " is more than the " +
                         std::to_string(impl->options.witnesses.size()) + " witnesses given");
  impl->mount();
  if (!impl->options.witnesses.empty())
    impl->witnesses = std::make_unique<LogWitnesses>(impl->pool, impl->options.witnesses, server.metrics());
  return std::unique_ptr<Api>(new Api(std::move(impl)));
}

std::optional<Response> Api::Impl::authorize(const Request& request, std::string& actor) const {
  if (!options.read_tokens) return std::nullopt;
  auto header = request.header("authorization");
  if (header)
    if (auto holder = options.read_tokens->holder(*header)) {
      actor = *holder;
      return std::nullopt;
    }
  Response denied = http::error_response(401, "unauthorized",
                                         header ? "the bearer token is not one this server knows"
                                                : "this server's read API needs a bearer token (Authorization: Bearer TOKEN)");
  denied.headers.emplace_back("WWW-Authenticate", "Bearer");
  return denied;
}

template <class Body>
http::Handler Api::Impl::read(Body body) {
  return [this, body](Request& request, Respond respond) {
    std::string actor;
    if (auto denied = authorize(request, actor)) return respond(std::move(*denied));
    auto lease = pool.lease();
    if (!lease) return respond(from_error(lease.error()));
    Response response = body(request, *lease);
    if (response.actor.empty()) response.actor = actor;
    respond(std::move(response));
  };
}

void Api::Impl::mount() {
  using http::RouteOptions;
  http::Metrics& metrics = server.metrics();
  append_seconds = &metrics.histogram("vinledger_append_seconds",
                                      "Time from a POST /v1/statements request read to its answer (durable or refused)",
                                      http::latency_buckets());

  server.route("GET", "/healthz", [this](Request&, Respond respond) {
    if (server.stopping()) return respond(http::json_response(503, {{"status", "stopping"}}));
    respond(http::json_response(200, {{"status", "ok"}}));
  }, RouteOptions{RouteOptions::Run::network, 0, {}});

  server.route("GET", "/metrics", [this](Request&, Respond respond) {
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = server.metrics().render();
    respond(std::move(response));
  });

  RouteOptions post{RouteOptions::Run::network, options.max_body, {std::string(kJson), std::string(kJsonLines)}};
  server.route("POST", "/v1/statements", [this](Request& request, Respond respond) { submit(request, std::move(respond)); },
               post);

  server.route("GET", "/v1/vehicles/{vin}",
               read([this](const Request& request, LedgerPool::Lease& lease) { return vehicle(request, *lease); }));
  server.route("GET", "/v1/vehicles/{vin}/head", read([this](const Request& request, LedgerPool::Lease& lease) {
                 if (auto bad = unknown_parameter(request, {})) return *bad;
                 const std::string& vin = request.params.at("vin");
                 if (auto valid = validate_vin(vin); !valid) return from_error(with_context(valid.error(), "VIN " + vin));
                 return head(vin, *lease);
               }));
  server.route("GET", "/v1/vehicles/{vin}/verification", read([this](const Request& request, LedgerPool::Lease& lease) {
                 return verification(request, *lease);
               }));
  server.route("GET", "/v1/vehicles/{vin}/bundle",
               read([this](const Request& request, LedgerPool::Lease& lease) { return bundle(request, *lease); }));
  server.route("GET", "/v1/parties", read([](const Request& request, LedgerPool::Lease& lease) {
                 if (auto bad = unknown_parameter(request, {})) return *bad;
                 auto parties = lease->parties();
                 if (!parties) return from_error(parties.error());
                 return http::json_response(200, parties_json(*parties));
               }));
  server.route("GET", "/v1/parties/{id}/head", read([this](const Request& request, LedgerPool::Lease& lease) {
                 if (auto bad = unknown_parameter(request, {})) return *bad;
                 const std::string& id = request.params.at("id");
                 if (!is_party_id(id))
                   return http::error_response(400, "malformed", quote_untrusted(id) + " is not a party id");
                 return head(party_chain(id), *lease);
               }));
  server.route("GET", "/v1/checkpoint",
               read([this](const Request& request, LedgerPool::Lease& lease) { return checkpoint(request, *lease); }));
  // The log as C2SP tlog-tiles (tlog_routes.h).
  server.route("GET", "/checkpoint", read([this](const Request& request, LedgerPool::Lease& lease) {
                 if (auto bad = unknown_parameter(request, {})) return *bad;
                 return tlog_checkpoint(*lease, options.witness_quorum);
               }));
  server.route("GET", "/tile/{path...}", read([](const Request& request, LedgerPool::Lease& lease) {
                 if (auto bad = unknown_parameter(request, {})) return *bad;
                 return tlog_tile(request, request.params.at("path"), *lease);
               }));
  server.route("GET", "/v1/screen", [this](Request& request, Respond respond) {
    std::string actor;
    if (auto denied = authorize(request, actor)) return respond(std::move(*denied));
    auto lease = pool.lease();
    if (!lease) return respond(from_error(lease.error()));
    Response response = screen(request, std::make_shared<LedgerPool::Lease>(std::move(*lease)));
    response.actor = actor;
    respond(std::move(response));
  });

  // The log's state, for whoever watches the server.
  metrics.gauge("vinledger_entries", "Entries in the log", [this] {
    if (committer) return static_cast<double>(committer->state().size);
    auto lease = pool.lease();
    if (!lease) return -1.0;
    auto size = (*lease)->size();
    return size ? static_cast<double>(*size) : -1.0;
  });
  metrics.gauge("vinledger_tree_size", "Size of the tree the latest signed checkpoint commits to", [this] {
    if (committer) return static_cast<double>(committer->state().checkpoint_size);
    auto lease = pool.lease();
    if (!lease) return -1.0;
    auto latest = (*lease)->latest_checkpoint();
    return latest && *latest ? static_cast<double>((*latest)->checkpoint.size) : 0.0;
  });
  metrics.gauge("vinledger_checkpoint_age_seconds", "Seconds since the latest checkpoint was issued (-1: none)", [this] {
    std::int64_t issued = 0;
    if (committer) {
      issued = committer->state().checkpoint_issued;
    } else if (auto lease = pool.lease()) {
      auto latest = (*lease)->latest_checkpoint();
      if (latest && *latest)
        if (auto time = parse_timestamp((*latest)->issued)) issued = time->seconds;
    }
    return issued == 0 ? -1.0 : static_cast<double>(now_seconds() - issued);
  });
  if (committer) {
    metrics.counter_read("vinledger_statements_recorded_total", "Statements this server recorded",
                         [this] { return static_cast<double>(committer->state().statements); });
    metrics.counter_read("vinledger_group_commits_total", "Transactions that recorded statements (one fsync each)",
                         [this] { return static_cast<double>(committer->state().groups); });
    metrics.gauge("vinledger_pending_statements", "Statements taken and not yet answered",
                  [this] { return static_cast<double>(committer->state().pending_statements); });
  }
}

// Runs on the network thread: hands the body to the committer, which
// answers from its own thread once the statements are durable (or refused).
void Api::Impl::submit(Request& request, Respond respond) {
  if (!committer)
    return respond(http::error_response(405, "read_only", "this server is read-only: it takes no statements"));
  if (auto bad = unknown_parameter(request, {})) return respond(std::move(*bad));
  auto type = request.header("content-type");
  const bool single = type && type->substr(0, type->find(';')) == kJson;
  const auto start = Clock::now();
  auto admission = committer->submit(std::move(request.body), single, [this, respond, start](SubmitResult result) {
    append_seconds->observe(std::chrono::duration<double>(Clock::now() - start).count());
    Response response;
    if (result) {
      response.status = result->recorded_now ? 201 : 200;
      response.body = submitted_json_text(*result);
      response.actor = result->actors;
    } else {
      const Refusal& refusal = result.error();
      response = from_error(refusal.error, refusal.line > 0 ? std::optional(refusal.line) : std::nullopt);
      response.actor = refusal.actors;
    }
    respond(std::move(response));
  });
  if (admission == GroupCommitter::Admission::overloaded)
    respond(with_retry_after(
        http::error_response(429, "overloaded", "too many statements are waiting to be recorded; retry later")));
  else if (admission == GroupCommitter::Admission::stopped)
    respond(with_retry_after(http::error_response(503, "unavailable", "the server is shutting down")));
}

Response Api::Impl::vehicle(const Request& request, Ledger& ledger) {
  if (auto bad = unknown_parameter(request, {})) return *bad;
  const std::string& vin = request.params.at("vin");
  if (auto valid = validate_vin(vin); !valid) return from_error(with_context(valid.error(), "VIN " + vin));
  auto entries = ledger.history(vin);
  if (!entries) return from_error(entries.error());
  return http::json_response(200, history_json(vin, *entries));
}

Response Api::Impl::head(std::string chain, Ledger& ledger) {
  auto head = ledger.chain_head(chain);
  if (!head) return from_error(head.error());
  return http::json_response(200, head_json(chain, *head));
}

Response Api::Impl::verification(const Request& request, Ledger& ledger) {
  if (auto bad = unknown_parameter(request, {"as_of", "arrival_window"})) return *bad;
  const std::string& vin = request.params.at("vin");
  if (auto valid = validate_vin(vin); !valid) return from_error(with_context(valid.error(), "VIN " + vin));
  auto verify = verify_options(request);
  if (!verify) return from_error(verify.error());
  auto report = ledger.verify(vin, options.reference, *verify);
  if (!report) return from_error(report.error());
  return http::json_response(200, to_json(*report));
}

Response Api::Impl::bundle(const Request& request, Ledger& ledger) {
  if (auto bad = unknown_parameter(request, {})) return *bad;
  const std::string& vin = request.params.at("vin");
  if (auto valid = validate_vin(vin); !valid) return from_error(with_context(valid.error(), "VIN " + vin));
  const SigningKey* key = options.operator_key ? &*options.operator_key : nullptr;
  auto proved = ledger.prove(vin, key);
  if (!proved) {
    // Without the operator's key, no checkpoint can be issued: the bundle
    // waits for one, which is the server's state, not the client's mistake.
    if (!key && proved.error().kind == ErrorKind::invalid_input)
      return http::error_response(409, "no_checkpoint", proved.error().message);
    return from_error(proved.error());
  }
  Response response;
  response.body = format_bundle(proved->bundle);
  return response;
}

Response Api::Impl::checkpoint(const Request& request, Ledger& ledger) {
  if (auto bad = unknown_parameter(request, {})) return *bad;
  // With the operator's key, the one covering the whole log (issued now
  // unless the latest already does), as `checkpoint` prints it: with every
  // cosignature the log holds. Exactly that one, even when a group commit
  // records a newer checkpoint meanwhile.
  if (options.operator_key) {
    auto fresh = ledger.checkpoint(*options.operator_key);
    if (!fresh) return from_error(fresh.error());
    auto note = ledger.cosigned_note(*fresh);
    if (!note) return from_error(note.error());
    fresh->note = std::move(*note);
    return http::json_response(200, to_json(*fresh));
  }
  auto published = ledger.published_checkpoint();
  if (!published) return from_error(published.error());
  if (!*published) return http::error_response(404, "not_found", "the ledger has issued no checkpoint yet");
  return http::json_response(200, to_json(**published));
}

Response Api::Impl::screen(const Request& request, std::shared_ptr<LedgerPool::Lease> lease) {
  if (auto bad = unknown_parameter(request, {"as_of", "arrival_window", "min"})) return *bad;
  auto verify = verify_options(request);
  if (!verify) return from_error(verify.error());
  Severity min = Severity::kInfo;
  if (auto text = query(request, "min")) {
    auto severity = severity_from(*text);
    if (!severity)
      return http::error_response(400, "malformed", "min " + quote_untrusted(*text) + " must be info, low, medium, high or critical");
    min = *severity;
  }
  Response response;
  // Written as the screen goes, so that a large ledger's findings never sit
  // in memory whole; a failure half-way cuts the document short.
  response.stream = [this, lease, options = *verify, min](http::BodyStream& out) {
    ScreenJsonWriter writer(min);
    if (!out.write(writer.begin())) return;
    auto summary = (*lease)->screen(this->options.reference, options, [&](const VehicleReport& report) -> Status {
      if (!out.write(writer.vehicle(report))) return internal_error("the client went away");
      return {};
    });
    (void)out.write(summary ? writer.end(*summary, options) : writer.abort());
  };
  return response;
}

}  // namespace vinledger::api
