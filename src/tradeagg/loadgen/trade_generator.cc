#include "tradeagg/loadgen/trade_generator.h"

#include <set>
#include <utility>

#include "tradeagg/core/time.h"
#include "tradeagg/domain/isin.h"

namespace tradeagg::loadgen {

namespace {

constexpr int64_t kMinQuantity = 1;
constexpr int64_t kMaxQuantity = 10'000;
constexpr int64_t kMinBasePrice = 1;     // whole currency units
constexpr int64_t kMaxBasePrice = 2'000;
constexpr int64_t kPriceBandDivisor = 50;  // trades within +-1/50 = 2 % of the base price

// An ISIN's country for a currency, so instruments look like what they trade in. XS
// (international securities) for a currency not listed.
std::string_view CountryFor(std::string_view currency, Random& random) {
  static constexpr std::pair<std::string_view, std::string_view> kCountries[] = {
      {"GBP", "GB"}, {"USD", "US"}, {"CHF", "CH"}, {"JPY", "JP"}, {"SEK", "SE"}, {"NOK", "NO"},
      {"DKK", "DK"}, {"CAD", "CA"}, {"AUD", "AU"}, {"HKD", "HK"}};
  if (currency == "EUR") {
    static constexpr std::string_view kEuro[] = {"DE", "FR", "NL", "IE", "IT", "ES"};
    return kEuro[random.Below(std::size(kEuro))];
  }
  for (const auto& [code, country] : kCountries) {
    if (code == currency) return country;
  }
  return "XS";
}

bool IsCurrencyCode(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

int64_t PowerOfTen(int exponent) {
  int64_t value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return value;
}

// Nine upper-case letters or digits: the ISIN's national security identifier.
std::string RandomNsin(Random& random) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string nsin(9, '0');
  for (char& c : nsin) c = kAlphabet[random.Below(kAlphabet.size())];
  return nsin;
}

}  // namespace

uint64_t Random::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Random::Below(uint64_t bound) {
  __extension__ using Uint128 = unsigned __int128;
  return static_cast<uint64_t>((static_cast<Uint128>(Next()) * bound) >> 64);
}

int64_t Random::Between(int64_t low, int64_t high) {
  return low + static_cast<int64_t>(Below(static_cast<uint64_t>(high - low) + 1));
}

std::string FormatTicks(int64_t ticks, int decimals) {
  std::string text = std::to_string(ticks);
  if (decimals <= 0) return text;
  const size_t width = static_cast<size_t>(decimals);
  if (text.size() <= width) text.insert(0, width + 1 - text.size(), '0');
  text.insert(text.size() - width, 1, '.');
  return text;
}

Result<std::shared_ptr<const TradeUniverse>> TradeUniverse::Make(int participants, int instruments,
                                                                 const std::vector<std::string>& currencies,
                                                                 uint64_t seed) {
  if (participants < 2 || participants > 99'999) {
    return Status::InvalidArgument("participants must be between 2 and 99999 (a trade needs two members)");
  }
  if (instruments < 1 || instruments > 1'000'000) {
    return Status::InvalidArgument("instruments must be between 1 and 1000000");
  }
  if (currencies.empty()) return Status::InvalidArgument("at least one currency is needed");
  for (const std::string& code : currencies) {
    if (!IsCurrencyCode(code)) {
      return Status::InvalidArgument("currency '" + code + "' is not three upper-case letters");
    }
  }

  auto universe = std::make_shared<TradeUniverse>();
  // Member ids are zero-padded to the same width (M001 ... M020) so they sort as numbers.
  const size_t width = std::max<size_t>(3, std::to_string(participants).size());
  for (int i = 1; i <= participants; ++i) {
    std::string number = std::to_string(i);
    universe->participants.push_back("M" + std::string(width - number.size(), '0') + number);
  }

  Random random(seed ^ 0x1A5F0C3D2B4E6978ULL);
  std::set<std::string> seen;
  for (int i = 0; i < instruments; ++i) {
    Instrument instrument;
    instrument.currency = currencies[static_cast<size_t>(i) % currencies.size()];
    const std::string_view country = CountryFor(instrument.currency, random);
    do {  // a collision among 36^9 identifiers is unlikely, but ISINs must be unique
      std::string first11 = std::string(country) + RandomNsin(random);
      instrument.isin = first11 + domain::IsinCheckDigit(first11);
    } while (!seen.insert(instrument.isin).second);
    instrument.decimals = static_cast<int>(random.Between(2, 4));
    const int64_t tick = PowerOfTen(instrument.decimals);
    instrument.base_price_ticks = random.Between(kMinBasePrice * tick, kMaxBasePrice * tick);
    universe->instruments.push_back(std::move(instrument));
  }
  return std::shared_ptr<const TradeUniverse>(std::move(universe));
}

TradeGenerator::TradeGenerator(std::shared_ptr<const TradeUniverse> universe, std::string id_prefix,
                               uint64_t seed, TradeTimeMode time_mode)
    : universe_(std::move(universe)), id_prefix_(std::move(id_prefix)), random_(seed), time_mode_(time_mode) {}

void TradeGenerator::Next(GeneratedTrade& trade) {
  const auto& members = universe_->participants;
  ++counter_;
  trade.trade_id.assign(id_prefix_);
  trade.trade_id.push_back('-');
  trade.trade_id.append(std::to_string(counter_));

  // The counterparty is drawn from the other members: skip over the participant's own index.
  const size_t participant = random_.Below(members.size());
  size_t counterparty = random_.Below(members.size() - 1);
  if (counterparty >= participant) ++counterparty;
  trade.participant = &members[participant];
  trade.counterparty = &members[counterparty];

  const Instrument& instrument = universe_->instruments[random_.Below(universe_->instruments.size())];
  trade.instrument = &instrument;
  trade.side = random_.Below(2) == 0 ? domain::Side::kBuy : domain::Side::kSell;
  trade.quantity = random_.Between(kMinQuantity, kMaxQuantity);

  const int64_t band = instrument.base_price_ticks / kPriceBandDivisor;
  const int64_t ticks = std::max<int64_t>(1, instrument.base_price_ticks + random_.Between(-band, band));
  trade.price = FormatTicks(ticks, instrument.decimals);
}

// Written by hand rather than through JsonWriter: every string here is an id, an ISIN, a code or
// a number we made, none needs escaping, and this is the load generator's hot loop.
void TradeGenerator::AppendJson(const GeneratedTrade& trade, std::string& out) const {
  out.append(R"({"trade_id":")").append(trade.trade_id);
  out.append(R"(","participant":")").append(*trade.participant);
  out.append(R"(","counterparty":")").append(*trade.counterparty);
  out.append(R"(","instrument":")").append(trade.instrument->isin);
  out.append(R"(","side":")").append(domain::SideName(trade.side));
  out.append(R"(","quantity":)").append(std::to_string(trade.quantity));
  out.append(R"(,"price":")").append(trade.price);
  out.append(R"(","currency":")").append(trade.instrument->currency);
  if (time_mode_ == TradeTimeMode::kNow) {
    out.append(R"(","trade_time":")").append(Timestamp::Now().ToString());
  }
  out.append(R"("})");
}

void TradeGenerator::AppendBody(size_t count, std::string& out) {
  if (count == 1) {
    Next(scratch_);
    AppendJson(scratch_, out);
    return;
  }
  out.push_back('[');
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out.push_back(',');
    Next(scratch_);
    AppendJson(scratch_, out);
  }
  out.push_back(']');
}

}  // namespace tradeagg::loadgen
