#include "tradeagg/agg/trade_group_query.h"

#include "tradeagg/engine/query_result.h"

namespace tradeagg::agg {

std::string ReadParquetOf(std::span<const std::string> files, std::string_view options) {
  std::string sql = "read_parquet([";
  for (size_t i = 0; i < files.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += engine::QuoteLiteral(files[i]);
  }
  sql += "]";
  if (!options.empty()) sql += ", " + std::string(options);
  return sql + ")";
}

Result<std::vector<TradeGroup>> QueryTradeGroups(engine::Connection& connection,
                                                 std::span<const std::string> files, Date business_date) {
  std::vector<TradeGroup> groups;
  if (files.empty()) return groups;
  // instrument and counterparty are required columns, so a NULL one marks the other set.
  const std::string sql =
      "SELECT participant, instrument, counterparty, currency, side, sum(quantity)::HUGEINT, sum(notional), count(*) "
      "FROM " + ReadParquetOf(files) + " WHERE business_date = DATE '" + business_date.ToString() +
      "' GROUP BY GROUPING SETS ((participant, instrument, currency, side), (participant, counterparty, currency, side))";
  ASSIGN_OR_RETURN(engine::QueryResult result, connection.Query(sql));
  groups.reserve(result.row_count());
  for (uint64_t row = 0; row < result.row_count(); ++row) {
    TradeGroup& g = groups.emplace_back();
    ASSIGN_OR_RETURN(g.participant, result.GetString(0, row));
    g.level = result.IsNull(1, row) ? domain::ExposureLevel::kCounterparty : domain::ExposureLevel::kInstrument;
    ASSIGN_OR_RETURN(g.key, result.GetString(g.level == domain::ExposureLevel::kInstrument ? 1 : 2, row));
    ASSIGN_OR_RETURN(g.currency, result.GetString(3, row));
    ASSIGN_OR_RETURN(std::string side, result.GetString(4, row));
    std::optional<domain::Side> parsed = domain::ParseSide(side);
    if (!parsed) return Status::Internal("the lake holds a trade with side '" + side + "'");
    g.side = *parsed;
    ASSIGN_OR_RETURN(g.quantity, result.GetInt128(5, row));
    ASSIGN_OR_RETURN(g.notional, result.GetDecimal(6, row));
    ASSIGN_OR_RETURN(g.trades, result.GetInt64(7, row));
  }
  return groups;
}

}  // namespace tradeagg::agg
