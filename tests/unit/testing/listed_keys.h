// ListedKeys: the keys an ObjectStore lists under a prefix, in its order (a failed listing is a
// test failure and lists nothing), for tests that compare listings.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/lake/object_store.h"

namespace tradeagg::testing {

inline std::vector<std::string> ListedKeys(lake::ObjectStore& store, std::string_view prefix) {
  Result<std::vector<lake::ObjectInfo>> listed = store.List(prefix);
  EXPECT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::string> keys;
  if (listed.ok()) {
    for (const lake::ObjectInfo& object : *listed) keys.push_back(object.key);
  }
  return keys;
}

}  // namespace tradeagg::testing
