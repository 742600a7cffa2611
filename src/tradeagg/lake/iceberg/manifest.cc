#include "tradeagg/lake/iceberg/manifest.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "tradeagg/lake/avro/container_reader.h"
#include "tradeagg/lake/avro/container_writer.h"
#include "tradeagg/lake/iceberg/avro_schema_builder.h"
#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/struct_view.h"

namespace tradeagg::lake::iceberg {

using avro::Datum;
using Json = nlohmann::json;

namespace {

// One field of the partition tuple, as the manifest's "r102" record declares it.
struct DatePartitionField {
  std::string name;
  int32_t field_id = 0;
  bool required = false;  // as PyIceberg does: required when its source column is
};

// A member of a JSON object, or null. Never throws (nlohmann's value() and at() may).
const Json& Member(const Json& object, const char* key) {
  static const Json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// Resolves the spec's fields against the table schema. Only identity(date) is supported.
Result<std::vector<DatePartitionField>> DatePartitionFields(const std::string& schema_json, const std::string& spec_json) {
  const Json schema = Json::parse(schema_json, nullptr, false);
  const Json& columns = Member(schema, "fields");
  if (!columns.is_array()) {
    return Status::InvalidArgument("manifest: table schema is not a JSON object with a \"fields\" array");
  }
  const Json spec = Json::parse(spec_json, nullptr, false);
  if (!spec.is_array()) return Status::InvalidArgument("manifest: partition spec must be the JSON array of its fields");

  std::vector<DatePartitionField> out;
  for (const Json& field : spec) {
    const Json& source_id = Member(field, "source-id");
    const Json& field_id = Member(field, "field-id");
    const Json& name = Member(field, "name");
    if (!source_id.is_number_integer() || !field_id.is_number_integer() || !name.is_string()) {
      return Status::InvalidArgument("manifest: partition field needs source-id, field-id and name: " + field.dump());
    }
    if (Member(field, "transform") != "identity") {
      return Status::InvalidArgument("manifest: only identity partition transforms are supported: " + field.dump());
    }
    const Json* source = nullptr;
    for (const Json& column : columns) {
      if (Member(column, "id") == source_id) source = &column;
    }
    if (source == nullptr || Member(*source, "type") != "date") {
      return Status::InvalidArgument("manifest: partition source must be a top-level date column: " + field.dump());
    }
    out.push_back({name.get<std::string>(), field_id.get<int32_t>(), Member(*source, "required") == true});
  }
  return out;
}

std::string ManifestEntrySchema(const std::vector<DatePartitionField>& partition_fields) {
  namespace df = data_file;
  namespace me = manifest_entry;
  AvroSchemaBuilder partition("r102");
  for (const DatePartitionField& field : partition_fields) {
    if (field.required) {
      partition.Required(field.name, field.field_id, kAvroDate);
    } else {
      partition.Optional(field.name, field.field_id, kAvroDate);
    }
  }
  const std::string data_file =
      AvroSchemaBuilder("r2")
          .Required("content", df::kContent, kAvroInt)
          .Required("file_path", df::kFilePath, kAvroString)
          .Required("file_format", df::kFileFormat, kAvroString)
          .Required("partition", df::kPartition, partition.Build())
          .Required("record_count", df::kRecordCount, kAvroLong)
          .Required("file_size_in_bytes", df::kFileSizeInBytes, kAvroLong)
          .Optional("column_sizes", df::kColumnSizes, AvroIntMapType(df::kColumnSizesKey, df::kColumnSizesValue, kAvroLong))
          .Optional("value_counts", df::kValueCounts, AvroIntMapType(df::kValueCountsKey, df::kValueCountsValue, kAvroLong))
          .Optional("null_value_counts", df::kNullValueCounts,
                    AvroIntMapType(df::kNullValueCountsKey, df::kNullValueCountsValue, kAvroLong))
          .Optional("nan_value_counts", df::kNanValueCounts,
                    AvroIntMapType(df::kNanValueCountsKey, df::kNanValueCountsValue, kAvroLong))
          .Optional("lower_bounds", df::kLowerBounds, AvroIntMapType(df::kLowerBoundsKey, df::kLowerBoundsValue, kAvroBytes))
          .Optional("upper_bounds", df::kUpperBounds, AvroIntMapType(df::kUpperBoundsKey, df::kUpperBoundsValue, kAvroBytes))
          .Optional("key_metadata", df::kKeyMetadata, kAvroBytes)
          .Optional("split_offsets", df::kSplitOffsets, AvroListType(df::kSplitOffsetsElement, kAvroLong))
          .Optional("equality_ids", df::kEqualityIds, AvroListType(df::kEqualityIdsElement, kAvroInt))
          .Optional("sort_order_id", df::kSortOrderId, kAvroInt)
          .Build();
  return AvroSchemaBuilder("manifest_entry")
      .Required("status", me::kStatus, kAvroInt)
      .Optional("snapshot_id", me::kSnapshotId, kAvroLong)
      .Optional("sequence_number", me::kSequenceNumber, kAvroLong)
      .Optional("file_sequence_number", me::kFileSequenceNumber, kAvroLong)
      .Required("data_file", me::kDataFile, data_file)
      .Build();
}

// Empty maps are written as null ("no metrics"), as Java does.
template <typename V, typename MakeValue>
Datum IntMap(const std::map<int32_t, V>& map, MakeValue make_value) {
  if (map.empty()) return Datum::Null();
  std::vector<Datum> entries;
  for (const auto& [key, value] : map) entries.push_back(Datum::Record({Datum::Int(key), make_value(value)}));
  return Datum::Array(std::move(entries));
}

Datum OptionalLong(const std::optional<int64_t>& value) { return value ? Datum::Long(*value) : Datum::Null(); }

Result<Datum> EntryDatum(const ManifestEntry& entry, size_t partition_field_count) {
  const DataFile& file = entry.data_file;
  if (file.content != DataFileContent::kData) {
    return Status::InvalidArgument("manifest: a data manifest cannot list delete file " + file.file_path);
  }
  if (file.partition_dates.size() != partition_field_count) {
    return Status::InvalidArgument("manifest: " + file.file_path + " has " + std::to_string(file.partition_dates.size()) +
                                   " partition values, the spec has " + std::to_string(partition_field_count) + " fields");
  }
  if (entry.status != ManifestEntryStatus::kAdded && (!entry.sequence_number || !entry.file_sequence_number)) {
    return Status::InvalidArgument("manifest: an existing or deleted entry must carry both sequence numbers: " +
                                   file.file_path);
  }
  std::vector<Datum> partition;
  for (int32_t day : file.partition_dates) partition.push_back(Datum::Int(day));
  std::vector<Datum> split_offsets;
  for (int64_t offset : file.split_offsets) split_offsets.push_back(Datum::Long(offset));
  auto long_value = [](int64_t v) { return Datum::Long(v); };
  auto bytes_value = [](const std::string& v) { return Datum::Bytes(v); };

  Datum data_file = Datum::Record({
      Datum::Int(static_cast<int32_t>(file.content)),
      Datum::String(file.file_path),
      Datum::String(file.file_format),
      Datum::Record(std::move(partition)),
      Datum::Long(file.record_count),
      Datum::Long(file.file_size_in_bytes),
      IntMap(file.column_sizes, long_value),
      IntMap(file.value_counts, long_value),
      IntMap(file.null_value_counts, long_value),
      Datum::Null(),  // nan_value_counts: tradeagg has no floating-point columns
      IntMap(file.lower_bounds, bytes_value),
      IntMap(file.upper_bounds, bytes_value),
      Datum::Null(),  // key_metadata: no encryption
      split_offsets.empty() ? Datum::Null() : Datum::Array(std::move(split_offsets)),
      Datum::Null(),  // equality_ids: data files have none
      file.sort_order_id ? Datum::Int(*file.sort_order_id) : Datum::Null(),
  });
  return Datum::Record({Datum::Int(static_cast<int32_t>(entry.status)), OptionalLong(entry.snapshot_id),
                        OptionalLong(entry.sequence_number), OptionalLong(entry.file_sequence_number),
                        std::move(data_file)});
}

Result<int32_t> ParseInt(const std::map<std::string, std::string>& metadata, const std::string& key) {
  auto it = metadata.find(key);
  if (it == metadata.end()) return Status::InvalidArgument("manifest: metadata has no \"" + key + "\"");
  int32_t value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("manifest: metadata \"" + key + "\" is not an integer: " + text);
  }
  return value;
}

Result<DataFile> ReadDataFile(const StructView& view) {
  namespace df = data_file;
  DataFile file;
  ASSIGN_OR_RETURN(std::optional<int32_t> content, view.OptionalInt(df::kContent));
  if (content.value_or(0) < 0 || content.value_or(0) > 2) {
    return Status::InvalidArgument("manifest: data_file content " + std::to_string(*content) + " is not 0, 1 or 2");
  }
  file.content = static_cast<DataFileContent>(content.value_or(0));
  ASSIGN_OR_RETURN(file.file_path, view.String(df::kFilePath));
  ASSIGN_OR_RETURN(file.file_format, view.String(df::kFileFormat));
  ASSIGN_OR_RETURN(StructView partition, view.Struct(df::kPartition));
  for (const Datum& value : partition.datum().fields()) {
    if (value.kind() != Datum::Kind::kInt) {
      return Status::InvalidArgument("manifest: " + file.file_path + ": partition value is " +
                                     avro::KindName(value.kind()) + "; only non-null dates are supported");
    }
    file.partition_dates.push_back(value.int_value());
  }
  ASSIGN_OR_RETURN(file.record_count, view.Long(df::kRecordCount));
  ASSIGN_OR_RETURN(file.file_size_in_bytes, view.Long(df::kFileSizeInBytes));
  ASSIGN_OR_RETURN(file.column_sizes, view.IntLongMap(df::kColumnSizes));
  ASSIGN_OR_RETURN(file.value_counts, view.IntLongMap(df::kValueCounts));
  ASSIGN_OR_RETURN(file.null_value_counts, view.IntLongMap(df::kNullValueCounts));
  ASSIGN_OR_RETURN(file.lower_bounds, view.IntBytesMap(df::kLowerBounds));
  ASSIGN_OR_RETURN(file.upper_bounds, view.IntBytesMap(df::kUpperBounds));
  ASSIGN_OR_RETURN(file.split_offsets, view.LongList(df::kSplitOffsets));
  ASSIGN_OR_RETURN(file.sort_order_id, view.OptionalInt(df::kSortOrderId));
  return file;
}

Result<ManifestEntry> ReadEntry(const avro::Node& schema, const Datum& record) {
  namespace me = manifest_entry;
  ASSIGN_OR_RETURN(StructView view, StructView::Of(schema, record, "manifest_entry"));
  ManifestEntry entry;
  ASSIGN_OR_RETURN(int32_t status, view.Int(me::kStatus));
  if (status < 0 || status > 2) return Status::InvalidArgument("manifest: entry status " + std::to_string(status));
  entry.status = static_cast<ManifestEntryStatus>(status);
  ASSIGN_OR_RETURN(entry.snapshot_id, view.OptionalLong(me::kSnapshotId));
  ASSIGN_OR_RETURN(entry.sequence_number, view.OptionalLong(me::kSequenceNumber));
  ASSIGN_OR_RETURN(entry.file_sequence_number, view.OptionalLong(me::kFileSequenceNumber));
  ASSIGN_OR_RETURN(StructView data_file, view.Struct(me::kDataFile));
  ASSIGN_OR_RETURN(entry.data_file, ReadDataFile(data_file));
  return entry;
}

}  // namespace

Result<std::string> WriteManifest(const ManifestMetadata& metadata, const std::vector<ManifestEntry>& entries) {
  ASSIGN_OR_RETURN(std::vector<DatePartitionField> partition_fields,
                   DatePartitionFields(metadata.schema_json, metadata.partition_spec_json));
  const avro::Metadata key_values = {
      {"schema", metadata.schema_json},
      {"schema-id", std::to_string(metadata.schema_id)},
      {"partition-spec", metadata.partition_spec_json},
      {"partition-spec-id", std::to_string(metadata.partition_spec_id)},
      {"format-version", std::to_string(kFormatVersion)},
      {"content", "data"},
  };
  ASSIGN_OR_RETURN(avro::ContainerWriter writer,
                   avro::ContainerWriter::Open(ManifestEntrySchema(partition_fields), key_values));
  for (const ManifestEntry& entry : entries) {
    ASSIGN_OR_RETURN(Datum record, EntryDatum(entry, partition_fields.size()));
    TRY(writer.Append(record));
  }
  return std::move(writer).Finish();
}

Result<Manifest> ReadManifest(std::string_view bytes) {
  ASSIGN_OR_RETURN(avro::ContainerFile file, avro::ReadContainer(bytes));
  const auto& kv = file.metadata;
  ASSIGN_OR_RETURN(int32_t format_version, ParseInt(kv, "format-version"));
  if (format_version != kFormatVersion) {
    return Status::InvalidArgument("manifest: format-version " + std::to_string(format_version) + " is not supported");
  }
  Manifest manifest;
  auto schema = kv.find("schema");
  auto spec = kv.find("partition-spec");
  if (schema == kv.end() || spec == kv.end()) {
    return Status::InvalidArgument("manifest: metadata lacks \"schema\" or \"partition-spec\"");
  }
  manifest.metadata.schema_json = schema->second;
  manifest.metadata.partition_spec_json = spec->second;
  ASSIGN_OR_RETURN(manifest.metadata.partition_spec_id, ParseInt(kv, "partition-spec-id"));
  if (kv.count("schema-id") != 0) {
    ASSIGN_OR_RETURN(manifest.metadata.schema_id, ParseInt(kv, "schema-id"));
  } else {
    const Json table_schema = Json::parse(schema->second, nullptr, false);
    const Json& id = Member(table_schema, "schema-id");
    manifest.metadata.schema_id = id.is_number_integer() ? id.get<int32_t>() : 0;
  }
  for (size_t i = 0; i < file.records.size(); ++i) {
    Result<ManifestEntry> entry = ReadEntry(file.schema.root(), file.records[i]);
    if (!entry.ok()) {
      return Status::InvalidArgument("entry " + std::to_string(i) + ": " + entry.status().message());
    }
    manifest.entries.push_back(std::move(entry).value());
  }
  return manifest;
}

}  // namespace tradeagg::lake::iceberg
