#include "tradeagg/lake/local/local_object_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tradeagg/core/fault_injector.h"

namespace tradeagg::lake {
namespace {

namespace fs = std::filesystem;

class LocalObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (fs::temp_directory_path() / "tradeagg-object-store-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = fs::canonical(dir);
    Result<std::unique_ptr<LocalObjectStore>> store = LocalObjectStore::Open(dir_ / "warehouse");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    FaultInjector::Global().Arm("object_store.put.before_rename", 0);
    fs::remove_all(dir_);
  }

  std::vector<std::string> Keys(std::string_view prefix) {
    Result<std::vector<ObjectInfo>> listed = store_->List(prefix);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    std::vector<std::string> keys;
    if (listed.ok()) {
      for (const ObjectInfo& o : *listed) keys.push_back(o.key);
    }
    return keys;
  }

  fs::path dir_;
  std::unique_ptr<LocalObjectStore> store_;
};

TEST_F(LocalObjectStoreTest, PutThenGetReturnsTheBytes) {
  const std::string bytes("binary\0data\xff", 12);
  ASSERT_TRUE(store_->Put("t/metadata/00000-a.metadata.json", bytes).ok());
  Result<std::string> got = store_->Get("t/metadata/00000-a.metadata.json");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, bytes);
  EXPECT_TRUE(fs::is_regular_file(dir_ / "warehouse/t/metadata/00000-a.metadata.json"));
}

TEST_F(LocalObjectStoreTest, PutFileMovesALocalFileIntoPlace) {
  const fs::path staged = dir_ / "staged.parquet";
  { std::ofstream(staged, std::ios::binary) << std::string("PAR1\0body", 9); }
  ASSERT_TRUE(store_->PutFile("t/data/d=1/x.parquet", staged).ok());
  EXPECT_EQ(*store_->Get("t/data/d=1/x.parquet"), std::string("PAR1\0body", 9));
  EXPECT_FALSE(fs::exists(staged));  // moved, not copied
  EXPECT_EQ(store_->PutFile("t/data/../y", dir_ / "missing").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->PutFile("t/data/y", dir_ / "missing").code(), StatusCode::kUnavailable);
  EXPECT_EQ(Keys("t/"), std::vector<std::string>{"t/data/d=1/x.parquet"});
}

TEST_F(LocalObjectStoreTest, PutReplacesAnExistingObject) {
  ASSERT_TRUE(store_->Put("a/hint", "00001").ok());
  ASSERT_TRUE(store_->Put("a/hint", "00002-longer").ok());
  EXPECT_EQ(*store_->Get("a/hint"), "00002-longer");
  EXPECT_EQ(Keys("a/"), std::vector<std::string>{"a/hint"});  // no temporary file left behind
}

TEST_F(LocalObjectStoreTest, EmptyObjectsAreObjects) {
  ASSERT_TRUE(store_->Put("empty", "").ok());
  EXPECT_EQ(*store_->Get("empty"), "");
  EXPECT_TRUE(*store_->Exists("empty"));
}

TEST_F(LocalObjectStoreTest, MissingObjects) {
  EXPECT_EQ(store_->Get("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("no/such/dir/file").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(*store_->Exists("nope"));
  EXPECT_TRUE(store_->Delete("nope").ok()) << "delete is idempotent";
  ASSERT_TRUE(store_->Put("dir/file", "x").ok());
  EXPECT_FALSE(*store_->Exists("dir")) << "a directory is not an object";
  EXPECT_EQ(store_->Get("dir").status().code(), StatusCode::kNotFound);
}

TEST_F(LocalObjectStoreTest, DeleteRemovesTheObject) {
  ASSERT_TRUE(store_->Put("d/x", "1").ok());
  ASSERT_TRUE(store_->Delete("d/x").ok());
  EXPECT_FALSE(*store_->Exists("d/x"));
  EXPECT_EQ(store_->Get("d/x").status().code(), StatusCode::kNotFound);
}

TEST_F(LocalObjectStoreTest, ListMatchesByStringPrefixAndSortsByKey) {
  for (const char* key : {"t/data/business_date=2026-11-24/b.parquet", "t/data/business_date=2026-11-24/a.parquet",
                          "t/data/business_date=2026-11-25/c.parquet", "t/metadata/v.json", "u/other"}) {
    ASSERT_TRUE(store_->Put(key, key).ok());
  }
  EXPECT_EQ(Keys("t/data/business_date=2026-11-2"),
            (std::vector<std::string>{"t/data/business_date=2026-11-24/a.parquet",
                                      "t/data/business_date=2026-11-24/b.parquet",
                                      "t/data/business_date=2026-11-25/c.parquet"}));
  EXPECT_EQ(Keys("t/data/business_date=2026-11-25/"),
            std::vector<std::string>{"t/data/business_date=2026-11-25/c.parquet"});
  EXPECT_EQ(Keys("t/meta"), std::vector<std::string>{"t/metadata/v.json"});
  EXPECT_EQ(Keys("").size(), 5u);
  EXPECT_TRUE(Keys("missing/dir/").empty());
  EXPECT_TRUE(Keys("t/data/business_date=2026-11-24/a.parquet/").empty());
}

TEST_F(LocalObjectStoreTest, ListReportsSizesAndModificationTimes) {
  const Timestamp before = Timestamp::FromMicros(Timestamp::Now().micros() - 2'000'000);
  ASSERT_TRUE(store_->Put("s/one", "12345").ok());
  Result<std::vector<ObjectInfo>> listed = store_->List("s/");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].size, 5);
  EXPECT_GE((*listed)[0].modified, before);
  EXPECT_LE((*listed)[0].modified.micros(), Timestamp::Now().micros() + 2'000'000);
}

TEST_F(LocalObjectStoreTest, RejectsMalformedKeys) {
  for (const char* key : {"", "/abs", "trailing/", "a//b", "a/../b", "./a", "a/.", "q?x", "h#x", "p%20",
                          "back\\slash", "ctl\x01", ".tradeagg-tmp-1-2-x", "d/.tradeagg-tmp-9/x"}) {
    EXPECT_EQ(store_->Put(key, "x").code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Get(key).status().code(), StatusCode::kInvalidArgument) << key;
  }
  EXPECT_TRUE(store_->Put(".hidden/ok..name/x", "x").ok()) << "dots inside names are fine";
}

TEST_F(LocalObjectStoreTest, UrisAreAbsoluteFileUrisAndMapBack) {
  const std::string root = (dir_ / "warehouse").string();
  EXPECT_EQ(store_->Uri("tradeagg.db/trades/metadata/x.json"), "file://" + root + "/tradeagg.db/trades/metadata/x.json");
  EXPECT_EQ(*store_->KeyForUri("file://" + root + "/tradeagg.db/t/x"), "tradeagg.db/t/x");
  EXPECT_EQ(*store_->KeyForUri("file:" + root + "/a/b"), "a/b") << "Hadoop's file:/path form";
  EXPECT_EQ(*store_->KeyForUri(root + "/a"), "a") << "a bare absolute path";
  EXPECT_EQ(store_->KeyForUri("file://" + root).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->KeyForUri("file://" + root + "x/a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->KeyForUri("file:///elsewhere/a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->KeyForUri("s3://bucket/a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->LocalPath("a/b"), dir_ / "warehouse/a/b");
}

TEST_F(LocalObjectStoreTest, OpenCreatesTheRootAndResolvesSymlinks) {
  fs::create_directories(dir_ / "real");
  fs::create_directory_symlink(dir_ / "real", dir_ / "link");
  Result<std::unique_ptr<LocalObjectStore>> store = LocalObjectStore::Open(dir_ / "link/deep/er");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->root(), dir_ / "real/deep/er");
  EXPECT_TRUE(fs::is_directory(dir_ / "real/deep/er"));
  EXPECT_EQ((*store)->Uri("k"), "file://" + (dir_ / "real/deep/er/k").string());
}

TEST_F(LocalObjectStoreTest, OpenRejectsRootsThatNeedUriEscaping) {
  EXPECT_EQ(LocalObjectStore::Open(dir_ / "with#hash").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LocalObjectStore::Open(dir_ / "with%25").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalObjectStoreTest, InterruptedPutLeavesNoObjectAndItsTemporaryFileIsCleanedUp) {
  ASSERT_TRUE(store_->Put("m/current", "old").ok());
  FaultInjector::Global().Arm("object_store.put.before_rename", 1);
  EXPECT_EQ(store_->Put("m/current", "new").code(), StatusCode::kUnavailable);
  EXPECT_EQ(store_->Put("m/fresh", "x").code(), StatusCode::kOk) << "the fault fires once";
  EXPECT_EQ(*store_->Get("m/current"), "old") << "readers never see a partial replacement";
  EXPECT_EQ(Keys("m/"), (std::vector<std::string>{"m/current", "m/fresh"})) << "temporary files are not listed";

  int temp_files = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "warehouse/m")) {
    temp_files += entry.path().filename().string().starts_with(".tradeagg-tmp-");
  }
  EXPECT_EQ(temp_files, 1);
  EXPECT_EQ(*store_->RemoveTemporaryFiles(std::chrono::seconds(3600)), 0) << "young ones are kept";
  // Age the temporary file past the threshold.
  for (const auto& entry : fs::directory_iterator(dir_ / "warehouse/m")) {
    if (entry.path().filename().string().starts_with(".tradeagg-tmp-")) {
      fs::last_write_time(entry.path(), fs::file_time_type::clock::now() - std::chrono::hours(2));
    }
  }
  EXPECT_EQ(*store_->RemoveTemporaryFiles(std::chrono::seconds(3600)), 1);
  EXPECT_EQ(*store_->Get("m/current"), "old");
}

TEST_F(LocalObjectStoreTest, ConcurrentPutsOfOneKeyLeaveOneWholeValue) {
  // Each writer's value is long and uniform, so a torn or interleaved write would show.
  constexpr int kWriters = 4;
  constexpr int kRounds = 20;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([this, w] {
      const std::string value(64 * 1024, static_cast<char>('a' + w));
      for (int i = 0; i < kRounds; ++i) EXPECT_TRUE(store_->Put("race/key", value).ok());
    });
  }
  std::thread reader([this] {
    for (int i = 0; i < 200; ++i) {
      Result<std::string> got = store_->Get("race/key");
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
  EXPECT_EQ(Keys("race/"), std::vector<std::string>{"race/key"});
}

}  // namespace
}  // namespace tradeagg::lake
