// The parts of S3's XML answers tradeagg reads, parsed with expat: a ListObjectsV2 page, the
// UploadId of a new multipart upload, and the <Error> document of a failure (which S3 may also
// send with a 200, in answer to CompleteMultipartUpload).
// Thread safety: functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradeagg/core/status.h"
#include "tradeagg/lake/object_store.h"

namespace tradeagg::lake::s3 {

struct ListPage {
  std::vector<ObjectInfo> objects;  // keys as S3 has them (with the store's prefix)
  bool truncated = false;
  std::string next_continuation_token;
};

struct ErrorDocument {
  std::string code;     // "NoSuchKey", "NoSuchBucket", "SignatureDoesNotMatch", ...
  std::string message;
};

Result<ListPage> ParseListObjectsV2(std::string_view xml);
Result<std::string> ParseUploadId(std::string_view xml);
// The <Error> document in `xml`, if it is one (nullopt for any other document or no XML).
std::optional<ErrorDocument> ParseErrorDocument(std::string_view xml);

// The body of CompleteMultipartUpload for parts 1..etags.size().
std::string CompleteMultipartUploadBody(const std::vector<std::string>& etags);

}  // namespace tradeagg::lake::s3
