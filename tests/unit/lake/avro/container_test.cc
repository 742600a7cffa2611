#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tradeagg/lake/avro/container_reader.h"
#include "tradeagg/lake/avro/container_writer.h"

namespace tradeagg::lake::avro {
namespace {

const std::string kSync = "0123456789abcdef";

std::string ReadGolden(const std::string& name) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "../../../data/avro" / name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing golden file " << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string Write(const std::string& schema, const std::vector<Datum>& records, const Metadata& metadata = {},
                  size_t block_bytes = 1024) {
  Result<ContainerWriter> writer = ContainerWriter::Open(schema, metadata, {.sync_marker = kSync, .block_bytes = block_bytes});
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  for (const Datum& record : records) {
    Status status = writer->Append(record);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  return std::move(*writer).Finish();
}

ContainerFile Read(std::string_view bytes) {
  Result<ContainerFile> file = ReadContainer(bytes);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  return std::move(file).value();
}

void ExpectCorrupt(std::string_view bytes, const std::string& fragment) {
  Result<ContainerFile> file = ReadContainer(bytes);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(file.status().message().find(fragment), std::string::npos) << file.status().message();
}

// The records tests/data/avro/generate_golden.py writes.
std::vector<Datum> GoldenRecords() {
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  auto kv = [](int32_t k, int64_t v) { return Datum::Record({Datum::Int(k), Datum::Long(v)}); };
  return {
      Datum::Record({Datum::Null(), Datum::Boolean(true), Datum::Int(0), Datum::Long(0), Datum::String(""),
                     Datum::Bytes(""), Datum::Bytes(std::string("\x00\x01\x02\x03", 4)), Datum::Bytes("\xff\xfe\xfd\xfc"),
                     Datum::Array({}), Datum::Map({}), Datum::Null(),
                     Datum::Record({Datum::Int(19724), Datum::Array({})}), Datum::Null()}),
      Datum::Record({Datum::Null(), Datum::Boolean(false), Datum::Int(INT32_MIN), Datum::Long(INT64_MIN),
                     Datum::String("trade-\xc3\xa9\xe2\x82\xac"), Datum::Bytes(all_bytes), Datum::Bytes("abcd"),
                     Datum::Bytes("wxyz"),
                     Datum::Array({Datum::Long(1), Datum::Long(-1), Datum::Long(63), Datum::Long(-64), Datum::Long(64),
                                   Datum::Long(-65)}),
                     Datum::Map({{"a", Datum::Int(1)}, {"b", Datum::Int(-1)}}), Datum::String("present"),
                     Datum::Record({Datum::Int(-1), Datum::Array({Datum::String("x"), Datum::String("y")})}),
                     Datum::Array({kv(1, 100), kv(13, 0)})}),
      Datum::Record({Datum::Null(), Datum::Boolean(true), Datum::Int(INT32_MAX), Datum::Long(INT64_MAX),
                     Datum::String(std::string(300, 'x')), Datum::Bytes(std::string(1, '\0')),
                     Datum::Bytes(std::string(4, '\0')), Datum::Bytes("\x01\x01\x01\x01"),
                     Datum::Array({Datum::Long(int64_t{1} << 40), Datum::Long(-(int64_t{1} << 40))}),
                     Datum::Map({{"only", Datum::Int(INT32_MAX)}}), Datum::String(""),
                     Datum::Record({Datum::Int(0), Datum::Array({Datum::String("z")})}), Datum::Array({})}),
  };
}

TEST(AvroContainerTest, WritesTheExactLayout) {
  const std::string bytes = Write(R"("long")", {Datum::Long(1), Datum::Long(2)});
  const std::string expected = std::string("Obj\x01", 4) + "\x04" + "\x16" "avro.schema" + "\x0c" "\"long\"" +
                               "\x14" "avro.codec" + "\x08" "null" + std::string(1, '\0') + kSync +
                               "\x04\x04\x02\x04" + kSync;
  EXPECT_EQ(bytes, expected);
}

TEST(AvroContainerTest, EmptyFileIsJustTheHeader) {
  ContainerFile file = Read(Write(R"("string")", {}, {{"k", "v"}}));
  EXPECT_TRUE(file.records.empty());
  EXPECT_EQ(file.metadata.at("k"), "v");
  EXPECT_EQ(file.metadata.at("avro.codec"), "null");
}

TEST(AvroContainerTest, RoundTripsManyBlocksAndMetadata) {
  const std::string schema = R"({"type": "record", "name": "r", "fields": [
      {"name": "n", "type": "long", "field-id": 1}, {"name": "s", "type": ["null", "string"], "field-id": 2}]})";
  std::vector<Datum> records;
  for (int i = 0; i < 1000; ++i) {
    records.push_back(Datum::Record({Datum::Long(i * 7919 - 3000), i % 3 == 0 ? Datum::Null()
                                                                                : Datum::String(std::to_string(i))}));
  }
  const std::string bytes = Write(schema, records, {{"snapshot-id", "42"}, {"format-version", "2"}}, /*block_bytes=*/100);
  ContainerFile file = Read(bytes);
  EXPECT_EQ(file.records, records);
  EXPECT_EQ(file.schema.json(), schema);
  EXPECT_EQ(file.metadata.at("avro.schema"), schema);
  EXPECT_EQ(file.metadata.at("snapshot-id"), "42");
  EXPECT_EQ(file.metadata.at("format-version"), "2");
  EXPECT_EQ(file.metadata.size(), 4u);
}

TEST(AvroContainerTest, RejectedRecordLeavesTheFileIntact) {
  Result<ContainerWriter> writer = ContainerWriter::Open(R"(["null", "long"])", {}, {.sync_marker = kSync});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->Append(Datum::Long(5)).ok());
  EXPECT_EQ(writer->Append(Datum::String("no")).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(writer->Append(Datum::Null()).ok());
  EXPECT_EQ(writer->record_count(), 2);
  ContainerFile file = Read(std::move(*writer).Finish());
  EXPECT_EQ(file.records, (std::vector<Datum>{Datum::Long(5), Datum::Null()}));
}

TEST(AvroContainerTest, OpenValidatesItsArguments) {
  EXPECT_EQ(ContainerWriter::Open("nope", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ContainerWriter::Open(R"("int")", {{"avro.codec", "deflate"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ContainerWriter::Open(R"("int")", {{"a", "1"}, {"a", "2"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ContainerWriter::Open(R"("int")", {}, {.sync_marker = "short"}).status().code(), StatusCode::kInvalidArgument);
}

TEST(AvroContainerTest, RandomSyncMarkersDiffer) {
  auto sync_of = [](const std::string& bytes) { return bytes.substr(bytes.size() - 16); };
  Result<ContainerWriter> a = ContainerWriter::Open(R"("int")", {});
  Result<ContainerWriter> b = ContainerWriter::Open(R"("int")", {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(sync_of(std::move(*a).Finish()), sync_of(std::move(*b).Finish()));
}

TEST(AvroContainerTest, ReadsFastavroGoldenFiles) {
  for (const char* name : {"everything-null.avro", "everything-deflate.avro"}) {
    SCOPED_TRACE(name);
    ContainerFile file = Read(ReadGolden(name));
    EXPECT_EQ(file.records, GoldenRecords());
    EXPECT_EQ(file.metadata.at("tradeagg.golden"), "fastavro");
    EXPECT_EQ(file.schema.root().name, "tradeagg.golden.Everything");
    EXPECT_EQ(IntProp(file.schema.root().fields[8].type->props, "element-id"), 10);
  }
}

// What our writer produces from the golden schema and records reads back the same, and keeps
// the schema text, Iceberg attributes and all, byte for byte.
TEST(AvroContainerTest, RewritesGoldenContentUnchanged) {
  const std::string schema_json = ReadGolden("everything.schema.json");
  const std::string bytes = Write(schema_json, GoldenRecords(), {{"tradeagg.golden", "tradeagg"}}, /*block_bytes=*/64);
  ContainerFile file = Read(bytes);
  EXPECT_EQ(file.records, GoldenRecords());
  EXPECT_EQ(file.metadata.at("avro.schema"), schema_json);
}

TEST(AvroContainerTest, CorruptInputSaysWhere) {
  const std::string good = Write(R"("long")", {Datum::Long(1), Datum::Long(2)});
  const size_t header = good.size() - 20;  // the block: count, size, 2 bytes, 16 bytes of sync

  ExpectCorrupt("", "bad magic");
  ExpectCorrupt("Obj\x02" + good.substr(4), "bad magic");
  ExpectCorrupt(good.substr(0, 10), "byte length 11 exceeds the 4 bytes left at offset 5");
  ExpectCorrupt(good.substr(0, good.size() - 1), "truncated value of 16 bytes");

  std::string bad_sync = good;
  bad_sync.back() ^= 1;
  ExpectCorrupt(bad_sync, "block 0 sync marker mismatch at offset " + std::to_string(good.size() - 16));

  std::string long_block = good;  // claims 1 record, holds 2
  long_block[header] = '\x02';
  ExpectCorrupt(long_block, "block 0 has 1 bytes after its 1 records");

  std::string short_block = good;  // claims 3 records, holds 2
  short_block[header] = '\x06';
  ExpectCorrupt(short_block, "avro: block 0, record 2: truncated varint at offset " + std::to_string(header + 4));

  // 2^40 records cannot fit in 2 bytes.
  const std::string many = good.substr(0, header) + "\x80\x80\x80\x80\x80\x40" + good.substr(header + 1);
  ExpectCorrupt(many, "block 0 claims 1099511627776 records in 2 bytes");

  std::string oversized = good;  // block byte size beyond the file
  oversized[header + 1] = '\x7e';
  ExpectCorrupt(oversized, "byte length 63 exceeds");

  std::string no_schema = Write(R"("long")", {});
  no_schema.replace(no_schema.find("avro.schema"), 11, "avro.schemx");
  ExpectCorrupt(no_schema, "header has no avro.schema");

  std::string snappy = Write(R"("long")", {});
  snappy.replace(snappy.find("\x08null"), 5, "\x08snap");
  ExpectCorrupt(snappy, "unsupported codec \"snap\"");
}

// Every truncation and many single-byte corruptions of the golden files are either read or
// rejected with kInvalidArgument; none may crash (run under the sanitizers to see).
TEST(AvroContainerTest, SurvivesTruncationAndCorruption) {
  for (const char* name : {"everything-null.avro", "everything-deflate.avro"}) {
    SCOPED_TRACE(name);
    const std::string golden = ReadGolden(name);
    for (size_t size = 0; size < golden.size(); ++size) {
      Result<ContainerFile> file = ReadContainer(std::string_view(golden).substr(0, size));
      if (file.ok()) {  // cut at a block boundary: a shorter valid file (Avro has no end marker)
        ASSERT_LT(file->records.size(), 3u) << size;
      } else {
        ASSERT_EQ(file.status().code(), StatusCode::kInvalidArgument) << size;
      }
    }
    const char masks[] = {'\x01', '\x80', '\xff'};  // low bit, varint continuation bit, all bits
    for (size_t i = 0; i < golden.size(); ++i) {
      std::string corrupt = golden;
      corrupt[i] = static_cast<char>(corrupt[i] ^ masks[i % 3]);
      Result<ContainerFile> file = ReadContainer(corrupt);
      if (!file.ok()) {
        ASSERT_EQ(file.status().code(), StatusCode::kInvalidArgument) << i;
      }
    }
  }
}

}  // namespace
}  // namespace tradeagg::lake::avro
