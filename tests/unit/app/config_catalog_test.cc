// The lake's catalog settings: lake.catalog (sql | rest) and the lake.catalog_* settings that
// go with each, from the file and from TRADEAGG_LAKE_CATALOG*, checked together.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "testing/temp_dir.h"
#include "tradeagg/app/config.h"

namespace tradeagg::app {
namespace {

class ConfigCatalogTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* name : {"TRADEAGG_LAKE_CATALOG", "TRADEAGG_LAKE_CATALOG_URI", "TRADEAGG_LAKE_CATALOG_CREDENTIAL",
                             "TRADEAGG_LAKE_CATALOG_TOKEN", "TRADEAGG_LAKE_CATALOG_WAREHOUSE"}) {
      unsetenv(name);
    }
  }
  Status Load(const std::string& toml, Config& config) {
    const std::filesystem::path file = dir_.path() / "tradeagg.toml";
    std::ofstream(file) << toml;
    TRY(LoadConfigFile(file, config));
    TRY(ApplyEnvironment(config));
    return ValidateCatalogConfig(config.catalog);
  }
  const testing::TempDir dir_{"tradeagg-config-catalog"};
};

TEST_F(ConfigCatalogTest, TheSqlCatalogIsTheDefaultInTheDataDirectory) {
  Config config;
  config.data_dir = "/srv/tradeagg";
  ASSERT_TRUE(Load("", config).ok());
  EXPECT_FALSE(config.catalog.is_rest());
  EXPECT_EQ(config.catalog_path(), "/srv/tradeagg/catalog.db");
  ASSERT_TRUE(Load("[lake]\ncatalog_uri = \"sqlite:////srv/shared/catalog.db\"\n", config).ok());
  EXPECT_EQ(config.catalog_path(), "/srv/shared/catalog.db");
}

TEST_F(ConfigCatalogTest, ARestCatalogFromTheFileAndTheEnvironment) {
  Config config;
  ASSERT_TRUE(Load(R"([lake]
catalog = "rest"
catalog_uri = "http://catalog.venue:8181"
catalog_warehouse = "s3://venue-lake/"
catalog_credential = "tradeagg:from-file"
)", config).ok());
  EXPECT_TRUE(config.catalog.is_rest());
  EXPECT_EQ(config.catalog.uri, "http://catalog.venue:8181");
  EXPECT_EQ(config.catalog.warehouse, "s3://venue-lake/");
  EXPECT_EQ(config.catalog.credential, "tradeagg:from-file");

  setenv("TRADEAGG_LAKE_CATALOG_URI", "https://other:443/api/catalog", 1);
  setenv("TRADEAGG_LAKE_CATALOG_CREDENTIAL", "tradeagg:from-env", 1);
  Config overridden;
  ASSERT_TRUE(Load("[lake]\ncatalog = \"rest\"\n", overridden).ok());
  EXPECT_EQ(overridden.catalog.uri, "https://other:443/api/catalog");
  EXPECT_EQ(overridden.catalog.credential, "tradeagg:from-env");
}

TEST_F(ConfigCatalogTest, InconsistentSettingsAreRefusedNamingTheSetting) {
  auto refused = [&](const std::string& toml) {
    Config config;
    Status status = Load(toml, config);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << toml;
    return status.message();
  };
  EXPECT_NE(refused("[lake]\ncatalog = \"glue\"\n").find("lake.catalog must be sql or rest"), std::string::npos);
  EXPECT_NE(refused("[lake]\ncatalog = \"rest\"\n").find("lake.catalog_uri"), std::string::npos);
  EXPECT_NE(refused("[lake]\ncatalog = \"rest\"\ncatalog_uri = \"/srv/catalog.db\"\n").find("lake.catalog_uri"),
            std::string::npos);
  EXPECT_NE(refused("[lake]\ncatalog = \"rest\"\ncatalog_uri = \"http://c\"\ncatalog_credential = \"a:b\"\n"
                    "catalog_token = \"t\"\n")
                .find("not both"),
            std::string::npos);
  EXPECT_NE(refused("[lake]\ncatalog = \"rest\"\ncatalog_uri = \"http://c\"\ncatalog_credential = \"nocolon\"\n")
                .find("client_id:client_secret"),
            std::string::npos);
  EXPECT_NE(refused("[lake]\ncatalog_uri = \"http://c:8181\"\n").find("SQLite file"), std::string::npos);
  EXPECT_NE(refused("[lake]\ncatalog_token = \"t\"\n").find("lake.catalog = rest only"), std::string::npos);
}

}  // namespace
}  // namespace tradeagg::app
