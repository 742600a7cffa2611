#include "tradeagg/auth/password_hashing_gate.h"

#include <algorithm>
#include <string>

namespace tradeagg::auth {

PasswordHashingGate::Ticket& PasswordHashingGate::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    if (gate_ != nullptr) gate_->Leave();
    gate_ = std::exchange(other.gate_, nullptr);
  }
  return *this;
}

PasswordHashingGate::Ticket::~Ticket() {
  if (gate_ != nullptr) gate_->Leave();
}

PasswordHashingGate::PasswordHashingGate(PasswordHashingConfig config) : config_(config) {}

Result<PasswordHashingGate::Ticket> PasswordHashingGate::Admit() {
  std::lock_guard lock(mutex_);
  if (admitted_ >= std::max<size_t>(1, config_.max_concurrent) + config_.max_waiting) {
    return Status::Unavailable("too many password checks under way (" + std::to_string(admitted_) + ")")
        .WithRetryAfter(std::max<int64_t>(1, config_.retry_after_seconds));
  }
  ++admitted_;
  return Ticket(this);
}

void PasswordHashingGate::Leave() {
  std::lock_guard lock(mutex_);
  --admitted_;
}

void PasswordHashingGate::Acquire() {
  std::unique_lock lock(mutex_);
  turn_free_.wait(lock, [this] { return running_ < std::max<size_t>(1, config_.max_concurrent); });
  ++running_;
}

void PasswordHashingGate::Release() {
  {
    std::lock_guard lock(mutex_);
    --running_;
  }
  turn_free_.notify_one();
}

size_t PasswordHashingGate::admitted() const {
  std::lock_guard lock(mutex_);
  return admitted_;
}

size_t PasswordHashingGate::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

}  // namespace tradeagg::auth
