// S3ObjectStore: an ObjectStore in an S3 bucket, under a key prefix ("s3://bucket/prefix").
//
// Key "a/b" is the object "<prefix>/a/b"; its URI "s3://<bucket>/<prefix>/a/b" (KeyForUri also
// takes "s3a://", as Hadoop-based engines write it). The guarantees of object_store.h hold by
// S3's own: a PUT is atomic and durable once answered, a missing object is 404, DELETE is
// idempotent, ListObjectsV2 is sorted by key. Objects above `multipart_threshold` go up as a
// multipart upload of `part_size` parts, read from the file one part at a time (PutFile) and
// sent up to `upload_concurrency` at once (a part's round trip is mostly the server's work, which
// parallel requests overlap), and the upload is aborted when any step fails, so that no parts are left behind (a crash can
// still leave some: a bucket lifecycle rule for incomplete uploads clears those). Every upload
// carries its SHA-256 in the signed x-amz-content-sha256 header, which the server checks.
// Thread safety: all methods may be called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "tradeagg/lake/local_copy_cache.h"
#include "tradeagg/lake/object_store.h"
#include "tradeagg/lake/s3/s3_client.h"

namespace tradeagg::lake::s3 {

// "s3://bucket/prefix" split; the prefix without leading or trailing '/' (may be empty).
struct S3Location {
  std::string bucket;
  std::string prefix;
  static Result<S3Location> Parse(std::string_view uri);
  std::string ToString() const;  // "s3://bucket/prefix"
};

struct S3ObjectStoreOptions {
  size_t multipart_threshold = size_t{16} << 20;
  size_t part_size = size_t{8} << 20;  // S3's minimum for every part but the last is 5 MiB
  int upload_concurrency = 4;          // parts of one upload in flight at once (memory: that many parts)
  int list_page_size = 1000;           // ListObjectsV2 max-keys (1000 is S3's most)
  // Where LocalCopy keeps its copies (empty: none are kept, and LocalCopy is kUnavailable).
  std::filesystem::path copies_dir;
  uint64_t copies_max_bytes = uint64_t{2} << 30;
};

class S3ObjectStore final : public ObjectStore {
 public:
  // Checks that the bucket exists and the credentials reach it: a missing bucket is kNotFound
  // naming it, refused credentials kPermissionDenied.
  static Result<std::unique_ptr<S3ObjectStore>> Open(std::unique_ptr<S3Client> client, S3Location location,
                                                     S3ObjectStoreOptions options = {});

  Status Put(std::string_view key, std::string_view bytes) override;
  Status PutFile(std::string_view key, const std::filesystem::path& path) override;
  Result<std::string> Get(std::string_view key) override;
  Result<std::string> GetRange(std::string_view key, int64_t offset, int64_t length) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Status Delete(std::string_view key) override;
  Result<bool> Exists(std::string_view key) override;
  std::string Uri(std::string_view key) const override;
  Result<std::string> KeyForUri(std::string_view uri) const override;
  // A copy in options.copies_dir (see local_copy_cache.h), downloaded on first use.
  Result<std::filesystem::path> LocalCopy(std::string_view key) override;

  const S3Location& location() const { return location_; }
  S3Client& client() { return *client_; }

 private:
  S3ObjectStore(std::unique_ptr<S3Client> client, S3Location location, S3ObjectStoreOptions options);
  std::string ObjectKey(std::string_view key) const;  // with the prefix
  S3Request ObjectRequest(std::string method, std::string_view key) const;
  // Reads the next part (at most part_size bytes) into `part`; false at the end.
  using PartSource = std::function<Result<bool>(std::string& part)>;
  Status PutMultipart(std::string_view key, const PartSource& next_part);
  Status UploadParts(const std::string& object_key, const std::string& upload_id, const PartSource& next_part);

  std::unique_ptr<S3Client> client_;
  const S3Location location_;
  const S3ObjectStoreOptions options_;
  std::unique_ptr<LocalCopyCache> copies_;  // null without options_.copies_dir
};

}  // namespace tradeagg::lake::s3
