#include "tradeagg/lake/s3/s3_object_store.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <future>

#include "tradeagg/lake/s3/s3_xml.h"

namespace tradeagg::lake::s3 {

namespace {

std::string_view StripSlashes(std::string_view text) {
  while (!text.empty() && text.front() == '/') text.remove_prefix(1);
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  return text;
}

}  // namespace

Result<S3Location> S3Location::Parse(std::string_view uri) {
  std::string_view rest = uri;
  if (rest.starts_with("s3://")) {
    rest.remove_prefix(5);
  } else if (rest.starts_with("s3a://")) {
    rest.remove_prefix(6);
  } else {
    return Status::InvalidArgument("not an s3:// location: '" + std::string(uri) + "'");
  }
  const size_t slash = rest.find('/');
  S3Location location;
  location.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) location.prefix = std::string(StripSlashes(rest.substr(slash)));
  if (location.bucket.empty()) return Status::InvalidArgument("s3 location without a bucket: '" + std::string(uri) + "'");
  if (!location.prefix.empty()) TRY(ValidateObjectKey(location.prefix));
  return location;
}

std::string S3Location::ToString() const { return "s3://" + bucket + (prefix.empty() ? "" : "/" + prefix); }

Result<std::unique_ptr<S3ObjectStore>> S3ObjectStore::Open(std::unique_ptr<S3Client> client, S3Location location,
                                                           S3ObjectStoreOptions options) {
  if (options.part_size < (size_t{5} << 20)) return Status::InvalidArgument("S3 part size below S3's 5 MiB minimum");
  options.multipart_threshold = std::max(options.multipart_threshold, options.part_size);
  S3Request head;
  head.method = "HEAD";
  head.bucket = location.bucket;
  Result<S3Response> found = client->Send(head);
  if (!found.ok()) {
    const std::string where = client->Describe(location.bucket);
    if (found.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("lake.warehouse: bucket '" + location.bucket + "' does not exist at " + where);
    }
    return Status(found.status().code(), "lake.warehouse: cannot reach bucket '" + location.bucket + "': " +
                                             found.status().message());
  }
  return std::unique_ptr<S3ObjectStore>(new S3ObjectStore(std::move(client), std::move(location), std::move(options)));
}

S3ObjectStore::S3ObjectStore(std::unique_ptr<S3Client> client, S3Location location, S3ObjectStoreOptions options)
    : client_(std::move(client)), location_(std::move(location)), options_(std::move(options)) {
  if (!options_.copies_dir.empty()) {
    copies_ = std::make_unique<LocalCopyCache>(options_.copies_dir, options_.copies_max_bytes);
  }
}

std::string S3ObjectStore::ObjectKey(std::string_view key) const {
  return location_.prefix.empty() ? std::string(key) : location_.prefix + "/" + std::string(key);
}

S3Request S3ObjectStore::ObjectRequest(std::string method, std::string_view key) const {
  S3Request request;
  request.method = std::move(method);
  request.bucket = location_.bucket;
  request.key = ObjectKey(key);
  return request;
}

Status S3ObjectStore::Put(std::string_view key, std::string_view bytes) {
  TRY(ValidateObjectKey(key));
  if (bytes.size() > options_.multipart_threshold) {
    size_t offset = 0;
    return PutMultipart(key, [&](std::string& part) -> Result<bool> {
      if (offset >= bytes.size()) return false;
      part.assign(bytes.substr(offset, options_.part_size));
      offset += part.size();
      return true;
    });
  }
  S3Request request = ObjectRequest("PUT", key);
  request.body = bytes;
  return client_->Send(request).status();
}

Status S3ObjectStore::PutFile(std::string_view key, const std::filesystem::path& path) {
  TRY(ValidateObjectKey(key));
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(path, error);
  if (error) return Status::Unavailable("cannot read " + path.string() + ": " + error.message());
  if (size <= options_.multipart_threshold) return ObjectStore::PutFile(key, path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Unavailable("cannot read " + path.string());
  return PutMultipart(key, [&](std::string& part) -> Result<bool> {
    part.resize(options_.part_size);
    in.read(part.data(), static_cast<std::streamsize>(part.size()));
    part.resize(static_cast<size_t>(in.gcount()));
    if (in.bad()) return Status::Unavailable("cannot read " + path.string());
    return !part.empty();
  });
}

Status S3ObjectStore::PutMultipart(std::string_view key, const PartSource& next_part) {
  S3Request create = ObjectRequest("POST", key);
  create.query = {{"uploads", ""}};
  ASSIGN_OR_RETURN(S3Response created, client_->Send(create));
  ASSIGN_OR_RETURN(std::string upload_id, ParseUploadId(created.body));
  Status uploaded = UploadParts(ObjectKey(key), upload_id, next_part);
  if (uploaded.ok()) return uploaded;
  // Abort, so that no parts stay behind (they are billed and invisible); best effort.
  S3Request abort = ObjectRequest("DELETE", key);
  abort.query = {{"uploadId", upload_id}};
  Status aborted = client_->Send(abort).status();
  if (!aborted.ok()) return Status(uploaded.code(), uploaded.message() + "; abort failed too: " + aborted.message());
  return uploaded;
}

Status S3ObjectStore::UploadParts(const std::string& object_key, const std::string& upload_id,
                                  const PartSource& next_part) {
  // Parts are read in order and sent from up to upload_concurrency threads; their ETags are
  // collected in part order. After a failure no new part is sent, and the ones in flight are
  // waited for before returning (they use this object and the upload being aborted).
  std::deque<std::future<Result<std::string>>> in_flight;
  std::vector<std::string> etags;
  Status failed;
  auto finish_oldest = [&] {
    Result<std::string> etag = in_flight.front().get();
    in_flight.pop_front();
    if (!etag.ok()) {
      if (failed.ok()) failed = etag.status();
    } else {
      etags.push_back(std::move(etag).value());
    }
  };
  const size_t concurrency = static_cast<size_t>(std::max(1, options_.upload_concurrency));
  int part_number = 0;
  while (failed.ok()) {
    std::string part;
    Result<bool> more = next_part(part);
    if (!more.ok()) {
      failed = more.status();
      break;
    }
    if (!*more) break;
    if (in_flight.size() == concurrency) finish_oldest();
    if (!failed.ok()) break;
    in_flight.push_back(std::async(std::launch::async, [this, &object_key, &upload_id, number = ++part_number,
                                                        body = std::move(part)]() -> Result<std::string> {
      S3Request upload;
      upload.method = "PUT";
      upload.bucket = location_.bucket;
      upload.key = object_key;
      upload.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}};
      upload.body = body;
      ASSIGN_OR_RETURN(S3Response answered, client_->Send(upload));
      std::string etag = answered.Header("etag");
      if (etag.empty()) return Status::Unavailable("S3 UploadPart: no ETag in the answer");
      return etag;
    }));
  }
  while (!in_flight.empty()) finish_oldest();
  TRY(failed);
  S3Request complete;
  complete.method = "POST";
  complete.bucket = location_.bucket;
  complete.key = object_key;
  complete.query = {{"uploadId", upload_id}};
  const std::string body = CompleteMultipartUploadBody(etags);
  complete.body = body;
  complete.headers = {{"content-type", "application/xml"}};
  ASSIGN_OR_RETURN(S3Response completed, client_->Send(complete));
  // S3 may answer 200 and still fail: the error is then the body.
  if (std::optional<ErrorDocument> error = ParseErrorDocument(completed.body)) {
    return Status::Unavailable("S3 CompleteMultipartUpload of " + object_key + ": " + error->code + ": " + error->message);
  }
  return Status::Ok();
}

Result<std::string> S3ObjectStore::Get(std::string_view key) {
  TRY(ValidateObjectKey(key));
  ASSIGN_OR_RETURN(S3Response response, client_->Send(ObjectRequest("GET", key)));
  return std::move(response.body);
}

Result<std::string> S3ObjectStore::GetRange(std::string_view key, int64_t offset, int64_t length) {
  TRY(ValidateObjectKey(key));
  if (offset < 0 || length < 0) return Status::InvalidArgument("GetRange: negative offset or length");
  if (length == 0) return std::string();
  S3Request request = ObjectRequest("GET", key);
  request.headers = {{"range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1)}};
  request.also_answers = {416};  // the range starts past the end: no bytes, as the contract says
  ASSIGN_OR_RETURN(S3Response response, client_->Send(request));
  if (response.status == 416) return std::string();
  if (response.status == 200 && response.body.size() > static_cast<size_t>(length)) {
    // A server that ignores Range sends the whole object.
    const std::string& whole = response.body;
    if (static_cast<size_t>(offset) >= whole.size()) return std::string();
    return whole.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
  }
  return std::move(response.body);
}

Result<std::vector<ObjectInfo>> S3ObjectStore::List(std::string_view prefix) {
  const std::string strip = location_.prefix.empty() ? "" : location_.prefix + "/";
  std::vector<ObjectInfo> objects;
  std::string token;
  do {
    S3Request request;
    request.bucket = location_.bucket;
    request.query = {{"list-type", "2"}, {"max-keys", std::to_string(options_.list_page_size)},
                     {"prefix", strip + std::string(prefix)}};
    if (!token.empty()) request.query.emplace_back("continuation-token", token);
    ASSIGN_OR_RETURN(S3Response response, client_->Send(request));
    ASSIGN_OR_RETURN(ListPage page, ParseListObjectsV2(response.body));
    for (ObjectInfo& object : page.objects) {
      if (!object.key.starts_with(strip)) continue;
      object.key.erase(0, strip.size());
      if (!ValidateObjectKey(object.key).ok()) continue;  // not one of ours (a "dir/" marker, say)
      objects.push_back(std::move(object));
    }
    token = page.truncated ? page.next_continuation_token : "";
  } while (!token.empty());
  std::sort(objects.begin(), objects.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return objects;
}

Status S3ObjectStore::Delete(std::string_view key) {
  TRY(ValidateObjectKey(key));
  Result<S3Response> deleted = client_->Send(ObjectRequest("DELETE", key));
  if (!deleted.ok() && deleted.status().code() == StatusCode::kNotFound) return Status::Ok();
  return deleted.status();
}

Result<bool> S3ObjectStore::Exists(std::string_view key) {
  TRY(ValidateObjectKey(key));
  Result<S3Response> head = client_->Send(ObjectRequest("HEAD", key));
  if (head.ok()) return true;
  if (head.status().code() == StatusCode::kNotFound) return false;
  return head.status();
}

Result<std::filesystem::path> S3ObjectStore::LocalCopy(std::string_view key) {
  TRY(ValidateObjectKey(key));
  if (copies_ == nullptr) return ObjectStore::LocalCopy(key);
  return copies_->Copy(key, [&] { return Get(key); });
}

std::string S3ObjectStore::Uri(std::string_view key) const { return "s3://" + location_.bucket + "/" + ObjectKey(key); }

Result<std::string> S3ObjectStore::KeyForUri(std::string_view uri) const {
  Result<S3Location> parsed = S3Location::Parse(uri);
  const std::string strip = location_.prefix.empty() ? "" : location_.prefix + "/";
  if (!parsed.ok() || parsed.value().bucket != location_.bucket || !parsed.value().prefix.starts_with(strip) ||
      parsed.value().prefix.size() == strip.size()) {
    return Status::InvalidArgument("'" + std::string(uri) + "' is not in " + location_.ToString());
  }
  std::string key = parsed.value().prefix.substr(strip.size());
  TRY(ValidateObjectKey(key));
  return key;
}

}  // namespace tradeagg::lake::s3
