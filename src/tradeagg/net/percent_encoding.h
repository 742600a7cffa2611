// Percent-encoding of URL parts (RFC 3986 section 2.1): every byte but the unreserved
// characters A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex). This is the encoding SigV4
// signs, and what form bodies and path segments of REST requests need.
// Thread safety: stateless.
#pragma once

#include <string>
#include <string_view>

namespace tradeagg::net {

// `encode_slash` false keeps '/' as it is (a whole path, its segments encoded).
std::string PercentEncode(std::string_view text, bool encode_slash = true);

}  // namespace tradeagg::net
