// EventSink: the open end of a streamed response, for server-sent events.
//
// A handler that answers with Response::on_stream gets a sink once the response's head is on
// the wire; it then sends events for as long as it likes, from any thread. The connection
// writes them in order, one chunk each. Each event replaces the one before it while that one
// waits to be written (a stream of snapshots: a slow client gets the newest, and holds at most
// two). A sink whose client has gone (a failed write, or a client that stopped reading past the
// idle timeout) reports closed, and the producer drops it.
// Thread safety: every member from any thread.
#pragma once

#include <string>

namespace tradeagg::http {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Queues `text` (whole events, "event: ...\ndata: ...\n\n"); false once the stream is closed.
  virtual bool Send(std::string text) = 0;
  // Ends the stream (the last chunk) and the connection.
  virtual void Close() = 0;
  virtual bool closed() const = 0;
};

}  // namespace tradeagg::http
