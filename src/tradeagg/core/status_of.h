// StatusOf: the status of a Status or of a Result alike, for code generic over both (the
// decorators that count a wrapped role's failures).
#pragma once

#include "tradeagg/core/status.h"

namespace tradeagg {

inline const Status& StatusOf(const Status& status) { return status; }

template <typename T>
const Status& StatusOf(const Result<T>& result) {
  return result.status();
}

}  // namespace tradeagg
