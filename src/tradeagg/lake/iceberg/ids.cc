#include "tradeagg/lake/iceberg/ids.h"

#include <sodium.h>

#include <array>
#include <cstdlib>

namespace tradeagg::lake::iceberg {

namespace {

void RandomBytes(void* out, size_t size) {
  // sodium_init is idempotent and thread-safe; without it randombytes may not be seeded.
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) std::abort();  // no entropy source: nothing safe can be named
  randombytes_buf(out, size);
}

}  // namespace

std::string NewUuid() {
  std::array<unsigned char, 16> b{};
  RandomBytes(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // variant 10xx
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[b[i] >> 4]);
    text.push_back(kHex[b[i] & 0x0f]);
  }
  return text;
}

int64_t NewSnapshotId() {
  uint64_t bits = 0;
  do {
    RandomBytes(&bits, sizeof bits);
    bits &= 0x7fff'ffff'ffff'ffffULL;
  } while (bits == 0);
  return static_cast<int64_t>(bits);
}

}  // namespace tradeagg::lake::iceberg
