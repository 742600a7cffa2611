// The trade codec keeps a JSON number's raw text, so the validator holds numbers and strings to
// one grammar: what a JSON number may not be (1., 01.5, 0100) is refused, never normalised.
#include "tradeagg/api/trade_codec.h"

#include <gtest/gtest.h>

namespace tradeagg::api {
namespace {

domain::TradeDraft One(std::string body, FieldNames names = FieldNames::kV1) {
  auto parsed = ParseTradeBody(body, BodyFormat::kJson, names);
  EXPECT_TRUE(parsed.ok()) << body << ": " << parsed.status().message();
  if (!parsed.ok() || parsed->drafts.size() != 1) return {};
  EXPECT_TRUE(parsed->type_errors.empty()) << body;
  return parsed->drafts[0];
}

TEST(TradeCodecTest, NumbersKeepTheirRawText) {
  EXPECT_EQ(One(R"({"price": 1234567.12345678})").price, "1234567.12345678");
  EXPECT_EQ(One(R"({"price": 1.50 , "quantity": 100})").price, "1.50");
  EXPECT_EQ(One(R"({"quantity": 100})").quantity, "100");
}

TEST(TradeCodecTest, NonCanonicalNumbersReachTheValidatorAsSent) {
  // Not JSON numbers at all, or numbers a double would read "fine": the text is kept, and
  // Decimal::Parse / the quantity rule refuse it as a field error (422), naming the field.
  EXPECT_EQ(One(R"({"price": 1.})").price, "1.");
  EXPECT_EQ(One(R"({"price": 01.5})").price, "01.5");
  EXPECT_EQ(One(R"({"quantity": 0100})").quantity, "0100");
  EXPECT_EQ(One(R"({"price": -0})").price, "-0");
  EXPECT_FALSE(Decimal::Parse(*One(R"({"price": 1.})").price).ok());
  EXPECT_FALSE(Decimal::Parse(*One(R"({"price": 01.5})").price).ok());
  EXPECT_FALSE(Decimal::Parse(*One(R"({"price": 1e2})").price).ok());
}

TEST(TradeCodecTest, ProofOfConceptQuantitiesDropOnlyAPointFollowedByZeros) {
  EXPECT_EQ(One(R"({"Quantity": 100.0})", FieldNames::kProofOfConcept).quantity, "100");
  EXPECT_EQ(One(R"({"Quantity": 100.000})", FieldNames::kProofOfConcept).quantity, "100");
  EXPECT_EQ(One(R"({"Quantity": 100.})", FieldNames::kProofOfConcept).quantity, "100.");  // refused later
  EXPECT_EQ(One(R"({"Quantity": "0100.0"})", FieldNames::kProofOfConcept).quantity, "0100");  // refused later
  EXPECT_EQ(One(R"({"Quantity": 100.5})", FieldNames::kProofOfConcept).quantity, "100.5");
}

}  // namespace
}  // namespace tradeagg::api
