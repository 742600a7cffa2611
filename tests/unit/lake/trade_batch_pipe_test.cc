#include "tradeagg/lake/trade_batch_pipe.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tradeagg::lake {
namespace {

domain::Trade TradeWithSeq(int64_t seq) {
  domain::Trade t;
  t.seq = seq;
  t.trade_id = "T-" + std::to_string(seq);
  return t;
}

TEST(TradeBatchPipeTest, EveryTradeArrivesOnceInOrderAcrossThreads) {
  TradeBatchPipe pipe(/*batch_size=*/7, /*batches=*/2);
  std::thread producer([&] {
    for (int64_t seq = 1; seq <= 1000; ++seq) ASSERT_TRUE(pipe.Push(TradeWithSeq(seq)));
    pipe.Close(Status::Ok());
  });
  std::vector<int64_t> seen;
  while (TradeBatchPipe::Batch* batch = pipe.Next()) {
    for (size_t i = 0; i < batch->count; ++i) {
      seen.push_back(batch->trades[i].seq);
      EXPECT_EQ(batch->trades[i].trade_id, "T-" + std::to_string(batch->trades[i].seq));
    }
    pipe.Recycle(batch);
  }
  producer.join();
  ASSERT_EQ(seen.size(), 1000u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int64_t>(i) + 1);
  EXPECT_TRUE(pipe.status().ok());
}

TEST(TradeBatchPipeTest, TheProducersStatusEndsTheStream) {
  TradeBatchPipe pipe(4, 2);
  std::thread producer([&] {
    ASSERT_TRUE(pipe.Push(TradeWithSeq(1)));
    pipe.Close(Status::Unavailable("disk gone"));
  });
  TradeBatchPipe::Batch* batch = pipe.Next();
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(batch->count, 1u);
  pipe.Recycle(batch);
  EXPECT_EQ(pipe.Next(), nullptr);
  producer.join();
  EXPECT_EQ(pipe.status().code(), StatusCode::kUnavailable);
}

TEST(TradeBatchPipeTest, ACancelledConsumerStopsAProducerWaitingForRoom) {
  TradeBatchPipe pipe(2, 1);
  int64_t pushed = 0;
  std::thread producer([&] {
    for (int64_t seq = 1; seq <= 100 && pipe.Push(TradeWithSeq(seq)); ++seq) ++pushed;
    pipe.Close(Status::Ok());
  });
  TradeBatchPipe::Batch* first = pipe.Next();
  ASSERT_NE(first, nullptr);
  pipe.Cancel();  // without recycling: the producer is stuck waiting for an empty batch
  producer.join();
  EXPECT_LT(pushed, 100);
  EXPECT_EQ(pipe.Next(), nullptr);
}

}  // namespace
}  // namespace tradeagg::lake
