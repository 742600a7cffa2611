// MongoTradeStore: the TradeStore on a MongoDB database, which several tradeagg instances may
// share. Written for what FerretDB 1.x (and many deployments) lack: no multi-document
// transactions, no atomic read-modify-write across clients; the only atomic primitive used is
// an insert into a unique index (_id).
//
// Collections (document layout: mongo_trade_document.h):
//   trades      _id "<participant>|<trade_id>" (the idempotency key), indexes seq (unique),
//               (participant, business_date), instrument; and tombstones {_id: seq, seq,
//               void: lo} holding the seqs of reaped blocks (see "Dead writers")
//   seq_blocks  { _id: lo, hi, instance, writer, state: "pending"|"committed"|"void",
//                 claimed_us, deadline_us }: the seq ranges handed out, one per Append call
//   seq_reaps   { _id: "<lo>#<attempt>", lo, attempt, reaper, claim, deadline_us }: who reaps
//                 a dead writer's block (read only when reaping; kept, one per reaped block)
//
// Append, one call (a group of requests):
//  1. Claim a block [lo, lo + n - 1] for the call's n trades: insert {_id: lo} (kAlreadyExists
//     means another writer took lo: re-read, retry above it), then read seq_blocks once and keep
//     the claim only if every other block ends below lo, else void it and retry. Every kept
//     block is above every block that existed when it was claimed, and the block with the
//     highest end is never deleted, so no block is ever claimed below a stable point reported.
//     Fast path, while the last check saw no other writer's block pending: claim the seqs
//     right after this writer's newest block by the insert alone. Success means no valid block
//     overlaps it (another writer's valid claim lies above every block its check saw, so above
//     this writer's newest, whose successor _id this insert took); a taken _id means another
//     writer is active, and the full claim follows. After a fast-path commit every trade up to
//     the block's end is readable, so LastSeq answers from memory for stable_from_commit.
//  2. Plan (AppendPlan, positional numbering: trade k of the call has seq lo + k) as if no key
//     were stored, and insert those trades with one unordered insert_many (the write concern,
//     journaled).
//  3. Keys the insert found taken: read their holders. A holder in another writer's pending
//     block is waited for (bounded, then kUnavailable); committed holders are stored trades.
//     Plan again with them; delete what the first plan wrote and the second does not accept
//     (a request undone by a conflict), insert what the second accepts and the first did not;
//     repeat while new keys turn up taken (bounded).
//  4. Commit: update the block {state: pending, writer: me} to committed. Only now is the call
//     acknowledged. A lost reply is resolved by reading the block back.
//  Any failure before the commit: delete the block's trades (seq in [lo, hi], this writer's),
//  then mark it void; that is kUnavailable. An outcome that is unknown (a timeout: the server
//  may still apply the request later) or a cleanup that fails is settled before the next
//  append so that no late write can undo it: an unknown claim is fenced by inserting it void
//  (a late insert then fails on the _id), an unknown commit is rolled forward by committing
//  again (every trade was written; the client had a 503 and its retry finds duplicates), and
//  only writes with no commit sent are voided.
//
// LastSeq (the stable point): from one read of seq_blocks, the lowest pending block's lo - 1,
// or with none pending the highest block's hi; never less than a value reported before. Every
// read filters seq <= it, so a reader never sees the trades of an uncommitted block. Gaps:
// seqs of duplicates, conflicts and void blocks are never used.
//
// Writers: one per process life, named "<instance_id>#<random>" on its blocks and trades, so
// that a restarted server never mistakes what its killed predecessor still had in flight (the
// server may apply a dead client's last request after it died) for its own.
//
// Dead writers: a pending block whose deadline has passed is reaped by whoever reads it, and
// the writer of a restarted instance reaps its earlier lives' pending blocks whenever it reads
// seq_blocks. One reaper at a time (TakeReap, seq_reaps). Reaping fences: every seq of the
// block is first taken by a tombstone in the unique seq index ({_id: seq, seq, void: lo}), so
// that the dead writer's late insert can no longer land; the trades that landed before are
// deleted (their seqs tombstoned too); then the block is marked void. Readers skip tombstones.
// A stale claim (one overlapping a committed block) never held trades and is voided without
// tombstones; a live writer whose pending block a dead writer's stale claim overlaps may have
// a group fail on the tombstones: a 503, nothing lost. A writer gives up on its own block well
// before the deadline (write_budget < lease), so a live writer is never reaped as long as
// clocks agree within lease - 2 * write_budget; if one is, its late writes fail on the
// tombstones and its commit finds the block void: a 503, never a lost acknowledgement. The
// instance id must be unique per running server.
//
// Recent trades: a writer keeps the trades of its latest blocks in memory (up to
// recent_trades) while nobody else's trades lie between them, so ScanTrades after a seq they
// cover (the book following the store after each commit, the exporter a few seconds behind) is
// answered without reading `trades`: one read of seq_blocks. Whether another writer's trades
// lie between is known from the claim's read of seq_blocks: the seqs between the cached ones
// and the new block must belong to void blocks (no trades) only; a committed block elsewhere,
// or seqs no block accounts for (a pruned block), start the cache again from the new block.
//
// Thread safety: every method may be called from any thread; Append() calls are serialised by
// the caller (one writer per instance), reads run concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tradeagg/store/append_plan.h"
#include "tradeagg/store/mongo/mongo_client.h"
#include "tradeagg/store/trade_store.h"

namespace tradeagg::store {

struct MongoTradeStoreOptions {
  std::string instance_id;  // unique per running instance; its writer ids are "<instance_id>#<random>"
  // A pending block older than this is taken for a dead writer's and reaped.
  std::chrono::milliseconds lease{60'000};
  // A writer abandons its own block when the commit has not happened by then.
  std::chrono::milliseconds write_budget{15'000};
  // How long a trade whose key is held by another writer's uncommitted block waits for it.
  std::chrono::milliseconds holder_wait{3'000};
  // How long after this writer's own commit (with no other writer seen) LastSeq answers from
  // memory: under load, the reads after each commit cost no round trip.
  std::chrono::milliseconds stable_from_commit{100};
  // The most trades kept in memory for ScanTrades near the head (0: none).
  size_t recent_trades = 200'000;
};

class MongoTradeStore final : public TradeStore {
 public:
  // Creates the indexes (one command each) and reaps expired blocks.
  static Result<std::unique_ptr<MongoTradeStore>> Open(MongoClient& client, MongoTradeStoreOptions options);

  // This process life's writer id, as its blocks and trades carry it.
  const std::string& writer() const { return writer_; }

  Status Append(std::span<AppendRequest* const> requests) override;
  Result<std::optional<domain::Trade>> FindTrade(std::string_view participant, std::string_view trade_id) override;
  Result<TradePage> ListTrades(const TradeQuery& query) override;
  Status ScanTrades(int64_t after_seq, size_t limit, const std::function<void(const domain::Trade&)>& visit) override;
  Result<int64_t> LastSeq() override;
  Result<int64_t> CountTrades(int64_t after_seq, int64_t through_seq) override;
  Result<DateTradeCount> DateTotals(Date business_date) override;

 private:
  struct Block {
    int64_t lo = 0;
    int64_t hi = 0;
    std::string instance;  // the instance id of its writer
    std::string writer;    // the process life: "<instance>#<random>"
    std::string state;
    int64_t deadline_us = 0;
  };

  MongoTradeStore(MongoClient& client, MongoTradeStoreOptions options);

  Result<std::vector<Block>> ReadBlocks();
  // Reaps the pending blocks among `blocks` whose writer is dead: expired ones, and once this
  // store writes, those of this instance's earlier lives. Updates their state in place.
  Status ReapBlocks(std::vector<Block>& blocks);
  bool EarlierLife(const Block& block) const;
  // A block overlapping a committed one is a stale claim (a committed block passed its check,
  // so nothing overlapping it did): its writer never wrote into it, and its seqs may be the
  // committed block's writer's next ones, so it is voided without tombstones.
  static bool OverlapsCommitted(const Block& block, const std::vector<Block>& blocks);
  // Voids a block whose writes have all been answered: deletes its trades, then marks it void.
  Status VoidBlock(const Block& block);
  // Voids a block whose writes may still land (a dead writer's, or this writer's unanswered
  // ones): tombstones first, so that no late insert can land after the trades are deleted.
  Status FenceVoid(const Block& block);
  // Reaping a block is exclusive, because FerretDB deletes by _id the documents its filter
  // matched a moment before: two processes deleting the same dead trades could delete a trade
  // that a writer stored again, under the same key, in between. A reaper takes the block by
  // inserting {_id: "<lo>#<attempt>"} into seq_reaps; attempt n + 1 only after attempt n's
  // deadline (the lease), and a reaper gives up before deleting once write_budget is spent.
  // False: another reaper holds it.
  Result<bool> TakeReap(const Block& block);
  // This writer's own block left unsettled: taken like a dead writer's, then fenced.
  Status ReapUnsettled(const Block& block);
  Status InsertTombstones(const Block& block);
  int64_t StablePoint(const std::vector<Block>& blocks);

  Block NewBlock(int64_t size);
  static Bson BlockDocument(const Block& block, std::string_view state);  // as seq_blocks keeps it
  Status InsertBlock(const Block& block);
  // Takes `block` as this writer's newest; `read`: the blocks its check read (null: fast path).
  void AcceptClaim(const Block& block, const std::vector<Block>* read);
  Result<Block> ClaimBlock(int64_t size);
  int64_t RecentTo();
  static bool OnlyVoidBetween(const std::vector<Block>& blocks, int64_t after, int64_t before);
  // Steps 2 and 3: writes the plan's trades; returns when the block holds exactly them.
  // `unanswered`: set to the documents of a first insert whose outcome is unknown.
  Status WriteTrades(std::span<AppendRequest* const> requests, const Block& block, std::vector<Bson>* unanswered);
  Status CommitBlock(const Block& block);
  // `committing`: the commit was sent (its outcome is then settled by committing again).
  Status AbandonBlock(const Block& block, Status cause, bool committing, std::vector<Bson> unanswered);
  // The holders of `keys` that are committed; kUnavailable when one stays uncommitted.
  Result<std::vector<domain::Trade>> CommittedHolders(const std::vector<std::string>& keys, const Block& own);
  void PruneBlocks(const Block& newest);
  // The committed call's accepted trades into the recent cache, extending it when nothing
  // but void blocks lies between it and `block`, else starting it again.
  void RememberCommitted(std::span<AppendRequest* const> requests, const Block& block);
  // Visits the cached trades in (after_seq, through_seq] if the cache covers that range.
  bool ScanRecent(int64_t after_seq, int64_t through_seq, size_t limit,
                  const std::function<void(const domain::Trade&)>& visit);

  MongoClient& client_;
  const MongoTradeStoreOptions options_;
  const std::string writer_;  // "<instance_id>#<random>": this process life
  int64_t next_lo_ = 1;  // writer only: where the next claim starts
  // A block an earlier call left unsettled, and what may still land of it: a server that
  // timed out may apply a request later (after a freeze), so each kind is settled in a way
  // that a late write cannot undo.
  enum class Unsettled : uint8_t {
    kClaim,   // the claim's insert may land; no trade was written: fenced by inserting it void
    kWrites,  // trades may be partly written, no commit was sent: voided (trades, then state)
    // The first insert of the call's trades went unanswered (it may land later): rolled forward
    // by inserting them again and committing, when every key is then held by this block; a
    // late copy of the first insert then fails on the _id. Else voided, now that no late
    // insert of them can land any more.
    kInsertUnanswered,
    kCommit,  // every trade written, the commit's reply lost: committed again (roll forward)
  };
  struct UnsettledBlock {
    Block block;
    Unsettled kind;
    std::vector<Bson> documents;  // kInsertUnanswered: the trades the insert carried
  };
  Status Settle(const UnsettledBlock& unsettled);
  // kInsertUnanswered: insert again and commit, or void when another writer holds a key.
  Status RollForward(const UnsettledBlock& unsettled);
  Status FenceClaim(const Block& block);
  std::optional<UnsettledBlock> unclean_;  // writer only
  std::chrono::steady_clock::time_point claimed_at_;
  int64_t commits_ = 0;
  bool first_append_ = true;
  // Set at the first Append: from then on this store is its instance's writer, and reaps the
  // blocks of the instance's earlier lives wherever it reads seq_blocks.
  std::atomic<bool> reaps_earlier_lives_{false};
  std::atomic<int64_t> reported_stable_{0};
  bool claim_follows_recent_ = false;  // writer only: set by ClaimBlock from its read
  std::optional<Block> newest_own_;    // writer only: this process's newest valid claim
  bool solo_ = false;                  // writer only: no other writer's block pending at the last check
  std::atomic<int64_t> own_stable_at_us_{-1'000'000'000'000};  // steady clock of the last solo commit

  std::mutex recent_mutex_;
  std::deque<domain::Trade> recent_;  // guarded: in seq order, every trade in (recent_from_, recent_to_]
  int64_t recent_from_ = 0;           // guarded
  int64_t recent_to_ = 0;             // guarded; 0 with recent_from_ 0: nothing cached
};

}  // namespace tradeagg::store
