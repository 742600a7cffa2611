#include "tradeagg/lake/parquet_footer.h"

#include <algorithm>
#include <map>
#include <string>
#include <system_error>

#include "tradeagg/engine/query_result.h"

namespace tradeagg::lake {

Status ReadParquetFooter(engine::Connection& connection, const std::filesystem::path& path,
                         const FieldIdOfColumn& field_id_of, size_t column_count, iceberg::DataFile* file) {
  ASSIGN_OR_RETURN(
      engine::QueryResult meta,
      connection.Query("SELECT row_group_id, row_group_num_rows, path_in_schema, total_compressed_size, "
                       "dictionary_page_offset, data_page_offset, num_values, stats_null_count "
                       "FROM parquet_metadata(" + engine::QuoteLiteral(path.string()) +
                       ") ORDER BY row_group_id, column_id"));
  std::map<int64_t, int64_t> row_group_start;  // row group id -> first byte
  std::map<int64_t, int64_t> row_group_rows;
  file->column_sizes.clear();
  file->value_counts.clear();
  file->null_value_counts.clear();
  for (uint64_t row = 0; row < meta.row_count(); ++row) {
    ASSIGN_OR_RETURN(int64_t group, meta.GetInt64(0, row));
    ASSIGN_OR_RETURN(int64_t rows, meta.GetInt64(1, row));
    ASSIGN_OR_RETURN(std::string column, meta.GetString(2, row));
    ASSIGN_OR_RETURN(int64_t compressed, meta.GetInt64(3, row));
    ASSIGN_OR_RETURN(int64_t data_offset, meta.GetInt64(5, row));
    ASSIGN_OR_RETURN(int64_t values, meta.GetInt64(6, row));
    // A column chunk starts at its dictionary page when it has one (offset 0 or NULL: none).
    int64_t start = data_offset;
    if (!meta.IsNull(4, row)) {
      ASSIGN_OR_RETURN(int64_t dictionary_offset, meta.GetInt64(4, row));
      if (dictionary_offset > 0) start = std::min(start, dictionary_offset);
    }
    std::optional<int32_t> id = field_id_of(column);
    if (!id) return Status::Internal("unexpected column '" + column + "' in " + path.string());
    file->column_sizes[*id] += compressed;
    file->value_counts[*id] += values;
    int64_t& nulls = file->null_value_counts[*id];
    if (!meta.IsNull(7, row)) {
      ASSIGN_OR_RETURN(int64_t chunk_nulls, meta.GetInt64(7, row));
      nulls += chunk_nulls;
    }
    auto [it, inserted] = row_group_start.try_emplace(group, start);
    if (!inserted) it->second = std::min(it->second, start);
    row_group_rows[group] = rows;
  }
  int64_t total_rows = 0;
  for (const auto& [group, rows] : row_group_rows) total_rows += rows;
  if (total_rows != file->record_count || file->column_sizes.size() != column_count) {
    return Status::Internal("Parquet footer of " + path.string() + " describes " + std::to_string(total_rows) +
                            " rows in " + std::to_string(file->column_sizes.size()) + " columns; wrote " +
                            std::to_string(file->record_count) + " rows in " + std::to_string(column_count));
  }
  file->split_offsets.clear();
  for (const auto& [group, start] : row_group_start) file->split_offsets.push_back(start);
  std::sort(file->split_offsets.begin(), file->split_offsets.end());

  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(path, error);
  if (error) return Status::Unavailable("size of " + path.string() + ": " + error.message());
  file->file_size_in_bytes = static_cast<int64_t>(size);
  return Status::Ok();
}

}  // namespace tradeagg::lake
