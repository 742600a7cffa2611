// The lake's S3 settings: lake.warehouse as s3://, lake.s3.* from the file, TRADEAGG_* and the
// usual AWS_* variables, and which wins.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "testing/temp_dir.h"
#include "tradeagg/app/config.h"

namespace tradeagg::app {
namespace {

class ConfigS3Test : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* name : {"TRADEAGG_LAKE_WAREHOUSE", "TRADEAGG_S3_ENDPOINT", "TRADEAGG_S3_REGION",
                             "TRADEAGG_S3_PATH_STYLE", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                             "AWS_SESSION_TOKEN"}) {
      unsetenv(name);
    }
  }
  Status Load(const std::string& toml, Config& config) {
    const std::filesystem::path file = dir_.path() / "tradeagg.toml";
    std::ofstream(file) << toml;
    TRY(LoadConfigFile(file, config));
    return ApplyEnvironment(config);
  }
  const testing::TempDir dir_{"tradeagg-config-s3"};
};

TEST_F(ConfigS3Test, AnS3WarehouseFromTheFile) {
  Config config;
  ASSERT_TRUE(Load(R"([lake]
warehouse = "s3://venue-lake/prod/"
[lake.s3]
endpoint = "http://127.0.0.1:8333"
region = "eu-west-1"
access_key_id = "AKIDFILE"
secret_access_key = "secret-from-file"
)", config).ok());
  EXPECT_TRUE(config.warehouse_on_s3());
  EXPECT_EQ(config.lake_warehouse, "s3://venue-lake/prod");
  EXPECT_EQ(config.s3.endpoint, "http://127.0.0.1:8333");
  EXPECT_EQ(config.s3.region_or_default(), "eu-west-1");
  EXPECT_TRUE(config.s3.uses_path_style()) << "a custom endpoint is addressed path-style unless told otherwise";
  EXPECT_EQ(config.s3.access_key_id, "AKIDFILE");
}

TEST_F(ConfigS3Test, TheEnvironmentAndTheAwsVariables) {
  setenv("TRADEAGG_LAKE_WAREHOUSE", "s3://env-lake", 1);
  setenv("AWS_REGION", "ap-south-1", 1);
  setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "secret-from-env", 1);
  setenv("AWS_SESSION_TOKEN", "token-from-env", 1);
  Config config;
  ASSERT_TRUE(Load("", config).ok());
  EXPECT_EQ(config.lake_warehouse, "s3://env-lake");
  EXPECT_EQ(config.s3.region_or_default(), "ap-south-1");
  EXPECT_FALSE(config.s3.uses_path_style()) << "AWS itself: virtual-hosted";
  EXPECT_EQ(config.s3.access_key_id, "AKIDENV");
  EXPECT_EQ(config.s3.session_token, "token-from-env");

  setenv("TRADEAGG_S3_REGION", "us-west-2", 1);
  setenv("TRADEAGG_S3_PATH_STYLE", "true", 1);
  Config file_wins;
  ASSERT_TRUE(Load("[lake.s3]\naccess_key_id = \"AKIDFILE\"\nsecret_access_key = \"s\"\n", file_wins).ok());
  EXPECT_EQ(file_wins.s3.access_key_id, "AKIDFILE") << "the AWS variables only fill what the configuration left empty";
  EXPECT_EQ(file_wins.s3.region_or_default(), "us-west-2");
  EXPECT_TRUE(file_wins.s3.uses_path_style());
}

TEST_F(ConfigS3Test, BadWarehousesAreRefusedNamingTheSetting) {
  for (const char* bad : {"s3://", "s3:///prefix", "s3://bucket/a/../b", "gs://bucket/x"}) {
    Config config;
    Status loaded = Load(std::string("[lake]\nwarehouse = \"") + bad + "\"\n", config);
    EXPECT_EQ(loaded.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(loaded.message().find("lake.warehouse"), std::string::npos) << loaded.message();
  }
  Config local;
  ASSERT_TRUE(Load("[lake]\nwarehouse = \"file:///srv/lake\"\n", local).ok());
  EXPECT_FALSE(local.warehouse_on_s3());
  EXPECT_EQ(local.warehouse_path(), "/srv/lake");
}

TEST_F(ConfigS3Test, ReadersAreToldWhereTheFilesAreButNeverTheCredentials) {
  Config config;
  ASSERT_TRUE(Load(R"([lake]
warehouse = "s3://venue-lake/prod"
[lake.s3]
endpoint = "http://127.0.0.1:8333"
region = "eu-west-1"
access_key_id = "AKIDFILE"
secret_access_key = "secret-from-file"
session_token = "token-from-file"
)", config).ok());
  EXPECT_EQ(LakeReaderProperties(config), (std::map<std::string, std::string, std::less<>>{
                                              {"client.region", "eu-west-1"},
                                              {"s3.endpoint", "http://127.0.0.1:8333"},
                                              {"s3.path-style-access", "true"},
                                              {"s3.region", "eu-west-1"}}));
  Config aws;
  ASSERT_TRUE(Load("[lake]\nwarehouse = \"s3://venue-lake\"\n", aws).ok());
  EXPECT_EQ(LakeReaderProperties(aws), (std::map<std::string, std::string, std::less<>>{
                                           {"client.region", "us-east-1"},
                                           {"s3.path-style-access", "false"},
                                           {"s3.region", "us-east-1"}}))
      << "no endpoint: the reader's S3 client finds AWS's";
  Config local;
  EXPECT_TRUE(LakeReaderProperties(local).empty()) << "a local warehouse: the metadata's file:// paths say it all";
}

}  // namespace
}  // namespace tradeagg::app
