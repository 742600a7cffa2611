// MongoWorkLease against a real server (FerretDB): one holder at a time among instances on one
// database, renewal by the holder, takeover once the holder stops renewing, and no way back
// for a holder that let its term lapse while another took it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "testing/ferretdb_server.h"
#include "tradeagg/store/mongo/mongo_client.h"
#include "tradeagg/store/mongo/mongo_work_lease.h"

namespace tradeagg::store {
namespace {

using std::chrono::milliseconds;

class MongoWorkLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto client = testing::ConnectToSharedFerretDb(database_);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(client).value();
  }
  MongoWorkLease LeaseOf(std::string instance, milliseconds ttl) {
    return MongoWorkLease(*client_, MongoWorkLeaseOptions{"lake-export", std::move(instance), ttl});
  }
  static bool Holds(WorkLease& lease) {
    Result<bool> held = lease.Hold();
    EXPECT_TRUE(held.ok()) << held.status().ToString();
    return held.ok() && *held;
  }

  std::string database_ = testing::UniqueDatabaseName("mongo-leases");
  std::unique_ptr<MongoClient> client_;
};

TEST_F(MongoWorkLeaseTest, OneHolderAtATimeAndTheHolderRenews) {
  MongoWorkLease a = LeaseOf("a", milliseconds(600));
  MongoWorkLease b = LeaseOf("b", milliseconds(600));
  EXPECT_TRUE(Holds(a));
  EXPECT_FALSE(Holds(b));
  // Renewed before it runs out, over several times its length: a keeps it throughout.
  for (int i = 0; i < 8; ++i) {
    std::this_thread::sleep_for(milliseconds(200));
    EXPECT_TRUE(Holds(a));
    EXPECT_FALSE(Holds(b));
  }
}

TEST_F(MongoWorkLeaseTest, AnotherInstanceTakesOverWhenTheHolderStopsRenewing) {
  MongoWorkLease a = LeaseOf("a", milliseconds(300));
  MongoWorkLease b = LeaseOf("b", milliseconds(300));
  ASSERT_TRUE(Holds(a));
  std::this_thread::sleep_for(milliseconds(400));  // a is paused (or dead): its term lapses
  EXPECT_TRUE(Holds(b));
  EXPECT_FALSE(Holds(a));  // a late renewal does not take it back
  EXPECT_TRUE(Holds(b));
}

TEST_F(MongoWorkLeaseTest, LeasesOfDifferentNamesAreIndependent) {
  MongoWorkLease export_lease = LeaseOf("a", milliseconds(5000));
  MongoWorkLease schedule(*client_, MongoWorkLeaseOptions{"aggregation-schedule", "b", milliseconds(5000)});
  EXPECT_TRUE(Holds(export_lease));
  EXPECT_TRUE(Holds(schedule));
}

// Of instances racing for a free lease, exactly one gets it.
TEST_F(MongoWorkLeaseTest, ExactlyOneOfManyRacersTakesAFreeLease) {
  constexpr int kRacers = 6;
  std::vector<std::unique_ptr<MongoWorkLease>> leases;
  for (int i = 0; i < kRacers; ++i) {
    leases.push_back(std::make_unique<MongoWorkLease>(
        *client_, MongoWorkLeaseOptions{"lake-export", "racer-" + std::to_string(i), milliseconds(5000)}));
  }
  std::atomic<int> holders{0};
  std::vector<std::thread> threads;
  for (auto& lease : leases) {
    threads.emplace_back([&holders, &lease] {
      Result<bool> held = lease->Hold();
      if (held.ok() && *held) ++holders;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(holders.load(), 1);
}

}  // namespace
}  // namespace tradeagg::store
