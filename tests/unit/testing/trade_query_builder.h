// TradeQueryBuilder: store::TradeQuery built fluently in tests, Query().Participant("A").Limit(3).
//
// TradeQuery has optional members without initializers, so designated initializers would trip
// -Wmissing-field-initializers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "tradeagg/core/time.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::testing {

class TradeQueryBuilder {
 public:
  TradeQueryBuilder& Participant(std::string participant) {
    query_.participant = std::move(participant);
    return *this;
  }
  TradeQueryBuilder& On(Date date) {
    query_.business_date = date;
    return *this;
  }
  TradeQueryBuilder& Instrument(std::string instrument) {
    query_.instrument = std::move(instrument);
    return *this;
  }
  TradeQueryBuilder& After(int64_t seq) {
    query_.after_seq = seq;
    return *this;
  }
  TradeQueryBuilder& Limit(size_t limit) {
    query_.limit = limit;
    return *this;
  }
  operator store::TradeQuery() const { return query_; }  // NOLINT(google-explicit-constructor)

 private:
  store::TradeQuery query_;
};

inline TradeQueryBuilder Query() { return TradeQueryBuilder(); }

}  // namespace tradeagg::testing
