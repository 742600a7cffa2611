// BearerGatekeeper: lets a request reach an authenticated route only with a valid bearer
// token, judged from its head alone, so the server refuses (401) before it reads the body.
//
// The check is the handlers' own (Authenticate: an HMAC and a cache lookup, no I/O), cheap
// enough for the network threads. Handlers still authenticate and authorise what the caller
// may do; this only keeps strangers from making the server buffer their uploads.
// Thread safety: Refuse may be called concurrently.
#pragma once

#include <functional>

#include "tradeagg/api/api_context.h"
#include "tradeagg/http/router.h"

namespace tradeagg::api {

class BearerGatekeeper : public http::Gatekeeper {
 public:
  // Words the refusal of a caller without a valid token (the proof of concept's routes answer
  // in FastAPI's shape); by default the API's 401 problem.
  using Refusal = std::function<http::Response(const Status& why)>;

  explicit BearerGatekeeper(const ApiContext& context, Refusal refusal = http::ProblemFromStatus)
      : context_(context), refusal_(std::move(refusal)) {}
  std::optional<http::Response> Refuse(const http::Request& head) const override;

 private:
  const ApiContext& context_;
  Refusal refusal_;
};

}  // namespace tradeagg::api
