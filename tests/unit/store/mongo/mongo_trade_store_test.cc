// MongoTradeStore against a real server (FerretDB): the TradeStore contract, and what is the
// MongoDB store's own: every step of an append failing (fault injection), two writers on one
// database, a dead writer's block reaped.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <vector>
#include <thread>

#include "store/trade_store_contract.h"
#include "testing/ferretdb_server.h"
#include "testing/forwarding_trade_store.h"
#include "testing/trade_builder.h"
#include "tradeagg/core/fault_injector.h"
#include "tradeagg/store/mongo/mongo_client.h"
#include "tradeagg/store/mongo/mongo_trade_document.h"
#include "tradeagg/store/mongo/mongo_trade_store.h"

namespace tradeagg::store {
namespace {

std::unique_ptr<MongoClient> ConnectTo(const std::string& database) {
  auto client = testing::ConnectToSharedFerretDb(database);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(client).value() : nullptr;
}

// A store on a fresh database; reopening gives a new store (and client) on the same database.
class MongoTrades {
 public:
  Result<std::unique_ptr<TradeStore>> Open() {
    std::unique_ptr<MongoClient> client = ConnectTo(database_);
    if (client == nullptr) return Status::Unavailable("no FerretDB");
    MongoTradeStoreOptions options;
    options.instance_id = "contract";
    ASSIGN_OR_RETURN(std::unique_ptr<MongoTradeStore> store, MongoTradeStore::Open(*client, options));
    // The handle keeps the store and its client alive; the store is destroyed first.
    struct Owned {
      std::unique_ptr<MongoClient> client;
      std::unique_ptr<MongoTradeStore> store;
    };
    auto owned = std::make_shared<Owned>(Owned{std::move(client), std::move(store)});
    TradeStore& target = *owned->store;
    return std::unique_ptr<TradeStore>(std::make_unique<testing::ForwardingTradeStore>(target, std::move(owned)));
  }
  static constexpr bool kPersists = true;

 private:
  std::string database_ = testing::UniqueDatabaseName("contract");
};

INSTANTIATE_TYPED_TEST_SUITE_P(Mongo, TradeStoreContract, ::testing::Types<MongoTrades>);

class MongoTradeStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FaultInjector::Global().Enable();
    client_ = ConnectTo(database_);
    ASSERT_NE(client_, nullptr);
    store_ = OpenStore("writer-a");
  }
  void TearDown() override {
    for (const char* point : {"store.append.before_commit", "mongo.append.after_insert",
                              "mongo.append.commit_reply_lost", "mongo.append.cleanup",
                              "mongo.append.claim_unanswered", "mongo.append.commit_unanswered",
                              "mongo.append.insert_unanswered"}) {
      FaultInjector::Global().Arm(point, 0);
    }
  }
  std::unique_ptr<MongoTradeStore> OpenStore(std::string instance, std::chrono::milliseconds lease = std::chrono::seconds(60)) {
    MongoTradeStoreOptions options;
    options.instance_id = std::move(instance);
    options.lease = lease;
    auto store = MongoTradeStore::Open(*client_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  // Another instance on the same database: its own client and writer id.
  std::unique_ptr<MongoTradeStore> OpenSecondWriter() {
    other_client_ = ConnectTo(database_);
    if (other_client_ == nullptr) return nullptr;
    MongoTradeStoreOptions options;
    options.instance_id = "writer-b";
    auto store = MongoTradeStore::Open(*other_client_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  static Status AppendOne(TradeStore& store, AppendRequest& request) {
    AppendRequest* requests[] = {&request};
    return store.Append(requests);
  }
  static AppendRequest RequestOf(std::vector<domain::Trade> trades) {
    AppendRequest request;
    request.trades = std::move(trades);
    return request;
  }
  int64_t Visible(TradeStore& store) {
    auto last = store.LastSeq();
    EXPECT_TRUE(last.ok());
    auto count = store.CountTrades(0, last.value());
    EXPECT_TRUE(count.ok());
    return count.value();
  }

  // The pending block of `writer`, as seq_blocks holds it (the tests play its late writes).
  struct PendingBlock {
    int64_t lo = 0;
    int64_t hi = 0;
  };
  PendingBlock PendingOf(const std::string& writer) {
    PendingBlock block;
    Bson filter;
    filter.Append("state", "pending").Append("writer", writer);
    EXPECT_TRUE(client_->Find("seq_blocks", filter, Bson(), [&](const Bson& doc) {
      block = {doc.GetInt64("_id"), doc.GetInt64("hi")};
    }).ok());
    return block;
  }
  // `trades` as `writer` inserts them into its block starting at `lo` (positional seqs).
  static std::vector<Bson> DocumentsAt(std::vector<domain::Trade> trades, int64_t lo, const std::string& writer) {
    std::vector<Bson> docs;
    for (domain::Trade& trade : trades) {
      trade.seq = lo++;
      docs.push_back(TradeToDocument(trade, writer));
    }
    return docs;
  }
  // The ids of every trade a store reads, by each read path.
  struct ReadIds {
    std::vector<std::string> listed;
    std::vector<std::string> scanned;
    int64_t counted = 0;
  };
  static ReadIds ReadAll(TradeStore& store) {
    ReadIds ids;
    TradeQuery query;
    query.limit = 1000;
    auto page = store.ListTrades(query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const domain::Trade& t : page.value().trades) ids.listed.push_back(t.trade_id);
    }
    EXPECT_TRUE(store.ScanTrades(0, 0, [&](const domain::Trade& t) { ids.scanned.push_back(t.trade_id); }).ok());
    auto last = store.LastSeq();
    auto count = last.ok() ? store.CountTrades(0, last.value()) : Result<int64_t>(last.status());
    EXPECT_TRUE(count.ok());
    ids.counted = count.ok() ? count.value() : -1;
    return ids;
  }

  std::string database_ = testing::UniqueDatabaseName("mongo-trades");
  std::unique_ptr<MongoClient> client_;
  std::unique_ptr<MongoClient> other_client_;
  std::unique_ptr<MongoTradeStore> store_;
};

// Every failure before the commit: nothing visible, nothing acknowledged, and the retry of the
// same request is accepted (the keys were freed).
TEST_F(MongoTradeStoreTest, FailureBeforeCommitLeavesNothingAndTheRetryIsAccepted) {
  for (const char* point : {"mongo.append.after_insert", "store.append.before_commit"}) {
    SCOPED_TRACE(point);
    const std::string id = std::string("T-") + point;
    AppendRequest request = RequestOf({testing::MakeTrade("ALPHA", id), testing::MakeTrade("ALPHA", id + "-2")});
    FaultInjector::Global().Arm(point, 1);
    Status failed = AppendOne(*store_, request);
    EXPECT_EQ(failed.code(), StatusCode::kUnavailable) << failed.ToString();
    EXPECT_EQ(request.trades[0].seq, 0);
    auto found = store_->FindTrade("ALPHA", id);
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found.value().has_value());

    AppendRequest retry = RequestOf({testing::MakeTrade("ALPHA", id), testing::MakeTrade("ALPHA", id + "-2")});
    ASSERT_TRUE(AppendOne(*store_, retry).ok());
    EXPECT_EQ(retry.outcomes[0], AppendOutcome::kAccepted);
    EXPECT_EQ(retry.outcomes[1], AppendOutcome::kAccepted);
  }
  EXPECT_EQ(Visible(*store_), 4);
}

// The commit's reply lost: the store reads the block back and finds it committed.
TEST_F(MongoTradeStoreTest, LostCommitReplyIsResolvedByReadingBack) {
  AppendRequest request = RequestOf({testing::MakeTrade("ALPHA", "T-lost")});
  FaultInjector::Global().Arm("mongo.append.commit_reply_lost", 1);
  ASSERT_TRUE(AppendOne(*store_, request).ok());
  EXPECT_EQ(request.outcomes[0], AppendOutcome::kAccepted);
  auto found = store_->FindTrade("ALPHA", "T-lost");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found.value().has_value());
  EXPECT_EQ(found.value()->seq, request.seqs[0]);
}

// A commit that timed out unanswered (the server may apply it later, after a freeze): the call
// is not acknowledged, and before the next append the block is committed again rather than
// voided, so a late commit can never land on deleted trades. The retry finds a duplicate.
TEST_F(MongoTradeStoreTest, UnansweredCommitIsRolledForwardNotUndone) {
  AppendRequest request = RequestOf({testing::MakeTrade("ALPHA", "T-unanswered")});
  FaultInjector::Global().Arm("mongo.append.commit_unanswered", 1);
  EXPECT_EQ(AppendOne(*store_, request).code(), StatusCode::kStateUnknown);
  EXPECT_EQ(Visible(*store_), 0);  // pending: nothing of it readable
  AppendRequest next = RequestOf({testing::MakeTrade("ALPHA", "T-next")});
  ASSERT_TRUE(AppendOne(*store_, next).ok());
  EXPECT_EQ(Visible(*store_), 2);
  AppendRequest retry = RequestOf({testing::MakeTrade("ALPHA", "T-unanswered")});
  ASSERT_TRUE(AppendOne(*store_, retry).ok());
  EXPECT_EQ(retry.outcomes[0], AppendOutcome::kDuplicate);
  EXPECT_EQ(Visible(*store_), 2);
}

// The trades' insert timed out unanswered and lands late (here: written after the failure, as
// the server would after a freeze): the block is rolled forward (inserted again, committed)
// rather than voided, so the late insert neither leaves a trade in a void block nor takes a
// key a retry then waits on. The retry finds a duplicate; every trade is stored once.
TEST_F(MongoTradeStoreTest, UnansweredInsertIsRolledForwardSoALateInsertChangesNothing) {
  AppendRequest request = RequestOf({testing::MakeTrade("ALPHA", "T-late-1"), testing::MakeTrade("ALPHA", "T-late-2")});
  FaultInjector::Global().Arm("mongo.append.insert_unanswered", 1);
  EXPECT_EQ(AppendOne(*store_, request).code(), StatusCode::kStateUnknown);
  EXPECT_EQ(Visible(*store_), 0);
  // The late insert of the first trade lands now (seq: the block's first).
  auto blocks_lo = [&] {
    int64_t lo = 0;
    Bson pending;
    pending.Append("state", "pending");
    EXPECT_TRUE(client_->Find("seq_blocks", pending, Bson(), [&](const Bson& doc) { lo = doc.GetInt64("_id"); }).ok());
    return lo;
  }();
  ASSERT_GT(blocks_lo, 0);
  domain::Trade late = testing::MakeTrade("ALPHA", "T-late-1");
  late.seq = blocks_lo;
  Bson late_doc = TradeToDocument(late, store_->writer());
  ASSERT_TRUE(client_->InsertOne("trades", late_doc).ok());

  AppendRequest next = RequestOf({testing::MakeTrade("ALPHA", "T-after")});
  ASSERT_TRUE(AppendOne(*store_, next).ok());
  EXPECT_EQ(Visible(*store_), 3);
  AppendRequest retry = RequestOf({testing::MakeTrade("ALPHA", "T-late-1"), testing::MakeTrade("ALPHA", "T-late-2")});
  ASSERT_TRUE(AppendOne(*store_, retry).ok());
  EXPECT_EQ(retry.outcomes[0], AppendOutcome::kDuplicate);
  EXPECT_EQ(retry.outcomes[1], AppendOutcome::kDuplicate);
  EXPECT_EQ(Visible(*store_), 3);
}

// A claim that timed out unanswered and lands late (here: written after the failure, as the
// server would after a freeze): it is fenced void before the next append, so it neither holds
// the stable point back nor ever takes trades.
TEST_F(MongoTradeStoreTest, UnansweredClaimThatLandsLateIsFencedVoid) {
  AppendRequest first = RequestOf({testing::MakeTrade("ALPHA", "T-before")});
  ASSERT_TRUE(AppendOne(*store_, first).ok());
  const int64_t late_lo = first.seqs[0] + 1;
  AppendRequest request = RequestOf({testing::MakeTrade("ALPHA", "T-claim")});
  FaultInjector::Global().Arm("mongo.append.claim_unanswered", 1);
  EXPECT_FALSE(AppendOne(*store_, request).ok());
  Bson late;
  late.Append("_id", late_lo).Append("hi", late_lo).Append("instance", "writer-a").Append("writer", store_->writer())
      .Append("state", "pending")
      .Append("claimed_us", int64_t{0}).Append("deadline_us", Timestamp::Now().micros() + 60'000'000);
  Status landed = client_->InsertOne("seq_blocks", late);
  ASSERT_TRUE(landed.ok() || landed.code() == StatusCode::kAlreadyExists) << landed.ToString();
  AppendRequest retry = RequestOf({testing::MakeTrade("ALPHA", "T-claim")});
  ASSERT_TRUE(AppendOne(*store_, retry).ok());
  EXPECT_EQ(retry.outcomes[0], AppendOutcome::kAccepted);
  std::string state;
  Bson by_id;
  by_id.Append("_id", late_lo);
  ASSERT_TRUE(client_->Find("seq_blocks", by_id, Bson(), [&](const Bson& doc) { state = doc.GetString("state"); }).ok());
  EXPECT_EQ(state, "void");
  // A reader in another process (no memory of this writer's commits) sees every trade.
  auto reader_client = ConnectTo(database_);
  ASSERT_NE(reader_client, nullptr);
  MongoTradeStoreOptions options;
  options.instance_id = "reader";
  auto reader = MongoTradeStore::Open(*reader_client, options);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(Visible(*reader.value()), 2);
}

// The cleanup after a failure fails too: the block stays pending (invisible) and is cleaned
// before the next append, which then accepts the same trade.
TEST_F(MongoTradeStoreTest, FailedCleanupIsFinishedBeforeTheNextAppend) {
  AppendRequest request = RequestOf({testing::MakeTrade("ALPHA", "T-unclean")});
  FaultInjector::Global().Arm("mongo.append.after_insert", 1);
  FaultInjector::Global().Arm("mongo.append.cleanup", 1);
  EXPECT_FALSE(AppendOne(*store_, request).ok());
  EXPECT_EQ(Visible(*store_), 0);
  AppendRequest retry = RequestOf({testing::MakeTrade("ALPHA", "T-unclean")});
  ASSERT_TRUE(AppendOne(*store_, retry).ok());
  EXPECT_EQ(retry.outcomes[0], AppendOutcome::kAccepted);
  EXPECT_EQ(Visible(*store_), 1);
}

// A writer that died between its insert and its commit (here: a store whose cleanup failed and
// which is then dropped): another writer reaps the block once its lease has passed, and the
// same trade can then be stored.
TEST_F(MongoTradeStoreTest, DeadWritersBlockIsReapedAfterItsLease) {
  std::unique_ptr<MongoTradeStore> dying = OpenStore("writer-dead", std::chrono::milliseconds(300));
  AppendRequest request = RequestOf({testing::MakeTrade("ALPHA", "T-dead")});
  FaultInjector::Global().Arm("mongo.append.after_insert", 1);
  FaultInjector::Global().Arm("mongo.append.cleanup", 1);
  EXPECT_FALSE(AppendOne(*dying, request).ok());
  const std::string dead_writer = dying->writer();
  const PendingBlock block = PendingOf(dead_writer);
  ASSERT_GT(block.lo, 0);
  dying.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  AppendRequest retry = RequestOf({testing::MakeTrade("ALPHA", "T-dead")});
  ASSERT_TRUE(AppendOne(*store_, retry).ok());
  EXPECT_EQ(retry.outcomes[0], AppendOutcome::kAccepted);
  // A copy of the dead writer's insert that the server applies only now cannot land.
  auto late = client_->InsertMany("trades", DocumentsAt({testing::MakeTrade("ALPHA", "T-dead-late")}, block.lo, dead_writer));
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  EXPECT_EQ(late.value().duplicates.size(), 1u);
  EXPECT_EQ(ReadAll(*store_).listed, std::vector<std::string>{"T-dead"});
}

// Reaping is exclusive (FerretDB deletes by _id what its filter matched a moment before, so
// two reapers could delete a trade stored again in between): while another process holds a
// dead block's reap, a reader leaves the block pending; once that reap's deadline has passed,
// the next attempt is taken and the block reaped.
TEST_F(MongoTradeStoreTest, ADeadBlockIsReapedByOneProcessAtATime) {
  std::unique_ptr<MongoTradeStore> dying = OpenStore("writer-dead", std::chrono::milliseconds(300));
  AppendRequest request = RequestOf({testing::MakeTrade("ALPHA", "T-dead")});
  FaultInjector::Global().Arm("mongo.append.after_insert", 1);
  FaultInjector::Global().Arm("mongo.append.cleanup", 1);
  EXPECT_FALSE(AppendOne(*dying, request).ok());
  const PendingBlock block = PendingOf(dying->writer());
  dying.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  Bson held;
  held.Append("_id", std::to_string(block.lo) + "#1").Append("lo", block.lo).Append("attempt", int64_t{1})
      .Append("reaper", "another#1").Append("claim", "x").Append("deadline_us", Timestamp::Now().micros() + 1'000'000);
  ASSERT_TRUE(client_->InsertOne("seq_reaps", held).ok());
  auto stable = store_->LastSeq();
  ASSERT_TRUE(stable.ok());
  EXPECT_EQ(stable.value(), block.lo - 1) << "reaped while another process held the reap";
  std::this_thread::sleep_for(std::chrono::milliseconds(1'100));
  stable = store_->LastSeq();
  ASSERT_TRUE(stable.ok());
  EXPECT_EQ(stable.value(), block.hi);
  int64_t attempts = 0;
  Bson by_lo;
  by_lo.Append("lo", block.lo);
  ASSERT_TRUE(client_->Find("seq_reaps", by_lo, Bson(), [&](const Bson&) { ++attempts; }).ok());
  EXPECT_EQ(attempts, 2);
  AppendRequest retry = RequestOf({testing::MakeTrade("ALPHA", "T-dead")});
  ASSERT_TRUE(AppendOne(*store_, retry).ok());
  EXPECT_EQ(retry.outcomes[0], AppendOutcome::kAccepted);
}

// A server killed with its insert in flight: the database may apply that insert after the
// restarted server (same instance id, a new writer id) reaped the block. The reap takes the
// block's seqs with tombstones first, so the late insert fails; nothing of it is ever read,
// and the clients' retries of what got no answer are accepted and readable.
TEST_F(MongoTradeStoreTest, AKilledLifesLateInsertCannotLandAfterTheRestart) {
  const std::vector<domain::Trade> in_flight = {testing::MakeTrade("ALPHA", "T-flight-1"),
                                                testing::MakeTrade("ALPHA", "T-flight-2")};
  std::unique_ptr<MongoTradeStore> killed = OpenStore("restarting");
  AppendRequest request = RequestOf(in_flight);
  FaultInjector::Global().Arm("mongo.append.insert_unanswered", 1);  // sent, never answered
  EXPECT_EQ(AppendOne(*killed, request).code(), StatusCode::kStateUnknown);
  const std::string killed_writer = killed->writer();
  const PendingBlock block = PendingOf(killed_writer);
  ASSERT_GT(block.lo, 0);
  killed.reset();  // kill -9: nothing settles its block

  std::unique_ptr<MongoTradeStore> restarted = OpenStore("restarting");
  ASSERT_NE(restarted->writer(), killed_writer);
  AppendRequest first = RequestOf({testing::MakeTrade("ALPHA", "T-after-restart")});
  ASSERT_TRUE(AppendOne(*restarted, first).ok());
  auto late = client_->InsertMany("trades", DocumentsAt(in_flight, block.lo, killed_writer));
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  EXPECT_EQ(late.value().duplicates.size(), 2u) << "the killed life's late insert landed";

  AppendRequest retry = RequestOf(in_flight);
  ASSERT_TRUE(AppendOne(*restarted, retry).ok());
  EXPECT_EQ(retry.outcomes[0], AppendOutcome::kAccepted);
  EXPECT_EQ(retry.outcomes[1], AppendOutcome::kAccepted);
  auto found = restarted->FindTrade("ALPHA", "T-flight-2");
  ASSERT_TRUE(found.ok() && found.value().has_value());
  EXPECT_EQ(found.value()->seq, retry.seqs[1]);
  const ReadIds ids = ReadAll(*restarted);  // tombstones are not trades, on every read path
  const std::vector<std::string> expected{"T-after-restart", "T-flight-1", "T-flight-2"};
  EXPECT_EQ(ids.listed, expected);
  EXPECT_EQ(ids.scanned, expected);
  EXPECT_EQ(ids.counted, 3);
}

// A server killed between its insert and its commit: the restarted server deletes the trades
// it wrote (never read: the block was pending) and the retries are accepted, not duplicates.
TEST_F(MongoTradeStoreTest, AKilledLifesUncommittedTradesAreRemovedAtTheRestart) {
  std::unique_ptr<MongoTradeStore> killed = OpenStore("restarting");
  AppendRequest request = RequestOf({testing::MakeTrade("ALPHA", "T-uncommitted")});
  FaultInjector::Global().Arm("mongo.append.after_insert", 1);
  FaultInjector::Global().Arm("mongo.append.cleanup", 1);
  EXPECT_FALSE(AppendOne(*killed, request).ok());
  killed.reset();
  std::unique_ptr<MongoTradeStore> restarted = OpenStore("restarting");
  EXPECT_EQ(Visible(*restarted), 0);
  AppendRequest retry = RequestOf({testing::MakeTrade("ALPHA", "T-uncommitted")});
  ASSERT_TRUE(AppendOne(*restarted, retry).ok());
  EXPECT_EQ(retry.outcomes[0], AppendOutcome::kAccepted);
  EXPECT_EQ(ReadAll(*restarted).listed, std::vector<std::string>{"T-uncommitted"});
}

// The killed server's claim lands only after the restarted one began writing: the restarted
// writer reaps it at its next append instead of letting it hold every reader's stable point
// back for a lease.
TEST_F(MongoTradeStoreTest, AKilledLifesLateClaimDoesNotHoldReadersBack) {
  std::unique_ptr<MongoTradeStore> restarted = OpenStore("restarting");
  AppendRequest first = RequestOf({testing::MakeTrade("ALPHA", "T-1")});
  ASSERT_TRUE(AppendOne(*restarted, first).ok());
  Bson late;
  late.Append("_id", first.seqs[0] + 1).Append("hi", first.seqs[0] + 4).Append("instance", "restarting")
      .Append("writer", "restarting#killed").Append("state", "pending").Append("claimed_us", int64_t{0})
      .Append("deadline_us", Timestamp::Now().micros() + 60'000'000);
  ASSERT_TRUE(client_->InsertOne("seq_blocks", late).ok());
  AppendRequest second = RequestOf({testing::MakeTrade("ALPHA", "T-2")});
  ASSERT_TRUE(AppendOne(*restarted, second).ok());
  std::unique_ptr<MongoTradeStore> reader = OpenStore("reader");  // no memory of the writer's commits
  EXPECT_EQ(ReadAll(*reader).listed, (std::vector<std::string>{"T-1", "T-2"}));
}

// A dead writer's stale claim (it landed over a block another writer had claimed and
// committed, and its writer died before its check voided it): reaping it neither touches the
// committed trades nor fences the seqs that writer goes on to use.
TEST_F(MongoTradeStoreTest, ReapingAStaleClaimLeavesTheOtherWriterAlone) {
  AppendRequest kept = RequestOf({testing::MakeTrade("ALPHA", "T-keep-1"), testing::MakeTrade("ALPHA", "T-keep-2")});
  ASSERT_TRUE(AppendOne(*store_, kept).ok());
  Bson stale;
  stale.Append("_id", kept.seqs[1]).Append("hi", kept.seqs[1] + 5).Append("instance", "writer-dead")
      .Append("writer", "writer-dead#1").Append("state", "pending").Append("claimed_us", int64_t{0})
      .Append("deadline_us", Timestamp::Now().micros() - 1);  // expired
  ASSERT_TRUE(client_->InsertOne("seq_blocks", stale).ok());
  EXPECT_EQ(Visible(*store_), 2);  // the read reaps it
  AppendRequest next = RequestOf({testing::MakeTrade("ALPHA", "T-next")});
  ASSERT_TRUE(AppendOne(*store_, next).ok());
  EXPECT_EQ(next.outcomes[0], AppendOutcome::kAccepted);
  EXPECT_EQ(ReadAll(*store_).listed, (std::vector<std::string>{"T-keep-1", "T-keep-2", "T-next"}));
}

// Two writers on one database, appending at once, some keys sent to both: every key is stored
// once, seqs are unique, and the stable point covers every acknowledged trade.
TEST_F(MongoTradeStoreTest, TwoWritersShareOneDatabase) {
  std::unique_ptr<MongoTradeStore> other = OpenSecondWriter();
  ASSERT_NE(other, nullptr);
  constexpr int kCalls = 30;
  std::atomic<int> accepted{0};
  auto writer = [&](MongoTradeStore& store, std::string prefix) {
    for (int i = 0; i < kCalls; ++i) {
      AppendRequest own;
      AppendRequest shared;
      AppendRequest* requests[] = {&own, &shared};
      Status status;
      // kUnavailable (nothing stored: e.g. the other writer's block held a shared key past the
      // holder wait while the server stalled) is retried, as a client retries a 503.
      for (int attempt = 0; attempt < 5; ++attempt) {
        own = RequestOf({testing::MakeTrade("ALPHA", prefix + std::to_string(i))});
        shared = RequestOf({testing::MakeTrade("ALPHA", "shared-" + std::to_string(i))});
        status = store.Append(requests);
        if (status.code() != StatusCode::kUnavailable) break;
      }
      ASSERT_TRUE(status.ok()) << status.ToString();
      for (const AppendRequest* r : requests) {
        if (r->outcomes[0] == AppendOutcome::kAccepted) ++accepted;
      }
    }
  };
  std::thread a(writer, std::ref(*store_), "a-");
  std::thread b(writer, std::ref(*other), "b-");
  a.join();
  b.join();
  EXPECT_EQ(accepted.load(), 3 * kCalls);
  EXPECT_EQ(Visible(*store_), 3 * kCalls);
  std::set<int64_t> seqs;
  ASSERT_TRUE(store_->ScanTrades(0, 0, [&](const domain::Trade& t) { seqs.insert(t.seq); }).ok());
  EXPECT_EQ(seqs.size(), static_cast<size_t>(3 * kCalls));
}

// A writer answers scans near the head from the trades it remembers, but never over another
// writer's trades: after each append by the other writer, a scan from this writer's last seq
// finds the other's trade and its own next one, in seq order.
TEST_F(MongoTradeStoreTest, ScansNearTheHeadIncludeOtherWritersTrades) {
  std::unique_ptr<MongoTradeStore> other = OpenSecondWriter();
  ASSERT_NE(other, nullptr);
  int64_t last_seen = 0;
  for (int i = 0; i < 5; ++i) {
    AppendRequest own = RequestOf({testing::MakeTrade("ALPHA", "own-" + std::to_string(i))});
    ASSERT_TRUE(AppendOne(*store_, own).ok());
    AppendRequest theirs = RequestOf({testing::MakeTrade("ALPHA", "theirs-" + std::to_string(i))});
    ASSERT_TRUE(AppendOne(*other, theirs).ok());
    AppendRequest again = RequestOf({testing::MakeTrade("ALPHA", "own-again-" + std::to_string(i))});
    ASSERT_TRUE(AppendOne(*store_, again).ok());
    std::vector<std::string> ids;
    ASSERT_TRUE(store_->ScanTrades(last_seen, 0, [&](const domain::Trade& t) {
      ids.push_back(t.trade_id);
      last_seen = t.seq;
    }).ok());
    EXPECT_EQ(ids, (std::vector<std::string>{"own-" + std::to_string(i), "theirs-" + std::to_string(i),
                                             "own-again-" + std::to_string(i)}));
  }
}

// The documents as any MongoDB client reads them: decimals as exact strings.
TEST_F(MongoTradeStoreTest, DocumentsKeepExactDecimalsAndMicroseconds) {
  domain::Trade trade = testing::MakeTrade("ALPHA", "T-exact");
  trade.price = testing::Dec("0.00000001");
  trade.trade_time = Timestamp::FromMicros(1'795'512'600'123'457);
  AppendRequest request = RequestOf({trade});
  ASSERT_TRUE(AppendOne(*store_, request).ok());
  Bson filter;
  filter.Append("_id", "ALPHA|T-exact");
  std::string price;
  int64_t micros = 0;
  ASSERT_TRUE(client_->Find("trades", filter, Bson(), [&](const Bson& doc) {
    price = doc.GetString("price");
    micros = doc.GetInt64("trade_time_us");
  }).ok());
  EXPECT_EQ(price, "0.00000001");
  EXPECT_EQ(micros, 1'795'512'600'123'457);
}

}  // namespace
}  // namespace tradeagg::store
