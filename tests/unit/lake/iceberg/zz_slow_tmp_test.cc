// TEMPORARY
#include <gtest/gtest.h>
#include <chrono>
#include "golden.h"
#include "tradeagg/lake/iceberg/manifest.h"
namespace tradeagg::lake::iceberg {
TEST(ZzSlow, Find) {
  const std::string golden = testing::ReadGolden("manifest.avro");
  for (size_t i = 0; i < golden.size(); ++i) {
    std::string corrupt = golden;
    corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
    auto t0 = std::chrono::steady_clock::now();
    Result<Manifest> manifest = ReadManifest(corrupt);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    if (ms > 3) printf("%zu %lld %s\n", i, (long long)ms, manifest.ok() ? "ok" : manifest.status().message().substr(0, 150).c_str());
  }
}
}
