#include "tradeagg/lake/iceberg/manifest_list.h"

#include <algorithm>
#include <charconv>

#include "tradeagg/lake/avro/container_reader.h"
#include "tradeagg/lake/avro/container_writer.h"
#include "tradeagg/lake/iceberg/avro_schema_builder.h"
#include "tradeagg/lake/iceberg/iceberg_constants.h"
#include "tradeagg/lake/iceberg/struct_view.h"

namespace tradeagg::lake::iceberg {

using avro::Datum;
namespace mf = manifest_file;

namespace {

std::string ManifestFileSchema() {
  const std::string field_summary = AvroSchemaBuilder("r508")
                                        .Required("contains_null", mf::kContainsNull, kAvroBoolean)
                                        .Optional("contains_nan", mf::kContainsNan, kAvroBoolean)
                                        .Optional("lower_bound", mf::kLowerBound, kAvroBytes)
                                        .Optional("upper_bound", mf::kUpperBound, kAvroBytes)
                                        .Build();
  return AvroSchemaBuilder("manifest_file")
      .Required("manifest_path", mf::kManifestPath, kAvroString)
      .Required("manifest_length", mf::kManifestLength, kAvroLong)
      .Required("partition_spec_id", mf::kPartitionSpecId, kAvroInt)
      .Required("content", mf::kContent, kAvroInt)
      .Required("sequence_number", mf::kSequenceNumber, kAvroLong)
      .Required("min_sequence_number", mf::kMinSequenceNumber, kAvroLong)
      .Required("added_snapshot_id", mf::kAddedSnapshotId, kAvroLong)
      .Required("added_files_count", mf::kAddedFilesCount, kAvroInt)
      .Required("existing_files_count", mf::kExistingFilesCount, kAvroInt)
      .Required("deleted_files_count", mf::kDeletedFilesCount, kAvroInt)
      .Required("added_rows_count", mf::kAddedRowsCount, kAvroLong)
      .Required("existing_rows_count", mf::kExistingRowsCount, kAvroLong)
      .Required("deleted_rows_count", mf::kDeletedRowsCount, kAvroLong)
      .Optional("partitions", mf::kPartitions, AvroListType(mf::kPartitionsElement, field_summary))
      .Optional("key_metadata", mf::kKeyMetadata, kAvroBytes)
      .Build();
}

Datum OptionalBytes(const std::optional<std::string>& value) {
  return value ? Datum::Bytes(*value) : Datum::Null();
}

Datum ManifestFileDatum(const ManifestFile& m) {
  std::vector<Datum> partitions;
  for (const FieldSummary& s : m.partitions) {
    partitions.push_back(Datum::Record({Datum::Boolean(s.contains_null),
                                        s.contains_nan ? Datum::Boolean(*s.contains_nan) : Datum::Null(),
                                        OptionalBytes(s.lower_bound), OptionalBytes(s.upper_bound)}));
  }
  return Datum::Record({
      Datum::String(m.manifest_path), Datum::Long(m.manifest_length), Datum::Int(m.partition_spec_id),
      Datum::Int(static_cast<int32_t>(m.content)), Datum::Long(m.sequence_number), Datum::Long(m.min_sequence_number),
      Datum::Long(m.added_snapshot_id), Datum::Int(m.added_files_count), Datum::Int(m.existing_files_count),
      Datum::Int(m.deleted_files_count), Datum::Long(m.added_rows_count), Datum::Long(m.existing_rows_count),
      Datum::Long(m.deleted_rows_count), Datum::Array(std::move(partitions)),
      Datum::Null(),  // key_metadata
  });
}

Result<FieldSummary> ReadFieldSummary(const StructView& view) {
  FieldSummary s;
  ASSIGN_OR_RETURN(s.contains_null, view.Boolean(mf::kContainsNull));
  ASSIGN_OR_RETURN(s.contains_nan, view.OptionalBoolean(mf::kContainsNan));
  ASSIGN_OR_RETURN(s.lower_bound, view.OptionalBytes(mf::kLowerBound));
  ASSIGN_OR_RETURN(s.upper_bound, view.OptionalBytes(mf::kUpperBound));
  return s;
}

Result<ManifestFile> ReadManifestFile(const avro::Node& schema, const Datum& record) {
  ASSIGN_OR_RETURN(StructView view, StructView::Of(schema, record, "manifest_file"));
  ManifestFile m;
  ASSIGN_OR_RETURN(m.manifest_path, view.String(mf::kManifestPath));
  ASSIGN_OR_RETURN(m.manifest_length, view.Long(mf::kManifestLength));
  ASSIGN_OR_RETURN(m.partition_spec_id, view.Int(mf::kPartitionSpecId));
  ASSIGN_OR_RETURN(std::optional<int32_t> content, view.OptionalInt(mf::kContent));
  if (content.value_or(0) != 0 && content.value_or(0) != 1) {
    return Status::InvalidArgument("manifest list: content " + std::to_string(*content) + " is not 0 or 1");
  }
  m.content = static_cast<ManifestContent>(content.value_or(0));
  ASSIGN_OR_RETURN(m.sequence_number, view.Long(mf::kSequenceNumber));
  ASSIGN_OR_RETURN(m.min_sequence_number, view.Long(mf::kMinSequenceNumber));
  ASSIGN_OR_RETURN(m.added_snapshot_id, view.Long(mf::kAddedSnapshotId));
  ASSIGN_OR_RETURN(m.added_files_count, view.Int(mf::kAddedFilesCount));
  ASSIGN_OR_RETURN(m.existing_files_count, view.Int(mf::kExistingFilesCount));
  ASSIGN_OR_RETURN(m.deleted_files_count, view.Int(mf::kDeletedFilesCount));
  ASSIGN_OR_RETURN(m.added_rows_count, view.Long(mf::kAddedRowsCount));
  ASSIGN_OR_RETURN(m.existing_rows_count, view.Long(mf::kExistingRowsCount));
  ASSIGN_OR_RETURN(m.deleted_rows_count, view.Long(mf::kDeletedRowsCount));
  ASSIGN_OR_RETURN(std::vector<StructView> summaries, view.StructList(mf::kPartitions));
  for (const StructView& summary : summaries) {
    ASSIGN_OR_RETURN(FieldSummary s, ReadFieldSummary(summary));
    m.partitions.push_back(std::move(s));
  }
  return m;
}

// "null" (no parent) or a decimal int64, as the metadata stores them.
Result<std::optional<int64_t>> ParseLong(const std::map<std::string, std::string>& kv, const std::string& key,
                                         bool null_allowed) {
  auto it = kv.find(key);
  if (it == kv.end()) return Status::InvalidArgument("manifest list: metadata has no \"" + key + "\"");
  const std::string& text = it->second;
  if (null_allowed && text == "null") return std::optional<int64_t>();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("manifest list: metadata \"" + key + "\" is not an integer: " + text);
  }
  return std::optional<int64_t>(value);
}

std::string LittleEndian32(int32_t value) {
  const auto bits = static_cast<uint32_t>(value);
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[static_cast<size_t>(i)] = static_cast<char>((bits >> (8 * i)) & 0xff);
  return out;
}

// Per-field summaries of identity(date) partition tuples.
std::vector<FieldSummary> SummarizeTuples(const std::vector<const std::vector<int32_t>*>& tuples,
                                          size_t partition_field_count) {
  std::vector<FieldSummary> summaries(partition_field_count);
  for (size_t i = 0; i < partition_field_count; ++i) {
    summaries[i].contains_nan = false;
    std::optional<int32_t> low, high;
    for (const std::vector<int32_t>* tuple : tuples) {
      if (i >= tuple->size()) continue;
      const int32_t day = (*tuple)[i];
      low = std::min(low.value_or(day), day);
      high = std::max(high.value_or(day), day);
    }
    if (low) summaries[i].lower_bound = LittleEndian32(*low);
    if (high) summaries[i].upper_bound = LittleEndian32(*high);
  }
  return summaries;
}

}  // namespace

Result<std::string> WriteManifestList(const ManifestListMetadata& metadata, const std::vector<ManifestFile>& manifests) {
  const avro::Metadata key_values = {
      {"snapshot-id", std::to_string(metadata.snapshot_id)},
      {"parent-snapshot-id",
       metadata.parent_snapshot_id ? std::to_string(*metadata.parent_snapshot_id) : std::string("null")},
      {"sequence-number", std::to_string(metadata.sequence_number)},
      {"format-version", std::to_string(kFormatVersion)},
  };
  ASSIGN_OR_RETURN(avro::ContainerWriter writer, avro::ContainerWriter::Open(ManifestFileSchema(), key_values));
  for (const ManifestFile& manifest : manifests) TRY(writer.Append(ManifestFileDatum(manifest)));
  return std::move(writer).Finish();
}

Result<ManifestList> ReadManifestList(std::string_view bytes) {
  ASSIGN_OR_RETURN(avro::ContainerFile file, avro::ReadContainer(bytes));
  ManifestList list;
  ASSIGN_OR_RETURN(std::optional<int64_t> format_version, ParseLong(file.metadata, "format-version", false));
  if (*format_version != kFormatVersion) {
    return Status::InvalidArgument("manifest list: format-version " + std::to_string(*format_version) +
                                   " is not supported");
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> snapshot_id, ParseLong(file.metadata, "snapshot-id", false));
  list.metadata.snapshot_id = *snapshot_id;
  ASSIGN_OR_RETURN(list.metadata.parent_snapshot_id, ParseLong(file.metadata, "parent-snapshot-id", true));
  ASSIGN_OR_RETURN(std::optional<int64_t> sequence_number, ParseLong(file.metadata, "sequence-number", false));
  list.metadata.sequence_number = *sequence_number;
  for (size_t i = 0; i < file.records.size(); ++i) {
    Result<ManifestFile> manifest = ReadManifestFile(file.schema.root(), file.records[i]);
    if (!manifest.ok()) {
      return Status::InvalidArgument("manifest list entry " + std::to_string(i) + ": " + manifest.status().message());
    }
    list.manifests.push_back(std::move(manifest).value());
  }
  return list;
}

std::vector<FieldSummary> SummarizePartitions(const std::vector<DataFile>& files, size_t partition_field_count) {
  std::vector<const std::vector<int32_t>*> tuples;
  for (const DataFile& file : files) tuples.push_back(&file.partition_dates);
  return SummarizeTuples(tuples, partition_field_count);
}

ManifestFile DescribeManifest(std::string manifest_path, int64_t manifest_length, int32_t partition_spec_id,
                              int64_t snapshot_id, int64_t sequence_number, const std::vector<ManifestEntry>& entries,
                              size_t partition_field_count) {
  ManifestFile m;
  m.manifest_path = std::move(manifest_path);
  m.manifest_length = manifest_length;
  m.partition_spec_id = partition_spec_id;
  m.content = ManifestContent::kData;
  m.sequence_number = sequence_number;
  m.added_snapshot_id = snapshot_id;
  std::optional<int64_t> min_sequence_number;
  std::vector<const std::vector<int32_t>*> tuples;
  for (const ManifestEntry& entry : entries) {
    const int64_t rows = entry.data_file.record_count;
    switch (entry.status) {
      case ManifestEntryStatus::kAdded: m.added_files_count++, m.added_rows_count += rows; break;
      case ManifestEntryStatus::kExisting: m.existing_files_count++, m.existing_rows_count += rows; break;
      case ManifestEntryStatus::kDeleted: m.deleted_files_count++, m.deleted_rows_count += rows; break;
    }
    if (entry.status != ManifestEntryStatus::kDeleted) {
      const int64_t data_sequence = entry.sequence_number.value_or(sequence_number);
      min_sequence_number = std::min(min_sequence_number.value_or(data_sequence), data_sequence);
    }
    tuples.push_back(&entry.data_file.partition_dates);  // deleted files too, as Java and PyIceberg do
  }
  m.min_sequence_number = min_sequence_number.value_or(sequence_number);
  m.partitions = SummarizeTuples(tuples, partition_field_count);
  return m;
}

}  // namespace tradeagg::lake::iceberg
