#include "http/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace vinledger::http {
namespace {

std::string escape_label_value(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  // The shortest spelling that reads back as the same double.
  char text[64];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

}  // namespace

std::string render_labels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += name + "=\"" + escape_label_value(value) + "\"";
  }
  return out + "}";
}

std::vector<double> latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  std::size_t bucket = 0;
  while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
  std::lock_guard lock(mutex_);
  ++counts_[bucket];
  sum_ += value;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.upper_bounds = bounds_;
  std::lock_guard lock(mutex_);
  std::uint64_t running = 0;
  for (const std::uint64_t count : counts_) {
    running += count;
    snapshot.cumulative.push_back(running);
  }
  snapshot.sum = sum_;
  snapshot.count = running;
  return snapshot;
}

Metrics::Family& Metrics::family(const std::string& name, const std::string& help, Type type) {
  auto [it, created] = families_.try_emplace(name, Family{type, help, {}, {}, {}});
  if (!created && it->second.type != type) throw std::logic_error("metric " + name + " registered with two types");
  return it->second;
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& series = family(name, help, Type::counter).counters[render_labels(labels)];
  if (!series) series = std::make_unique<Counter>();
  return *series;
}

Histogram& Metrics::histogram(const std::string& name, const std::string& help,
                              const std::vector<double>& upper_bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& series = family(name, help, Type::histogram).histograms[render_labels(labels)];
  if (!series) series = std::make_unique<Histogram>(upper_bounds);
  return *series;
}

void Metrics::gauge(const std::string& name, const std::string& help, std::function<double()> read,
                    const Labels& labels) {
  std::lock_guard lock(mutex_);
  family(name, help, Type::gauge).reads[render_labels(labels)] = std::move(read);
}

void Metrics::counter_read(const std::string& name, const std::string& help, std::function<double()> read,
                           const Labels& labels) {
  std::lock_guard lock(mutex_);
  family(name, help, Type::counter).reads[render_labels(labels)] = std::move(read);
}

std::string Metrics::render() const {
  // Gauges are read under the lock: they must not touch the registry.
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    const char* type = family.type == Type::counter ? "counter" : family.type == Type::gauge ? "gauge" : "histogram";
    out += "# HELP " + name + " " + family.help + "\n# TYPE " + name + " " + type + "\n";
    for (const auto& [labels, counter] : family.counters)
      out += name + labels + " " + std::to_string(counter->value()) + "\n";
    for (const auto& [labels, read] : family.reads) out += name + labels + " " + number(read()) + "\n";
    for (const auto& [labels, histogram] : family.histograms) {
      const Histogram::Snapshot snapshot = histogram->snapshot();
      // The rendered labels go back inside the braces with "le" added.
      const std::string inner = labels.empty() ? "" : labels.substr(1, labels.size() - 2) + ",";
      for (std::size_t i = 0; i < snapshot.upper_bounds.size(); ++i)
        out += name + "_bucket{" + inner + "le=\"" + number(snapshot.upper_bounds[i]) + "\"} " +
               std::to_string(snapshot.cumulative[i]) + "\n";
      out += name + "_bucket{" + inner + "le=\"+Inf\"} " + std::to_string(snapshot.count) + "\n";
      out += name + "_sum" + labels + " " + number(snapshot.sum) + "\n";
      out += name + "_count" + labels + " " + std::to_string(snapshot.count) + "\n";
    }
  }
  return out;
}

}  // namespace vinledger::http
