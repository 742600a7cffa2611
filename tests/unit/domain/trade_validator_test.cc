#include "tradeagg/domain/trade_validator.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace tradeagg::domain {
namespace {

Timestamp T(std::string_view rfc3339) { return *Timestamp::Parse(rfc3339); }

// Tuesday 2026-11-24, 09:30 in London (GMT).
const Timestamp kReceivedAt = T("2026-11-24T09:30:00Z");

TradeDraft GoodDraft() {
  TradeDraft d;
  d.trade_id = "T-0001";
  d.participant = "MEMBER_A";
  d.counterparty = "MEMBER-B";
  d.instrument = "GB0002634946";
  d.side = "BUY";
  d.quantity = "100";
  d.price = "101.25";
  d.currency = "GBP";
  d.trade_time = "2026-11-24T09:29:59.123456Z";
  return d;
}

class TradeValidatorTest : public ::testing::Test {
 protected:
  TradeValidatorTest() : validator_(ValidatorConfig{}, *BusinessCalendar::Create({})) {}

  Trade Valid(const TradeDraft& draft) {
    ValidationResult result = validator_.Validate(draft, kReceivedAt);
    if (auto* errors = std::get_if<std::vector<FieldError>>(&result)) {
      for (const FieldError& e : *errors) ADD_FAILURE() << e.field << ": " << e.message;
      return {};
    }
    return std::get<Trade>(result);
  }

  std::vector<FieldError> Errors(const TradeDraft& draft) {
    ValidationResult result = validator_.Validate(draft, kReceivedAt);
    if (std::holds_alternative<Trade>(result)) {
      ADD_FAILURE() << "expected field errors, got a trade";
      return {};
    }
    return std::get<std::vector<FieldError>>(result);
  }

  // The only error is on `field`; returns its message.
  std::string OnlyError(const TradeDraft& draft, std::string_view field) {
    std::vector<FieldError> errors = Errors(draft);
    EXPECT_EQ(errors.size(), 1u);
    if (errors.empty()) return "";
    EXPECT_EQ(errors[0].field, field) << errors[0].message;
    return errors[0].message;
  }

  TradeValidator validator_;
};

bool Contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

TEST_F(TradeValidatorTest, AcceptsAGoodTrade) {
  Trade t = Valid(GoodDraft());
  EXPECT_EQ(t.trade_id, "T-0001");
  EXPECT_EQ(t.participant, "MEMBER_A");
  EXPECT_EQ(t.counterparty, "MEMBER-B");
  EXPECT_EQ(t.instrument, "GB0002634946");
  EXPECT_EQ(t.side, Side::kBuy);
  EXPECT_EQ(t.quantity, 100);
  EXPECT_EQ(t.price.ToString(), "101.25");
  EXPECT_EQ(t.notional.ToString(), "10125");
  EXPECT_EQ(t.currency, "GBP");
  EXPECT_EQ(t.trade_time, T("2026-11-24T09:29:59.123456Z"));
  EXPECT_EQ(t.received_at, kReceivedAt);
  EXPECT_EQ(t.business_date.ToString(), "2026-11-24");
  EXPECT_FALSE(t.trade_time_defaulted);
  EXPECT_EQ(t.seq, 0);
}

TEST_F(TradeValidatorTest, SellSide) {
  TradeDraft d = GoodDraft();
  d.side = "SELL";
  EXPECT_EQ(Valid(d).side, Side::kSell);
}

TEST_F(TradeValidatorTest, SideMustBeExactlyBuyOrSell) {
  for (const char* side : {"buy", "Sell", "B", "", " BUY", "SHORT"}) {
    TradeDraft d = GoodDraft();
    d.side = side;
    EXPECT_EQ(OnlyError(d, "side"), "must be BUY or SELL") << side;
  }
}

TEST_F(TradeValidatorTest, EveryRequiredFieldIsReportedAtOnce) {
  std::vector<FieldError> errors = Errors(TradeDraft{});
  std::vector<std::string> fields;
  for (const FieldError& e : errors) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"trade_id", "participant", "counterparty", "instrument", "side",
                                              "quantity", "price", "currency"}));
  for (const FieldError& e : errors) {
    if (e.field == "price") {
      EXPECT_EQ(e.message, "price or notional is required");
    } else {
      EXPECT_EQ(e.message, "is required") << e.field;
    }
  }
}

TEST_F(TradeValidatorTest, SeveralDifferentErrorsAtOnce) {
  TradeDraft d = GoodDraft();
  d.trade_id = "has space";
  d.instrument = "GB0002634947";
  d.quantity = "10.0";
  d.price = "-1";
  d.currency = "JPY";
  d.trade_time = "yesterday";
  std::vector<FieldError> errors = Errors(d);
  std::vector<std::string> fields;
  for (const FieldError& e : errors) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"trade_id", "instrument", "quantity", "price", "currency",
                                              "trade_time"}));
}

TEST_F(TradeValidatorTest, TradeIdRules) {
  for (const char* ok : {"a", "A.b_c:d-9", "2026-11-24:XLON.000123"}) {
    TradeDraft d = GoodDraft();
    d.trade_id = ok;
    EXPECT_EQ(Valid(d).trade_id, ok);
  }
  TradeDraft longest = GoodDraft();
  longest.trade_id = std::string(64, 'x');
  EXPECT_EQ(Valid(longest).trade_id.size(), 64u);
  for (std::string bad : {std::string(""), std::string(65, 'x'), std::string("a b"), std::string("a/b"),
                          std::string("caf\xc3\xa9"), std::string("a\nb"), std::string("id#1")}) {
    TradeDraft d = GoodDraft();
    d.trade_id = bad;
    EXPECT_EQ(OnlyError(d, "trade_id"), "must be 1-64 characters of A-Z a-z 0-9 . _ : -") << bad;
  }
  EXPECT_TRUE(TradeValidator::IsValidTradeId("x.y"));
  EXPECT_FALSE(TradeValidator::IsValidTradeId(""));
}

TEST_F(TradeValidatorTest, MemberIdRules) {
  for (const char* field : {"participant", "counterparty"}) {
    for (std::string bad : {std::string(""), std::string(33, 'M'), std::string("M.1"), std::string("M:1"),
                            std::string("M 1")}) {
      TradeDraft d = GoodDraft();
      (std::string_view(field) == "participant" ? d.participant : d.counterparty) = bad;
      EXPECT_EQ(OnlyError(d, field), "must be 1-32 characters of A-Z a-z 0-9 _ -") << field << " " << bad;
    }
  }
  TradeDraft longest = GoodDraft();
  longest.participant = std::string(32, 'M');
  EXPECT_EQ(Valid(longest).participant.size(), 32u);
  EXPECT_TRUE(TradeValidator::IsValidMemberId("abc_DEF-123"));
  EXPECT_FALSE(TradeValidator::IsValidMemberId("abc.def"));
}

TEST_F(TradeValidatorTest, ParticipantMustDifferFromCounterparty) {
  TradeDraft d = GoodDraft();
  d.counterparty = d.participant;
  EXPECT_EQ(OnlyError(d, "counterparty"), "must differ from participant");
  d.counterparty = "member_a";  // ids are case-sensitive
  EXPECT_EQ(Valid(d).counterparty, "member_a");
}

TEST_F(TradeValidatorTest, InstrumentMustBeAValidIsin) {
  for (const char* isin : {"US0378331005", "DE0007164600", "IE00B4L5Y983"}) {
    TradeDraft d = GoodDraft();
    d.instrument = isin;
    EXPECT_EQ(Valid(d).instrument, isin);
  }
  for (const char* bad : {"GB0002634947", "gb0002634946", "GB000263494", "", "VOD.L"}) {
    TradeDraft d = GoodDraft();
    d.instrument = bad;
    EXPECT_TRUE(Contains(OnlyError(d, "instrument"), "ISIN")) << bad;
  }
}

TEST_F(TradeValidatorTest, QuantityIsAWholeNumberInRange) {
  TradeDraft d = GoodDraft();
  d.quantity = "1";
  EXPECT_EQ(Valid(d).quantity, 1);
  d.quantity = "1000000000000";  // 10^12
  d.price = "0.001";
  EXPECT_EQ(Valid(d).quantity, 1'000'000'000'000);
  for (const char* out_of_range : {"0", "1000000000001", "99999999999999999999999999"}) {
    d.quantity = out_of_range;
    EXPECT_EQ(OnlyError(d, "quantity"), "must be an integer between 1 and 10^12") << out_of_range;
  }
}

TEST_F(TradeValidatorTest, QuantityRejectsSignsPointsAndExponents) {
  for (const char* bad : {"10.0", "1e3", "1E3", "-5", "+5", "1.5", " 5", "5 ", "0x10", "ten"}) {
    TradeDraft d = GoodDraft();
    d.quantity = bad;
    std::string message = OnlyError(d, "quantity");
    EXPECT_TRUE(Contains(message, "digits only")) << bad << ": " << message;
    EXPECT_TRUE(Contains(message, "decimal point or exponent")) << bad;
  }
  TradeDraft long_and_bad = GoodDraft();
  long_and_bad.quantity = "99999999999999999999x";
  EXPECT_TRUE(Contains(OnlyError(long_and_bad, "quantity"), "digits only"));
  TradeDraft empty = GoodDraft();
  empty.quantity = "";
  EXPECT_EQ(OnlyError(empty, "quantity"), "must be an integer between 1 and 10^12");
}

TEST_F(TradeValidatorTest, QuantityRefusesLeadingZeros) {
  for (const char* bad : {"0100", "00", "000", "01"}) {
    TradeDraft d = GoodDraft();
    d.quantity = bad;
    EXPECT_EQ(OnlyError(d, "quantity"), "must not have leading zeros (write 100, not 0100)") << bad;
  }
}

TEST_F(TradeValidatorTest, PriceAndNotionalRefuseWhatIsNotPlainDecimalText) {
  for (const char* bad : {"1.", ".5", "01.5", "00.5", "+1.5", "1.5e0", " 1.5"}) {
    TradeDraft d = GoodDraft();
    d.price = bad;
    EXPECT_FALSE(OnlyError(d, "price").empty()) << bad;
    d.price.reset();
    d.notional = bad;
    EXPECT_FALSE(OnlyError(d, "notional").empty()) << bad;
  }
  TradeDraft d = GoodDraft();
  d.price = "1.";
  EXPECT_TRUE(Contains(OnlyError(d, "price"), "digit after the '.'"));
  d.price = ".5";
  EXPECT_TRUE(Contains(OnlyError(d, "price"), "digit before the '.'"));
  d.price = "01.5";
  EXPECT_TRUE(Contains(OnlyError(d, "price"), "leading zeros"));
  d.price = "0.5";  // a zero integer part is no leading zero
  EXPECT_EQ(Valid(d).price.ToString(), "0.5");
}

TEST_F(TradeValidatorTest, PriceRules) {
  TradeDraft d = GoodDraft();
  d.price = "0.00000001";
  EXPECT_EQ(Valid(d).notional.ToString(), "0.000001");
  d.price = "9999999999.99999999";
  d.quantity = "1";
  EXPECT_EQ(Valid(d).price.ToString(), "9999999999.99999999");
  d.quantity = "100";

  d.price = "0";
  EXPECT_EQ(OnlyError(d, "price"), "must be greater than 0");
  d.price = "-1.5";
  EXPECT_EQ(OnlyError(d, "price"), "must be greater than 0");
  d.price = "10000000000";
  EXPECT_EQ(OnlyError(d, "price"), "must be less than 10^10");
  d.price = "1.123456789";
  EXPECT_TRUE(Contains(OnlyError(d, "price"), "8 decimal places"));
  d.price = "1e2";
  EXPECT_TRUE(Contains(OnlyError(d, "price"), "exponent"));
  d.price = "";
  EXPECT_EQ(OnlyError(d, "price").empty(), false);
}

TEST_F(TradeValidatorTest, NotionalIsQuantityTimesPrice) {
  TradeDraft d = GoodDraft();
  d.quantity = "3";
  d.price = "0.33333333";
  Trade t = Valid(d);
  EXPECT_EQ(t.notional.ToString(), "0.99999999");
  EXPECT_EQ(t.price.ToString(), "0.33333333");
}

TEST_F(TradeValidatorTest, NotionalGivenWithPriceMustAgreeExactly) {
  TradeDraft d = GoodDraft();
  d.notional = "10125.00";
  EXPECT_EQ(Valid(d).notional.ToString(), "10125");
  d.notional = "10125.01";
  EXPECT_EQ(OnlyError(d, "notional"), "must equal quantity x price (expected 10125)");
}

TEST_F(TradeValidatorTest, ProductMustStayBelowTheNotionalLimit) {
  TradeDraft d = GoodDraft();
  d.quantity = "1000000000000";
  d.price = "1000";  // 10^15
  EXPECT_TRUE(Contains(OnlyError(d, "notional"), "10^15"));
  d.price = "999.99999999";
  EXPECT_EQ(Valid(d).notional.ToString(), "999999999990000");
}

TEST_F(TradeValidatorTest, OnlyNotionalGivesARoundedPrice) {
  TradeDraft d = GoodDraft();
  d.price.reset();
  d.notional = "10125";
  Trade t = Valid(d);
  EXPECT_EQ(t.price.ToString(), "101.25");
  EXPECT_EQ(t.notional.ToString(), "10125");

  d.quantity = "3";
  d.notional = "10";
  EXPECT_EQ(Valid(d).price.ToString(), "3.33333333");  // the notional is kept as sent
  EXPECT_EQ(Valid(d).notional.ToString(), "10");

  d.quantity = "2";
  d.notional = "0.00000005";  // 0.000000025 rounds half to even
  EXPECT_EQ(Valid(d).price.ToString(), "0.00000002");
}

TEST_F(TradeValidatorTest, OnlyNotionalMustNotRoundToAZeroPrice) {
  TradeDraft d = GoodDraft();
  d.price.reset();
  d.quantity = "2";
  d.notional = "0.00000001";  // 0.000000005 rounds to 0
  EXPECT_TRUE(Contains(OnlyError(d, "notional"), "price of 0"));
}

TEST_F(TradeValidatorTest, OnlyNotionalMustGiveAPriceInRange) {
  TradeDraft d = GoodDraft();
  d.price.reset();
  d.quantity = "1";
  d.notional = "10000000000";  // price 10^10
  EXPECT_TRUE(Contains(OnlyError(d, "notional"), "10^10"));
}

TEST_F(TradeValidatorTest, NotionalRules) {
  TradeDraft d = GoodDraft();
  d.price.reset();
  d.notional = "0";
  EXPECT_EQ(OnlyError(d, "notional"), "must be greater than 0");
  d.notional = "1000000000000000";
  EXPECT_EQ(OnlyError(d, "notional"), "must be less than 10^15");
  d.notional = "12.3.4";
  EXPECT_FALSE(OnlyError(d, "notional").empty());
}

TEST_F(TradeValidatorTest, CurrencyMustBeConfigured) {
  TradeDraft d = GoodDraft();
  for (const char* ok : {"USD", "EUR"}) {
    d.currency = ok;
    EXPECT_EQ(Valid(d).currency, ok);
  }
  for (const char* bad : {"JPY", "gbp", "", "GBPX"}) {
    d.currency = bad;
    EXPECT_EQ(OnlyError(d, "currency"), "must be one of EUR, GBP, USD") << bad;
  }
}

TEST_F(TradeValidatorTest, CurrenciesComeFromTheConfig) {
  ValidatorConfig config;
  config.currencies = {"CHF"};
  TradeValidator validator(config, *BusinessCalendar::Create({}));
  TradeDraft d = GoodDraft();
  d.currency = "CHF";
  EXPECT_TRUE(std::holds_alternative<Trade>(validator.Validate(d, kReceivedAt)));
  d.currency = "GBP";
  auto errors = std::get<std::vector<FieldError>>(validator.Validate(d, kReceivedAt));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "must be one of CHF");
}

TEST_F(TradeValidatorTest, MissingTradeTimeDefaultsToReceivedAt) {
  TradeDraft d = GoodDraft();
  d.trade_time.reset();
  Trade t = Valid(d);
  EXPECT_EQ(t.trade_time, kReceivedAt);
  EXPECT_TRUE(t.trade_time_defaulted);
  EXPECT_EQ(t.business_date.ToString(), "2026-11-24");
}

TEST_F(TradeValidatorTest, TradeTimeWithOffsetsAndNaiveTimes) {
  TradeDraft d = GoodDraft();
  d.trade_time = "2026-11-24T04:00:00-05:00";
  EXPECT_EQ(Valid(d).trade_time, T("2026-11-24T09:00:00Z"));
  d.trade_time = "2026-11-24T09:00:00";
  EXPECT_TRUE(Contains(OnlyError(d, "trade_time"), "offset"));
  d.allow_naive_trade_time = true;
  EXPECT_EQ(Valid(d).trade_time, T("2026-11-24T09:00:00Z"));
  d.trade_time = "2026-02-30T09:00:00Z";
  EXPECT_TRUE(Contains(OnlyError(d, "trade_time"), "RFC 3339"));
}

TEST_F(TradeValidatorTest, TradeTimeMayNotBeFarInTheFuture) {
  TradeDraft d = GoodDraft();
  d.trade_time = "2026-11-24T09:35:00Z";  // exactly the allowed 5 minutes ahead
  EXPECT_EQ(Valid(d).trade_time, T("2026-11-24T09:35:00Z"));
  d.trade_time = "2026-11-24T09:35:00.000001Z";
  EXPECT_EQ(OnlyError(d, "trade_time"), "must not be more than 5 minutes ahead of the server's clock");
}

TEST_F(TradeValidatorTest, TradeTimeMayBeAtMostMaxPastDaysBehindUnlessTheBoundIsOff) {
  TradeDraft d = GoodDraft();
  d.trade_time = "2026-11-17T09:30:00Z";  // exactly 7 days before the receive time
  EXPECT_EQ(Valid(d).business_date.ToString(), "2026-11-17");
  d.trade_time = "2026-11-17T09:29:59.999999Z";
  EXPECT_EQ(OnlyError(d, "trade_time"),
            "must not be more than 7 days in the past (trades.max_past_days; 0 allows back-loading)");
  d.trade_time = "0001-01-01T00:00:00Z";
  EXPECT_EQ(OnlyError(d, "trade_time"),
            "must not be more than 7 days in the past (trades.max_past_days; 0 allows back-loading)");
  ValidatorConfig back_loading;
  back_loading.max_past_days = 0;
  TradeValidator unbounded(back_loading, *BusinessCalendar::Create({}));
  d.trade_time = "2020-01-01T00:00:00Z";
  auto old = unbounded.Validate(d, kReceivedAt);
  ASSERT_TRUE(std::holds_alternative<Trade>(old));
  EXPECT_EQ(std::get<Trade>(old).business_date.ToString(), "2020-01-01");
}

TEST_F(TradeValidatorTest, BusinessDateComesFromTheCalendar) {
  TradeDraft d = GoodDraft();
  d.trade_time = "2026-11-24T17:30:00Z";  // after the London cut-off
  Timestamp later = T("2026-11-24T18:00:00Z");
  auto trade = std::get<Trade>(validator_.Validate(d, later));
  EXPECT_EQ(trade.business_date.ToString(), "2026-11-25");
  EXPECT_EQ(trade.received_at, later);
}

}  // namespace
}  // namespace tradeagg::domain
