// PositionsStream: GET /v1/positions/stream, the live position book pushed to the caller as
// server-sent events, so a dashboard moves with the trades without polling.
//
// Each event is `event: positions` with `data:` the JSON GET /v1/positions answers for the same
// query (docs/api.md): one at once, then one whenever the book's watermark moves, checked every
// `interval` (so a burst of trades is one event, not thousands). A `: keep-alive` comment
// every `keep_alive` keeps proxies from closing a quiet stream and finds clients that left.
// At most `max_subscribers` streams are open at once (503 beyond). The caller's token is checked
// again at every push: a stream ends when its user is deleted or its token expires, with an
// `event: error` saying so, as a new request would be refused.
// Thread safety: Register before serving; the route from the I/O threads; Start/Stop from the
// owner.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "tradeagg/api/api_context.h"
#include "tradeagg/book/position_book.h"
#include "tradeagg/core/periodic_task.h"
#include "tradeagg/http/event_sink.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

struct PositionsStreamOptions {
  std::chrono::milliseconds interval{250};
  std::chrono::seconds keep_alive{15};
  size_t max_subscribers = 256;
};

class PositionsStream {
 public:
  explicit PositionsStream(ApiContext& context, PositionsStreamOptions options = {});
  ~PositionsStream();
  PositionsStream(const PositionsStream&) = delete;
  PositionsStream& operator=(const PositionsStream&) = delete;

  void Register(http::Router& router);
  void Start();
  // Ends every stream and refuses new ones: the server is stopping.
  void Stop();
  size_t subscribers() const;

 private:
  struct Subscriber {
    std::shared_ptr<http::EventSink> sink;
    book::PositionQuery query;
    std::string token;  // the bearer token it opened with
    bool sent = false;  // its first event is out
  };

  void Open(http::Request& request, http::Responder respond);
  void Push();
  // False (and the stream ended) when the subscriber's token no longer authenticates.
  bool StillAuthenticated(const Subscriber& subscriber) const;

  ApiContext& context_;
  const PositionsStreamOptions options_;
  mutable std::mutex mutex_;
  std::vector<Subscriber> subscribers_;  // guarded by mutex_
  bool stopped_ = false;                 // guarded by mutex_
  int64_t pushed_watermark_ = -1;        // the pusher's own
  std::chrono::steady_clock::time_point last_keep_alive_;
  PeriodicTask pusher_;
};

}  // namespace tradeagg::api
