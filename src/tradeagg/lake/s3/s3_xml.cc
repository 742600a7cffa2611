#include "tradeagg/lake/s3/s3_xml.h"

#include <expat.h>

#include <charconv>
#include <functional>
#include <memory>

namespace tradeagg::lake::s3 {

namespace {

// Walks a document and hands every element's path ("ListBucketResult/Contents/Key") and text
// to `on_element` when it closes. S3's answers are small and flat, so this is all it takes.
class ElementWalker {
 public:
  using Visit = std::function<void(const std::string& path, const std::string& text)>;
  explicit ElementWalker(Visit visit) : visit_(std::move(visit)) {}

  Status Parse(std::string_view xml) {
    std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate("UTF-8"), XML_ParserFree);
    if (!parser) return Status::Internal("xml: cannot create a parser");
    XML_SetUserData(parser.get(), this);
    XML_SetElementHandler(parser.get(), &ElementWalker::Start, &ElementWalker::End);
    XML_SetCharacterDataHandler(parser.get(), &ElementWalker::Text);
    if (XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE) == XML_STATUS_ERROR) {
      return Status::Unavailable(std::string("malformed XML from S3: ") + XML_ErrorString(XML_GetErrorCode(parser.get())));
    }
    return Status::Ok();
  }

 private:
  static void Start(void* self, const XML_Char* name, const XML_Char** /*attributes*/) {
    auto& walker = *static_cast<ElementWalker*>(self);
    walker.lengths_.push_back(walker.path_.size());
    if (!walker.path_.empty()) walker.path_ += '/';
    walker.path_ += LocalName(name);
    walker.text_.clear();
  }
  static void End(void* self, const XML_Char* /*name*/) {
    auto& walker = *static_cast<ElementWalker*>(self);
    walker.visit_(walker.path_, walker.text_);
    walker.path_.resize(walker.lengths_.back());
    walker.lengths_.pop_back();
    walker.text_.clear();
  }
  static void Text(void* self, const XML_Char* text, int length) {
    static_cast<ElementWalker*>(self)->text_.append(text, static_cast<size_t>(length));
  }
  // Without a namespace prefix, should a server use one.
  static std::string_view LocalName(std::string_view name) {
    const size_t colon = name.rfind(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
  }

  Visit visit_;
  std::string path_;
  std::vector<size_t> lengths_;
  std::string text_;
};

int64_t ParseSize(const std::string& text) {
  int64_t value = -1;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() ? value : -1;
}

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

Result<ListPage> ParseListObjectsV2(std::string_view xml) {
  ListPage page;
  ObjectInfo current;
  Status bad = Status::Ok();
  ElementWalker walker([&](const std::string& path, const std::string& text) {
    if (path == "ListBucketResult/Contents/Key") {
      current.key = text;
    } else if (path == "ListBucketResult/Contents/Size") {
      current.size = ParseSize(text);
      if (current.size < 0) bad = Status::Unavailable("ListObjectsV2: malformed Size '" + text + "'");
    } else if (path == "ListBucketResult/Contents/LastModified") {
      Result<Timestamp> modified = Timestamp::Parse(text);
      if (modified.ok()) current.modified = modified.value();
    } else if (path == "ListBucketResult/Contents") {
      page.objects.push_back(std::move(current));
      current = ObjectInfo{};
    } else if (path == "ListBucketResult/IsTruncated") {
      page.truncated = text == "true";
    } else if (path == "ListBucketResult/NextContinuationToken") {
      page.next_continuation_token = text;
    }
  });
  TRY(walker.Parse(xml));
  TRY(bad);
  if (page.truncated && page.next_continuation_token.empty()) {
    return Status::Unavailable("ListObjectsV2: a truncated page without a NextContinuationToken");
  }
  return page;
}

Result<std::string> ParseUploadId(std::string_view xml) {
  std::string upload_id;
  ElementWalker walker([&](const std::string& path, const std::string& text) {
    if (path == "InitiateMultipartUploadResult/UploadId") upload_id = text;
  });
  TRY(walker.Parse(xml));
  if (upload_id.empty()) return Status::Unavailable("CreateMultipartUpload: no UploadId in the answer");
  return upload_id;
}

std::optional<ErrorDocument> ParseErrorDocument(std::string_view xml) {
  ErrorDocument error;
  bool is_error = false;
  ElementWalker walker([&](const std::string& path, const std::string& text) {
    if (path == "Error") is_error = true;
    if (path == "Error/Code") error.code = text;
    if (path == "Error/Message") error.message = text;
  });
  if (!walker.Parse(xml).ok() || !is_error) return std::nullopt;
  return error;
}

std::string CompleteMultipartUploadBody(const std::vector<std::string>& etags) {
  std::string body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (size_t i = 0; i < etags.size(); ++i) {
    body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + Escape(etags[i]) + "</ETag></Part>";
  }
  body += "</CompleteMultipartUpload>";
  return body;
}

}  // namespace tradeagg::lake::s3
