// Inflate: decompresses a raw DEFLATE stream (RFC 1951, no zlib or gzip wrapper), as Avro's
// "deflate" codec stores each data block.
//
// A small, allocation-light decoder in the manner of zlib's reference "puff": stored, fixed
// and dynamic Huffman blocks, decoding one bit at a time (fast enough for manifests, which are
// kilobytes). Input is untrusted: every read is bounds-checked, malformed code tables,
// distances beyond the output and output past `max_output` are errors (kInvalidArgument).
// Bytes after the final block are ignored (some writers leave part of a zlib trailer there).
// Thread safety: stateless function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "tradeagg/core/status.h"

namespace tradeagg::lake::avro {

Result<std::string> InflateRaw(std::string_view compressed, size_t max_output = size_t{256} << 20);

}  // namespace tradeagg::lake::avro
