// MongoClient: the one adapter between tradeagg and libmongoc. Every libmongoc error is turned
// into a Status here (MongoStatus), and nothing outside store/mongo sees a mongoc or bson type.
//
// Error mapping:
//   server selection, socket, connection refused          -> kUnavailable (nothing was sent, or
//                                                             a read: retry may work)
//   the same during a write that may have reached the server -> kStateUnknown (re-read)
//   authentication failure (code 18)                      -> kUnavailable naming the credentials
//   duplicate key (11000, 11001)                           -> kAlreadyExists, or the positions
//                                                             of an unordered insert_many
//   a write concern error or timeout                      -> kStateUnknown (it may be applied)
//   anything else                                          -> kInternal
//
// Writes use the configured write concern, journaled ("majority" by default): a write that
// returns OK is acknowledged by it. Every operation has the pool's socket timeout, so no call
// blocks for longer than MongoClientOptions::operation_timeout.
// Thread safety: MongoClient is thread-safe (a mongoc client pool; each call leases a client).
// Bson is a value type owned by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"

struct _bson_t;
struct _mongoc_client_pool_t;
struct _mongoc_write_concern_t;

namespace tradeagg::store {

// An owned BSON document (bson_t). Built with the Append* calls; read with the Get* calls,
// which answer a default when the field is absent or of another type.
class Bson {
 public:
  Bson();
  ~Bson();
  Bson(Bson&& other) noexcept;
  Bson& operator=(Bson&& other) noexcept;
  Bson(const Bson&) = delete;
  Bson& operator=(const Bson&) = delete;

  static Bson CopyOf(const _bson_t* doc);

  Bson& Append(std::string_view key, std::string_view value);
  Bson& Append(std::string_view key, const char* value) { return Append(key, std::string_view(value)); }
  Bson& Append(std::string_view key, int64_t value);
  Bson& Append(std::string_view key, int32_t value);
  Bson& Append(std::string_view key, bool value);
  Bson& AppendDateTime(std::string_view key, int64_t millis);
  Bson& AppendDocument(std::string_view key, const Bson& doc);
  Bson& AppendArray(std::string_view key, std::span<const Bson> docs);
  Bson& AppendStringArray(std::string_view key, std::span<const std::string> values);
  Bson& AppendInt64Array(std::string_view key, std::span<const int64_t> values);

  bool Has(std::string_view key) const;
  std::string GetString(std::string_view key) const;
  int64_t GetInt64(std::string_view key) const;  // int32 and int64 both read
  bool GetBool(std::string_view key) const;
  int64_t GetDateTime(std::string_view key) const;  // millis
  std::vector<Bson> GetArray(std::string_view key) const;
  std::string ToJson() const;

  const _bson_t* get() const { return doc_; }
  _bson_t* mutable_get() { return doc_; }

 private:
  _bson_t* doc_;
};

struct MongoClientOptions {
  std::string uri;            // mongodb://…; the database is the URI's path ("tradeagg" if none)
  std::string write_concern;  // "majority" or a number of members; always journaled
  // Bounds every call: connect, server selection, socket reads and the write concern's wait.
  std::chrono::milliseconds operation_timeout{10'000};
};

// What an unordered insert_many did: every document but those at `duplicates` was inserted.
struct InsertManyResult {
  std::vector<size_t> duplicates;  // positions (into the documents given) whose _id was taken
};

class MongoClient {
 public:
  // Parses the URI, opens the pool and pings the server, so that a bad URI, an unreachable
  // server or wrong credentials stop start-up with a message naming store.uri.
  static Result<std::unique_ptr<MongoClient>> Open(const MongoClientOptions& options);
  ~MongoClient();
  MongoClient(const MongoClient&) = delete;
  MongoClient& operator=(const MongoClient&) = delete;

  const std::string& database() const { return database_; }

  Status Ping();
  // Inserts one document; kAlreadyExists when its _id (or a unique index) is taken.
  Status InsertOne(std::string_view collection, const Bson& doc);
  // Unordered: every document is tried; duplicates are reported, any other error is a Status.
  Result<InsertManyResult> InsertMany(std::string_view collection, std::span<const Bson> docs);
  // How many documents matched (0 or 1).
  Result<int64_t> UpdateOne(std::string_view collection, const Bson& selector, const Bson& update,
                            bool upsert = false);
  Result<int64_t> DeleteMany(std::string_view collection, const Bson& selector);
  // Visits the matching documents; opts as the find command's (sort, limit, projection).
  Status Find(std::string_view collection, const Bson& filter, const Bson& opts,
              const std::function<void(const Bson&)>& visit);
  Result<int64_t> Count(std::string_view collection, const Bson& filter);
  // Creates an index unless it exists. One per command: FerretDB 1.x fails a createIndexes
  // of several indexes of which some exist.
  Status EnsureIndex(std::string_view collection, std::string_view name, const Bson& keys, bool unique);
  // The names of the collection's indexes.
  Result<std::vector<std::string>> IndexNames(std::string_view collection);
  Result<std::vector<Bson>> IndexSpecs(std::string_view collection);  // as listIndexes answers

 private:
  MongoClient(_mongoc_client_pool_t* pool, _mongoc_write_concern_t* write_concern, std::string database,
              MongoClientOptions options);
  class Lease;

  _mongoc_client_pool_t* pool_;
  _mongoc_write_concern_t* write_concern_;
  const std::string database_;
  const MongoClientOptions options_;
};

}  // namespace tradeagg::store
