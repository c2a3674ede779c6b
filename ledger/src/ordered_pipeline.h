// Produce on this thread, work in the pool, consume on this thread in the
// order produced. Append and audit are both this shape: reading and the
// chain checks are sequential, the signature checks between them are not.
#pragma once

#include <deque>
#include <future>
#include <vector>

#include "thread_pool.h"
#include "vinledger/result.h"

namespace vinledger {

// `produce(Input&) -> Result<bool>` yields the next input (false at the end).
// `make_work() -> (Input&) -> Output` is called once per batch on this
// thread, so the worker can capture whatever state that batch must see.
// `consume(Output&) -> Status` sees outputs in order; its first error stops
// the pipeline and is returned. Only a bounded number of batches is ever in
// flight, so memory does not grow with the input.
template <class Input, class Produce, class MakeWork, class Consume>
Status run_ordered_pipeline(ThreadPool& pool, std::size_t batch_size, Produce produce, MakeWork make_work,
                            Consume consume) {
  using Work = decltype(make_work());
  using Output = decltype(std::declval<Work&>()(std::declval<Input&>()));
  std::deque<std::future<std::vector<Output>>> in_flight;
  const std::size_t max_in_flight = 2 * pool.size() + 2;
  bool more = true;
  while (more || !in_flight.empty()) {
    if (more && in_flight.size() < max_in_flight) {
      std::vector<Input> inputs;
      inputs.reserve(batch_size);
      while (inputs.size() < batch_size) {
        Input input{};
        auto got = produce(input);
        if (!got) return std::unexpected(got.error());
        if (!*got) {
          more = false;
          break;
        }
        inputs.push_back(std::move(input));
      }
      if (!inputs.empty())
        in_flight.push_back(pool.submit([inputs = std::move(inputs), work = make_work()]() mutable {
          std::vector<Output> outputs;
          outputs.reserve(inputs.size());
          for (auto& input : inputs) outputs.push_back(work(input));
          return outputs;
        }));
      continue;
    }
    std::vector<Output> outputs = in_flight.front().get();
    in_flight.pop_front();
    for (auto& output : outputs)
      if (auto ok = consume(output); !ok) return ok;
  }
  return {};
}

}  // namespace vinledger
