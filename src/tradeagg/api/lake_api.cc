#include "tradeagg/api/lake_api.h"

#include <boost/asio/post.hpp>

#include "tradeagg/api/authentication.h"
#include "tradeagg/api/query_params.h"
#include "tradeagg/core/json_writer.h"

namespace tradeagg::api {

void LakeApi::Register(http::Router& router) {
  router.Add(boost::beast::http::verb::get, "/v1/lake", [this](auto& req, auto r) { Status(req, std::move(r)); });
}

void LakeApi::Status(http::Request& request, http::Responder respond) {
  auto principal = Authenticate(context_, request);
  if (!principal.ok()) return respond(http::ProblemFromStatus(principal.status()));
  if (auto problem = RefuseQueryParams(request)) return respond(std::move(*problem));
  if (context_.exporter == nullptr) {
    return respond(http::ProblemResponse(404, "not-found", "Lake disabled", "this server does not export to a lake"));
  }
  if (!principal->can_read_all()) {
    // A member learns whether its own trades are all in the lake, nothing of the venue's volume.
    boost::asio::post(context_.blocking, [this, participant = principal->participant, respond = std::move(respond)] {
      store::TradeQuery query;
      query.participant = participant;
      query.after_seq = context_.exporter->status().watermark;
      query.limit = 1;
      auto pending = context_.store.ListTrades(query);
      if (!pending.ok()) return respond(http::ProblemFromStatus(pending.status()));
      JsonWriter json;
      json.BeginObject()
          .Field("table", std::string_view("tradeagg.trades"))
          .Field("participant", participant)
          .Field("up_to_date", pending->trades.empty())
          .EndObject();
      respond(http::JsonResponse(200, json.Take()));
    });
    return;
  }
  boost::asio::post(context_.blocking, [this, respond = std::move(respond)] {
    lake::ExportStatus status = context_.exporter->status();
    auto last_seq = context_.store.LastSeq();
    if (!last_seq.ok()) return respond(http::ProblemFromStatus(last_seq.status()));
    auto lag = context_.store.CountTrades(status.watermark, *last_seq);
    if (!lag.ok()) return respond(http::ProblemFromStatus(lag.status()));
    JsonWriter json;
    json.BeginObject()
        .Field("table", std::string_view("tradeagg.trades"))
        .Field("watermark", status.watermark)
        .Field("store_last_seq", *last_seq)
        .Field("lag_trades", *lag)
        .Field("trades_exported", status.trades_exported)
        .Field("snapshots_committed", status.snapshots_committed)
        .Key("snapshot");
    if (status.snapshot_id) {
      json.BeginObject()
          .Field("snapshot_id", *status.snapshot_id)
          .Field("committed_at", Timestamp::FromMicros(status.snapshot_timestamp_ms * 1000).ToString())
          .Field("total_records", status.total_records)
          .Field("total_data_files", status.total_data_files)
          .EndObject();
    } else {
      json.Null();
    }
    json.Key("last_error");
    if (status.last_error.empty()) json.Null();
    else json.String(status.last_error);
    json.EndObject();
    respond(http::JsonResponse(200, json.Take()));
  });
}

}  // namespace tradeagg::api
