// A load generator for `vinledger serve` (not a test): C clients, each on
// one keep-alive connection, post signed statements one per request
// (--batch 1, application/json) or B per request (application/x-ndjson),
// as fast as the server answers. Reports statements per second and request
// latency percentiles; with --pid, the server's resident memory over time.
//   vinledger_bench_load --url http://127.0.0.1:PORT --file STATEMENTS.jsonl
//                        [--clients C] [--batch B] [--pid PID]
//   vinledger_bench_load --url http://127.0.0.1:PORT --get PATHS.txt [--clients C]
//     (GET each path of the file, one a line: tile requests per second)
// Every client runs as a coroutine on one thread, so the generator takes
// as little of the machine as it can from the server it measures.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <utility>  // Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::string port;
  std::string file;
  int clients = 64;
  int batch = 1;
  int pid = 0;
  bool get = false;  // --get: the file's lines are paths to GET
};

struct Stats {
  std::vector<double> latencies_ms;
  long statements = 0;
  long failures = 0;
  long retries = 0;
};

long rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

net::awaitable<void> client(const Options& options, const std::vector<std::string>& bodies, std::size_t first,
                            std::size_t step, Stats& stats) {
  auto executor = co_await net::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  const auto endpoints = co_await resolver.async_resolve(options.host, options.port, net::use_awaitable);
  co_await stream.async_connect(endpoints, net::use_awaitable);
  stream.socket().set_option(tcp::no_delay(true));
  beast::flat_buffer buffer;
  const char* type = options.batch == 1 ? "application/json" : "application/x-ndjson";
  for (std::size_t i = first; i < bodies.size(); i += step) {
    for (;;) {
      bhttp::request<bhttp::string_body> request{options.get ? bhttp::verb::get : bhttp::verb::post,
                                                 options.get ? bodies[i] : std::string("/v1/statements"), 11};
      request.set(bhttp::field::host, options.host);
      if (!options.get) {
        request.set(bhttp::field::content_type, type);
        request.body() = bodies[i];
      }
      request.prepare_payload();
      const auto start = Clock::now();
      co_await bhttp::async_write(stream, request, net::use_awaitable);
      bhttp::response<bhttp::string_body> response;
      co_await bhttp::async_read(stream, buffer, response, net::use_awaitable);
      const int status = static_cast<int>(response.result_int());
      if (status == 429 || status == 503) {  // the server asks us to come back
        ++stats.retries;
        net::steady_timer pause(executor, std::chrono::milliseconds(50));
        co_await pause.async_wait(net::use_awaitable);
        continue;
      }
      stats.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      if (status == 200 || status == 201) {
        stats.statements += options.batch == 1 ? 1 : std::count(bodies[i].begin(), bodies[i].end(), '\n');
      } else {
        ++stats.failures;
        if (stats.failures <= 3) std::cerr << "HTTP " << status << ": " << response.body().substr(0, 300) << "\n";
      }
      break;
    }
  }
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--url") {
      const std::string rest = value.substr(value.find("//") + 2);
      options.host = rest.substr(0, rest.rfind(':'));
      options.port = rest.substr(rest.rfind(':') + 1);
    } else if (name == "--file") options.file = value;
    else if (name == "--get") {
      options.file = value;
      options.get = true;
    }
    else if (name == "--clients") options.clients = std::atoi(value.c_str());
    else if (name == "--batch") options.batch = std::atoi(value.c_str());
    else if (name == "--pid") options.pid = std::atoi(value.c_str());
    else {
      std::cerr << "unknown option " << name << "\n";
      return 2;
    }
  }
  if (options.port.empty() || options.file.empty() || options.clients < 1 || options.batch < 1) {
    std::cerr << "usage: vinledger_bench_load --url http://HOST:PORT --file FILE [--clients C] [--batch B] [--pid PID]\n";
    return 2;
  }
  // Request bodies, prepared before the clock starts.
  std::vector<std::string> bodies;
  {
    std::ifstream in(options.file, std::ios::binary);
    std::string line, body;
    int in_body = 0;
    while (std::getline(in, line)) {
      if (options.batch == 1) {
        bodies.push_back(line);
        continue;
      }
      body += line + "\n";
      if (++in_body == options.batch) {
        bodies.push_back(std::move(body));
        body.clear();
        in_body = 0;
      }
    }
    if (!body.empty()) bodies.push_back(std::move(body));
  }

  net::io_context io(1);
  std::vector<Stats> stats(static_cast<std::size_t>(options.clients));
  for (int c = 0; c < options.clients; ++c)
    net::co_spawn(io, client(options, bodies, static_cast<std::size_t>(c), static_cast<std::size_t>(options.clients), stats[static_cast<std::size_t>(c)]),
                  [](std::exception_ptr failed) {
                    if (failed) {
                      try {
                        std::rethrow_exception(failed);
                      } catch (const std::exception& e) {
                        std::cerr << "client failed: " << e.what() << "\n";
                      }
                    }
                  });
  // Resident memory of the server, sampled every second while the load runs.
  std::vector<long> rss;
  std::atomic<bool> done{false};
  std::thread sampler([&] {
    while (options.pid > 0 && !done) {
      rss.push_back(rss_kib(options.pid));
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });
  const auto start = Clock::now();
  io.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  done = true;
  sampler.join();

  Stats all;
  for (auto& one : stats) {
    all.latencies_ms.insert(all.latencies_ms.end(), one.latencies_ms.begin(), one.latencies_ms.end());
    all.statements += one.statements;
    all.failures += one.failures;
    all.retries += one.retries;
  }
  const std::size_t requests = all.latencies_ms.size();
  std::printf("clients %d, batch %d: %ld statements in %.2f s = %.0f statements/s; %zu requests, %ld refused, %ld "
              "retried after 429/503\n",
              options.clients, options.batch, all.statements, seconds, static_cast<double>(all.statements) / seconds,
              requests, all.failures, all.retries);
  std::printf("latency ms: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f\n", percentile(all.latencies_ms, 50),
              percentile(all.latencies_ms, 90), percentile(all.latencies_ms, 99), percentile(all.latencies_ms, 100));
  if (!rss.empty()) {
    std::printf("server RSS KiB (every 1 s):");
    for (std::size_t i = 0; i < rss.size(); i += std::max<std::size_t>(1, rss.size() / 20)) std::printf(" %ld", rss[i]);
    std::printf("\nserver RSS KiB: first %ld, min %ld, max %ld, last %ld\n", rss.front(),
                *std::min_element(rss.begin(), rss.end()), *std::max_element(rss.begin(), rss.end()), rss.back());
  }
  return all.failures == 0 ? 0 : 1;
}
