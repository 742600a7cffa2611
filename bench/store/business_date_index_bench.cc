// What keeping each business date's trade totals (issue 8: late trades, stale eod runs) costs
// the ingest hot path.
//
// The store's Append is the durability point of every acknowledged trade: one SQLite
// transaction (WAL, synchronous=FULL) per group commit. This appends the same trades, in groups
// of --group trades, to three stores side by side in one run:
//   baseline   no date bookkeeping at all (SqliteTradeStoreOptions::maintain_date_totals off);
//   totals     the store as shipped: trade_dates, one upsert per commit and business date;
//   index      the alternative it replaced: the totals plus a per-trade index on
//              (business_date, seq), which answers "trades of a date after a seq" directly.
// Rounds rotate which store goes first, so that a machine that slows down or speeds up during
// the run affects all alike; the figures to read are the ratios to the baseline.
//
// Usage: tradeagg_store_bench [--trades N] [--group N] [--rounds N] [--dir DIR]
#include <algorithm>
#include <array>
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

[[noreturn]] void Die(const std::string& what, const tradeagg::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), status.ToString().c_str());
  std::exit(1);
}

// A day's trades as the pipeline hands them over: one business date, 50 members, 90
// instruments, 1 % of them late (a previous date), as late reports are.
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

struct Variant {
  const char* name;
  bool totals;
  bool index;
  std::unique_ptr<SqliteTradeStore> store;
  double sum = 0;
};

void Open(Variant& v, const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / (std::string(v.name) + ".db");
  if (v.index) {  // created before the store opens, so that its statements know it
    auto created = SqliteTradeStore::Open(path);
    if (!created.ok()) Die("open " + path.string(), created.status());
    created->reset();
    auto db = tradeagg::store::SqliteDb::Open(path, tradeagg::store::SqliteDb::Mode::kReadWriteCreate, 5000);
    tradeagg::Status made = db.ok() ? db->Exec("CREATE INDEX trades_by_business_date ON trades (business_date)")
                                    : db.status();
    if (!made.ok()) Die("index " + path.string(), made);
  }
  tradeagg::store::SqliteTradeStoreOptions options;
  options.maintain_date_totals = v.totals;
  auto store = SqliteTradeStore::Open(path, options);
  if (!store.ok()) Die("open " + path.string(), store.status());
  v.store = std::move(store).value();
}

// Trades [first, first + count) in groups, made before the clock starts.
std::vector<AppendRequest> MakeGroups(int64_t first, int64_t count, int64_t group, Date today) {
  std::vector<AppendRequest> groups;
  for (int64_t n = first; n < first + count; n += group) {
    AppendRequest& request = groups.emplace_back();
    for (int64_t i = n; i < std::min(n + group, first + count); ++i) request.trades.push_back(MakeTrade(i, today));
  }
  return groups;
}

// Appends the groups, one Append (one transaction, one fsync) each; returns trades per second.
double AppendRound(SqliteTradeStore& store, std::vector<AppendRequest> groups) {
  int64_t trades = 0;
  const auto start = std::chrono::steady_clock::now();
  for (AppendRequest& request : groups) {
    AppendRequest* requests[] = {&request};
    tradeagg::Status status = store.Append(requests);
    if (!status.ok()) Die("append", status);
    trades += static_cast<int64_t>(request.trades.size());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(trades) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  std::filesystem::remove_all(flags.dir);
  std::filesystem::create_directories(flags.dir);
  std::array<Variant, 3> variants = {{{"baseline", false, false, nullptr},
                                      {"totals", true, false, nullptr},
                                      {"index", true, true, nullptr}}};
  for (Variant& v : variants) Open(v, flags.dir);
  const Date today = Date::FromCivil(2026, 12, 1);

  std::printf("| round | baseline (trades/s) | trade_dates, as shipped (trades/s) | ratio | with a per-trade index too "
              "(trades/s) | ratio |\n| --- | --- | --- | --- | --- | --- |\n");
  for (int round = 0; round < flags.rounds; ++round) {
    const std::vector<AppendRequest> groups = MakeGroups(round * flags.trades, flags.trades, flags.group, today);
    std::array<double, 3> rate{};
    for (size_t k = 0; k < variants.size(); ++k) {  // round r starts with variant r mod 3
      const size_t i = (k + static_cast<size_t>(round)) % variants.size();
      rate[i] = AppendRound(*variants[i].store, groups);
      variants[i].sum += rate[i];
    }
    std::printf("| %d | %.0f | %.0f | %.3f | %.0f | %.3f |\n", round + 1, rate[0], rate[1], rate[1] / rate[0], rate[2],
                rate[2] / rate[0]);
    std::fflush(stdout);
  }
  const double n = flags.rounds;
  std::printf("| mean | %.0f | %.0f | %.3f | %.0f | %.3f |\n", variants[0].sum / n, variants[1].sum / n,
              variants[1].sum / variants[0].sum, variants[2].sum / n, variants[2].sum / variants[0].sum);
  for (Variant& v : variants) v.store.reset();
  std::filesystem::remove_all(flags.dir);
  return 0;
}
