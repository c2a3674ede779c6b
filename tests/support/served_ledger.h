// A real `vinledger serve` on 127.0.0.1 with an ephemeral port, for
// end-to-end tests: started, waited for until it prints its URL, stopped
// with a signal. A server that does not come up fails the test and says why.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/http_client.h"
#include "process.h"

namespace vinledger::testing {

class ServedLedger {
 public:
  // vinledger --db DB serve --listen 127.0.0.1:0 EXTRA; output in `dir`.
  ServedLedger(const std::filesystem::path& db, const std::filesystem::path& dir,
               const std::vector<std::string>& extra = {}, const std::map<std::string, std::string>& env = {});
  ~ServedLedger();  // SIGKILL if still running

  // Any vinledger server that prints its URL when it listens (`witness
  // serve ... --listen 127.0.0.1:0`): vinledger ARGS; output in `dir`.
  struct Command {
    std::vector<std::string> args;
  };
  ServedLedger(const Command& command, const std::filesystem::path& dir,
               const std::map<std::string, std::string>& env = {});

  const std::string& url() const { return url_; }
  std::uint16_t port() const { return port_; }
  int pid() const { return process_->pid(); }
  // A client of this server (keep-alive), optionally trusting `ca`.
  http::HttpClient client(const http::ClientOptions& options = {}) const;

  // Sends `signal` and waits for the exit status (128 + signal if killed).
  int stop(int signal);
  // Sends `signal` without waiting; wait() then waits for the exit status.
  void stop_async(int signal);
  int wait();
  std::string stderr_text() const;
  std::string stdout_text() const;

 private:
  std::filesystem::path out_;
  std::filesystem::path err_;
  std::unique_ptr<ChildProcess> process_;
  std::string url_;
  std::uint16_t port_ = 0;
  std::optional<int> exit_code_;

  void start(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);
};

}  // namespace vinledger::testing
