// ObjectStoreContract<Backend>: the rules of lake/object_store.h as a typed GoogleTest suite,
// which every ObjectStore passes: the local file store and the S3 store (against SeaweedFS).
//
// A Backend is a class with `Result<std::unique_ptr<ObjectStore>> Open()`, opening a store on a
// fresh place of its own, and `static constexpr size_t kLargeObject`, a size above the store's
// single-request limit where it has one (S3's multipart threshold), so that the large path is
// exercised too. Instantiate with INSTANTIATE_TYPED_TEST_SUITE_P(Name, ObjectStoreContract,
// Types<...>). What only one store promises (a local rename, S3 addressing) is tested with it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "testing/temp_dir.h"
#include "testing/listed_keys.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake {

template <typename Backend>
class ObjectStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = backend_.Open();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  std::vector<std::string> Keys(std::string_view prefix) { return testing::ListedKeys(*store_, prefix); }
  // Bytes that show a torn, shifted or truncated copy: every position differs from its neighbours'.
  static std::string Pattern(size_t size) {
    std::string bytes(size, '\0');
    for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 7919 + i / 251) & 0xff);
    return bytes;
  }

  Backend backend_;
  std::unique_ptr<ObjectStore> store_;
  const testing::TempDir scratch_{"tradeagg-object-store-contract"};
};

TYPED_TEST_SUITE_P(ObjectStoreContract);

TYPED_TEST_P(ObjectStoreContract, PutThenGetReturnsTheBytes) {
  const std::string bytes("binary\0data\xff", 12);
  ASSERT_TRUE(this->store_->Put("t/metadata/00000-a.metadata.json", bytes).ok());
  Result<std::string> got = this->store_->Get("t/metadata/00000-a.metadata.json");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, bytes);
}

TYPED_TEST_P(ObjectStoreContract, PutReplacesAnExistingObject) {
  ASSERT_TRUE(this->store_->Put("a/hint", "00001").ok());
  ASSERT_TRUE(this->store_->Put("a/hint", "00002-longer").ok());
  EXPECT_EQ(*this->store_->Get("a/hint"), "00002-longer");
  EXPECT_EQ(this->Keys("a/"), std::vector<std::string>{"a/hint"});  // nothing temporary is listed
}

TYPED_TEST_P(ObjectStoreContract, EmptyObjectsAreObjects) {
  ASSERT_TRUE(this->store_->Put("empty", "").ok());
  EXPECT_EQ(*this->store_->Get("empty"), "");
  EXPECT_TRUE(*this->store_->Exists("empty"));
}

TYPED_TEST_P(ObjectStoreContract, MissingObjects) {
  EXPECT_EQ(this->store_->Get("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(this->store_->Get("no/such/dir/file").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(*this->store_->Exists("nope"));
  EXPECT_TRUE(this->store_->Delete("nope").ok()) << "delete is idempotent";
  ASSERT_TRUE(this->store_->Put("dir/file", "x").ok());
  EXPECT_FALSE(*this->store_->Exists("dir")) << "a prefix is not an object";
  EXPECT_EQ(this->store_->Get("dir").status().code(), StatusCode::kNotFound);
}

TYPED_TEST_P(ObjectStoreContract, DeleteRemovesTheObject) {
  ASSERT_TRUE(this->store_->Put("d/x", "1").ok());
  ASSERT_TRUE(this->store_->Delete("d/x").ok());
  EXPECT_FALSE(*this->store_->Exists("d/x"));
  EXPECT_EQ(this->store_->Get("d/x").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(this->Keys("d/").empty());
}

TYPED_TEST_P(ObjectStoreContract, ListMatchesByStringPrefixAndSortsByKey) {
  for (const char* key : {"t/data/business_date=2026-11-24/b.parquet", "t/data/business_date=2026-11-24/a.parquet",
                          "t/data/business_date=2026-11-25/c.parquet", "t/metadata/v.json", "u/other"}) {
    ASSERT_TRUE(this->store_->Put(key, key).ok());
  }
  EXPECT_EQ(this->Keys("t/data/business_date=2026-11-2"),
            (std::vector<std::string>{"t/data/business_date=2026-11-24/a.parquet",
                                      "t/data/business_date=2026-11-24/b.parquet",
                                      "t/data/business_date=2026-11-25/c.parquet"}));
  EXPECT_EQ(this->Keys("t/data/business_date=2026-11-25/"),
            std::vector<std::string>{"t/data/business_date=2026-11-25/c.parquet"});
  EXPECT_EQ(this->Keys("t/meta"), std::vector<std::string>{"t/metadata/v.json"});
  EXPECT_EQ(this->Keys("").size(), 5u);
  EXPECT_TRUE(this->Keys("missing/dir/").empty());
  EXPECT_TRUE(this->Keys("t/data/business_date=2026-11-24/a.parquet/").empty());
}

TYPED_TEST_P(ObjectStoreContract, ListReportsSizesAndModificationTimes) {
  const Timestamp before = Timestamp::FromMicros(Timestamp::Now().micros() - 2'000'000);
  ASSERT_TRUE(this->store_->Put("s/one", "12345").ok());
  Result<std::vector<ObjectInfo>> listed = this->store_->List("s/");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].size, 5);
  EXPECT_GE((*listed)[0].modified, before);
  EXPECT_LE((*listed)[0].modified.micros(), Timestamp::Now().micros() + 2'000'000);
}

TYPED_TEST_P(ObjectStoreContract, RejectsMalformedKeys) {
  for (const char* key : {"", "/abs", "trailing/", "a//b", "a/../b", "./a", "a/.", "q?x", "h#x", "p%20",
                          "back\\slash", "ctl\x01"}) {
    EXPECT_EQ(this->store_->Put(key, "x").code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(this->store_->Get(key).status().code(), StatusCode::kInvalidArgument) << key;
  }
  EXPECT_TRUE(this->store_->Put(".hidden/ok..name/x", "x").ok()) << "dots inside names are fine";
  EXPECT_TRUE(this->store_->Put("spaces and+plus=eq/ü", "x").ok()) << "characters that URLs escape";
  EXPECT_EQ(*this->store_->Get("spaces and+plus=eq/ü"), "x");
  EXPECT_EQ(this->Keys("spaces"), std::vector<std::string>{"spaces and+plus=eq/ü"});
}

TYPED_TEST_P(ObjectStoreContract, UrisMapBackToKeys) {
  const std::string uri = this->store_->Uri("tradeagg.db/trades/metadata/x.json");
  EXPECT_TRUE(uri.ends_with("/tradeagg.db/trades/metadata/x.json")) << uri;
  EXPECT_EQ(*this->store_->KeyForUri(uri), "tradeagg.db/trades/metadata/x.json");
  EXPECT_EQ(this->store_->KeyForUri("file:///elsewhere/a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(this->store_->KeyForUri("s3://another-bucket-entirely/a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(this->store_->KeyForUri(uri.substr(0, uri.find("/tradeagg.db"))).status().code(),
            StatusCode::kInvalidArgument) << "the root itself is not an object";
}

TYPED_TEST_P(ObjectStoreContract, GetRangeReadsPartOfAnObject) {
  const std::string bytes = this->Pattern(1000);
  ASSERT_TRUE(this->store_->Put("r/x", bytes).ok());
  EXPECT_EQ(*this->store_->GetRange("r/x", 0, 10), bytes.substr(0, 10));
  EXPECT_EQ(*this->store_->GetRange("r/x", 992, 8), bytes.substr(992)) << "a Parquet footer's last 8 bytes";
  EXPECT_EQ(*this->store_->GetRange("r/x", 990, 100), bytes.substr(990)) << "fewer at the end";
  EXPECT_EQ(*this->store_->GetRange("r/x", 1000, 10), "") << "none past the end";
  EXPECT_EQ(this->store_->GetRange("r/missing", 0, 10).status().code(), StatusCode::kNotFound);
}

TYPED_TEST_P(ObjectStoreContract, PutFileStoresTheFilesContent) {
  const std::filesystem::path staged = this->scratch_.path() / "staged.parquet";
  { std::ofstream(staged, std::ios::binary) << std::string("PAR1\0body", 9); }
  ASSERT_TRUE(this->store_->PutFile("t/data/d=1/x.parquet", staged).ok());
  EXPECT_EQ(*this->store_->Get("t/data/d=1/x.parquet"), std::string("PAR1\0body", 9));
  EXPECT_EQ(this->store_->PutFile("t/data/../y", staged).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(this->store_->PutFile("t/data/y", this->scratch_.path() / "missing").code(), StatusCode::kUnavailable);
}

TYPED_TEST_P(ObjectStoreContract, LargeObjectsRoundTripWhole) {
  const std::string bytes = this->Pattern(TypeParam::kLargeObject);
  ASSERT_TRUE(this->store_->Put("big/put", bytes).ok());
  const std::filesystem::path staged = this->scratch_.path() / "big.file";
  { std::ofstream(staged, std::ios::binary) << bytes; }
  ASSERT_TRUE(this->store_->PutFile("big/file", staged).ok());
  for (const char* key : {"big/put", "big/file"}) {
    Result<std::string> got = this->store_->Get(key);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(*got == bytes) << key << ": " << got->size() << " bytes back of " << bytes.size();
  }
  EXPECT_EQ(*this->store_->GetRange("big/file", static_cast<int64_t>(bytes.size()) - 8, 8), bytes.substr(bytes.size() - 8));
}

TYPED_TEST_P(ObjectStoreContract, ListingsOfManyObjectsAreWhole) {
  std::vector<std::string> keys;
  for (int i = 0; i < 25; ++i) keys.push_back("many/k" + std::to_string(100 + i));
  for (const std::string& key : keys) ASSERT_TRUE(this->store_->Put(key, key).ok());
  EXPECT_EQ(this->Keys("many/"), keys);
}

TYPED_TEST_P(ObjectStoreContract, ConcurrentPutsOfOneKeyLeaveOneWholeValue) {
  // Each writer's value is long and uniform, so a torn or interleaved write would show.
  constexpr int kWriters = 4;
  constexpr int kRounds = 10;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([this, w] {
      const std::string value(64 * 1024, static_cast<char>('a' + w));
      for (int i = 0; i < kRounds; ++i) EXPECT_TRUE(this->store_->Put("race/key", value).ok());
    });
  }
  std::thread reader([this] {
    for (int i = 0; i < 50; ++i) {
      Result<std::string> got = this->store_->Get("race/key");
      if (!got.ok()) {
        EXPECT_EQ(got.status().code(), StatusCode::kNotFound);
        continue;
      }
      ASSERT_EQ(got->size(), 64u * 1024);
      EXPECT_EQ(got->find_first_not_of((*got)[0]), std::string::npos);
    }
  });
  for (auto& t : threads) t.join();
  reader.join();
  EXPECT_EQ(this->Keys("race/"), std::vector<std::string>{"race/key"});
}

TYPED_TEST_P(ObjectStoreContract, LocalCopiesHoldTheObjectsBytes) {
  const std::string bytes = this->Pattern(4096);
  ASSERT_TRUE(this->store_->Put("t/data/d=1/x.parquet", bytes).ok());
  for (int read = 0; read < 2; ++read) {  // the second from the copy, where there is one
    Result<std::filesystem::path> copy = this->store_->LocalCopy("t/data/d=1/x.parquet");
    ASSERT_TRUE(copy.ok()) << copy.status().ToString();
    std::ifstream in(*copy, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), bytes);
  }
  EXPECT_EQ(this->store_->LocalCopy("t/data/missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(this->store_->LocalCopy("a/../b").status().code(), StatusCode::kInvalidArgument);
}

REGISTER_TYPED_TEST_SUITE_P(ObjectStoreContract, PutThenGetReturnsTheBytes, PutReplacesAnExistingObject,
                            EmptyObjectsAreObjects, MissingObjects, DeleteRemovesTheObject,
                            ListMatchesByStringPrefixAndSortsByKey, ListReportsSizesAndModificationTimes,
                            RejectsMalformedKeys, UrisMapBackToKeys, GetRangeReadsPartOfAnObject,
                            PutFileStoresTheFilesContent, LargeObjectsRoundTripWhole,
                            ListingsOfManyObjectsAreWhole, ConcurrentPutsOfOneKeyLeaveOneWholeValue,
                            LocalCopiesHoldTheObjectsBytes);

}  // namespace tradeagg::lake
