#include "tradeagg/lake/object_store.h"

#include <fstream>
#include <sstream>

namespace tradeagg::lake {

Status ObjectStore::PutFile(std::string_view key, const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Unavailable("cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in.good() && !in.eof()) return Status::Unavailable("cannot read " + path.string());
  return Put(key, bytes.view());
}

Result<std::string> ObjectStore::GetRange(std::string_view key, int64_t offset, int64_t length) {
  if (offset < 0 || length < 0) return Status::InvalidArgument("GetRange: negative offset or length");
  ASSIGN_OR_RETURN(std::string bytes, Get(key));
  if (static_cast<size_t>(offset) >= bytes.size()) return std::string();
  return bytes.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
}

Result<std::filesystem::path> ObjectStore::LocalCopy(std::string_view key) {
  return Status::Unavailable("the warehouse keeps no local copies; DuckDB cannot open " + std::string(key));
}

Status ValidateObjectKey(std::string_view key) {
  auto invalid = [key](std::string_view why) {
    return Status::InvalidArgument("object key '" + std::string(key) + "': " + std::string(why));
  };
  if (key.empty()) return invalid("empty");
  if (key.front() == '/' || key.back() == '/') return invalid("starts or ends with '/'");
  for (char c : key) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return invalid("control character");
    if (c == '\\' || c == '?' || c == '#' || c == '%') {
      return invalid(std::string("character '") + c + "' is not allowed");
    }
  }
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view segment = key.substr(start, end - start);
    if (segment.empty()) return invalid("empty segment");
    if (segment == "." || segment == "..") return invalid("'.' or '..' segment");
    start = end + 1;
  }
  return Status::Ok();
}

}  // namespace tradeagg::lake
