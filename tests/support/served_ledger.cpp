#include "served_ledger.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

namespace vinledger::testing {

ServedLedger::ServedLedger(const std::filesystem::path& db, const std::filesystem::path& dir,
                           const std::vector<std::string>& extra, const std::map<std::string, std::string>& env)
    : out_(dir / "serve.out"), err_(dir / "serve.err") {
  std::vector<std::string> args = {"--db", db.string(), "serve", "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  start(args, env);
}

ServedLedger::ServedLedger(const Command& command, const std::filesystem::path& dir,
                           const std::map<std::string, std::string>& env)
    : out_(dir / "serve.out"), err_(dir / "serve.err") {
  start(command.args, env);
}

void ServedLedger::start(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  process_ = std::make_unique<ChildProcess>(vinledger_binary(), args, out_, err_, env);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string out = std::filesystem::exists(out_) ? read_file(out_) : "";
    if (const auto newline = out.find('\n'); newline != std::string::npos) {
      url_ = out.substr(0, newline);
      port_ = static_cast<std::uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
      return;
    }
    if (auto ended = process_->poll()) {
      exit_code_ = ended;
      FAIL("vinledger " << args[0] << " ... exited with " << *ended << " before listening: " << stderr_text());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("vinledger serve did not print its URL within 20 s: " << stderr_text());
}

ServedLedger::~ServedLedger() {
  if (!exit_code_) process_->kill(SIGKILL);
}

http::HttpClient ServedLedger::client(const http::ClientOptions& options) const {
  auto url = http::parse_url(url_);
  REQUIRE(url);
  return http::HttpClient(*url, options);
}

int ServedLedger::stop(int signal) {
  if (exit_code_) return *exit_code_;
  process_->kill(signal);
  exit_code_ = process_->wait();
  return *exit_code_;
}

void ServedLedger::stop_async(int signal) {
  if (!exit_code_) process_->kill(signal);
}

int ServedLedger::wait() {
  if (!exit_code_) exit_code_ = process_->wait();
  return *exit_code_;
}

std::string ServedLedger::stderr_text() const { return std::filesystem::exists(err_) ? read_file(err_) : ""; }
std::string ServedLedger::stdout_text() const { return std::filesystem::exists(out_) ? read_file(out_) : ""; }

}  // namespace vinledger::testing
