#include "tradeagg/agg/reconciler.h"

#include <optional>
#include <string>
#include <tuple>

namespace tradeagg::agg {

namespace {

using domain::ExposureLevel;
using domain::ExposureRow;
using domain::ExposureTotals;

auto RowKey(const ExposureRow& row) { return std::tie(row.level, row.participant, row.key, row.currency); }

class DifferenceLog {
 public:
  DifferenceLog(size_t max_recorded, Reconciliation& out) : max_(max_recorded), out_(out) {}

  // Compares one row present in the lake and/or the book.
  void Compare(const ExposureRow& where, const ExposureTotals* lake, const ExposureTotals* book) {
    Field(where, "buy_quantity", lake, book, [](const ExposureTotals& t) { return Int128ToString(t.buy_quantity); });
    Field(where, "sell_quantity", lake, book, [](const ExposureTotals& t) { return Int128ToString(t.sell_quantity); });
    Field(where, "buy_notional", lake, book, [](const ExposureTotals& t) { return t.buy_notional.ToString(); });
    Field(where, "sell_notional", lake, book, [](const ExposureTotals& t) { return t.sell_notional.ToString(); });
    Field(where, "trade_count", lake, book, [](const ExposureTotals& t) { return std::to_string(t.trade_count); });
    Field(where, "buy_trades", lake, book, [](const ExposureTotals& t) { return std::to_string(t.buy_trades); });
    Field(where, "sell_trades", lake, book, [](const ExposureTotals& t) { return std::to_string(t.sell_trades); });
  }

 private:
  template <typename Text>
  void Field(const ExposureRow& where, const char* field, const ExposureTotals* lake, const ExposureTotals* book,
             Text text) {
    std::string lake_value = lake ? text(*lake) : "";
    std::string book_value = book ? text(*book) : "";
    if (lake && book && lake_value == book_value) return;
    ++out_.difference_count;
    if (out_.differences.size() >= max_) return;
    out_.differences.push_back({where.level, where.participant, where.key, where.currency, field,
                                std::move(lake_value), std::move(book_value)});
  }

  size_t max_;
  Reconciliation& out_;
};

}  // namespace

Reconciliation Reconcile(const ExposureSet& lake, const ExposureSet& book, size_t max_recorded) {
  Reconciliation result;
  DifferenceLog log(max_recorded, result);
  const auto& a = lake.rows();
  const auto& b = book.rows();
  size_t i = 0;
  size_t j = 0;
  auto compared = [](const ExposureRow& row) { return row.level != ExposureLevel::kReporting; };
  // Both are sorted by (level, participant, key, currency): walk them side by side.
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && !compared(a[i])) { ++i; continue; }
    if (j < b.size() && !compared(b[j])) { ++j; continue; }
    if (j == b.size() || (i < a.size() && RowKey(a[i]) < RowKey(b[j]))) {
      log.Compare(a[i], &a[i].totals, nullptr);
      ++i;
    } else if (i == a.size() || RowKey(b[j]) < RowKey(a[i])) {
      log.Compare(b[j], nullptr, &b[j].totals);
      ++j;
    } else {
      log.Compare(a[i], &a[i].totals, &b[j].totals);
      ++i;
      ++j;
    }
  }
  return result;
}

}  // namespace tradeagg::agg
