// What the trades_by_business_date index costs the ingest hot path (issue 8: late trades).
//
// The store's Append is the durability point of every acknowledged trade: one SQLite
// transaction (WAL, synchronous=FULL) per group commit. This appends the same trades, in groups
// of --group trades, to two stores side by side in one run: one as the schema makes it (with
// the index on (business_date, seq)) and one with the index dropped, the baseline. Rounds
// alternate between the two so that a machine that slows down or speeds up during the run
// affects both alike; the figure to read is the ratio.
//
// Usage: tradeagg_store_bench [--trades N] [--group N] [--rounds N] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/store/sqlite/sqlite_db.h"
#include "tradeagg/store/sqlite/sqlite_trade_store.h"

namespace {

using tradeagg::Date;
using tradeagg::Decimal;
using tradeagg::Timestamp;
using tradeagg::store::AppendRequest;
using tradeagg::store::SqliteTradeStore;

struct Flags {
  int64_t trades = 400'000;  // per round and store
  int64_t group = 4'000;     // trades per Append: one group commit
  int rounds = 3;
  std::filesystem::path dir;
};

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view name = argv[i];
    const char* value = argv[i + 1];
    if (name == "--trades") flags.trades = std::atoll(value);
    else if (name == "--group") flags.group = std::atoll(value);
    else if (name == "--rounds") flags.rounds = std::atoi(value);
    else if (name == "--dir") flags.dir = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      std::exit(2);
    }
  }
  if (flags.dir.empty()) flags.dir = std::filesystem::temp_directory_path() / "tradeagg-store-bench";
  return flags;
}

// A day's trades as the pipeline hands them over: one business date, most of 50 members and
// 200 instruments, 1 % of them late (a previous date), as late reports are.
tradeagg::domain::Trade MakeTrade(int64_t n, Date today) {
  static const std::string kMembers[] = {"M001", "M002", "M003", "M004", "M005"};
  tradeagg::domain::Trade t;
  t.trade_id = "B" + std::to_string(n);
  t.participant = "M" + std::to_string(100 + n % 50);
  t.counterparty = kMembers[n % 5];
  t.instrument = "GB00B03MLX" + std::to_string(10 + n % 90);
  t.side = n % 2 ? tradeagg::domain::Side::kBuy : tradeagg::domain::Side::kSell;
  t.quantity = 1 + n * 7 % 10'000;
  t.price = Decimal::FromUnits(tradeagg::int128{10'000'000'000} + n % 9973 * 1'000'000);
  t.notional = t.price * t.quantity;
  t.currency = "GBP";
  t.business_date = n % 100 == 0 ? Date::FromDays(today.days() - 1 - n % 5) : today;
  t.trade_time = Timestamp::FromMicros(int64_t{t.business_date.days()} * 86'400'000'000 + 36'000'000'000 + n);
  t.received_at = t.trade_time;
  return t;
}

std::unique_ptr<SqliteTradeStore> OpenStore(const std::filesystem::path& path, bool with_index) {
  auto store = SqliteTradeStore::Open(path);
  if (!store.ok()) {
    std::fprintf(stderr, "open %s: %s\n", path.c_str(), store.status().ToString().c_str());
    std::exit(1);
  }
  if (!with_index) {
    // The baseline: the schema before the index, dropped from another connection while the
    // store stays open (its statements recompile on the schema change; reopening would fail,
    // since the store prepares its business-date query with INDEXED BY).
    auto db = tradeagg::store::SqliteDb::Open(path, tradeagg::store::SqliteDb::Mode::kReadWriteCreate, 5000);
    tradeagg::Status dropped = db.ok() ? db->Exec("DROP INDEX trades_by_business_date") : db.status();
    if (!dropped.ok()) {
      std::fprintf(stderr, "drop the index in %s: %s\n", path.c_str(), dropped.ToString().c_str());
      std::exit(1);
    }
  }
  return std::move(store).value();
}

// Appends trades [first, first + count) in groups; returns trades per second.
double AppendRound(SqliteTradeStore& store, int64_t first, int64_t count, int64_t group, Date today) {
  const auto start = std::chrono::steady_clock::now();
  for (int64_t n = first; n < first + count; n += group) {
    AppendRequest request;
    for (int64_t i = n; i < std::min(n + group, first + count); ++i) request.trades.push_back(MakeTrade(i, today));
    AppendRequest* requests[] = {&request};
    tradeagg::Status status = store.Append(requests);
    if (!status.ok()) {
      std::fprintf(stderr, "append: %s\n", status.ToString().c_str());
      std::exit(1);
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(count) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  std::filesystem::remove_all(flags.dir);
  std::filesystem::create_directories(flags.dir);
  auto indexed = OpenStore(flags.dir / "indexed.db", true);
  auto baseline = OpenStore(flags.dir / "baseline.db", false);
  const Date today = Date::FromCivil(2026, 12, 1);

  std::printf("| round | with the index (trades/s) | without (trades/s) | ratio |\n| --- | --- | --- | --- |\n");
  double sum_indexed = 0;
  double sum_baseline = 0;
  for (int round = 0; round < flags.rounds; ++round) {
    const int64_t first = round * flags.trades;
    // Alternate which store goes first, so neither always gets the warmer machine.
    double a = 0;
    double b = 0;
    if (round % 2 == 0) {
      a = AppendRound(*indexed, first, flags.trades, flags.group, today);
      b = AppendRound(*baseline, first, flags.trades, flags.group, today);
    } else {
      b = AppendRound(*baseline, first, flags.trades, flags.group, today);
      a = AppendRound(*indexed, first, flags.trades, flags.group, today);
    }
    sum_indexed += a;
    sum_baseline += b;
    std::printf("| %d | %.0f | %.0f | %.3f |\n", round + 1, a, b, a / b);
    std::fflush(stdout);
  }
  std::printf("| mean | %.0f | %.0f | %.3f |\n", sum_indexed / flags.rounds, sum_baseline / flags.rounds,
              sum_indexed / sum_baseline);
  indexed.reset();
  baseline.reset();
  // Which store had the index, read from the files themselves.
  for (const char* name : {"indexed.db", "baseline.db"}) {
    auto db = tradeagg::store::SqliteDb::Open(flags.dir / name, tradeagg::store::SqliteDb::Mode::kReadOnly, 5000);
    auto count = db.ok() ? db->QueryInt64("SELECT COUNT(*) FROM sqlite_master WHERE name = 'trades_by_business_date'")
                         : tradeagg::Result<int64_t>(db.status());
    std::printf("%s: trades_by_business_date %s\n", name, count.ok() && *count == 1 ? "present" : "absent");
  }
  std::filesystem::remove_all(flags.dir);
  return 0;
}
