// ResourceBudget: what the server lets its clients hold at once, counted across connections.
//
// Two resources are bounded: open connections and request-body bytes buffered in memory. A
// connection asks for its share before it holds it and gives it back when it is done (the
// leases below release on destruction), so the server sheds load with 503 instead of growing
// until the kernel kills it. Body bytes are counted by what is reserved for them (Beast
// reserves a body's whole Content-Length before reading it), not by what has arrived.
// Thread safety: all methods may be called concurrently.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

namespace tradeagg::http {

class ResourceBudget {
 public:
  ResourceBudget(size_t max_connections, size_t max_body_bytes)
      : max_connections_(max_connections), max_body_bytes_(max_body_bytes) {}
  ResourceBudget(const ResourceBudget&) = delete;
  ResourceBudget& operator=(const ResourceBudget&) = delete;

  // Holds `amount` of one resource until destroyed or moved from.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept : counter_(other.counter_), amount_(other.amount_) { other.counter_ = nullptr; }
    Lease& operator=(Lease&& other) noexcept;
    ~Lease() { Release(); }
    explicit operator bool() const { return counter_ != nullptr; }  // false: refused
    size_t amount() const { return counter_ ? amount_ : 0; }
    void Release();

   private:
    friend class ResourceBudget;
    Lease(std::atomic<size_t>* counter, size_t amount) : counter_(counter), amount_(amount) {}
    std::atomic<size_t>* counter_ = nullptr;
    size_t amount_ = 0;
  };

  // One connection, or an empty lease when max_connections are open.
  Lease TryOpenConnection() { return TryTake(connections_, 1, max_connections_); }
  // `bytes` of buffered body, or an empty lease when that would pass the limit.
  Lease TryReserveBody(size_t bytes) { return TryTake(body_bytes_, bytes, max_body_bytes_); }
  // Grows a body lease to `bytes` (a chunked body grows as it arrives); false when that would
  // pass the limit, leaving the lease as it was.
  bool TryExtendBody(Lease& lease, size_t bytes);

  size_t open_connections() const { return connections_.load(std::memory_order_relaxed); }
  size_t buffered_body_bytes() const { return body_bytes_.load(std::memory_order_relaxed); }

 private:
  static Lease TryTake(std::atomic<size_t>& counter, size_t amount, size_t limit);

  const size_t max_connections_;
  const size_t max_body_bytes_;
  std::atomic<size_t> connections_{0};
  std::atomic<size_t> body_bytes_{0};
};

}  // namespace tradeagg::http
