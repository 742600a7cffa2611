#include "tradeagg/lake/local/local_object_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "tradeagg/core/fault_injector.h"

namespace tradeagg::lake {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempPrefix = ".tradeagg-tmp-";

// For reads a missing path is kNotFound; for writes (`writing`) it is a failure like any
// other: the caller asked to create something, not to find it.
Status ErrnoStatus(int err, std::string_view what, const fs::path& path, bool writing = false) {
  std::string message = std::string(what) + " " + path.string() + ": " + std::strerror(err);
  if (!writing && (err == ENOENT || err == ENOTDIR)) return Status::NotFound(std::move(message));
  return Status::Unavailable(std::move(message));
}

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports the error close() returned (it can carry a deferred write error).
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status FsyncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(errno, "open directory", dir, true);
  if (::fsync(fd.get()) != 0) return ErrnoStatus(errno, "fsync directory", dir, true);
  return Status::Ok();
}

Status WriteAll(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write", path, true);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Timestamp ModificationTime(const struct stat& st) {
  return Timestamp::FromMicros(static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000 +
                               st.st_mtim.tv_nsec / 1000);
}

Status CheckRootPath(const std::string& root) {
  for (char c : root) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '?' || c == '#' || c == '%' ||
        c == '\\') {
      return Status::InvalidArgument("object store root '" + root +
                                     "' has a character that would need escaping in a URI");
    }
  }
  return Status::Ok();
}

std::string TempName(std::string_view file_name) {
  static std::atomic<uint64_t> counter{0};
  std::string name(kTempPrefix);
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
  name += '-';
  name += file_name;
  return name;
}

}  // namespace

LocalObjectStore::LocalObjectStore(fs::path root) : root_(std::move(root)) {
  root_string_ = root_.string();
  while (!root_string_.empty() && root_string_.back() == '/') root_string_.pop_back();
}

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::Open(const fs::path& root) {
  std::error_code ec;
  fs::path absolute = fs::absolute(root, ec);
  if (ec) return Status::InvalidArgument("object store root " + root.string() + ": " + ec.message());
  // Create the missing directories one at a time so that each new one is fsynced into its
  // parent: a warehouse created just before a commit must survive a crash too.
  fs::path existing = absolute;
  std::vector<fs::path> missing;
  while (!fs::exists(existing, ec) && existing.has_relative_path()) {
    missing.push_back(existing);
    existing = existing.parent_path();
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoStatus(errno, "create directory", *it, true);
    }
    TRY(FsyncDirectory(it->parent_path()));
  }
  fs::path canonical = fs::canonical(absolute, ec);
  if (ec) return Status::Unavailable("object store root " + absolute.string() + ": " + ec.message());
  if (!fs::is_directory(canonical, ec)) {
    return Status::InvalidArgument("object store root " + canonical.string() + " is not a directory");
  }
  TRY(CheckRootPath(canonical.string()));
  return std::unique_ptr<LocalObjectStore>(new LocalObjectStore(std::move(canonical)));
}

Status LocalObjectStore::CheckKey(std::string_view key) const {
  TRY(ValidateObjectKey(key));
  // Temporary names are reserved so that a key can never collide with (or expose) them.
  size_t start = 0;
  while (start < key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    if (key.substr(start, end - start).starts_with(kTempPrefix)) {
      return Status::InvalidArgument("object key '" + std::string(key) + "': segments starting with '" +
                                     std::string(kTempPrefix) + "' are reserved");
    }
    start = end + 1;
  }
  return Status::Ok();
}

Status LocalObjectStore::MakeDirectories(const fs::path& dir) const {
  // Walk down from the root; most Puts find every directory present and create nothing.
  fs::path relative = dir.lexically_relative(root_);
  fs::path current = root_;
  for (const fs::path& part : relative) {
    if (part == ".") continue;
    fs::path parent = current;
    current /= part;
    if (::mkdir(current.c_str(), 0755) == 0) {
      TRY(FsyncDirectory(parent));
    } else if (errno != EEXIST) {
      return ErrnoStatus(errno, "create directory", current, true);
    }
  }
  return Status::Ok();
}

Status LocalObjectStore::Put(std::string_view key, std::string_view bytes) {
  TRY(CheckKey(key));
  const fs::path target = root_ / fs::path(std::string(key));
  const fs::path dir = target.parent_path();
  TRY(MakeDirectories(dir));

  const fs::path temp = dir / TempName(target.filename().string());
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) return ErrnoStatus(errno, "create", temp, true);
  auto discard = [&temp](Status status) {
    ::unlink(temp.c_str());
    return status;
  };
  if (Status s = WriteAll(fd.get(), bytes, temp); !s.ok()) return discard(std::move(s));
  if (::fsync(fd.get()) != 0) return discard(ErrnoStatus(errno, "fsync", temp, true));
  if (fd.Close() != 0) return discard(ErrnoStatus(errno, "close", temp, true));
  // Test hook: a crash between writing and publishing leaves only a temporary file.
  if (Fault("object_store.put.before_rename")) {
    return Status::Unavailable("injected fault: object_store.put.before_rename");
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) return discard(ErrnoStatus(errno, "rename to", target, true));
  // The rename is durable only once the directory entry is.
  return FsyncDirectory(dir);
}

Status LocalObjectStore::PutFile(std::string_view key, const std::filesystem::path& path) {
  TRY(CheckKey(key));
  const fs::path target = root_ / fs::path(std::string(key));
  const fs::path dir = target.parent_path();
  TRY(MakeDirectories(dir));
  {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return ErrnoStatus(errno, "open", path, true);
    if (::fsync(fd.get()) != 0) return ErrnoStatus(errno, "fsync", path, true);
  }
  // The file is complete and durable before its name appears, so a reader never sees a prefix.
  if (::rename(path.c_str(), target.c_str()) != 0) {
    if (errno != EXDEV) return ErrnoStatus(errno, "rename to", target, true);
    return ObjectStore::PutFile(key, path);  // another file system: copy
  }
  return FsyncDirectory(dir);
}

Result<std::string> LocalObjectStore::Get(std::string_view key) {
  TRY(CheckKey(key));
  const fs::path path = root_ / fs::path(std::string(key));
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(errno, "open", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(errno, "stat", path);
  if (!S_ISREG(st.st_mode)) return Status::NotFound("not a file: " + path.string());
  std::string bytes;
  bytes.resize(static_cast<size_t>(st.st_size));
  size_t filled = 0;
  while (true) {
    if (filled == bytes.size()) bytes.resize(bytes.size() + 4096);  // the file may have grown
    ssize_t n = ::read(fd.get(), bytes.data() + filled, bytes.size() - filled);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "read", path);
    }
    if (n == 0) break;
    filled += static_cast<size_t>(n);
  }
  bytes.resize(filled);
  return bytes;
}

Result<std::vector<ObjectInfo>> LocalObjectStore::List(std::string_view prefix) {
  // Only the directory named by the prefix up to its last '/' can hold matches.
  const size_t slash = prefix.rfind('/');
  const std::string dir_key(slash == std::string_view::npos ? std::string_view() : prefix.substr(0, slash));
  if (!dir_key.empty()) TRY(CheckKey(dir_key));
  const fs::path start = dir_key.empty() ? root_ : root_ / fs::path(dir_key);

  std::vector<ObjectInfo> objects;
  std::error_code ec;
  fs::recursive_directory_iterator it(start, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) return objects;
    return Status::Unavailable("list " + start.string() + ": " + ec.message());
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    if (name.starts_with(kTempPrefix)) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::string key = path.lexically_relative(root_).generic_string();
    if (!key.starts_with(prefix)) continue;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // deleted while we listed
      return ErrnoStatus(errno, "stat", path);
    }
    objects.push_back(ObjectInfo{std::move(key), static_cast<int64_t>(st.st_size), ModificationTime(st)});
  }
  if (ec) return Status::Unavailable("list " + start.string() + ": " + ec.message());
  std::sort(objects.begin(), objects.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return objects;
}

Status LocalObjectStore::Delete(std::string_view key) {
  TRY(CheckKey(key));
  const fs::path path = root_ / fs::path(std::string(key));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(errno, "delete", path, true);
  return Status::Ok();
}

Result<bool> LocalObjectStore::Exists(std::string_view key) {
  TRY(CheckKey(key));
  const fs::path path = root_ / fs::path(std::string(key));
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return ErrnoStatus(errno, "stat", path);
  }
  return S_ISREG(st.st_mode);
}

std::string LocalObjectStore::Uri(std::string_view key) const {
  std::string uri = "file://";
  uri += root_string_;
  uri += '/';
  uri += key;
  return uri;
}

Result<std::string> LocalObjectStore::KeyForUri(std::string_view uri) const {
  // Accept "file:///abs" (what we write), "file:/abs" (what Hadoop-based writers produce) and
  // a bare absolute path.
  std::string_view path = uri;
  if (path.starts_with("file://")) {
    path.remove_prefix(7);
  } else if (path.starts_with("file:")) {
    path.remove_prefix(5);
  }
  const std::string_view root = root_string_;
  if (!path.starts_with('/') || !path.starts_with(root) || path.size() <= root.size() + 1 ||
      path[root.size()] != '/') {
    return Status::InvalidArgument("location '" + std::string(uri) + "' is not inside the object store at " +
                                   root_.string());
  }
  std::string key(path.substr(root.size() + 1));
  TRY(CheckKey(key));
  return key;
}

Result<fs::path> LocalObjectStore::LocalCopy(std::string_view key) {
  TRY(CheckKey(key));
  fs::path path = root_ / fs::path(std::string(key));
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return Status::NotFound("object " + std::string(key) + " not found");
  return path;
}

Result<int> LocalObjectStore::RemoveTemporaryFiles(std::chrono::seconds older_than) {
  const int64_t cutoff = Timestamp::Now().micros() - static_cast<int64_t>(older_than.count()) * 1'000'000;
  int removed = 0;
  std::error_code ec;
  fs::recursive_directory_iterator it(root_, ec);
  if (ec) return Status::Unavailable("list " + root_.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->path().filename().string().starts_with(kTempPrefix)) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (ModificationTime(st).micros() >= cutoff) continue;
    if (::unlink(it->path().c_str()) == 0) ++removed;
  }
  if (ec) return Status::Unavailable("list " + root_.string() + ": " + ec.message());
  return removed;
}

}  // namespace tradeagg::lake
