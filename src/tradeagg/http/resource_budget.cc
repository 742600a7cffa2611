#include "tradeagg/http/resource_budget.h"

namespace tradeagg::http {

ResourceBudget::Lease& ResourceBudget::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    counter_ = other.counter_;
    amount_ = other.amount_;
    other.counter_ = nullptr;
  }
  return *this;
}

void ResourceBudget::Lease::Release() {
  if (counter_ != nullptr) counter_->fetch_sub(amount_, std::memory_order_relaxed);
  counter_ = nullptr;
}

ResourceBudget::Lease ResourceBudget::TryTake(std::atomic<size_t>& counter, size_t amount, size_t limit) {
  size_t held = counter.load(std::memory_order_relaxed);
  do {
    if (amount > limit || held > limit - amount) return Lease();
  } while (!counter.compare_exchange_weak(held, held + amount, std::memory_order_relaxed));
  return Lease(&counter, amount);
}

bool ResourceBudget::TryExtendBody(Lease& lease, size_t bytes) {
  if (bytes <= lease.amount()) return true;
  Lease more = TryReserveBody(bytes - lease.amount());
  if (!more) return false;
  more.counter_ = nullptr;  // merged into `lease`
  if (!lease) lease.counter_ = &body_bytes_;
  lease.amount_ = bytes;
  return true;
}

}  // namespace tradeagg::http
