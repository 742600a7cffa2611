#include "tradeagg/agg/book_source.h"

#include <gtest/gtest.h>

#include "lake_fixture.h"

namespace tradeagg::agg {
namespace {

class BookSourceTest : public LakeFixture {};

TEST_F(BookSourceTest, TheLiveBookIsBroughtToAnyWatermarkAndAgreesWithTheStore) {
  Commit(1, 20, kMonday);
  Commit(21, 30, kTuesday);
  Commit(31, 40, kMonday);
  book::PositionBook book;
  ASSERT_TRUE(store_->ScanTrades(0, 25, [&](const domain::Trade& t) { book.Apply(t); }).ok());  // the book lags
  LiveBookSource live(book, *store_);
  for (int64_t watermark : {0, 7, 20, 25, 33, 40}) {
    SCOPED_TRACE("watermark " + std::to_string(watermark));
    auto from_book = live.ViewAt(kMonday, watermark);
    auto from_store = book_->ViewAt(kMonday, watermark);
    ASSERT_TRUE(from_book.ok() && from_store.ok());
    EXPECT_EQ(from_book->live_watermark, 25);
    EXPECT_EQ(from_book->view.watermark, watermark);
    EXPECT_EQ(from_book->view.by_instrument, from_store->view.by_instrument);
    EXPECT_EQ(from_book->view.by_counterparty, from_store->view.by_counterparty);
  }
  EXPECT_TRUE(live.ViewAt(kMonday, 0)->view.by_instrument.empty());  // nothing had happened yet
}

}  // namespace
}  // namespace tradeagg::agg
