// Exposure rows for the tests of the ExposureStore role (its contract suite, the SQLite store's
// own tests): trades on both sides, with sums a store could lose (a quantity beyond 64 bits, a
// notional of 21 integer digits and 8 places, a single unit of 1e-8).
#pragma once

#include <string>
#include <utility>

#include "tradeagg/core/decimal.h"
#include "tradeagg/domain/exposure_row.h"

namespace tradeagg::testing {

inline domain::ExposureRow MakeExposureRow(domain::ExposureLevel level, std::string participant, std::string key,
                                           std::string currency) {
  domain::ExposureRow row{level, std::move(participant), std::move(key), std::move(currency), {}, {}};
  row.totals.AddSums(domain::Side::kBuy, (int128{1} << 70) + 3, *Decimal::Parse("123456789012345678901.12345678"), 7);
  row.totals.AddSums(domain::Side::kSell, 5, Decimal::FromUnits(1), 1);
  return row;
}

}  // namespace tradeagg::testing
