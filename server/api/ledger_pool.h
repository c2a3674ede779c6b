// Ledgers lent to one request at a time: a Ledger is not safe to share
// between threads (ledger.h), so each worker borrows a connection of its
// own for the length of one request, and gives it back for the next.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "vinledger/ledger.h"

namespace vinledger::api {

class LedgerPool {
 public:
  LedgerPool(std::filesystem::path path, LedgerSettings settings)
      : path_(std::move(path)), settings_(std::move(settings)) {}

  // A ledger for this thread until the lease ends. Opens a new connection
  // when every open one is lent (at most one per thread that asks at once).
  class Lease {
   public:
    Lease(LedgerPool& pool, std::unique_ptr<Ledger> ledger) : pool_(&pool), ledger_(std::move(ledger)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = default;
    ~Lease() {
      if (ledger_) pool_->give_back(std::move(ledger_));
    }
    Ledger& operator*() { return *ledger_; }
    Ledger* operator->() { return ledger_.get(); }

   private:
    LedgerPool* pool_;
    std::unique_ptr<Ledger> ledger_;
  };

  [[nodiscard]] Result<Lease> lease() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto ledger = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(ledger));
      }
    }
    auto opened = Ledger::open(path_, settings_);
    if (!opened) return std::unexpected(opened.error());
    return Lease(*this, std::make_unique<Ledger>(std::move(*opened)));
  }

 private:
  void give_back(std::unique_ptr<Ledger> ledger) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(ledger));
  }

  const std::filesystem::path path_;
  const LedgerSettings settings_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Ledger>> idle_;
};

}  // namespace vinledger::api
