#include "api/serve.h"

#include <unistd.h>

#include "vinledger/timestamp.h"

namespace vinledger::api {
namespace {

// Lifecycle events go to the same stream as the access log, in the same
// form, so one reader follows both.
void event(const std::string& what, const nlohmann::json& details = nlohmann::json::object()) {
  nlohmann::json line = details;
  line["time"] = format_timestamp(now_seconds());
  line["event"] = what;
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, text.data(), text.size());
}

}  // namespace

Status serve(ServeOptions options, const std::function<void(const std::string& url)>& listening) {
  http::Server server(options.http);
  const bool read_only = options.api.read_only;
  const std::string db = options.api.db.string();
  auto api = Api::mount(std::move(options.api), server);
  if (!api) return std::unexpected(api.error());
  if (auto ok = server.listen(); !ok) return ok;
  server.handle_signals();
  event("listening", {{"url", server.url()}, {"db", db}, {"read_only", read_only}});
  listening(server.url());
  server.run();
  event("draining");
  (*api)->stop();
  event("stopped");
  return {};
}

}  // namespace vinledger::api
