// What only the local store promises (the rest: object_store_contract_test.cc): files on disk,
// PutFile by rename, its URI forms, its root, and its temporary files.
#include "tradeagg/lake/local/local_object_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "testing/listed_keys.h"
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

  std::vector<std::string> Keys(std::string_view prefix) { return testing::ListedKeys(*store_, prefix); }

  fs::path dir_;
  std::unique_ptr<LocalObjectStore> store_;
};

TEST_F(LocalObjectStoreTest, AnObjectIsAFileUnderTheRoot) {
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

TEST_F(LocalObjectStoreTest, RejectsKeysOfItsTemporaryFiles) {
  for (const char* key : {".tradeagg-tmp-1-2-x", "d/.tradeagg-tmp-9/x"}) {
    EXPECT_EQ(store_->Put(key, "x").code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Get(key).status().code(), StatusCode::kInvalidArgument) << key;
  }
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
  ASSERT_TRUE(store_->Put("a/b", "x").ok());
  EXPECT_EQ(*store_->LocalCopy("a/b"), dir_ / "warehouse/a/b") << "the file itself, no copy";
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

}  // namespace
}  // namespace tradeagg::lake
