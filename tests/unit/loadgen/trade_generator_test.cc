#include "tradeagg/loadgen/trade_generator.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

#include "tradeagg/domain/isin.h"
#include "tradeagg/domain/trade_validator.h"

namespace tradeagg::loadgen {
namespace {

std::shared_ptr<const TradeUniverse> MakeUniverse(int participants = 20, int instruments = 50) {
  auto universe = TradeUniverse::Make(participants, instruments, {"GBP", "USD", "EUR"}, 42);
  EXPECT_TRUE(universe.ok()) << universe.status().ToString();
  return *universe;
}

TEST(TradeUniverseTest, MembersAreNumberedAndInstrumentsHaveValidUniqueIsins) {
  auto universe = MakeUniverse();
  ASSERT_EQ(universe->participants.size(), 20u);
  EXPECT_EQ(universe->participants.front(), "M001");
  EXPECT_EQ(universe->participants.back(), "M020");
  ASSERT_EQ(universe->instruments.size(), 50u);
  std::set<std::string> isins;
  for (size_t i = 0; i < universe->instruments.size(); ++i) {
    const Instrument& instrument = universe->instruments[i];
    EXPECT_TRUE(domain::IsValidIsin(instrument.isin)) << instrument.isin;
    EXPECT_TRUE(isins.insert(instrument.isin).second) << "duplicate " << instrument.isin;
    EXPECT_EQ(instrument.currency, (std::vector<std::string>{"GBP", "USD", "EUR"})[i % 3]);
    if (instrument.currency == "GBP") {
      EXPECT_EQ(instrument.isin.substr(0, 2), "GB");
    }
    if (instrument.currency == "USD") {
      EXPECT_EQ(instrument.isin.substr(0, 2), "US");
    }
    EXPECT_GE(instrument.decimals, 2);
    EXPECT_LE(instrument.decimals, 4);
    EXPECT_GT(instrument.base_price_ticks, 0);
  }
}

TEST(TradeUniverseTest, WideMemberIdsStayAligned) {
  auto universe = MakeUniverse(1500, 1);
  EXPECT_EQ(universe->participants.front(), "M0001");
  EXPECT_EQ(universe->participants.back(), "M1500");
}

TEST(TradeUniverseTest, RejectsImpossibleCasts) {
  EXPECT_FALSE(TradeUniverse::Make(1, 10, {"GBP"}, 1).ok());  // nobody to trade with
  EXPECT_FALSE(TradeUniverse::Make(2, 0, {"GBP"}, 1).ok());
  EXPECT_FALSE(TradeUniverse::Make(2, 1, {}, 1).ok());
  EXPECT_FALSE(TradeUniverse::Make(2, 1, {"gbp"}, 1).ok());
}

TEST(TradeGeneratorTest, FormatTicksIsExact) {
  EXPECT_EQ(FormatTicks(12345, 2), "123.45");
  EXPECT_EQ(FormatTicks(5, 3), "0.005");
  EXPECT_EQ(FormatTicks(100, 2), "1.00");
  EXPECT_EQ(FormatTicks(7, 0), "7");
  EXPECT_EQ(FormatTicks(123456789, 4), "12345.6789");
}

TEST(TradeGeneratorTest, TradesAreValidAndBetweenTwoDifferentMembers) {
  auto universe = MakeUniverse(2, 5);  // two members: the counterparty is always the other one
  TradeGenerator generator(universe, "RUN-0", 1);
  GeneratedTrade trade;
  std::set<std::string> ids;
  int buys = 0;
  for (int i = 0; i < 10'000; ++i) {
    generator.Next(trade);
    ASSERT_NE(*trade.participant, *trade.counterparty);
    ASSERT_TRUE(domain::IsValidIsin(trade.instrument->isin));
    ASSERT_GE(trade.quantity, 1);
    ASSERT_LE(trade.quantity, 10'000);
    ASSERT_TRUE(ids.insert(trade.trade_id).second) << trade.trade_id;
    ASSERT_TRUE(domain::TradeValidator::IsValidTradeId(trade.trade_id)) << trade.trade_id;
    auto price = Decimal::Parse(trade.price);
    ASSERT_TRUE(price.ok()) << trade.price;
    ASSERT_GT(*price, Decimal());
    ASSERT_LE(price->fractional_digits(), trade.instrument->decimals) << trade.price;
    if (trade.side == domain::Side::kBuy) ++buys;
  }
  EXPECT_EQ(generator.generated(), 10'000u);
  EXPECT_GT(buys, 4'000);  // both sides occur
  EXPECT_LT(buys, 6'000);
}

TEST(TradeGeneratorTest, PricesStayWithinTwoPercentOfTheBase) {
  auto universe = MakeUniverse();
  TradeGenerator generator(universe, "RUN-0", 3);
  GeneratedTrade trade;
  for (int i = 0; i < 5'000; ++i) {
    generator.Next(trade);
    // Compare in the instrument's ticks: strip the decimal point from the exact text.
    std::string digits = trade.price;
    digits.erase(digits.find('.'), 1);
    const int64_t ticks = std::stoll(digits);
    const int64_t base = trade.instrument->base_price_ticks;
    ASSERT_GE(ticks, std::max<int64_t>(1, base - base / 50)) << trade.price;
    ASSERT_LE(ticks, base + base / 50) << trade.price;
    ASSERT_EQ(trade.price.size() - trade.price.find('.') - 1, static_cast<size_t>(trade.instrument->decimals));
  }
}

TEST(TradeGeneratorTest, SameSeedSameTrades) {
  auto universe = MakeUniverse();
  TradeGenerator a(universe, "X", 9);
  TradeGenerator b(universe, "X", 9);
  std::string body_a;
  std::string body_b;
  a.AppendBody(100, body_a);
  b.AppendBody(100, body_b);
  EXPECT_EQ(body_a, body_b);
  TradeGenerator c(universe, "X", 10);
  std::string body_c;
  c.AppendBody(100, body_c);
  EXPECT_NE(body_a, body_c);
}

// Every generated trade passes the service's own validation.
TEST(TradeGeneratorTest, BodiesParseAndPassTheTradeValidator) {
  auto calendar = domain::BusinessCalendar::Create(domain::CalendarConfig{});
  ASSERT_TRUE(calendar.ok()) << calendar.status().ToString();
  domain::TradeValidator validator(domain::ValidatorConfig{}, *calendar);
  auto universe = MakeUniverse();

  for (TradeTimeMode mode : {TradeTimeMode::kOmit, TradeTimeMode::kNow}) {
    TradeGenerator generator(universe, "LGABC.12-7", 5, mode);
    std::string single;
    generator.AppendBody(1, single);
    std::string batch;
    generator.AppendBody(500, batch);

    simdjson::dom::parser parser;
    simdjson::dom::element document;
    ASSERT_FALSE(parser.parse(single).get(document)) << single;
    ASSERT_TRUE(document.is_object()) << single;
    std::vector<simdjson::dom::object> trades{document.get_object().value()};
    simdjson::dom::parser batch_parser;
    simdjson::dom::element batch_document;
    ASSERT_FALSE(batch_parser.parse(batch).get(batch_document));
    ASSERT_TRUE(batch_document.is_array());
    for (simdjson::dom::element element : batch_document.get_array()) trades.push_back(element.get_object().value());
    ASSERT_EQ(trades.size(), 501u);

    for (simdjson::dom::object object : trades) {
      domain::TradeDraft draft;
      for (auto field : object) {
        std::string value;
        if (field.value.is_string()) {
          value = std::string(field.value.get_string().value());
        } else {
          value = std::to_string(field.value.get_int64().value());
        }
        const std::string_view key = field.key;
        if (key == "trade_id") draft.trade_id = value;
        else if (key == "participant") draft.participant = value;
        else if (key == "counterparty") draft.counterparty = value;
        else if (key == "instrument") draft.instrument = value;
        else if (key == "side") draft.side = value;
        else if (key == "quantity") draft.quantity = value;
        else if (key == "price") draft.price = value;
        else if (key == "currency") draft.currency = value;
        else if (key == "trade_time") draft.trade_time = value;
        else FAIL() << "unexpected field " << key;
      }
      EXPECT_EQ(draft.trade_time.has_value(), mode == TradeTimeMode::kNow);
      auto result = validator.Validate(draft, Timestamp::Now());
      ASSERT_TRUE(std::holds_alternative<domain::Trade>(result))
          << simdjson::to_string(object) << ": " << std::get<1>(result).front().field << " "
          << std::get<1>(result).front().message;
      const auto& trade = std::get<domain::Trade>(result);
      EXPECT_NE(trade.participant, trade.counterparty);
      EXPECT_TRUE(domain::IsValidIsin(trade.instrument));
    }
  }
}

}  // namespace
}  // namespace tradeagg::loadgen
