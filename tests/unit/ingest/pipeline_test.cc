#include "tradeagg/ingest/pipeline.h"

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "testing/in_memory_trade_store.h"

namespace tradeagg::ingest {
namespace {

domain::Trade MakeTrade(std::string id, int64_t quantity = 10) {
  domain::Trade t;
  t.trade_id = std::move(id);
  t.participant = "ALPHA";
  t.counterparty = "BETA";
  t.instrument = "US0378331005";
  t.quantity = quantity;
  t.price = Decimal::FromInteger(100);
  t.notional = Decimal::FromInteger(100 * quantity);
  t.currency = "USD";
  t.trade_time = Timestamp::FromMicros(1'795'512'600'000'000);
  t.received_at = t.trade_time;
  t.business_date = Date::FromCivil(2026, 11, 24);
  return t;
}

struct Completed {
  Status status;
  store::AppendRequest request;
};

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override { pipeline_.Start(); }
  void TearDown() override { pipeline_.Stop(); }

  std::future<Completed> Submit(std::vector<domain::Trade> trades) {
    auto done = std::make_shared<std::promise<Completed>>();
    store::AppendRequest request;
    request.trades = std::move(trades);
    pipeline_.Submit(std::move(request), [done](const Status& status, store::AppendRequest& r) {
      done->set_value({status, r});
    });
    return done->get_future();
  }

  testing::InMemoryTradeStore store_;
  book::PositionBook book_;
  Pipeline pipeline_{store_, book_};
};

TEST_F(PipelineTest, AcknowledgedTradesAreStoredAndInTheBook) {
  Completed first = Submit({MakeTrade("1"), MakeTrade("2")}).get();
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_EQ(first.request.seqs, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(*store_.LastSeq(), 2);
  EXPECT_EQ(book_.watermark(), 2);  // applied before the completion ran
}

TEST_F(PipelineTest, ADuplicateIsAcknowledgedWithoutReachingTheBookTwice) {
  ASSERT_TRUE(Submit({MakeTrade("1")}).get().status.ok());
  Completed retry = Submit({MakeTrade("1")}).get();
  ASSERT_TRUE(retry.status.ok());
  EXPECT_EQ(retry.request.outcomes[0], store::AppendOutcome::kDuplicate);
  EXPECT_EQ(retry.request.seqs[0], 1);
  EXPECT_EQ(*store_.CountTrades(0, 10), 1);
  EXPECT_EQ(book_.watermark(), 1);
}

TEST_F(PipelineTest, AFailingStoreAcknowledgesNothingAndTheBookStaysWithTheStore) {
  store_.FailAppendsWith(Status::Unavailable("store down"));
  Completed failed = Submit({MakeTrade("1")}).get();
  EXPECT_EQ(failed.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(*store_.LastSeq(), 0);
  EXPECT_EQ(book_.watermark(), 0);

  store_.FailAppendsWith(Status::Ok());  // the store is back: the retry is accepted once
  Completed retry = Submit({MakeTrade("1")}).get();
  ASSERT_TRUE(retry.status.ok());
  EXPECT_EQ(retry.request.outcomes[0], store::AppendOutcome::kAccepted);
  EXPECT_EQ(book_.watermark(), 1);
}

}  // namespace
}  // namespace tradeagg::ingest
