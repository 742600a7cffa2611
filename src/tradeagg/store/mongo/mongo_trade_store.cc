#include "tradeagg/store/mongo/mongo_trade_store.h"

#include <algorithm>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>


#include "tradeagg/core/fault_injector.h"
#include "tradeagg/core/time.h"
#include "tradeagg/store/mongo/mongo_fields.h"
#include "tradeagg/store/mongo/mongo_trade_document.h"

namespace tradeagg::store {

namespace {

constexpr std::string_view kTrades = "trades";
constexpr std::string_view kBlocks = "seq_blocks";
constexpr std::string_view kReaps = "seq_reaps";
constexpr std::string_view kPending = "pending";
constexpr std::string_view kCommitted = "committed";
constexpr std::string_view kVoid = "void";
constexpr int kClaimAttempts = 16;
constexpr int kPlanRounds = 4;

Bson SeqRange(int64_t after, int64_t through) {
  Bson range;
  range.Append("$gt", after).Append("$lte", through);
  Bson filter;
  filter.AppendDocument("seq", range);
  return filter;
}

// The trades of one writer's block (tombstones carry no writer, so they never match).
Bson BlockTrades(int64_t lo, int64_t hi, std::string_view writer) {
  Bson filter = SeqRange(lo - 1, hi);
  filter.Append("writer", writer);
  return filter;
}

// What readers ask for: the trades in (after, through], without the tombstones that fence the
// seqs of reaped blocks (see FenceVoid).
Bson TradesInRange(int64_t after, int64_t through) {
  Bson filter = SeqRange(after, through);
  Bson absent;
  absent.Append("$exists", false);
  filter.AppendDocument("void", absent);
  return filter;
}

// The selector and update that move a block from pending to `to`: conditioned on the state, so
// a block already settled the other way is left as it is.
struct StateMove {
  Bson selector;
  Bson update;
};
StateMove PendingTo(int64_t lo, std::string_view writer, std::string_view to) {
  StateMove move;
  move.selector.Append("_id", lo).Append("writer", writer).Append("state", kPending);
  Bson set;
  set.Append("state", to);
  move.update.AppendDocument("$set", set);
  return move;
}

Bson SortBySeq(int32_t direction, size_t limit) {
  Bson sort;
  sort.Append("seq", direction);
  Bson opts;
  opts.AppendDocument("sort", sort);
  if (limit > 0) opts.Append("limit", static_cast<int64_t>(limit));
  return opts;
}

Bson IdIn(const std::vector<std::string>& ids) {
  Bson in;
  in.AppendStringArray("$in", ids);
  Bson filter;
  filter.AppendDocument("_id", in);
  return filter;
}

Bson SeqIn(const std::vector<int64_t>& seqs) {
  Bson in;
  in.AppendInt64Array("$in", seqs);
  Bson filter;
  filter.AppendDocument("seq", in);
  return filter;
}

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

MongoTradeStore::MongoTradeStore(MongoClient& client, MongoTradeStoreOptions options)
    : client_(client), options_(std::move(options)), writer_(options_.instance_id + "#" + NewToken().substr(0, 16)) {}

Result<std::unique_ptr<MongoTradeStore>> MongoTradeStore::Open(MongoClient& client, MongoTradeStoreOptions options) {
  if (options.instance_id.empty()) return Status::InvalidArgument("store.instance_id: empty");
  std::unique_ptr<MongoTradeStore> store(new MongoTradeStore(client, std::move(options)));
  Bson seq;
  seq.Append("seq", int32_t{1});
  TRY(client.EnsureIndex(kTrades, "trades_seq", seq, /*unique=*/true));
  Bson by_participant_date;
  by_participant_date.Append("participant", int32_t{1}).Append("business_date", int32_t{1});
  TRY(client.EnsureIndex(kTrades, "trades_participant_business_date", by_participant_date, false));
  Bson by_instrument;
  by_instrument.Append("instrument", int32_t{1});
  TRY(client.EnsureIndex(kTrades, "trades_instrument", by_instrument, false));

  ASSIGN_OR_RETURN(std::vector<Block> blocks, store->ReadBlocks());
  TRY(store->ReapBlocks(blocks));
  for (const Block& block : blocks) store->next_lo_ = std::max(store->next_lo_, block.hi + 1);
  store->StablePoint(blocks);
  return store;
}

// --- seq blocks ------------------------------------------------------------------------------

Result<std::vector<MongoTradeStore::Block>> MongoTradeStore::ReadBlocks() {
  std::vector<Block> blocks;
  TRY(client_.Find(kBlocks, Bson(), Bson(), [&](const Bson& doc) {
    blocks.push_back({doc.GetInt64("_id"), doc.GetInt64("hi"), doc.GetString("instance"), doc.GetString("writer"),
                      doc.GetString("state"), doc.GetInt64("deadline_us")});
  }));
  return blocks;
}

Status MongoTradeStore::VoidBlock(const Block& block) {
  // Trades first: a void block must hold none, because readers treat it as settled. Only the
  // block's writer's: a stale claim may overlap another writer's block (even a pruned one).
  TRY(client_.DeleteMany(kTrades, BlockTrades(block.lo, block.hi, block.writer)).status());
  StateMove move = PendingTo(block.lo, block.writer, kVoid);
  return client_.UpdateOne(kBlocks, move.selector, move.update).status();
}

Status MongoTradeStore::InsertTombstones(const Block& block) {
  // {_id: seq} is a number, so never a trade's key; a seq already held (by a trade of the
  // block, a tombstone, or another writer's trade under a stale overlapping claim) fails on
  // the index and stays as it is.
  std::vector<Bson> tombstones;
  tombstones.reserve(static_cast<size_t>(block.hi - block.lo + 1));
  for (int64_t seq = block.lo; seq <= block.hi; ++seq) {
    Bson tombstone;
    tombstone.Append("_id", seq).Append("seq", seq).Append("void", block.lo);
    tombstones.push_back(std::move(tombstone));
  }
  return client_.InsertMany(kTrades, tombstones).status();
}

Status MongoTradeStore::FenceVoid(const Block& block) {
  // After the first tombstones every seq of the block is held, so a late insert of its trades
  // fails whenever it lands. The trades that landed before are deleted, and their seqs taken
  // by tombstones as well: a late request carries each seq once, so none could take them
  // again, but this way nothing rests on that. The caller holds the block's reap (TakeReap),
  // and gives up rather than delete once its budget is spent: a later attempt may have begun.
  const auto started = std::chrono::steady_clock::now();
  TRY(InsertTombstones(block));
  if (std::chrono::steady_clock::now() - started > options_.write_budget) {
    return Status::Unavailable("reaping seqs " + std::to_string(block.lo) + "..: over its budget");
  }
  ASSIGN_OR_RETURN(int64_t deleted, client_.DeleteMany(kTrades, BlockTrades(block.lo, block.hi, block.writer)));
  if (deleted > 0) TRY(InsertTombstones(block));
  StateMove move = PendingTo(block.lo, block.writer, kVoid);
  return client_.UpdateOne(kBlocks, move.selector, move.update).status();
}

Result<bool> MongoTradeStore::TakeReap(const Block& block) {
  const int64_t now_us = Timestamp::Now().micros();
  int64_t attempts = 0;
  bool live = false;
  Bson by_lo;
  by_lo.Append("lo", block.lo);
  TRY(client_.Find(kReaps, by_lo, Bson(), [&](const Bson& doc) {
    attempts = std::max(attempts, doc.GetInt64("attempt"));
    if (doc.GetInt64("deadline_us") >= now_us) live = true;
  }));
  if (live) return false;
  const std::string id = std::to_string(block.lo) + "#" + std::to_string(attempts + 1);
  const std::string token = NewToken();
  Bson claim;
  claim.Append("_id", id)
      .Append("lo", block.lo)
      .Append("attempt", attempts + 1)
      .Append("reaper", writer_)
      .Append("claim", token)
      .Append("deadline_us", now_us + std::chrono::duration_cast<std::chrono::microseconds>(options_.lease).count());
  return InsertClaim(client_, kReaps, claim, IdFilter(id), token);
}

Status MongoTradeStore::ReapUnsettled(const Block& block) {
  ASSIGN_OR_RETURN(bool ours, TakeReap(block));
  if (!ours) return Status::Unavailable("seqs " + std::to_string(block.lo) + "..: being reaped by another process");
  return FenceVoid(block);
}

bool MongoTradeStore::OverlapsCommitted(const Block& block, const std::vector<Block>& blocks) {
  return std::any_of(blocks.begin(), blocks.end(), [&](const Block& other) {
    return other.lo != block.lo && other.state == kCommitted && other.lo <= block.hi && other.hi >= block.lo;
  });
}

bool MongoTradeStore::EarlierLife(const Block& block) const {
  return block.instance == options_.instance_id && block.writer != writer_;
}

Status MongoTradeStore::ReapBlocks(std::vector<Block>& blocks) {
  const int64_t now_us = Timestamp::Now().micros();
  const bool earlier_lives = reaps_earlier_lives_.load();
  for (Block& block : blocks) {
    if (block.state != kPending) continue;
    const bool expired = block.deadline_us < now_us;
    if (!expired && !(earlier_lives && EarlierLife(block))) continue;
    ASSIGN_OR_RETURN(bool ours, TakeReap(block));
    if (!ours) continue;  // another process is reaping it: pending until it is done
    TRY(OverlapsCommitted(block, blocks) ? VoidBlock(block) : FenceVoid(block));
    block.state = kVoid;
  }
  return Status::Ok();
}

int64_t MongoTradeStore::StablePoint(const std::vector<Block>& blocks) {
  int64_t highest = 0;
  std::optional<int64_t> lowest_pending;
  for (const Block& block : blocks) {
    highest = std::max(highest, block.hi);
    if (block.state == kPending) lowest_pending = std::min(lowest_pending.value_or(block.lo), block.lo);
  }
  const int64_t stable = lowest_pending ? *lowest_pending - 1 : highest;
  // Never below a point reported before: a block claimed and then voided by its check (step 1)
  // may lower the computed point for a moment, but nothing is ever added below a reported one.
  int64_t reported = reported_stable_.load();
  while (stable > reported && !reported_stable_.compare_exchange_weak(reported, stable)) {
  }
  return std::max(stable, reported);
}

Result<int64_t> MongoTradeStore::LastSeq() {
  // Just established by this writer's own commit while no other writer was seen: no read.
  const int64_t since_us = SteadyMicros() - own_stable_at_us_.load();
  if (since_us >= 0 && since_us < std::chrono::duration_cast<std::chrono::microseconds>(options_.stable_from_commit).count()) {
    return reported_stable_.load();
  }
  ASSIGN_OR_RETURN(std::vector<Block> blocks, ReadBlocks());
  TRY(ReapBlocks(blocks));
  return StablePoint(blocks);
}

int64_t MongoTradeStore::RecentTo() {
  std::lock_guard lock(recent_mutex_);
  return recent_to_;
}

// Does every seq in (after, before) belong to a void block among `blocks`?
bool MongoTradeStore::OnlyVoidBetween(const std::vector<Block>& blocks, int64_t after, int64_t before) {
  std::vector<std::pair<int64_t, int64_t>> voids;
  for (const Block& block : blocks) {
    if (block.hi <= after || block.lo >= before) continue;
    if (block.state != kVoid) return false;  // another writer's trades, or some to come
    voids.emplace_back(block.lo, block.hi);
  }
  std::sort(voids.begin(), voids.end());
  int64_t covered = after;  // every seq up to here is accounted for
  for (const auto& [lo, hi] : voids) {
    if (lo > covered + 1) return false;  // seqs no block accounts for: perhaps a pruned block's
    covered = std::max(covered, hi);
  }
  return covered >= before - 1;
}

MongoTradeStore::Block MongoTradeStore::NewBlock(int64_t size) {
  claimed_at_ = std::chrono::steady_clock::now();
  const int64_t now_us = Timestamp::Now().micros();
  return Block{next_lo_, next_lo_ + size - 1, options_.instance_id, writer_, std::string(kPending),
               now_us + std::chrono::duration_cast<std::chrono::microseconds>(options_.lease).count()};
}

Bson MongoTradeStore::BlockDocument(const Block& block, std::string_view state) {
  Bson doc;
  doc.Append("_id", block.lo)
      .Append("hi", block.hi)
      .Append("instance", block.instance)
      .Append("writer", block.writer)
      .Append("state", state)
      .Append("claimed_us", Timestamp::Now().micros())
      .Append("deadline_us", block.deadline_us);
  return doc;
}

Status MongoTradeStore::InsertBlock(const Block& block) {
  // Test hook: the claim timed out before the server answered; it may land later.
  if (Fault("mongo.append.claim_unanswered")) return Status::StateUnknown("injected fault: mongo.append.claim_unanswered");
  return client_.InsertOne(kBlocks, BlockDocument(block, kPending));
}

void MongoTradeStore::AcceptClaim(const Block& block, const std::vector<Block>* read) {
  next_lo_ = block.hi + 1;
  newest_own_ = block;
  if (read == nullptr) {  // the fast path: right after this writer's newest block
    claim_follows_recent_ = block.lo == RecentTo() + 1;
    return;
  }
  claim_follows_recent_ = OnlyVoidBetween(*read, RecentTo(), block.lo);
  solo_ = std::none_of(read->begin(), read->end(), [&](const Block& other) {
    return other.writer != writer_ && other.state == kPending;
  });
}

Result<MongoTradeStore::Block> MongoTradeStore::ClaimBlock(int64_t size) {
  // The fast path, while no other writer is seen: the seqs right after this writer's newest
  // block, by one insert and no read. If nobody holds that _id, no valid block can overlap the
  // claim: another writer's valid claim lies above every block its check saw, so above this
  // writer's newest, and the first seq above it is the _id just inserted; a stale claim fails
  // its own check and never writes (docs/architecture.md, "MongoDB backend").
  if (solo_ && newest_own_ && next_lo_ == newest_own_->hi + 1) {
    const Block block = NewBlock(size);
    Status inserted = InsertBlock(block);
    if (inserted.ok()) {
      AcceptClaim(block, nullptr);
      return block;
    }
    if (inserted.code() != StatusCode::kAlreadyExists) {
      // The claim may exist: it is pending and holds no trades, so voiding it is all it takes.
      if (inserted.code() == StatusCode::kStateUnknown) unclean_ = UnsettledBlock{block, Unsettled::kClaim, {}};
      return Status::Unavailable("claim seqs: " + inserted.message());
    }
    solo_ = false;  // another writer claimed there: the full path finds where the chain is now
  }
  for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
    const Block block = NewBlock(size);
    Status inserted = InsertBlock(block);
    if (!inserted.ok() && inserted.code() != StatusCode::kAlreadyExists) {
      if (inserted.code() == StatusCode::kStateUnknown) unclean_ = UnsettledBlock{block, Unsettled::kClaim, {}};
      return Status::Unavailable("claim seqs: " + inserted.message());
    }
    Result<std::vector<Block>> blocks = ReadBlocks();
    const Status checked = blocks.ok() ? ReapBlocks(blocks.value()) : blocks.status();
    if (!checked.ok()) {
      if (inserted.ok()) unclean_ = UnsettledBlock{block, Unsettled::kClaim, {}};
      return Status::Unavailable("check claimed seqs: " + checked.message());
    }
    bool valid = inserted.ok();
    for (const Block& other : blocks.value()) {
      next_lo_ = std::max(next_lo_, other.hi + 1);
      if (other.lo != block.lo && other.hi >= block.lo) valid = false;
    }
    if (valid) {
      AcceptClaim(block, &blocks.value());
      return block;
    }
    if (inserted.ok()) {
      Status voided = VoidBlock(block);
      if (!voided.ok()) {
        unclean_ = UnsettledBlock{block, Unsettled::kClaim, {}};
        return Status::Unavailable("void an overlapping seq claim: " + voided.message());
      }
    }
  }
  return Status::Unavailable("could not claim seqs: other writers kept taking them; retry");
}

Result<std::vector<domain::Trade>> MongoTradeStore::CommittedHolders(const std::vector<std::string>& keys,
                                                                     const Block& own) {
  const auto give_up = std::chrono::steady_clock::now() + options_.holder_wait;
  while (true) {
    std::vector<domain::Trade> holders;
    std::vector<std::string> writers;  // holders[i] was stored by writers[i]
    Status parsed = Status::Ok();
    TRY(client_.Find(kTrades, IdIn(keys), Bson(), [&](const Bson& doc) {
      Result<domain::Trade> trade = TradeFromDocument(doc);
      if (!trade.ok()) {
        parsed = trade.status();
        return;
      }
      std::string writer = doc.GetString("writer");
      if (writer == writer_ && trade.value().seq >= own.lo && trade.value().seq <= own.hi) return;  // this call's own
      holders.push_back(std::move(trade).value());
      writers.push_back(std::move(writer));
    }));
    TRY(parsed);
    ASSIGN_OR_RETURN(std::vector<Block> blocks, ReadBlocks());
    TRY(ReapBlocks(blocks));
    bool settled = true;
    for (size_t i = 0; i < holders.size(); ++i) {
      for (const Block& block : blocks) {
        if (block.writer != writers[i] || holders[i].seq < block.lo || holders[i].seq > block.hi) continue;
        // Pending: being written (or abandoned) by another writer. Void: being deleted.
        if (block.state != kCommitted) settled = false;
      }
      // No block of its writer holds it: that block was pruned, which only happens to
      // committed ones (a void block's trades are deleted before it is voided).
    }
    if (settled) return holders;
    if (std::chrono::steady_clock::now() >= give_up) {
      return Status::Unavailable("a trade with the same participant and trade_id is being written by another "
                                 "instance; retry").WithRetryAfter(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// --- Append ----------------------------------------------------------------------------------

namespace {

std::vector<Bson> DocumentsOf(const std::vector<const domain::Trade*>& trades, std::string_view writer) {
  std::vector<Bson> docs;
  docs.reserve(trades.size());
  for (const domain::Trade* trade : trades) docs.push_back(TradeToDocument(*trade, writer));
  return docs;
}

}  // namespace

Status MongoTradeStore::WriteTrades(std::span<AppendRequest* const> requests, const Block& block,
                                    std::vector<Bson>* unanswered) {
  AppendPlan first(requests, block.lo - 1, AppendPlan::Numbering::kPositional, AppendPlan::Lookup::kBeforeCall);
  std::vector<const domain::Trade*> writes = first.DecideAll([](const domain::Trade&) { return nullptr; });
  std::vector<Bson> docs = DocumentsOf(writes, writer_);
  // Test hook: the insert timed out unanswered (the server may apply it later).
  Result<InsertManyResult> first_insert =
      Fault("mongo.append.insert_unanswered")
          ? Result<InsertManyResult>(Status::StateUnknown("injected fault: mongo.append.insert_unanswered"))
          : client_.InsertMany(kTrades, docs);
  if (!first_insert.ok()) {
    if (first_insert.status().code() == StatusCode::kStateUnknown) *unanswered = std::move(docs);
    return first_insert.status();
  }
  InsertManyResult inserted = std::move(first_insert).value();
  if (Fault("mongo.append.after_insert")) return Status::Unavailable("injected fault: mongo.append.after_insert");

  std::unordered_set<int64_t> written;  // seqs the block holds now
  std::vector<std::string> taken;       // keys held by trades outside the block
  std::vector<bool> duplicate(writes.size(), false);
  for (size_t position : inserted.duplicates) duplicate[position] = true;
  for (size_t i = 0; i < writes.size(); ++i) {
    if (duplicate[i]) {
      taken.push_back(TradeDocumentId(writes[i]->participant, writes[i]->trade_id));
    } else {
      written.insert(writes[i]->seq);
    }
  }

  for (int round = 0; round < kPlanRounds; ++round) {
    if (taken.empty() && round == 0) return Status::Ok();  // the common case: every key was free
    ASSIGN_OR_RETURN(std::vector<domain::Trade> holders, CommittedHolders(taken, block));
    std::unordered_map<std::string, const domain::Trade*> by_key;
    for (const domain::Trade& holder : holders) by_key[TradeDocumentId(holder.participant, holder.trade_id)] = &holder;
    AppendPlan plan(requests, block.lo - 1, AppendPlan::Numbering::kPositional, AppendPlan::Lookup::kBeforeCall);
    std::vector<const domain::Trade*> wanted = plan.DecideAll([&](const domain::Trade& incoming) -> const domain::Trade* {
      auto it = by_key.find(TradeDocumentId(incoming.participant, incoming.trade_id));
      return it == by_key.end() ? nullptr : it->second;
    });
    std::unordered_set<int64_t> wanted_seqs;
    std::vector<const domain::Trade*> to_insert;
    for (const domain::Trade* trade : wanted) {
      wanted_seqs.insert(trade->seq);
      if (!written.contains(trade->seq)) to_insert.push_back(trade);
    }
    std::vector<int64_t> to_delete;
    for (int64_t seq : written) {
      if (!wanted_seqs.contains(seq)) to_delete.push_back(seq);
    }
    // Deletes first: a trade the new plan accepts may take the key of one it undoes.
    if (!to_delete.empty()) {
      Bson own = SeqIn(to_delete);
      own.Append("writer", writer_);
      TRY(client_.DeleteMany(kTrades, own).status());
    }
    for (int64_t seq : to_delete) written.erase(seq);
    if (to_insert.empty()) return Status::Ok();
    std::vector<Bson> more = DocumentsOf(to_insert, writer_);
    ASSIGN_OR_RETURN(InsertManyResult again, client_.InsertMany(kTrades, more));
    std::vector<bool> again_duplicate(to_insert.size(), false);
    for (size_t position : again.duplicates) again_duplicate[position] = true;
    for (size_t i = 0; i < to_insert.size(); ++i) {
      if (again_duplicate[i]) {
        taken.push_back(TradeDocumentId(to_insert[i]->participant, to_insert[i]->trade_id));
      } else {
        written.insert(to_insert[i]->seq);
      }
    }
    if (again.duplicates.empty()) return Status::Ok();
  }
  return Status::Unavailable("keys kept being taken by other writers while this call was written; retry");
}

Status MongoTradeStore::CommitBlock(const Block& block) {
  if (Fault("store.append.before_commit")) return Status::Unavailable("injected fault: store.append.before_commit");
  if (std::chrono::steady_clock::now() - claimed_at_ > options_.write_budget) {
    return Status::Unavailable("the write took longer than its budget");
  }
  StateMove move = PendingTo(block.lo, block.writer, kCommitted);
  // Test hook: the commit timed out before the server applied it (it may apply it later).
  if (Fault("mongo.append.commit_unanswered")) return Status::StateUnknown("injected fault: mongo.append.commit_unanswered");
  Result<int64_t> matched = client_.UpdateOne(kBlocks, move.selector, move.update);
  if (matched.ok() && Fault("mongo.append.commit_reply_lost")) {
    matched = Status::StateUnknown("injected fault: mongo.append.commit_reply_lost");
  }
  if (matched.ok() && matched.value() == 1) return Status::Ok();
  // The reply was lost, or nothing matched: what the block says now is the outcome.
  for (int attempt = 0; attempt < 3; ++attempt) {
    Bson by_id;
    by_id.Append("_id", block.lo);
    std::optional<std::string> state;
    Status read = client_.Find(kBlocks, by_id, Bson(), [&](const Bson& doc) { state = doc.GetString("state"); });
    if (read.ok()) {
      if (state == kCommitted) return Status::Ok();
      if (state != kPending) return Status::Unavailable("the seq block was reaped before its commit");
      Result<int64_t> retried = client_.UpdateOne(kBlocks, move.selector, move.update);
      if (retried.ok() && retried.value() == 1) return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::StateUnknown("commit of seqs " + std::to_string(block.lo) + ".." + std::to_string(block.hi) +
                              ": outcome unknown (" + (matched.ok() ? std::string("no match") : matched.status().message()) +
                              ")");
}

Status MongoTradeStore::AbandonBlock(const Block& block, Status cause, bool committing, std::vector<Bson> unanswered) {
  if (cause.code() == StatusCode::kStateUnknown) {
    // Perhaps applied, perhaps still to be: settled before the next append.
    if (committing) {
      unclean_ = UnsettledBlock{block, Unsettled::kCommit, {}};
    } else if (!unanswered.empty()) {
      unclean_ = UnsettledBlock{block, Unsettled::kInsertUnanswered, std::move(unanswered)};
    } else {
      unclean_ = UnsettledBlock{block, Unsettled::kWrites, {}};
    }
    return cause;
  }
  if (Fault("mongo.append.cleanup") || !VoidBlock(block).ok()) {
    // Still pending, so invisible to readers; settled before the next append, or reaped.
    unclean_ = UnsettledBlock{block, Unsettled::kWrites, {}};
  } else {
    // A void block holds no trades: the recent cache still covers every trade up to its end.
    std::lock_guard lock(recent_mutex_);
    if (recent_to_ != 0 && block.lo == recent_to_ + 1) recent_to_ = block.hi;
  }
  return Status(cause.code() == StatusCode::kAlreadyExists ? StatusCode::kUnavailable : cause.code(),
                cause.message());
}

Status MongoTradeStore::FenceClaim(const Block& block) {
  Status inserted = client_.InsertOne(kBlocks, BlockDocument(block, kVoid));
  if (inserted.ok() || inserted.code() != StatusCode::kAlreadyExists) return inserted;
  // The claim landed (or another writer's block has that _id): ours holds no trade, so voiding
  // its state is all it takes; someone else's is left alone by the writer filter.
  StateMove move = PendingTo(block.lo, block.writer, kVoid);
  return client_.UpdateOne(kBlocks, move.selector, move.update).status();
}

Status MongoTradeStore::RollForward(const UnsettledBlock& unsettled) {
  const Block& block = unsettled.block;
  ASSIGN_OR_RETURN(InsertManyResult again, client_.InsertMany(kTrades, unsettled.documents));
  if (!again.duplicates.empty()) {
    // Taken keys: by the late first insert (this block's own trade, same seq), or by another
    // writer, when the plan's premise (no key stored) fails and nothing of it may be committed.
    std::vector<std::string> keys;
    std::unordered_map<std::string, int64_t> planned_seq;
    for (size_t position : again.duplicates) {
      const Bson& doc = unsettled.documents[position];
      keys.push_back(doc.GetString("_id"));
      planned_seq[keys.back()] = doc.GetInt64("seq");
    }
    bool all_own = true;
    TRY(client_.Find(kTrades, IdIn(keys), Bson(), [&](const Bson& doc) {
      if (doc.GetString("writer") != block.writer || doc.GetInt64("seq") != planned_seq[doc.GetString("_id")]) {
        all_own = false;
      }
    }));
    if (!all_own) return ReapUnsettled(block);
  }
  StateMove move = PendingTo(block.lo, block.writer, kCommitted);
  return client_.UpdateOne(kBlocks, move.selector, move.update).status();  // 0 matched: reaped meanwhile
}

Status MongoTradeStore::Settle(const UnsettledBlock& unsettled) {
  const Block& block = unsettled.block;
  switch (unsettled.kind) {
    case Unsettled::kClaim:
      return FenceClaim(block);
    case Unsettled::kCommit: {
      // Every trade of the block was written before the commit was sent: commit (again). A
      // late copy of the first commit changes nothing after this one, nor this one after it.
      StateMove move = PendingTo(block.lo, block.writer, kCommitted);
      return client_.UpdateOne(kBlocks, move.selector, move.update).status();  // 0 matched: committed or reaped
    }
    case Unsettled::kInsertUnanswered:
      return RollForward(unsettled);
    case Unsettled::kWrites: {
      Bson by_id;
      by_id.Append("_id", block.lo);
      std::optional<std::string> state;
      TRY(client_.Find(kBlocks, by_id, Bson(), [&](const Bson& doc) { state = doc.GetString("state"); }));
      if (state == kPending) return ReapUnsettled(block);  // an unanswered write may still land
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status MongoTradeStore::Append(std::span<AppendRequest* const> requests) {
  if (first_append_) {
    // Blocks this instance id left pending in an earlier life (a crash): nobody will commit
    // them. From the first append, not from Open, so that a CLI command sharing the id with a
    // running server never touches the server's block in flight.
    reaps_earlier_lives_.store(true);
    ASSIGN_OR_RETURN(std::vector<Block> blocks, ReadBlocks());
    TRY(ReapBlocks(blocks));
    first_append_ = false;
  }
  if (unclean_) {
    // An earlier call left a block unsettled (see Unsettled): settled before anything else.
    TRY(Settle(*unclean_));
    unclean_.reset();
  }
  size_t total = 0;
  for (AppendRequest* request : requests) total += request->trades.size();
  if (total == 0) {
    AppendPlan plan(requests, 0);
    plan.DecideAll([](const domain::Trade&) { return nullptr; });
    return Status::Ok();
  }
  auto reset = [&] {
    for (AppendRequest* request : requests) {
      for (domain::Trade& trade : request->trades) trade.seq = 0;
    }
  };
  Result<Block> claimed = ClaimBlock(static_cast<int64_t>(total));
  if (!claimed.ok()) {
    reset();
    return claimed.status();
  }
  const Block block = claimed.value();
  std::vector<Bson> unanswered;
  Status written = WriteTrades(requests, block, &unanswered);
  const bool committing = written.ok();
  if (committing) written = CommitBlock(block);
  if (!written.ok()) {
    reset();
    return AbandonBlock(block, written, committing, std::move(unanswered));
  }
  RememberCommitted(requests, block);
  if (solo_) {
    // Every block below this one was settled at the last read, and no valid block can have
    // been claimed below it since (ClaimBlock): every trade up to block.hi is readable now.
    int64_t reported = reported_stable_.load();
    while (block.hi > reported && !reported_stable_.compare_exchange_weak(reported, block.hi)) {
    }
    own_stable_at_us_.store(SteadyMicros());
  }
  if (++commits_ % 16 == 0) PruneBlocks(block);
  return Status::Ok();
}

void MongoTradeStore::RememberCommitted(std::span<AppendRequest* const> requests, const Block& block) {
  if (options_.recent_trades == 0) return;
  std::lock_guard lock(recent_mutex_);
  if (!claim_follows_recent_ || recent_to_ == 0) {
    recent_.clear();
    recent_from_ = block.lo - 1;
  }
  for (const AppendRequest* request : requests) {
    if (request->conflict_index) continue;
    for (size_t i = 0; i < request->trades.size(); ++i) {
      if (request->outcomes[i] == AppendOutcome::kAccepted) recent_.push_back(request->trades[i]);
    }
  }
  recent_to_ = block.hi;
  while (recent_.size() > options_.recent_trades) {
    recent_from_ = recent_.front().seq;
    recent_.pop_front();
  }
}

bool MongoTradeStore::ScanRecent(int64_t after_seq, int64_t through_seq, size_t limit,
                                 const std::function<void(const domain::Trade&)>& visit) {
  std::vector<domain::Trade> copy;
  {
    std::lock_guard lock(recent_mutex_);
    if (recent_to_ == 0 || after_seq < recent_from_ || through_seq > recent_to_) return false;
    auto it = std::upper_bound(recent_.begin(), recent_.end(), after_seq,
                               [](int64_t seq, const domain::Trade& trade) { return seq < trade.seq; });
    for (; it != recent_.end() && it->seq <= through_seq && (limit == 0 || copy.size() < limit); ++it) {
      copy.push_back(*it);
    }
  }
  for (const domain::Trade& trade : copy) visit(trade);  // unlocked: visit may call the store
  return true;
}

void MongoTradeStore::PruneBlocks(const Block& newest) {
  // This instance's settled blocks (this life's and earlier lives') below its newest: the
  // newest stays, so the highest block (which claims check against) is never deleted. A void
  // block's tombstones stay: they keep fencing its seqs.
  Bson below;
  below.Append("$lt", newest.lo);
  Bson states;
  std::vector<std::string> settled{std::string(kCommitted), std::string(kVoid)};
  states.AppendStringArray("$in", settled);
  Bson selector;
  selector.Append("instance", options_.instance_id).AppendDocument("_id", below).AppendDocument("state", states);
  (void)client_.DeleteMany(kBlocks, selector);  // best effort: pruning only keeps reads small
}

// --- reads -----------------------------------------------------------------------------------

Result<std::optional<domain::Trade>> MongoTradeStore::FindTrade(std::string_view participant, std::string_view trade_id) {
  ASSIGN_OR_RETURN(int64_t stable, LastSeq());
  Bson filter;
  filter.Append("_id", TradeDocumentId(participant, trade_id));
  std::optional<domain::Trade> found;
  Status parsed = Status::Ok();
  TRY(client_.Find(kTrades, filter, Bson(), [&](const Bson& doc) {
    Result<domain::Trade> trade = TradeFromDocument(doc);
    if (!trade.ok()) {
      parsed = trade.status();
    } else if (trade.value().seq <= stable) {
      found = std::move(trade).value();
    }
  }));
  TRY(parsed);
  return found;
}

Result<TradePage> MongoTradeStore::ListTrades(const TradeQuery& query) {
  if (query.limit == 0) return Status::InvalidArgument("limit must be at least 1");
  ASSIGN_OR_RETURN(int64_t stable, LastSeq());
  Bson filter = TradesInRange(query.after_seq, stable);
  if (query.participant) filter.Append("participant", *query.participant);
  if (query.business_date) filter.Append("business_date", query.business_date->ToString());
  if (query.instrument) filter.Append("instrument", *query.instrument);
  TradePage page;
  Status parsed = Status::Ok();
  TRY(client_.Find(kTrades, filter, SortBySeq(1, query.limit + 1), [&](const Bson& doc) {
    Result<domain::Trade> trade = TradeFromDocument(doc);
    if (!trade.ok()) {
      parsed = trade.status();
      return;
    }
    page.trades.push_back(std::move(trade).value());
  }));
  TRY(parsed);
  if (page.trades.size() > query.limit) {
    page.trades.resize(query.limit);
    page.next_after_seq = page.trades.back().seq;
  }
  return page;
}

Status MongoTradeStore::ScanTrades(int64_t after_seq, size_t limit,
                                   const std::function<void(const domain::Trade&)>& visit) {
  ASSIGN_OR_RETURN(int64_t stable, LastSeq());
  if (ScanRecent(after_seq, stable, limit, visit)) return Status::Ok();
  // One query, sorted by seq and limited as asked: the seq index serves it on MongoDB, and
  // servers that cannot push the filter down (FerretDB 1.x) scan the collection once, not once
  // per batch.
  Status parsed = Status::Ok();
  TRY(client_.Find(kTrades, TradesInRange(after_seq, stable), SortBySeq(1, limit), [&](const Bson& doc) {
    if (!parsed.ok()) return;
    Result<domain::Trade> trade = TradeFromDocument(doc);
    if (!trade.ok()) {
      parsed = trade.status();
      return;
    }
    visit(trade.value());
  }));
  return parsed;
}

Result<int64_t> MongoTradeStore::CountTrades(int64_t after_seq, int64_t through_seq) {
  ASSIGN_OR_RETURN(int64_t stable, LastSeq());
  const int64_t through = std::min(through_seq, stable);
  if (through <= after_seq) return int64_t{0};
  return client_.Count(kTrades, TradesInRange(after_seq, through));
}

Result<DateTradeCount> MongoTradeStore::DateTotals(Date business_date) {
  ASSIGN_OR_RETURN(int64_t stable, LastSeq());
  Bson filter = SeqRange(0, stable);
  filter.Append("business_date", business_date.ToString());
  DateTradeCount totals;
  ASSIGN_OR_RETURN(totals.trades, client_.Count(kTrades, filter));
  if (totals.trades == 0) return totals;
  Bson projection;
  projection.Append("seq", int32_t{1});
  Bson opts = SortBySeq(-1, 1);
  TRY(client_.Find(kTrades, filter, opts, [&](const Bson& doc) { totals.last_seq = doc.GetInt64("seq"); }));
  return totals;
}

}  // namespace tradeagg::store
