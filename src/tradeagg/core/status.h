// Status and Result<T>: errors as values at module boundaries.
//
// A Status carries a code and a human-readable message. Result<T> carries either a value or a
// non-OK Status. Adapters at the edges (SQLite, DuckDB, libmongoc, curl) translate their error
// codes into these; the HTTP layer translates them into problem+json responses.
// kStateUnknown is kept apart from kUnavailable on purpose: after a timeout during a commit the
// caller must re-read before retrying, whereas kUnavailable means nothing happened.
// A Status may say when to retry (retry_after_seconds, e.g. a throttled login's kResourceExhausted
// or a full queue's kUnavailable); the HTTP layer sends it as Retry-After.
// Thread safety: value types, no shared state.
#pragma once

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tradeagg {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // the caller's input is wrong (4xx)
  kNotFound,
  kAlreadyExists,
  kConflict,          // same key, different content
  kUnauthenticated,
  kPermissionDenied,
  kUnavailable,       // a dependency failed; nothing was done; safe to retry
  kStateUnknown,      // a dependency failed mid-operation; re-read before retrying
  kResourceExhausted, // the caller is over a limit (too many attempts); retry later (429)
  kInternal,          // a bug or an invariant broken
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status StateUnknown(std::string m) { return {StatusCode::kStateUnknown, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }

  // The same status, saying the caller may retry after `seconds` (> 0).
  Status WithRetryAfter(int64_t seconds) && {
    retry_after_seconds_ = seconds;
    return std::move(*this);
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  int64_t retry_after_seconds() const { return retry_after_seconds_; }  // 0: not said
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  int64_t retry_after_seconds_ = 0;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok() && "Result built from an OK status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace tradeagg

#define TRADEAGG_CONCAT_INNER(a, b) a##b
#define TRADEAGG_CONCAT(a, b) TRADEAGG_CONCAT_INNER(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define TRY(expr)                                  \
  do {                                             \
    ::tradeagg::Status _status = (expr);           \
    if (!_status.ok()) return _status;             \
  } while (0)

// ASSIGN_OR_RETURN(auto x, FunctionReturningResult());
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(TRADEAGG_CONCAT(_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
