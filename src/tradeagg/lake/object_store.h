// ObjectStore: where the lake's files live (data, manifests, table metadata), by key.
//
// A key is a relative, '/'-separated name ("tradeagg.db/trades/metadata/00001-<uuid>.metadata.json").
// Keys are the store's own names; Uri(key) is the absolute location written into Iceberg
// metadata ("file:///abs/warehouse/...", later "s3://bucket/..."), and KeyForUri maps such a
// location back to a key of this store.
//
// Guarantees every implementation gives:
//   - Put is atomic: a reader sees either no object or all of its bytes, never a prefix. When
//     Put returns OK the object is durable (survives a crash or power loss). Put replaces an
//     existing object of the same key atomically.
//   - Get of a missing key is kNotFound. Delete of a missing key is OK (idempotent, as in S3).
//   - List(prefix) matches keys by plain string prefix (S3 semantics, not directories) and
//     returns them sorted by key. In-flight temporary objects of Put are never listed.
//   - Errors are values: kInvalidArgument for a malformed key, kNotFound, kUnavailable for I/O
//     failures (nothing was changed for Put/Delete unless the message says otherwise).
// Valid keys: non-empty, no leading or trailing '/', no empty, "." or ".." segments, none of
// the characters '\0', '\\', '?', '#', '%' or control characters (they would have to be
// escaped in URIs, and every reader escapes differently).
// Thread safety: implementations must allow concurrent calls from any threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/core/time.h"

namespace tradeagg::lake {

struct ObjectInfo {
  std::string key;
  int64_t size = 0;
  Timestamp modified;  // last modification, UTC
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Stores `bytes` under `key`, atomically and durably (see above).
  virtual Status Put(std::string_view key, std::string_view bytes) = 0;
  // Stores the content of the local file `path` under `key`, with Put's guarantees. The file
  // is consumed: moved into place where the store can (a local store on the same file system),
  // else read and uploaded; the caller removes it if it is still there afterwards.
  virtual Status PutFile(std::string_view key, const std::filesystem::path& path);
  virtual Result<std::string> Get(std::string_view key) = 0;
  // `length` bytes of the object from `offset` (fewer at its end; none past it): a Parquet
  // footer without the whole file. The default reads the object and cuts.
  virtual Result<std::string> GetRange(std::string_view key, int64_t offset, int64_t length);
  // Objects whose key starts with `prefix` ("" lists everything), sorted by key.
  virtual Result<std::vector<ObjectInfo>> List(std::string_view prefix) = 0;
  virtual Status Delete(std::string_view key) = 0;
  virtual Result<bool> Exists(std::string_view key) = 0;

  // Absolute location of `key` as written into table metadata. Does not check the key.
  virtual std::string Uri(std::string_view key) const = 0;
  // The key of an absolute location inside this store; kInvalidArgument when `uri` is not in it.
  virtual Result<std::string> KeyForUri(std::string_view uri) const = 0;
  // A path on the local file system holding the object, for engines that open files by path
  // (DuckDB without httpfs): the file itself in a local store, a cached copy of a remote one.
  // Only for objects never changed once written (data and manifest files), since a copy is
  // not refreshed. kUnavailable where the store keeps no local copies.
  virtual Result<std::filesystem::path> LocalCopy(std::string_view key);
};

// OK when `key` is a valid object key (rules above); kInvalidArgument saying why otherwise.
Status ValidateObjectKey(std::string_view key);

}  // namespace tradeagg::lake
