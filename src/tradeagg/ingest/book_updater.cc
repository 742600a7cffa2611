#include "tradeagg/ingest/book_updater.h"

namespace tradeagg::ingest {

void DirectBookUpdater::Committed(std::span<store::AppendRequest* const> requests) {
  // Seqs were assigned in request order, so applying in that order keeps the book's watermark
  // monotonic.
  for (const store::AppendRequest* request : requests) {
    if (request->conflict_index) continue;
    for (size_t i = 0; i < request->trades.size(); ++i) {
      if (request->outcomes[i] == store::AppendOutcome::kAccepted) book_.Apply(request->trades[i]);
    }
  }
}

}  // namespace tradeagg::ingest
