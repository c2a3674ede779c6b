// A small metrics registry, rendered in the Prometheus text exposition
// format (version 0.0.4) for GET /metrics. Counters and histograms are
// registered once and then updated from any thread without a lock held
// across requests; gauges are read when the page is rendered.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vinledger::http {

// Label name -> value, e.g. {{"route", "/v1/statements"}, {"status", "201"}}.
using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf last
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> counts_;  // per bucket, the last one +Inf
  double sum_ = 0;
};

// Latency buckets in seconds, from 1 ms to 10 s.
std::vector<double> latency_buckets();

class Metrics {
 public:
  // The series of family `name` with `labels`, created on first use. The
  // reference stays valid for the registry's life. A family's help text and
  // type are fixed by its first registration.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const std::vector<double>& upper_bounds,
                       const Labels& labels = {});
  // A gauge read by calling `read` when the page is rendered.
  void gauge(const std::string& name, const std::string& help, std::function<double()> read, const Labels& labels = {});
  // A counter kept elsewhere (it only grows), read when the page is rendered.
  void counter_read(const std::string& name, const std::string& help, std::function<double()> read,
                    const Labels& labels = {});

  // The whole page, families in name order.
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // by rendered labels
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    std::map<std::string, std::function<double()>> reads;  // gauges, and counters kept elsewhere
  };
  Family& family(const std::string& name, const std::string& help, Type type);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

// Labels as Prometheus writes them: {a="x",b="y"}, values escaped; "" for none.
std::string render_labels(const Labels& labels);

}  // namespace vinledger::http
