#include "tradeagg/lake/avro/inflate.h"

#include <array>
#include <cstdint>
#include <vector>

namespace tradeagg::lake::avro {

namespace {

constexpr int kMaxCodeBits = 15;
constexpr int kLiteralLengthCodes = 288;
constexpr int kDistanceCodes = 30;

// RFC 1951 3.2.5: base values and extra bits of length codes 257..285 and distance codes 0..29.
constexpr std::array<uint16_t, 29> kLengthBase = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                                  31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<uint8_t, 29> kLengthExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<uint16_t, 30> kDistanceBase = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                                    33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                                    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<uint8_t, 30> kDistanceExtra = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                                    6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// RFC 1951 3.2.7: the order in which code length code lengths are stored.
constexpr std::array<uint8_t, 19> kCodeLengthOrder = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

// A canonical Huffman code: how many codes of each length, and the symbols ordered by code.
struct Huffman {
  std::array<int, kMaxCodeBits + 1> count{};
  std::vector<uint16_t> symbol;
};

class Inflater {
 public:
  Inflater(std::string_view in, size_t max_output) : in_(in), max_output_(max_output) {}

  Result<std::string> Run() {
    bool last = false;
    while (!last) {
      ASSIGN_OR_RETURN(uint32_t header, Bits(3));
      last = (header & 1) != 0;
      switch (header >> 1) {
        case 0: TRY(Stored()); break;
        case 1: TRY(FixedBlock()); break;
        case 2: TRY(DynamicBlock()); break;
        default: return Error("invalid block type 3");
      }
    }
    return std::move(out_);
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("deflate: " + what + " at compressed byte " + std::to_string(pos_));
  }

  // Next `need` (<= 16) bits, least significant first.
  Result<uint32_t> Bits(int need) {
    uint64_t value = bitbuf_;
    while (bitcnt_ < need) {
      if (pos_ >= in_.size()) return Error("truncated stream");
      value |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_++])) << bitcnt_;
      bitcnt_ += 8;
    }
    bitbuf_ = value >> need;
    bitcnt_ -= need;
    return static_cast<uint32_t>(value & ((uint64_t{1} << need) - 1));
  }

  // Checked once per literal or match rather than per byte: this loop is the hot path.
  Status Reserve(size_t bytes) {
    if (out_.size() + bytes > max_output_) return Error("output exceeds " + std::to_string(max_output_) + " bytes");
    return Status::Ok();
  }

  Status Stored() {
    bitbuf_ = 0;  // a stored block starts at the next byte boundary
    bitcnt_ = 0;
    if (in_.size() - pos_ < 4) return Error("truncated stored block header");
    auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(in_[pos_ + i])); };
    const uint32_t length = byte(0) | (byte(1) << 8);
    const uint32_t complement = byte(2) | (byte(3) << 8);
    if (length != (~complement & 0xffff)) return Error("stored block length does not match its complement");
    pos_ += 4;
    if (in_.size() - pos_ < length) return Error("truncated stored block");
    TRY(Reserve(length));
    out_.append(in_.substr(pos_, length));
    pos_ += length;
    return Status::Ok();
  }

  // Builds the code from per-symbol code lengths. Over-subscribed sets are invalid; incomplete
  // ones are allowed (a code the set does not define fails in Decode).
  Status Build(const uint8_t* lengths, int n, Huffman* h) {
    h->count.fill(0);
    for (int s = 0; s < n; ++s) h->count[lengths[s]]++;
    int left = 1;
    for (int len = 1; len <= kMaxCodeBits; ++len) {
      left = (left << 1) - h->count[len];
      if (left < 0) return Error("over-subscribed Huffman code");
    }
    std::array<int, kMaxCodeBits + 2> offset{};
    for (int len = 1; len <= kMaxCodeBits; ++len) offset[len + 1] = offset[len] + h->count[len];
    h->symbol.assign(static_cast<size_t>(n), 0);
    for (int s = 0; s < n; ++s) {
      if (lengths[s] != 0) h->symbol[static_cast<size_t>(offset[lengths[s]]++)] = static_cast<uint16_t>(s);
    }
    return Status::Ok();
  }

  // Canonical codes of one length are consecutive, so walk the lengths one bit at a time.
  Result<int> Decode(const Huffman& h) {
    int code = 0, first = 0, index = 0;
    for (int len = 1; len <= kMaxCodeBits; ++len) {
      if (bitcnt_ == 0) {  // inline refill: Bits(1) per bit is too slow in debug builds
        if (pos_ >= in_.size()) return Error("truncated stream");
        bitbuf_ = static_cast<uint8_t>(in_[pos_++]);
        bitcnt_ = 8;
      }
      code |= static_cast<int>(bitbuf_ & 1);
      bitbuf_ >>= 1;
      --bitcnt_;
      const int count = h.count[len];
      if (code - first < count) return h.symbol[static_cast<size_t>(index + code - first)];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    return Error("invalid Huffman code");
  }

  Status Codes(const Huffman& literal_length, const Huffman& distance) {
    while (true) {
      ASSIGN_OR_RETURN(int symbol, Decode(literal_length));
      if (symbol < 256) {
        if (out_.size() >= max_output_) return Reserve(1);  // the error
        out_.push_back(static_cast<char>(symbol));
        continue;
      }
      if (symbol == 256) return Status::Ok();
      const auto length_code = static_cast<size_t>(symbol - 257);
      if (length_code >= kLengthBase.size()) return Error("invalid length code");
      ASSIGN_OR_RETURN(uint32_t length_extra, Bits(kLengthExtra[length_code]));
      const size_t length = kLengthBase[length_code] + length_extra;
      ASSIGN_OR_RETURN(int distance_symbol, Decode(distance));
      if (distance_symbol >= kDistanceCodes) return Error("invalid distance code");
      const auto d = static_cast<size_t>(distance_symbol);
      ASSIGN_OR_RETURN(uint32_t distance_extra, Bits(kDistanceExtra[d]));
      const size_t back = kDistanceBase[d] + distance_extra;
      if (back > out_.size()) return Error("distance reaches before the start of the output");
      TRY(Reserve(length));
      for (size_t i = 0; i < length; ++i) out_.push_back(out_[out_.size() - back]);  // may overlap itself
    }
  }

  Status FixedBlock() {
    std::array<uint8_t, kLiteralLengthCodes + kDistanceCodes> lengths{};
    for (int s = 0; s < kLiteralLengthCodes; ++s) lengths[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    for (int s = 0; s < kDistanceCodes; ++s) lengths[kLiteralLengthCodes + s] = 5;
    Huffman literal_length, distance;
    TRY(Build(lengths.data(), kLiteralLengthCodes, &literal_length));
    TRY(Build(lengths.data() + kLiteralLengthCodes, kDistanceCodes, &distance));
    return Codes(literal_length, distance);
  }

  Status DynamicBlock() {
    ASSIGN_OR_RETURN(uint32_t hlit, Bits(5));
    ASSIGN_OR_RETURN(uint32_t hdist, Bits(5));
    ASSIGN_OR_RETURN(uint32_t hclen, Bits(4));
    const int literal_count = static_cast<int>(hlit) + 257;
    const int distance_count = static_cast<int>(hdist) + 1;
    if (literal_count > 286 || distance_count > kDistanceCodes) return Error("too many codes in dynamic block");

    std::array<uint8_t, 19> code_lengths{};
    for (uint32_t i = 0; i < hclen + 4; ++i) {
      ASSIGN_OR_RETURN(uint32_t len, Bits(3));
      code_lengths[kCodeLengthOrder[i]] = static_cast<uint8_t>(len);
    }
    Huffman code_length_code;
    TRY(Build(code_lengths.data(), 19, &code_length_code));

    std::array<uint8_t, kLiteralLengthCodes + kDistanceCodes> lengths{};
    const int total = literal_count + distance_count;
    for (int index = 0; index < total;) {
      ASSIGN_OR_RETURN(int symbol, Decode(code_length_code));
      if (symbol < 16) {
        lengths[static_cast<size_t>(index++)] = static_cast<uint8_t>(symbol);
        continue;
      }
      uint8_t repeated = 0;
      uint32_t times = 0;
      if (symbol == 16) {
        if (index == 0) return Error("length repeat with no previous length");
        repeated = lengths[static_cast<size_t>(index - 1)];
        ASSIGN_OR_RETURN(uint32_t extra, Bits(2));
        times = 3 + extra;
      } else if (symbol == 17) {
        ASSIGN_OR_RETURN(uint32_t extra, Bits(3));
        times = 3 + extra;
      } else {
        ASSIGN_OR_RETURN(uint32_t extra, Bits(7));
        times = 11 + extra;
      }
      if (index + static_cast<int>(times) > total) return Error("code lengths overrun the table");
      for (uint32_t i = 0; i < times; ++i) lengths[static_cast<size_t>(index++)] = repeated;
    }
    if (lengths[256] == 0) return Error("dynamic block without an end-of-block code");
    Huffman literal_length, distance;
    TRY(Build(lengths.data(), literal_count, &literal_length));
    TRY(Build(lengths.data() + literal_count, distance_count, &distance));
    return Codes(literal_length, distance);
  }

  std::string_view in_;
  size_t max_output_;
  size_t pos_ = 0;
  uint64_t bitbuf_ = 0;
  int bitcnt_ = 0;
  std::string out_;
};

}  // namespace

Result<std::string> InflateRaw(std::string_view compressed, size_t max_output) {
  return Inflater(compressed, max_output).Run();
}

}  // namespace tradeagg::lake::avro
