#include "tradeagg/store/mongo/mongo_client.h"

#include <mongoc/mongoc.h>

#include <spdlog/spdlog.h>

#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace tradeagg::store {

namespace {

constexpr int kDuplicateKey = 11000;
constexpr int kDuplicateKeyLegacy = 11001;
constexpr int kAuthenticationFailed = 18;

bool IsDuplicateKey(int64_t code) { return code == kDuplicateKey || code == kDuplicateKeyLegacy; }

// libmongoc wants mongoc_init() once per process before any other call.
// libmongoc's own log lines go to the service's log, at the service's levels: its default
// handler prints to stderr at every level, a server monitor's line every half second while the
// server is away. Closing a client against FerretDB (no endSessions command) warns every time:
// kept at debug.
void LogFromDriver(mongoc_log_level_t level, const char* domain, const char* message, void* /*data*/) {
  const std::string_view text(message);
  switch (level) {
    case MONGOC_LOG_LEVEL_ERROR:
    case MONGOC_LOG_LEVEL_CRITICAL: spdlog::error("mongoc {}: {}", domain, text); return;
    case MONGOC_LOG_LEVEL_WARNING:
      if (text.find("endSessions") != std::string_view::npos) {
        spdlog::debug("mongoc {}: {}", domain, text);
      } else {
        spdlog::warn("mongoc {}: {}", domain, text);
      }
      return;
    case MONGOC_LOG_LEVEL_MESSAGE:
    case MONGOC_LOG_LEVEL_INFO: spdlog::debug("mongoc {}: {}", domain, text); return;
    case MONGOC_LOG_LEVEL_DEBUG:
    case MONGOC_LOG_LEVEL_TRACE: spdlog::trace("mongoc {}: {}", domain, text); return;
  }
}

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // The handler first: mongoc_init itself may warn (its shared-memory counters taken by a
    // killed process of the same pid), and that line must be in the log's format too.
    mongoc_log_set_handler(&LogFromDriver, nullptr);
    mongoc_init();
  });
}

// `wrote`: the operation may have reached the server (a write), so a lost connection leaves its
// outcome unknown.
Status MongoStatus(const bson_error_t& error, std::string_view context, bool wrote) {
  std::string message = std::string(context) + ": " + error.message;
  if (error.code == kAuthenticationFailed ||
      (error.domain == MONGOC_ERROR_CLIENT && error.code == MONGOC_ERROR_CLIENT_AUTHENTICATE)) {
    return Status::Unavailable(message + " (check the credentials in store.uri)");
  }
  if (error.domain == MONGOC_ERROR_SERVER_SELECTION || error.domain == MONGOC_ERROR_CLIENT ||
      error.domain == MONGOC_ERROR_STREAM) {
    if (wrote && error.domain == MONGOC_ERROR_STREAM) return Status::StateUnknown(std::move(message));
    return Status::Unavailable(std::move(message));
  }
  if (error.domain == MONGOC_ERROR_WRITE_CONCERN) return Status::StateUnknown(std::move(message));
  if (IsDuplicateKey(error.code)) return Status::AlreadyExists(std::move(message));
  if (error.domain == MONGOC_ERROR_SERVER || error.domain == MONGOC_ERROR_QUERY ||
      error.domain == MONGOC_ERROR_COLLECTION || error.domain == MONGOC_ERROR_COMMAND) {
    // Not primary, shutting down, interrupted: the server is there but cannot serve now.
    switch (error.code) {
      case 91: case 189: case 10107: case 13435: case 11600: case 11602: case 13436: case 50:
        return wrote ? Status::StateUnknown(std::move(message)) : Status::Unavailable(std::move(message));
      default:
        break;
    }
  }
  return Status::Internal(std::move(message));
}

struct CollectionDeleter {
  void operator()(mongoc_collection_t* c) const { mongoc_collection_destroy(c); }
};
using CollectionPtr = std::unique_ptr<mongoc_collection_t, CollectionDeleter>;

}  // namespace

// --- Bson ------------------------------------------------------------------------------------

Bson::Bson() : doc_(bson_new()) {}
Bson::~Bson() {
  if (doc_ != nullptr) bson_destroy(doc_);
}
Bson::Bson(Bson&& other) noexcept : doc_(std::exchange(other.doc_, bson_new())) {}
Bson& Bson::operator=(Bson&& other) noexcept {
  std::swap(doc_, other.doc_);
  return *this;
}

Bson Bson::CopyOf(const bson_t* doc) {
  Bson copy;
  bson_destroy(copy.doc_);
  copy.doc_ = bson_copy(doc);
  return copy;
}

Bson& Bson::Append(std::string_view key, std::string_view value) {
  bson_append_utf8(doc_, key.data(), static_cast<int>(key.size()), value.data(), static_cast<int>(value.size()));
  return *this;
}
Bson& Bson::Append(std::string_view key, int64_t value) {
  bson_append_int64(doc_, key.data(), static_cast<int>(key.size()), value);
  return *this;
}
Bson& Bson::Append(std::string_view key, int32_t value) {
  bson_append_int32(doc_, key.data(), static_cast<int>(key.size()), value);
  return *this;
}
Bson& Bson::Append(std::string_view key, bool value) {
  bson_append_bool(doc_, key.data(), static_cast<int>(key.size()), value);
  return *this;
}
Bson& Bson::AppendDateTime(std::string_view key, int64_t millis) {
  bson_append_date_time(doc_, key.data(), static_cast<int>(key.size()), millis);
  return *this;
}
Bson& Bson::AppendDocument(std::string_view key, const Bson& doc) {
  bson_append_document(doc_, key.data(), static_cast<int>(key.size()), doc.doc_);
  return *this;
}
Bson& Bson::AppendArray(std::string_view key, std::span<const Bson> docs) {
  bson_t array;
  bson_append_array_begin(doc_, key.data(), static_cast<int>(key.size()), &array);
  for (size_t i = 0; i < docs.size(); ++i) {
    const std::string index = std::to_string(i);
    bson_append_document(&array, index.c_str(), static_cast<int>(index.size()), docs[i].doc_);
  }
  bson_append_array_end(doc_, &array);
  return *this;
}
Bson& Bson::AppendStringArray(std::string_view key, std::span<const std::string> values) {
  bson_t array;
  bson_append_array_begin(doc_, key.data(), static_cast<int>(key.size()), &array);
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string index = std::to_string(i);
    bson_append_utf8(&array, index.c_str(), static_cast<int>(index.size()), values[i].data(),
                     static_cast<int>(values[i].size()));
  }
  bson_append_array_end(doc_, &array);
  return *this;
}

Bson& Bson::AppendInt64Array(std::string_view key, std::span<const int64_t> values) {
  bson_t array;
  bson_append_array_begin(doc_, key.data(), static_cast<int>(key.size()), &array);
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string index = std::to_string(i);
    bson_append_int64(&array, index.c_str(), static_cast<int>(index.size()), values[i]);
  }
  bson_append_array_end(doc_, &array);
  return *this;
}

namespace {
bool FindKey(const bson_t* doc, std::string_view key, bson_iter_t* it) {
  return bson_iter_init(it, doc) && bson_iter_find_w_len(it, key.data(), static_cast<int>(key.size()));
}
}  // namespace

bool Bson::Has(std::string_view key) const {
  bson_iter_t it;
  return FindKey(doc_, key, &it);
}
std::string Bson::GetString(std::string_view key) const {
  bson_iter_t it;
  if (!FindKey(doc_, key, &it) || !BSON_ITER_HOLDS_UTF8(&it)) return {};
  uint32_t length = 0;
  const char* text = bson_iter_utf8(&it, &length);
  return std::string(text, length);
}
int64_t Bson::GetInt64(std::string_view key) const {
  bson_iter_t it;
  if (!FindKey(doc_, key, &it)) return 0;
  if (BSON_ITER_HOLDS_INT64(&it)) return bson_iter_int64(&it);
  if (BSON_ITER_HOLDS_INT32(&it)) return bson_iter_int32(&it);
  return 0;
}
bool Bson::GetBool(std::string_view key) const {
  bson_iter_t it;
  return FindKey(doc_, key, &it) && BSON_ITER_HOLDS_BOOL(&it) && bson_iter_bool(&it);
}
int64_t Bson::GetDateTime(std::string_view key) const {
  bson_iter_t it;
  return FindKey(doc_, key, &it) && BSON_ITER_HOLDS_DATE_TIME(&it) ? bson_iter_date_time(&it) : 0;
}
std::vector<Bson> Bson::GetArray(std::string_view key) const {
  std::vector<Bson> out;
  bson_iter_t it;
  bson_iter_t child;
  if (!FindKey(doc_, key, &it) || !BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &child)) return out;
  while (bson_iter_next(&child)) {
    if (!BSON_ITER_HOLDS_DOCUMENT(&child)) continue;
    uint32_t length = 0;
    const uint8_t* data = nullptr;
    bson_iter_document(&child, &length, &data);
    bson_t view;
    if (bson_init_static(&view, data, length)) out.push_back(CopyOf(&view));
  }
  return out;
}
std::string Bson::ToJson() const {
  char* text = bson_as_relaxed_extended_json(doc_, nullptr);
  std::string out = text != nullptr ? text : "";
  bson_free(text);
  return out;
}

// --- MongoClient -----------------------------------------------------------------------------

// A client leased from the pool for one call.
class MongoClient::Lease {
 public:
  explicit Lease(mongoc_client_pool_t* pool) : pool_(pool), client_(mongoc_client_pool_pop(pool)) {}
  ~Lease() { mongoc_client_pool_push(pool_, client_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  CollectionPtr Collection(const std::string& database, std::string_view name) {
    return CollectionPtr(mongoc_client_get_collection(client_, database.c_str(), std::string(name).c_str()));
  }
  mongoc_client_t* client() { return client_; }

 private:
  mongoc_client_pool_t* pool_;
  mongoc_client_t* client_;
};

namespace {

// `message` with the connection string's user information (user:password before '@') masked:
// the driver quotes what it could not parse, the password included.
std::string WithoutCredentials(std::string message, std::string_view uri) {
  const size_t start = uri.find("://");
  const size_t at = uri.find('@', start == std::string_view::npos ? 0 : start + 3);
  if (start == std::string_view::npos || at == std::string_view::npos) return message;
  const std::string_view userinfo = uri.substr(start + 3, at - start - 3);
  std::vector<std::string_view> secrets{userinfo};
  if (const size_t colon = userinfo.find(':'); colon != std::string_view::npos) secrets.push_back(userinfo.substr(colon + 1));
  for (std::string_view secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at_pos = message.find(secret); at_pos != std::string::npos; at_pos = message.find(secret, at_pos + 3)) {
      message.replace(at_pos, secret.size(), "***");
    }
  }
  return message;
}

}  // namespace

Result<std::unique_ptr<MongoClient>> MongoClient::Open(const MongoClientOptions& options) {
  InitOnce();
  bson_error_t error;
  mongoc_uri_t* uri = mongoc_uri_new_with_error(options.uri.c_str(), &error);
  if (uri == nullptr) {
    return Status::InvalidArgument("store.uri is not a MongoDB connection string: " +
                                   WithoutCredentials(error.message, options.uri));
  }
  const int32_t timeout_ms = static_cast<int32_t>(options.operation_timeout.count());
  // Bounded waits everywhere, unless the connection string says otherwise.
  if (!mongoc_uri_has_option(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS)) {
    mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, timeout_ms);
  }
  if (!mongoc_uri_has_option(uri, MONGOC_URI_CONNECTTIMEOUTMS)) {
    mongoc_uri_set_option_as_int32(uri, MONGOC_URI_CONNECTTIMEOUTMS, timeout_ms);
  }
  if (!mongoc_uri_has_option(uri, MONGOC_URI_SOCKETTIMEOUTMS)) {
    mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SOCKETTIMEOUTMS, timeout_ms);
  }
  // A server that went away is found again quickly once it is back.
  if (!mongoc_uri_has_option(uri, MONGOC_URI_HEARTBEATFREQUENCYMS)) {
    mongoc_uri_set_option_as_int32(uri, MONGOC_URI_HEARTBEATFREQUENCYMS, 500);
  }
  const char* path_db = mongoc_uri_get_database(uri);
  std::string database = path_db != nullptr && *path_db != '\0' ? path_db : "tradeagg";

  mongoc_write_concern_t* wc = mongoc_write_concern_new();
  if (options.write_concern == "majority" || options.write_concern.empty()) {
    mongoc_write_concern_set_w(wc, MONGOC_WRITE_CONCERN_W_MAJORITY);
  } else {
    mongoc_write_concern_set_w(wc, std::stoi(options.write_concern));
  }
  mongoc_write_concern_set_journal(wc, true);
  mongoc_write_concern_set_wtimeout_int64(wc, timeout_ms);

  mongoc_client_pool_t* pool = mongoc_client_pool_new_with_error(uri, &error);
  mongoc_uri_destroy(uri);
  if (pool == nullptr) {
    mongoc_write_concern_destroy(wc);
    return Status::InvalidArgument(std::string("store.uri: ") + error.message);
  }
  mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2);
  mongoc_client_pool_set_appname(pool, "tradeagg");
  std::unique_ptr<MongoClient> client(new MongoClient(pool, wc, std::move(database), options));
  Status ping = client->Ping();
  if (!ping.ok()) {
    return Status(ping.code(), "store.uri: cannot use the MongoDB server: " + ping.message());
  }
  return client;
}

MongoClient::MongoClient(mongoc_client_pool_t* pool, mongoc_write_concern_t* write_concern, std::string database,
                         MongoClientOptions options)
    : pool_(pool), write_concern_(write_concern), database_(std::move(database)), options_(std::move(options)) {}

MongoClient::~MongoClient() {
  mongoc_client_pool_destroy(pool_);
  mongoc_write_concern_destroy(write_concern_);
}

Status MongoClient::Ping() {
  Lease lease(pool_);
  Bson command;
  command.Append("ping", int32_t{1});
  bson_error_t error;
  bson_t reply;
  const bool ok = mongoc_client_command_simple(lease.client(), database_.c_str(), command.get(), nullptr, &reply, &error);
  bson_destroy(&reply);
  return ok ? Status::Ok() : MongoStatus(error, "ping", false);
}

Status MongoClient::InsertOne(std::string_view collection, const Bson& doc) {
  Lease lease(pool_);
  CollectionPtr coll = lease.Collection(database_, collection);
  Bson opts;
  mongoc_write_concern_append(write_concern_, opts.mutable_get());
  bson_error_t error;
  bson_t reply;
  const bool ok = mongoc_collection_insert_one(coll.get(), doc.get(), opts.get(), &reply, &error);
  bson_destroy(&reply);
  return ok ? Status::Ok() : MongoStatus(error, "insert into " + std::string(collection), true);
}

Result<InsertManyResult> MongoClient::InsertMany(std::string_view collection, std::span<const Bson> docs) {
  InsertManyResult result;
  if (docs.empty()) return result;
  Lease lease(pool_);
  CollectionPtr coll = lease.Collection(database_, collection);
  Bson opts;
  opts.Append("ordered", false);
  mongoc_write_concern_append(write_concern_, opts.mutable_get());
  // bson_t is over-aligned, which a std::vector of pointers to it warns about.
  std::vector<const void*> pointers(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) pointers[i] = docs[i].get();
  bson_error_t error;
  bson_t raw_reply;
  const bool ok = mongoc_collection_insert_many(coll.get(), reinterpret_cast<const bson_t**>(pointers.data()), docs.size(), opts.get(), &raw_reply, &error);
  Bson reply = Bson::CopyOf(&raw_reply);
  bson_destroy(&raw_reply);
  if (ok) return result;
  const std::string context = "insert into " + std::string(collection);
  // A reply with only duplicate-key write errors: everything else was inserted.
  std::vector<Bson> write_errors = reply.GetArray("writeErrors");
  if (write_errors.empty() || !reply.GetArray("writeConcernErrors").empty()) {
    return MongoStatus(error, context, true);
  }
  for (const Bson& write_error : write_errors) {
    if (!IsDuplicateKey(write_error.GetInt64("code"))) {
      return Status::Internal(context + ": " + write_error.GetString("errmsg"));
    }
    const int64_t index = write_error.GetInt64("index");
    if (index < 0 || static_cast<size_t>(index) >= docs.size()) {
      return Status::Internal(context + ": a write error names position " + std::to_string(index));
    }
    result.duplicates.push_back(static_cast<size_t>(index));
  }
  return result;
}

Result<int64_t> MongoClient::UpdateOne(std::string_view collection, const Bson& selector, const Bson& update, bool upsert) {
  Lease lease(pool_);
  CollectionPtr coll = lease.Collection(database_, collection);
  Bson opts;
  if (upsert) opts.Append("upsert", true);
  mongoc_write_concern_append(write_concern_, opts.mutable_get());
  bson_error_t error;
  bson_t raw_reply;
  const bool ok = mongoc_collection_update_one(coll.get(), selector.get(), update.get(), opts.get(), &raw_reply, &error);
  Bson reply = Bson::CopyOf(&raw_reply);
  bson_destroy(&raw_reply);
  if (!ok) return MongoStatus(error, "update " + std::string(collection), true);
  return reply.GetInt64("matchedCount") + reply.GetInt64("upsertedCount");
}

Result<int64_t> MongoClient::DeleteMany(std::string_view collection, const Bson& selector) {
  Lease lease(pool_);
  CollectionPtr coll = lease.Collection(database_, collection);
  Bson opts;
  mongoc_write_concern_append(write_concern_, opts.mutable_get());
  bson_error_t error;
  bson_t raw_reply;
  const bool ok = mongoc_collection_delete_many(coll.get(), selector.get(), opts.get(), &raw_reply, &error);
  Bson reply = Bson::CopyOf(&raw_reply);
  bson_destroy(&raw_reply);
  if (!ok) return MongoStatus(error, "delete from " + std::string(collection), true);
  return reply.GetInt64("deletedCount");
}

Status MongoClient::Find(std::string_view collection, const Bson& filter, const Bson& opts,
                         const std::function<void(const Bson&)>& visit) {
  Lease lease(pool_);
  CollectionPtr coll = lease.Collection(database_, collection);
  mongoc_cursor_t* cursor = mongoc_collection_find_with_opts(coll.get(), filter.get(), opts.get(), nullptr);
  const bson_t* doc = nullptr;
  while (mongoc_cursor_next(cursor, &doc)) {
    bson_t view;
    // A view of the cursor's buffer, valid until the next mongoc_cursor_next.
    if (!bson_init_static(&view, bson_get_data(doc), doc->len)) continue;
    Bson borrowed = Bson::CopyOf(&view);
    visit(borrowed);
  }
  bson_error_t error;
  const bool failed = mongoc_cursor_error(cursor, &error);
  mongoc_cursor_destroy(cursor);
  return failed ? MongoStatus(error, "find in " + std::string(collection), false) : Status::Ok();
}

Result<int64_t> MongoClient::Count(std::string_view collection, const Bson& filter) {
  Lease lease(pool_);
  CollectionPtr coll = lease.Collection(database_, collection);
  bson_error_t error;
  const int64_t n = mongoc_collection_count_documents(coll.get(), filter.get(), nullptr, nullptr, nullptr, &error);
  if (n < 0) return MongoStatus(error, "count in " + std::string(collection), false);
  return n;
}

Status MongoClient::EnsureIndex(std::string_view collection, std::string_view name, const Bson& keys, bool unique) {
  Lease lease(pool_);
  Bson index;
  index.AppendDocument("key", keys).Append("name", name);
  if (unique) index.Append("unique", true);
  Bson command;
  command.Append("createIndexes", collection).AppendArray("indexes", std::span<const Bson>(&index, 1));
  bson_error_t error;
  bson_t reply;
  const bool ok = mongoc_client_write_command_with_opts(lease.client(), database_.c_str(), command.get(), nullptr,
                                                        &reply, &error);
  bson_destroy(&reply);
  if (!ok) return MongoStatus(error, "create index " + std::string(name) + " on " + std::string(collection), false);
  if (!unique) return Status::Ok();
  // A server may answer ok for an existing index of that name without the unique option
  // (FerretDB 1.x does; MongoDB refuses): what makes appends idempotent must really be unique.
  ASSIGN_OR_RETURN(std::vector<Bson> specs, IndexSpecs(collection));
  for (const Bson& spec : specs) {
    if (spec.GetString("name") == name && spec.Has("unique") && spec.GetBool("unique")) return Status::Ok();
  }
  return Status::InvalidArgument("index " + std::string(name) + " on " + std::string(collection) +
                                 " exists but is not unique; drop it so that tradeagg creates it unique");
}

Result<std::vector<Bson>> MongoClient::IndexSpecs(std::string_view collection) {
  Lease lease(pool_);
  CollectionPtr coll = lease.Collection(database_, collection);
  mongoc_cursor_t* cursor = mongoc_collection_find_indexes_with_opts(coll.get(), nullptr);
  std::vector<Bson> specs;
  const bson_t* doc = nullptr;
  while (mongoc_cursor_next(cursor, &doc)) specs.push_back(Bson::CopyOf(doc));
  bson_error_t error;
  const bool failed = mongoc_cursor_error(cursor, &error);
  mongoc_cursor_destroy(cursor);
  if (failed) return MongoStatus(error, "list indexes of " + std::string(collection), false);
  return specs;
}

Result<std::vector<std::string>> MongoClient::IndexNames(std::string_view collection) {
  ASSIGN_OR_RETURN(std::vector<Bson> specs, IndexSpecs(collection));
  std::vector<std::string> names;
  for (const Bson& spec : specs) names.push_back(spec.GetString("name"));
  return names;
}

}  // namespace tradeagg::store
