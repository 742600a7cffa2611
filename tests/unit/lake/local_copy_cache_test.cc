#include "tradeagg/lake/local_copy_cache.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/temp_dir.h"

namespace tradeagg::lake {
namespace {

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(LocalCopyCache, DownloadsOnceThenServesTheCopy) {
  testing::TempDir dir("tradeagg-copies");
  LocalCopyCache cache(dir.path(), 1 << 20);
  int downloads = 0;
  auto download = [&]() -> Result<std::string> {
    ++downloads;
    return std::string("bytes of a");
  };
  auto first = cache.Copy("t/data/a.parquet", download);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = cache.Copy("t/data/a.parquet", download);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(Read(*second), "bytes of a");
  EXPECT_EQ(downloads, 1);
  EXPECT_EQ(cache.Copy("t/data/b.parquet", [] { return Result<std::string>(Status::NotFound("gone")); }).status().code(),
            StatusCode::kNotFound);
}

TEST(LocalCopyCache, KeepsToItsBoundButNeverEvictsWhatWasJustUsed) {
  testing::TempDir dir("tradeagg-copies");
  const std::string kb(1000, 'x');
  {
    LocalCopyCache recent(dir.path(), 2500);  // the default keeps ten minutes of copies
    for (const char* key : {"a", "b", "c"}) ASSERT_TRUE(recent.Copy(key, [&] { return Result<std::string>(kb); }).ok());
    EXPECT_EQ(recent.bytes(), 3000u) << "all just used: over the bound rather than pulled from a query";
  }
  LocalCopyCache cache(dir.path(), 2500, std::chrono::seconds(0));
  EXPECT_EQ(cache.bytes(), 3000u) << "copies left by an earlier process are counted";
  ASSERT_TRUE(cache.Copy("d", [&] { return Result<std::string>(kb); }).ok());
  EXPECT_LE(cache.bytes(), 2500u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "d")) << "the newest stays";
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) files += entry.is_regular_file();
  EXPECT_EQ(files, 2);
}

}  // namespace
}  // namespace tradeagg::lake
