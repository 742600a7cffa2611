// FerretDbServer: that it serves MongoDB's wire protocol, goes away on Stop() and comes back
// with its data on Start(), and that a missing binary fails with the way to get it. Spoken to
// over a plain TCP socket with hand-built OP_MSG frames, so that these tests do not depend on
// the MongoDB driver the server is there to test.
#include "testing/ferretdb_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tradeagg::testing {
namespace {

// --- just enough BSON and OP_MSG ---

void AppendInt32(std::string& out, int32_t value) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((static_cast<uint32_t>(value) >> (8 * i)) & 0xff);
}

int32_t ReadInt32(std::string_view bytes, size_t at) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + i])) << (8 * i);
  return static_cast<int32_t>(value);
}

// A BSON document of the few element types the tests send.
class BsonDoc {
 public:
  BsonDoc& Int32(std::string_view name, int32_t value) {
    Key(0x10, name);
    AppendInt32(body_, value);
    return *this;
  }
  BsonDoc& String(std::string_view name, std::string_view value) {
    Key(0x02, name);
    AppendInt32(body_, static_cast<int32_t>(value.size() + 1));
    body_.append(value);
    body_ += '\0';
    return *this;
  }
  BsonDoc& Array(std::string_view name, const std::vector<BsonDoc>& items) {
    BsonDoc array;
    for (size_t i = 0; i < items.size(); ++i) array.Document(std::to_string(i), items[i]);
    Key(0x04, name);
    body_ += array.Bytes();
    return *this;
  }
  BsonDoc& Document(std::string_view name, const BsonDoc& doc) {
    Key(0x03, name);
    body_ += doc.Bytes();
    return *this;
  }
  std::string Bytes() const {
    std::string out;
    AppendInt32(out, static_cast<int32_t>(4 + body_.size() + 1));
    out += body_;
    out += '\0';
    return out;
  }

 private:
  void Key(char type, std::string_view name) {
    body_ += type;
    body_.append(name);
    body_ += '\0';
  }
  std::string body_;
};

// A top-level int32, int64 or double element of a reply, as an integer (doubles: only the
// whole numbers MongoDB replies use for ok and counts).
std::optional<int64_t> IntegerField(std::string_view doc, std::string_view name) {
  size_t at = 4;
  while (at < doc.size() && doc[at] != '\0') {
    const char type = doc[at++];
    const size_t name_end = doc.find('\0', at);
    if (name_end == std::string_view::npos) return std::nullopt;
    const std::string_view key = doc.substr(at, name_end - at);
    at = name_end + 1;
    size_t size = 0;
    switch (type) {
      case 0x01: {  // double: decoded from its bits, to an integer
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(static_cast<uint8_t>(doc[at + i])) << (8 * i);
        if (key == name) {
          if (bits == 0) return 0;
          const int exponent = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
          if (exponent < 0 || exponent > 52 || (bits >> 63) != 0) return std::nullopt;
          const uint64_t mantissa = (bits & ((uint64_t{1} << 52) - 1)) | (uint64_t{1} << 52);
          if ((mantissa & ((uint64_t{1} << (52 - exponent)) - 1)) != 0) return std::nullopt;  // not whole
          return static_cast<int64_t>(mantissa >> (52 - exponent));
        }
        size = 8;
        break;
      }
      case 0x10:
        if (key == name) return ReadInt32(doc, at);
        size = 4;
        break;
      case 0x12:
        if (key == name) {
          return static_cast<int64_t>(static_cast<uint32_t>(ReadInt32(doc, at))) |
                 (static_cast<int64_t>(ReadInt32(doc, at + 4)) << 32);
        }
        size = 8;
        break;
      case 0x02: size = 4 + static_cast<size_t>(ReadInt32(doc, at)); break;
      case 0x03:
      case 0x04: size = static_cast<size_t>(ReadInt32(doc, at)); break;
      case 0x07: size = 12; break;
      case 0x08: size = 1; break;
      case 0x09:
      case 0x11: size = 8; break;
      case 0x0A: size = 0; break;
      default: return std::nullopt;  // not needed by these tests
    }
    at += size;
  }
  return std::nullopt;
}

int Connect(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  timeval timeout{10, 0};  // a server that accepts but never answers fails the test, not hangs it
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  return fd;
}

bool ReadExactly(int fd, std::string& out, size_t n) {
  const size_t start = out.size();
  out.resize(start + n);
  size_t done = 0;
  while (done < n) {
    const ssize_t r = read(fd, out.data() + start + done, n - done);
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

// Sends `command` as an OP_MSG on a new connection; the reply's body document, or nullopt.
std::optional<std::string> RunCommand(uint16_t port, const BsonDoc& command) {
  static int32_t request_id = 0;
  const int32_t id = ++request_id;
  std::string message;
  AppendInt32(message, 0);  // length, set below
  AppendInt32(message, id);
  AppendInt32(message, 0);     // responseTo
  AppendInt32(message, 2013);  // OP_MSG
  AppendInt32(message, 0);     // flags
  message += '\0';             // section kind 0: the body
  message += command.Bytes();
  const std::string length = [&] {
    std::string bytes;
    AppendInt32(bytes, static_cast<int32_t>(message.size()));
    return bytes;
  }();
  message.replace(0, 4, length);

  const int fd = Connect(port);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> body;
  if (write(fd, message.data(), message.size()) == static_cast<ssize_t>(message.size())) {
    std::string reply;
    if (ReadExactly(fd, reply, 16)) {
      const int32_t total = ReadInt32(reply, 0);
      if (total > 21 && ReadInt32(reply, 8) == id && ReadInt32(reply, 12) == 2013 &&
          ReadExactly(fd, reply, static_cast<size_t>(total) - 16) && reply[20] == '\0') {
        body = reply.substr(21);
      }
    }
  }
  close(fd);
  return body;
}

bool Hello(uint16_t port) {
  std::optional<std::string> reply = RunCommand(port, BsonDoc().Int32("hello", 1).String("$db", "admin"));
  return reply && IntegerField(*reply, "ok") == 1;
}

// --- the tests ---

TEST(FerretDbServerTest, ServesTheMongoWireProtocolOnItsPort) {
  FerretDbServer server;
  Status started = server.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  EXPECT_TRUE(server.running());
  ASSERT_GT(server.port(), 0);
  EXPECT_EQ(server.Uri("trades"), "mongodb://127.0.0.1:" + std::to_string(server.port()) + "/trades");
  EXPECT_TRUE(server.Start().ok());  // running already: nothing to do
  EXPECT_TRUE(Hello(server.port()));
}

TEST(FerretDbServerTest, StopClosesThePortAndStartBringsTheDataBackOnIt) {
  FerretDbServer server;
  ASSERT_TRUE(server.Start().ok());
  const uint16_t port = server.port();
  const std::string database = UniqueDatabaseName("restart");
  std::optional<std::string> inserted = RunCommand(
      port, BsonDoc()
                .String("insert", "things")
                .Array("documents", {BsonDoc().Int32("_id", 1), BsonDoc().Int32("_id", 2)})
                .String("$db", database));
  ASSERT_TRUE(inserted.has_value());
  EXPECT_EQ(IntegerField(*inserted, "n"), 2);

  ASSERT_TRUE(server.Stop().ok());
  EXPECT_FALSE(server.running());
  EXPECT_LT(Connect(port), 0) << "an outage refuses connections";
  EXPECT_TRUE(server.Stop().ok());  // stopped already

  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(server.port(), port);  // the same address, as a restarted mongod
  std::optional<std::string> counted =
      RunCommand(port, BsonDoc().String("count", "things").String("$db", database));
  ASSERT_TRUE(counted.has_value());
  EXPECT_EQ(IntegerField(*counted, "ok"), 1);
  EXPECT_EQ(IntegerField(*counted, "n"), 2);  // the same data dir
}

TEST(FerretDbServerTest, DestructionKillsTheServer) {
  uint16_t port = 0;
  {
    FerretDbServer server;
    ASSERT_TRUE(server.Start().ok());
    port = server.port();
    ASSERT_TRUE(Hello(port));
  }
  EXPECT_LT(Connect(port), 0);
}

TEST(FerretDbServerTest, AMissingBinarySaysHowToGetIt) {
  FerretDbServer server("/nonexistent/ferretdb");
  Status started = server.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.code(), StatusCode::kNotFound);
  EXPECT_NE(started.message().find("scripts/ferretdb.sh"), std::string::npos) << started.message();
  EXPECT_NE(started.message().find("/nonexistent/ferretdb"), std::string::npos) << started.message();
  EXPECT_FALSE(server.running());
}

TEST(FerretDbServerTest, TheDefaultBinaryIsWhereTheScriptPutsIt) {
  const std::filesystem::path binary = FerretDbServer::DefaultBinary();
  if (std::getenv("TRADEAGG_FERRETDB") == nullptr) {
    EXPECT_EQ(binary.filename(), "ferretdb");
    EXPECT_EQ(binary.parent_path().parent_path().filename(), "ferretdb-" + std::string(FerretDbServer::kVersion));
  }
  EXPECT_EQ(FerretDbServer().binary(), binary);
}

TEST(FerretDbServerTest, TheSharedServerIsOneRunningInstance) {
  FerretDbServer& shared = SharedFerretDb();
  ASSERT_TRUE(shared.running());
  EXPECT_EQ(&SharedFerretDb(), &shared);
  EXPECT_EQ(SharedFerretDb().port(), shared.port());
  EXPECT_TRUE(Hello(shared.port()));
}

TEST(FerretDbServerTest, UniqueDatabaseNamesAreUniqueAndAcceptable) {
  std::set<std::string> names;
  for (int i = 0; i < 100; ++i) names.insert(UniqueDatabaseName("contract"));
  EXPECT_EQ(names.size(), 100u);
  const std::string odd = UniqueDatabaseName("a.b c/d$" + std::string(100, 'x'));
  EXPECT_LE(odd.size(), 63u);
  EXPECT_EQ(odd.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"),
            std::string::npos)
      << odd;
  EXPECT_EQ(odd.rfind("a_b_c_d_", 0), 0u) << odd;
  EXPECT_FALSE(UniqueDatabaseName("").empty());

  // And the server takes them.
  FerretDbServer& shared = SharedFerretDb();
  ASSERT_TRUE(shared.running());
  std::optional<std::string> created = RunCommand(
      shared.port(), BsonDoc().String("create", "c").String("$db", UniqueDatabaseName("mongo-exposures.x")));
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(IntegerField(*created, "ok"), 1);
}

}  // namespace
}  // namespace tradeagg::testing
