#include "tradeagg/ingest/pipeline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>
#include <string>
#include <vector>

#include "testing/in_memory_trade_store.h"
#include "tradeagg/ingest/book_follower.h"

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

// Every rule holds whichever way the book is kept: applied directly (one writer) or followed
// from the store (writers sharing it).
enum class BookKeeping { kDirect, kFollowStore };

class PipelineTest : public ::testing::TestWithParam<BookKeeping> {
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

  BookUpdater& Updater() {
    if (GetParam() == BookKeeping::kDirect) return direct_;
    return follower_;
  }

  testing::InMemoryTradeStore store_;
  book::PositionBook book_;
  DirectBookUpdater direct_{book_};
  BookFollower follower_{store_, book_, std::chrono::hours(1)};
  Pipeline pipeline_{store_, Updater()};
};

TEST_P(PipelineTest, AcknowledgedTradesAreStoredAndInTheBook) {
  Completed first = Submit({MakeTrade("1"), MakeTrade("2")}).get();
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_EQ(first.request.seqs, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(*store_.LastSeq(), 2);
  EXPECT_EQ(book_.watermark(), 2);  // applied before the completion ran
}

TEST_P(PipelineTest, ADuplicateIsAcknowledgedWithoutReachingTheBookTwice) {
  ASSERT_TRUE(Submit({MakeTrade("1")}).get().status.ok());
  Completed retry = Submit({MakeTrade("1")}).get();
  ASSERT_TRUE(retry.status.ok());
  EXPECT_EQ(retry.request.outcomes[0], store::AppendOutcome::kDuplicate);
  EXPECT_EQ(retry.request.seqs[0], 1);
  EXPECT_EQ(*store_.CountTrades(0, 10), 1);
  EXPECT_EQ(book_.watermark(), 1);
}

TEST_P(PipelineTest, AFailingStoreAcknowledgesNothingAndTheBookStaysWithTheStore) {
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

INSTANTIATE_TEST_SUITE_P(Book, PipelineTest, ::testing::Values(BookKeeping::kDirect, BookKeeping::kFollowStore),
                         [](const auto& info) { return info.param == BookKeeping::kDirect ? "Direct" : "FollowStore"; });

// Another writer's trades (appended to the shared store, not through this pipeline) reach the
// book with this instance's next commit, or with the follower's next poll.
TEST(BookFollowerTest, OtherWritersTradesReachTheBook) {
  testing::InMemoryTradeStore store;
  book::PositionBook book;
  BookFollower follower(store, book, std::chrono::milliseconds(20));
  Pipeline pipeline(store, follower);
  pipeline.Start();
  store::AppendRequest other;
  other.trades = {MakeTrade("other-1"), MakeTrade("other-2")};
  store::AppendRequest* others[] = {&other};
  ASSERT_TRUE(store.Append(others).ok());
  EXPECT_EQ(book.watermark(), 0);

  std::promise<Status> done;
  store::AppendRequest own;
  own.trades = {MakeTrade("own-1")};
  pipeline.Submit(std::move(own), [&](const Status& status, store::AppendRequest&) { done.set_value(status); });
  ASSERT_TRUE(done.get_future().get().ok());
  EXPECT_EQ(book.watermark(), 3);  // the other writer's two, then its own
  pipeline.Stop();

  store::AppendRequest later;
  later.trades = {MakeTrade("other-3")};
  store::AppendRequest* more[] = {&later};
  ASSERT_TRUE(store.Append(more).ok());
  follower.Start();
  for (int i = 0; i < 200 && book.watermark() < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  follower.Stop();
  EXPECT_EQ(book.watermark(), 4);
  EXPECT_TRUE(follower.last_error().ok());
}

// Gathering a group: requests that keep arriving while the first waits are committed with it,
// in one append; without gathering the first is committed alone at once.
TEST(PipelineGatherTest, RequestsArrivingWhileAGroupGathersAreCommittedTogether) {
  for (const bool gather : {false, true}) {
    SCOPED_TRACE(gather ? "gathering" : "not gathering");
    testing::InMemoryTradeStore store;
    book::PositionBook book;
    DirectBookUpdater updater(book);
    PipelineConfig config;
    config.group_wait = gather ? std::chrono::microseconds(500'000) : std::chrono::microseconds(0);
    config.group_quiet = std::chrono::microseconds(200'000);
    Pipeline pipeline(store, updater, config);
    pipeline.Start();
    std::vector<std::future<void>> done;
    for (int i = 0; i < 3; ++i) {
      auto promise = std::make_shared<std::promise<void>>();
      done.push_back(promise->get_future());
      store::AppendRequest request;
      request.trades = {MakeTrade("gather-" + std::to_string(i))};
      pipeline.Submit(std::move(request), [promise](const Status&, store::AppendRequest&) { promise->set_value(); });
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // well within group_quiet
    }
    for (auto& d : done) d.get();
    EXPECT_EQ(pipeline.stats().requests, 3u);
    if (gather) {
      EXPECT_EQ(pipeline.stats().commits, 1u);
    } else {
      EXPECT_GE(pipeline.stats().commits, 2u);
    }
    pipeline.Stop();
  }
}

// A store that cannot be read leaves the book behind, never wrong, and says why.
TEST(BookFollowerTest, AnUnreadableStoreLeavesTheBookBehindAndSaysSo) {
  testing::InMemoryTradeStore store;
  book::PositionBook book;
  BookFollower follower(store, book, std::chrono::hours(1));
  store::AppendRequest request;
  request.trades = {MakeTrade("1")};
  store::AppendRequest* requests[] = {&request};
  ASSERT_TRUE(store.Append(requests).ok());
  store.FailReadsWith(Status::Unavailable("store down"));
  EXPECT_EQ(follower.CatchUp().code(), StatusCode::kUnavailable);
  EXPECT_EQ(book.watermark(), 0);
  EXPECT_EQ(follower.last_error().code(), StatusCode::kUnavailable);
  store.FailReadsWith(Status::Ok());
  EXPECT_TRUE(follower.CatchUp().ok());
  EXPECT_EQ(book.watermark(), 1);
}

}  // namespace
}  // namespace tradeagg::ingest
