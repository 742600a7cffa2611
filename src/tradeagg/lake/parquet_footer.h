// ParquetFooter: what an Iceberg manifest entry says about a Parquet data file that can be read
// from the file itself, through DuckDB's parquet_metadata().
//
// Fills, for the columns `field_id_of` maps to Iceberg field ids: column_sizes (compressed bytes
// of every column chunk), value_counts (values, nulls included) and null_value_counts (from the
// chunks' statistics), split_offsets (where each row group starts: its first dictionary or data
// page), and file_size_in_bytes. The file must hold exactly `file->record_count` rows and a
// column for every id; kInternal otherwise (a writer bug, not bad input). Bounds are the
// writer's business: their binary form depends on the Iceberg type.
// Thread safety: the connection's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

#include "tradeagg/core/status.h"
#include "tradeagg/engine/connection.h"
#include "tradeagg/lake/iceberg/data_file.h"

namespace tradeagg::lake {

using FieldIdOfColumn = std::function<std::optional<int32_t>(std::string_view column)>;

Status ReadParquetFooter(engine::Connection& connection, const std::filesystem::path& path,
                         const FieldIdOfColumn& field_id_of, size_t column_count, iceberg::DataFile* file);

}  // namespace tradeagg::lake
