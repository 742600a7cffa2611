#include "tradeagg/book/position_book.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace tradeagg::book {
namespace {

using domain::Direction;
using domain::Side;
using domain::Trade;

const Date kDay1 = Date::FromCivil(2026, 11, 24);
const Date kDay2 = Date::FromCivil(2026, 11, 25);
constexpr const char* kApple = "US0378331005";
constexpr const char* kBp = "GB0007980591";

Decimal D(std::string_view text) {
  Result<Decimal> d = Decimal::Parse(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Decimal();
}

// Builds a committed trade: notional = quantity x price, as the validator guarantees.
Trade MakeTrade(int64_t seq, std::string participant, std::string instrument, Side side,
                int64_t quantity, std::string_view price, std::string currency = "USD",
                Date date = kDay1) {
  Trade t;
  t.seq = seq;
  t.trade_id = "T" + std::to_string(seq);
  t.participant = std::move(participant);
  t.counterparty = "CPTY";
  t.instrument = std::move(instrument);
  t.side = side;
  t.quantity = quantity;
  t.price = D(price);
  t.notional = t.price * quantity;
  t.currency = std::move(currency);
  t.business_date = date;
  return t;
}

// PositionQuery has optional members without initializers; -Wextra wants them all named.
PositionQuery At(Date date, std::optional<std::string> participant = std::nullopt,
                 std::optional<std::string> instrument = std::nullopt) {
  PositionQuery query;
  query.business_date = date;
  query.participant = std::move(participant);
  query.instrument = std::move(instrument);
  return query;
}

// int128 has no stream operator, so compare quantities through int64 (they are small here).
int64_t Q(int128 value) { return static_cast<int64_t>(value); }

std::vector<std::string> Keys(const PositionSnapshot& snapshot) {
  std::vector<std::string> keys;
  for (const Position& p : snapshot.positions) {
    keys.push_back(p.participant + "/" + p.instrument + "/" + p.currency);
  }
  return keys;
}

TEST(PositionBookTest, EmptyBook) {
  PositionBook book;
  EXPECT_EQ(book.watermark(), 0);
  PositionSnapshot snapshot = book.Query(At(kDay1));
  EXPECT_TRUE(snapshot.positions.empty());
  EXPECT_TRUE(snapshot.totals.empty());
  EXPECT_EQ(snapshot.watermark, 0);
}

TEST(PositionBookTest, AggregatesPerDateParticipantInstrumentCurrency) {
  PositionBook book;
  book.Apply(MakeTrade(1, "ALPHA", kApple, Side::kBuy, 100, "10.5"));
  book.Apply(MakeTrade(2, "ALPHA", kApple, Side::kBuy, 50, "11"));
  book.Apply(MakeTrade(3, "ALPHA", kApple, Side::kSell, 30, "12.25"));
  book.Apply(MakeTrade(4, "ALPHA", kApple, Side::kBuy, 10, "9", "EUR"));
  book.Apply(MakeTrade(5, "BETA", kApple, Side::kSell, 100, "10.5"));
  book.Apply(MakeTrade(6, "ALPHA", kApple, Side::kBuy, 1, "1", "USD", kDay2));

  PositionSnapshot snapshot = book.Query(At(kDay1));
  EXPECT_EQ(snapshot.watermark, 6);
  ASSERT_EQ(Keys(snapshot),
            (std::vector<std::string>{std::string("ALPHA/") + kApple + "/EUR",
                                      std::string("ALPHA/") + kApple + "/USD",
                                      std::string("BETA/") + kApple + "/USD"}));
  const Position& usd = snapshot.positions[1];
  EXPECT_EQ(usd.business_date, kDay1);
  EXPECT_EQ(Q(usd.totals.buy_quantity), 150);
  EXPECT_EQ(Q(usd.totals.sell_quantity), 30);
  EXPECT_EQ(usd.totals.buy_notional.ToString(), "1600");  // 1050 + 550
  EXPECT_EQ(usd.totals.sell_notional.ToString(), "367.5");
  EXPECT_EQ(usd.totals.trade_count, 3);
  EXPECT_EQ(Q(usd.totals.net_quantity()), 120);
  EXPECT_EQ(usd.totals.net_notional().ToString(), "1232.5");
  EXPECT_EQ(usd.totals.gross_notional().ToString(), "1967.5");
  EXPECT_EQ(usd.totals.buy_vwap()->ToString(), "10.66666667");  // 1600 / 150, half even
  EXPECT_EQ(usd.totals.sell_vwap()->ToString(), "12.25");

  PositionSnapshot day2 = book.Query(At(kDay2));
  ASSERT_EQ(day2.positions.size(), 1u);
  EXPECT_EQ(day2.positions[0].business_date, kDay2);
  EXPECT_EQ(day2.positions[0].totals.trade_count, 1);
  EXPECT_TRUE(book.Query(At(Date::FromCivil(2026, 11, 26))).positions.empty());
}

TEST(PositionBookTest, FiltersByParticipantAndInstrument) {
  PositionBook book;
  // "AL" sorts before "ALPHA", which is a prefix trap for a range lookup by participant.
  book.Apply(MakeTrade(1, "ALPHA", kApple, Side::kBuy, 1, "1"));
  book.Apply(MakeTrade(2, "ALPHA", kBp, Side::kBuy, 2, "1", "GBP"));
  book.Apply(MakeTrade(3, "AL", kApple, Side::kBuy, 3, "1"));
  book.Apply(MakeTrade(4, "ALPHAB", kApple, Side::kBuy, 4, "1"));
  book.Apply(MakeTrade(5, "BETA", kBp, Side::kSell, 5, "1", "GBP"));

  EXPECT_EQ(Keys(book.Query(At(kDay1, "ALPHA"))),
            (std::vector<std::string>{std::string("ALPHA/") + kBp + "/GBP",
                                      std::string("ALPHA/") + kApple + "/USD"}));
  EXPECT_EQ(Keys(book.Query(At(kDay1, "AL"))),
            (std::vector<std::string>{std::string("AL/") + kApple + "/USD"}));
  EXPECT_EQ(Keys(book.Query(At(kDay1, std::nullopt, kBp))),
            (std::vector<std::string>{std::string("ALPHA/") + kBp + "/GBP",
                                      std::string("BETA/") + kBp + "/GBP"}));
  EXPECT_EQ(Keys(book.Query(At(kDay1, "ALPHA", kApple))),
            (std::vector<std::string>{std::string("ALPHA/") + kApple + "/USD"}));
  EXPECT_TRUE(book.Query(At(kDay1, "ALP")).positions.empty());
  EXPECT_TRUE(book.Query(At(kDay1, "ZETA")).positions.empty());
  EXPECT_TRUE(book.Query(At(kDay1, "BETA", kApple)).positions.empty());
  EXPECT_EQ(book.Query(At(kDay1)).positions.size(), 5u);
}

TEST(PositionBookTest, TotalsPerParticipantAndCurrency) {
  PositionBook book;
  book.Apply(MakeTrade(1, "ALPHA", kApple, Side::kBuy, 10, "2"));         // USD +10, 20
  book.Apply(MakeTrade(2, "ALPHA", kBp, Side::kSell, 4, "3", "USD"));     // USD -4, 12
  book.Apply(MakeTrade(3, "ALPHA", kBp, Side::kBuy, 7, "1.5", "GBP"));    // GBP +7, 10.5
  book.Apply(MakeTrade(4, "BETA", kApple, Side::kSell, 10, "2"));         // USD -10, 20

  PositionSnapshot snapshot = book.Query(At(kDay1));
  ASSERT_EQ(snapshot.totals.size(), 3u);
  const ParticipantTotal& alpha_gbp = snapshot.totals[0];
  EXPECT_EQ(alpha_gbp.participant, "ALPHA");
  EXPECT_EQ(alpha_gbp.currency, "GBP");
  EXPECT_EQ(alpha_gbp.business_date, kDay1);
  EXPECT_EQ(Q(alpha_gbp.totals.net_quantity()), 7);
  EXPECT_EQ(alpha_gbp.totals.buy_notional.ToString(), "10.5");

  const ParticipantTotal& alpha_usd = snapshot.totals[1];
  EXPECT_EQ(alpha_usd.participant, "ALPHA");
  EXPECT_EQ(alpha_usd.currency, "USD");
  EXPECT_EQ(Q(alpha_usd.totals.buy_quantity), 10);
  EXPECT_EQ(Q(alpha_usd.totals.sell_quantity), 4);
  EXPECT_EQ(alpha_usd.totals.net_notional().ToString(), "8");
  EXPECT_EQ(alpha_usd.totals.gross_notional().ToString(), "32");
  EXPECT_EQ(alpha_usd.totals.trade_count, 2);
  EXPECT_EQ(alpha_usd.totals.buy_trades, 1);
  EXPECT_EQ(alpha_usd.totals.sell_trades, 1);
  EXPECT_EQ(alpha_usd.totals.notional_direction(), Direction::kLong);

  const ParticipantTotal& beta_usd = snapshot.totals[2];
  EXPECT_EQ(beta_usd.participant, "BETA");
  EXPECT_EQ(Q(beta_usd.totals.net_quantity()), -10);
  EXPECT_EQ(beta_usd.totals.direction(), Direction::kShort);

  // Totals follow the filters: with an instrument filter they cover the matching positions only.
  PositionSnapshot filtered = book.Query(At(kDay1, "ALPHA", kBp));
  ASSERT_EQ(filtered.totals.size(), 2u);
  EXPECT_EQ(filtered.totals[0].currency, "GBP");
  EXPECT_EQ(filtered.totals[1].currency, "USD");
  EXPECT_EQ(Q(filtered.totals[1].totals.net_quantity()), -4);

  // The sum of the positions equals the totals, digit for digit.
  domain::ExposureTotals sum;
  for (const Position& p : snapshot.positions) {
    if (p.participant == "ALPHA" && p.currency == "USD") sum.Merge(p.totals);
  }
  EXPECT_TRUE(sum == alpha_usd.totals);
}

// The case: long by the summed shares of two stocks, short in money.
TEST(PositionBookTest, ATotalAcrossInstrumentsIsShortWhenItsNetNotionalIs) {
  PositionBook book;
  book.Apply(MakeTrade(1, "M016", kBp, Side::kBuy, 1000, "1", "GBP"));
  book.Apply(MakeTrade(2, "M016", kApple, Side::kSell, 10, "500", "GBP"));
  PositionSnapshot snapshot = book.Query(At(kDay1));
  ASSERT_EQ(snapshot.positions.size(), 2u);
  EXPECT_EQ(snapshot.positions[0].instrument, kBp);
  EXPECT_EQ(snapshot.positions[0].totals.direction(), Direction::kLong);
  EXPECT_EQ(snapshot.positions[1].totals.direction(), Direction::kShort);
  ASSERT_EQ(snapshot.totals.size(), 1u);
  const domain::ExposureTotals& total = snapshot.totals[0].totals;
  EXPECT_EQ(total.net_notional().ToString(), "-4000");
  EXPECT_EQ(total.notional_direction(), Direction::kShort);
  EXPECT_EQ(total.buy_trades, 1);
  EXPECT_EQ(total.sell_trades, 1);
}

TEST(PositionBookTest, LongShortFlat) {
  PositionBook book;
  book.Apply(MakeTrade(1, "ALPHA", kApple, Side::kBuy, 100, "10"));
  auto direction = [&] { return book.Query(At(kDay1)).positions.at(0).totals.direction(); };
  EXPECT_EQ(direction(), Direction::kLong);
  book.Apply(MakeTrade(2, "ALPHA", kApple, Side::kSell, 100, "11"));
  EXPECT_EQ(direction(), Direction::kFlat);
  // Flat in quantity is not flat in money: the round trip made 100.
  PositionSnapshot flat = book.Query(At(kDay1));
  EXPECT_EQ(flat.positions[0].totals.net_notional().ToString(), "-100");
  EXPECT_EQ(flat.totals[0].totals.direction(), Direction::kFlat);
  EXPECT_EQ(flat.totals[0].totals.notional_direction(), Direction::kShort);  // what a total shows
  book.Apply(MakeTrade(3, "ALPHA", kApple, Side::kSell, 1, "11"));
  EXPECT_EQ(direction(), Direction::kShort);
  EXPECT_EQ(Q(book.Query(At(kDay1)).positions[0].totals.net_quantity()), -1);
}

TEST(PositionBookTest, WatermarkIgnoresReplayedAndUncommittedTrades) {
  PositionBook book;
  book.Apply(MakeTrade(1, "ALPHA", kApple, Side::kBuy, 10, "1"));
  book.Apply(MakeTrade(2, "ALPHA", kApple, Side::kBuy, 20, "1"));
  EXPECT_EQ(book.watermark(), 2);

  // Replaying an overlapping range (rebuild from the store after a restart) counts nothing twice.
  book.Apply(MakeTrade(1, "ALPHA", kApple, Side::kBuy, 10, "1"));
  book.Apply(MakeTrade(2, "ALPHA", kApple, Side::kBuy, 20, "1"));
  book.Apply(MakeTrade(3, "ALPHA", kApple, Side::kBuy, 30, "1"));
  EXPECT_EQ(book.watermark(), 3);
  // A trade without a seq was never committed and must not show.
  book.Apply(MakeTrade(0, "ALPHA", kApple, Side::kBuy, 1000, "1"));
  // A gap in seqs (a rolled-back request elsewhere) is fine; going back is not.
  book.Apply(MakeTrade(7, "ALPHA", kApple, Side::kBuy, 40, "1"));
  book.Apply(MakeTrade(5, "ALPHA", kApple, Side::kBuy, 1000, "1"));
  EXPECT_EQ(book.watermark(), 7);

  PositionSnapshot snapshot = book.Query(At(kDay1));
  EXPECT_EQ(snapshot.watermark, 7);
  ASSERT_EQ(snapshot.positions.size(), 1u);
  EXPECT_EQ(Q(snapshot.positions[0].totals.buy_quantity), 100);
  EXPECT_EQ(snapshot.positions[0].totals.trade_count, 4);
}

TEST(PositionBookTest, WatermarkIsGlobalAcrossDates) {
  PositionBook book;
  book.Apply(MakeTrade(1, "ALPHA", kApple, Side::kBuy, 1, "1", "USD", kDay2));
  book.Apply(MakeTrade(2, "ALPHA", kApple, Side::kBuy, 1, "1", "USD", kDay1));  // a late trade
  EXPECT_EQ(book.Query(At(kDay1)).watermark, 2);
  EXPECT_EQ(book.Query(At(kDay1)).positions.size(), 1u);
  EXPECT_EQ(book.Query(At(kDay2)).positions.size(), 1u);
}

TEST(PositionBookTest, QueriesRunWhileTradesApply) {
  PositionBook book;
  constexpr int kTrades = 5000;
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::thread writer([&] {
    for (int seq = 1; seq <= kTrades; ++seq) {
      book.Apply(MakeTrade(seq, seq % 2 ? "ALPHA" : "BETA", kApple, seq % 3 ? Side::kBuy : Side::kSell, 1, "1"));
    }
    done = true;
  });
  std::thread reader([&] {
    while (!done) {
      PositionSnapshot s = book.Query(At(kDay1));
      int64_t count = 0;
      for (const Position& p : s.positions) count += p.totals.trade_count;
      if (count != s.watermark) ++errors;  // a consistent cut: exactly the trades up to the watermark
    }
  });
  writer.join();
  reader.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(book.watermark(), kTrades);
}

}  // namespace
}  // namespace tradeagg::book
