// MongoUserStore against a real server (FerretDB): the UserStore contract, and what is the
// MongoDB store's own: the document layout other tools read, and a name taken by another
// instance (another client on the same database).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "store/user_store_contract.h"
#include "testing/ferretdb_server.h"
#include "tradeagg/store/mongo/mongo_client.h"
#include "tradeagg/store/mongo/mongo_user_store.h"

namespace tradeagg::store {
namespace {

// A fresh database per fixture; each Open() connects a new client to it (kept for the
// fixture's life, as the composition root keeps its one), so a reopened store reads what the
// server kept, not what a client remembered.
class MongoUsers {
 public:
  Result<std::unique_ptr<UserStore>> Open() {
    ASSIGN_OR_RETURN(std::unique_ptr<MongoClient> client, testing::ConnectToSharedFerretDb(database_));
    clients_.push_back(std::move(client));
    ASSIGN_OR_RETURN(auto store, MongoUserStore::Open(*clients_.back()));
    return std::unique_ptr<UserStore>(std::move(store));
  }
  static constexpr bool kPersists = true;

 private:
  std::string database_ = testing::UniqueDatabaseName("mongo-users");
  std::vector<std::unique_ptr<MongoClient>> clients_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(Mongo, UserStoreContract, ::testing::Types<MongoUsers>);

class MongoUserStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto* client : {&first_, &second_}) {
      auto connected = testing::ConnectToSharedFerretDb(database_);
      ASSERT_TRUE(connected.ok()) << connected.status().ToString();
      *client = std::move(connected).value();
    }
  }

  std::string database_ = testing::UniqueDatabaseName("mongo-users");
  std::unique_ptr<MongoClient> first_;
  std::unique_ptr<MongoClient> second_;
};

TEST_F(MongoUserStoreTest, DocumentsKeepTheNameAsIdTheRoleNameAndTheTimeTwice) {
  MongoUserStore store(*first_);
  const auth::User alice = ContractUser("alice", auth::Role::kRisk, "");
  ASSERT_TRUE(store.CreateUser(alice).ok());
  Bson filter;
  filter.Append("_id", "alice");
  int found = 0;
  ASSERT_TRUE(first_->Find("users", filter, Bson(), [&](const Bson& doc) {
    ++found;
    EXPECT_EQ(doc.GetString("role"), "risk");
    EXPECT_EQ(doc.GetString("password_hash"), alice.password_hash);
    EXPECT_EQ(doc.GetInt64("created_at_us"), alice.created_at.micros());
    EXPECT_EQ(doc.GetDateTime("created_at"), alice.created_at.micros() / 1000);
  }).ok());
  EXPECT_EQ(found, 1);
}

TEST_F(MongoUserStoreTest, ANameTakenThroughAnotherClientIsTaken) {
  MongoUserStore one(*first_);
  MongoUserStore two(*second_);
  ASSERT_TRUE(one.CreateUser(ContractUser("alice", auth::Role::kMember, "A")).ok());
  EXPECT_EQ(two.CreateUser(ContractUser("alice", auth::Role::kAdmin, "")).code(), StatusCode::kAlreadyExists);
  auto found = two.FindUser("alice");
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status().ToString();
  EXPECT_EQ((*found)->role, auth::Role::kMember);
}

TEST_F(MongoUserStoreTest, AnUnknownRoleIsReportedNotGuessed) {
  Bson doc;
  doc.Append("_id", "mallory").Append("role", "root").Append("created_at_us", int64_t{1});
  ASSERT_TRUE(first_->InsertOne("users", doc).ok());
  MongoUserStore store(*first_);
  EXPECT_EQ(store.FindUser("mallory").status().code(), StatusCode::kInternal);
  EXPECT_EQ(store.ListUsers().status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace tradeagg::store
