// The wire format of raft::Message between real processes (raftd, issue 10), and of commands and
// entries in raftd's write-ahead log: one codec for every user of the format. Pure functions over
// bytes (no I/O), so core/ may hold it; fuzzed by tests/core/wire_test.cpp.
//
// A frame is a u32 payload length (little-endian) and the payload. A message payload is a version
// byte, then every field of the Message in declaration order: integers little-endian and fixed
// width, bools as 0 or 1, strings as a u32 length and the bytes, entries as a u32 count and each
// entry's term and command, and last the message's id (unique per sender: a receiver's "deliver"
// event names the sender's "send" in raftd's event stream; 0 when nobody counts). Decoding is strict: any value out of its range, a length past the end
// and bytes left over are errors naming the field and the byte offset, so a decoded message
// encodes back to the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/raft/command.h"
#include "core/raft/message.h"

namespace raft::wire {

inline constexpr uint8_t kVersion = 2;  // 2: the message id at the end
inline constexpr uint32_t kFrameBytesMax = 64u << 20;      // a frame longer than this is refused
inline constexpr uint32_t kStringBytesMax = 16u << 20;     // a key, value or snapshot chunk
inline constexpr uint32_t kEntriesMax = 1u << 20;          // entries in one AppendEntries

// Appends to `out`.
void put_u8(std::string& out, uint8_t v);
void put_u32(std::string& out, uint32_t v);
void put_u64(std::string& out, uint64_t v);
void put_string(std::string& out, std::string_view s);
void put_command(std::string& out, const Command& c);

// A bounds-checked cursor over bytes. Each read names the field it reads; the first failure
// stops every later read and keeps the sentence (field, byte offset, what was wrong).
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool u8(uint8_t& v, const char* field);
  bool u32(uint32_t& v, const char* field);
  bool u64(uint64_t& v, const char* field);
  bool flag(bool& v, const char* field);                       // 0 or 1
  bool node(NodeId& v, const char* field, bool none_allowed);  // 0..kNodesMax-1 (255: none)
  bool string(std::string& v, const char* field, uint32_t max_bytes = kStringBytesMax);
  bool configuration(Configuration& v, const char* field);
  bool command(Command& v);
  // No bytes may be left.
  bool end();
  bool fail(const char* field, const std::string& why);
  bool fail_at(size_t at, const char* field, const std::string& why);  // a field read earlier

  size_t offset() const { return pos_; }
  size_t left() const { return bytes_.size() - pos_; }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
  std::string error_;
};

// The payload of one message (no length prefix).
void encode_message(const Message& m, std::string& out, uint64_t id = 0);
// "" or what is wrong: "AppendEntries frame, byte 37 (entries): 4294967295 entries, at most 1048576".
// `id`, if given, receives the message id.
std::string decode_message(std::string_view payload, Message& out, uint64_t* id = nullptr);

// Appends a whole frame (length, then payload) for `m`.
void encode_frame(const Message& m, std::string& out, uint64_t id = 0);

// Frames from a byte stream (a TCP connection): feed what arrives, take the messages whole.
class FrameReader {
 public:
  enum class Result { Message, NeedMore, Error };
  void feed(std::string_view bytes);
  // The next whole frame decoded into `out`. After an Error (a frame too long or a payload that
  // does not decode: `error` says which) the stream is unusable: close the connection.
  Result next(Message& out, std::string& error, uint64_t* id = nullptr);
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  std::string buf_;
  size_t pos_ = 0;
  bool broken_ = false;
};

}  // namespace raft::wire
