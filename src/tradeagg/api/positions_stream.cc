#include "tradeagg/api/positions_stream.h"

#include <map>

#include "tradeagg/api/positions_view.h"
#include "tradeagg/core/json_writer.h"

namespace tradeagg::api {

namespace {

std::string PositionsEvent(int64_t watermark, const std::string& json) {
  // JsonWriter writes no newlines, so the document is one `data:` line.
  return "event: positions\nid: " + std::to_string(watermark) + "\ndata: " + json + "\n\n";
}

}  // namespace

PositionsStream::PositionsStream(ApiContext& context, PositionsStreamOptions options)
    : context_(context),
      options_(options),
      last_keep_alive_(std::chrono::steady_clock::now()),
      pusher_("positions-push", options.interval, [this] { Push(); }) {}

PositionsStream::~PositionsStream() { Stop(); }

void PositionsStream::Register(http::Router& router) {
  router.Add(boost::beast::http::verb::get, "/v1/positions/stream",
             [this](auto& req, auto respond) { Open(req, std::move(respond)); });
}

void PositionsStream::Start() { pusher_.Start(); }

void PositionsStream::Stop() {
  pusher_.Stop();
  std::vector<Subscriber> closing;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    closing.swap(subscribers_);
  }
  for (auto& subscriber : closing) subscriber.sink->Close();
}

size_t PositionsStream::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

void PositionsStream::Open(http::Request& request, http::Responder respond) {
  auto parsed = ParsePositionQuery(context_, request);
  if (auto* problem = std::get_if<http::Response>(&parsed)) return respond(std::move(*problem));
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return respond(http::ProblemFromStatus(Status::Unavailable("the service is shutting down")));
    if (subscribers_.size() >= options_.max_subscribers) {
      return respond(http::ProblemFromStatus(
          Status::Unavailable(std::to_string(options_.max_subscribers) + " position streams are open; retry shortly")
              .WithRetryAfter(5)));
    }
  }
  constexpr std::string_view kScheme = "Bearer ";  // ParsePositionQuery authenticated it
  std::string token(request.header(boost::beast::http::field::authorization).substr(kScheme.size()));
  http::Response response;
  response.content_type = "text/event-stream";
  response.on_stream = [this, query = std::get<book::PositionQuery>(std::move(parsed)),
                        token = std::move(token)](std::shared_ptr<http::EventSink> sink) {
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return sink->Close();
      subscribers_.push_back(Subscriber{std::move(sink), query, token});
    }
    pusher_.Wake();  // its first event now, not at the next tick
  };
  respond(std::move(response));
}

bool PositionsStream::StillAuthenticated(const Subscriber& subscriber) const {
  auto principal = context_.users.Authenticate(subscriber.token);
  if (principal.ok()) return true;
  JsonWriter json;
  json.BeginObject().Field("status", int64_t{401}).Field("detail", principal.status().message()).EndObject();
  subscriber.sink->Send("event: error\ndata: " + json.Take() + "\n\n");
  subscriber.sink->Close();
  return false;
}

void PositionsStream::Push() {
  std::unique_lock lock(mutex_);
  std::erase_if(subscribers_, [](const Subscriber& s) { return s.sink->closed(); });
  const int64_t watermark = context_.book.watermark();
  const bool moved = watermark != pushed_watermark_;
  const auto now = std::chrono::steady_clock::now();
  const bool keep_alive = now - last_keep_alive_ >= options_.keep_alive;
  if (keep_alive) last_keep_alive_ = now;
  // Rendering reads the store (FX rates) and the book: copies, so new subscribers need not wait.
  std::vector<Subscriber> subscribers = subscribers_;
  for (Subscriber& s : subscribers_) s.sent = true;  // this push sends every first event
  lock.unlock();

  std::map<Date, domain::FxRates> rates;  // one read per date per push
  for (Subscriber& s : subscribers) {
    if (!StillAuthenticated(s)) continue;  // its sink is closed: dropped at the next push
    if (moved || !s.sent) {
      auto [it, inserted] = rates.try_emplace(s.query.business_date);
      if (inserted) it->second = RatesForPositions(context_, s.query.business_date);
      s.sink->Send(PositionsEvent(watermark, PositionsJson(context_, s.query, it->second)));
    } else if (keep_alive) {
      s.sink->Send(": keep-alive\n\n");
    }
  }
  pushed_watermark_ = watermark;
}

}  // namespace tradeagg::api
