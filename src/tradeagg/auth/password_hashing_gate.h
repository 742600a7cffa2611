// PasswordHashingGate: bounds the service's argon2id work. Each hash or verification takes
// 64 MiB and a core for tens of milliseconds, so at most `max_concurrent` run at once, and at
// most `max_waiting` more may be admitted to wait for a turn; beyond that admission is refused
// (kUnavailable with Retry-After) and a burst of logins is answered 503 at once instead of
// piling up queued requests, threads and memory.
//
// Two steps, because the waiting happens in two places:
//  - Admit (never waits): the HTTP layer takes a Ticket on the network thread before it queues
//    a login, signup or user creation on the blocking pool; the ticket is held until the work
//    is done. Tickets bound the queue.
//  - Run (waits for a turn): the UserService runs every hash and verification through it.
//    Turns bound the work. Run needs no ticket: the CLI hashes without one.
// Thread safety: all methods may be called concurrently; the gate must outlive its tickets.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>

#include "tradeagg/core/status.h"

namespace tradeagg::auth {

struct PasswordHashingConfig {
  size_t max_concurrent = 2;       // argon2id operations at once (>= 1)
  size_t max_waiting = 16;         // admitted beyond those, waiting for a turn
  int64_t retry_after_seconds = 1;  // told to callers refused admission
};

class PasswordHashingGate {
 public:
  // A place among the admitted (waiting or running); released when destroyed. Move-only.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket();

   private:
    friend class PasswordHashingGate;
    explicit Ticket(PasswordHashingGate* gate) : gate_(gate) {}
    PasswordHashingGate* gate_ = nullptr;
  };

  explicit PasswordHashingGate(PasswordHashingConfig config);
  PasswordHashingGate(const PasswordHashingGate&) = delete;
  PasswordHashingGate& operator=(const PasswordHashingGate&) = delete;

  // A ticket, or kUnavailable with retry_after_seconds when max_concurrent + max_waiting are
  // admitted already.
  Result<Ticket> Admit();

  // Waits for a turn (one of max_concurrent), runs `work` (which hashes) and gives the turn back.
  template <typename Work>
  auto Run(Work&& work) -> decltype(work()) {
    Turn turn(*this);
    return std::forward<Work>(work)();
  }

  size_t admitted() const;
  size_t running() const;
  const PasswordHashingConfig& config() const { return config_; }

 private:
  struct Turn {
    explicit Turn(PasswordHashingGate& gate) : gate(gate) { gate.Acquire(); }
    ~Turn() { gate.Release(); }
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;
    PasswordHashingGate& gate;
  };
  void Acquire();
  void Release();
  void Leave();  // a ticket's end

  const PasswordHashingConfig config_;
  mutable std::mutex mutex_;
  std::condition_variable turn_free_;
  size_t admitted_ = 0;  // guarded by mutex_
  size_t running_ = 0;   // guarded by mutex_
};

}  // namespace tradeagg::auth
