#include "tradeagg/engine/prepared_statement.h"

#include <utility>

#include "tradeagg/engine/duckdb_internal.h"

namespace tradeagg::engine {

void PreparedStatement::Destroyer::operator()(_duckdb_prepared_statement* stmt) const {
  duckdb_prepared_statement handle = stmt;
  duckdb_destroy_prepare(&handle);
}

PreparedStatement::PreparedStatement(_duckdb_prepared_statement* stmt, std::string sql)
    : stmt_(stmt), sql_(std::move(sql)) {}

void PreparedStatement::Record(bool ok, size_t index, const char* what) {
  if (ok || !bind_error_.ok()) return;
  bind_error_ = Status::InvalidArgument(
      internal::SqlContext("bind", sql_) + ": cannot bind " + what + " to parameter $" +
      std::to_string(index) + " (" + std::to_string(parameter_count()) + " parameters)");
}

void PreparedStatement::BindBool(size_t index, bool value) {
  Record(duckdb_bind_boolean(stmt_.get(), index, value) == DuckDBSuccess, index, "a bool");
}

void PreparedStatement::BindInt64(size_t index, int64_t value) {
  Record(duckdb_bind_int64(stmt_.get(), index, value) == DuckDBSuccess, index, "an int64");
}

void PreparedStatement::BindInt128(size_t index, int128 value) {
  Record(duckdb_bind_hugeint(stmt_.get(), index, internal::ToHugeint(value)) == DuckDBSuccess,
         index, "an int128");
}

void PreparedStatement::BindDecimal(size_t index, Decimal value) {
  duckdb_decimal decimal;
  decimal.width = 38;  // the widest DECIMAL: holds every Decimal DuckDB can represent
  decimal.scale = Decimal::kScale;
  decimal.value = internal::ToHugeint(value.units());
  Record(duckdb_bind_decimal(stmt_.get(), index, decimal) == DuckDBSuccess, index, "a decimal");
}

void PreparedStatement::BindString(size_t index, std::string_view value) {
  Record(duckdb_bind_varchar_length(stmt_.get(), index, value.data(), value.size()) ==
             DuckDBSuccess,
         index, "a string");
}

void PreparedStatement::BindDate(size_t index, Date value) {
  Record(duckdb_bind_date(stmt_.get(), index, duckdb_date{value.days()}) == DuckDBSuccess, index,
         "a date");
}

void PreparedStatement::BindTimestampTz(size_t index, Timestamp value) {
  Record(duckdb_bind_timestamp_tz(stmt_.get(), index, duckdb_timestamp{value.micros()}) ==
             DuckDBSuccess,
         index, "a timestamptz");
}

void PreparedStatement::BindTimestamp(size_t index, Timestamp value) {
  Record(duckdb_bind_timestamp(stmt_.get(), index, duckdb_timestamp{value.micros()}) ==
             DuckDBSuccess,
         index, "a timestamp");
}

void PreparedStatement::BindNull(size_t index) {
  Record(duckdb_bind_null(stmt_.get(), index) == DuckDBSuccess, index, "NULL");
}

void PreparedStatement::ClearBindings() {
  duckdb_clear_bindings(stmt_.get());
  bind_error_ = Status::Ok();
}

size_t PreparedStatement::parameter_count() const {
  return stmt_ == nullptr ? 0 : static_cast<size_t>(duckdb_nparams(stmt_.get()));
}

bool PreparedStatement::is_select() const {
  return stmt_ != nullptr && duckdb_prepared_statement_type(stmt_.get()) == DUCKDB_STATEMENT_TYPE_SELECT;
}

Result<QueryResult> PreparedStatement::Query() {
  if (stmt_ == nullptr) return Status::Internal("query on an empty PreparedStatement");
  if (!bind_error_.ok()) return bind_error_;
  duckdb_result result;
  duckdb_state state = duckdb_execute_prepared(stmt_.get(), &result);
  return internal::TakeResult(state, &result, internal::SqlContext("execute", sql_));
}

Status PreparedStatement::Execute() {
  Result<QueryResult> result = Query();
  return result.status();
}

}  // namespace tradeagg::engine
