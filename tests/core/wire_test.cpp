// The wire codec (core/wire/codec.h): every message round-trips; frames split anywhere reassemble;
// random bytes and single-byte corruptions of real frames never crash the decoder, and whatever it
// accepts encodes back to the same bytes (so it accepts nothing it could not have produced).
#include "core/wire/codec.h"

#include <doctest/doctest.h>

#include <string>

#include "core/raft/rng.h"

namespace raft::wire {
namespace {

uint64_t pick(Rng& rng, uint64_t n) { return rng.next() % n; }

std::string random_text(Rng& rng, size_t max) {
  std::string s(pick(rng, max + 1), ' ');
  for (char& c : s) c = static_cast<char>(pick(rng, 256));
  return s;
}

Command random_command(Rng& rng) {
  Command c;
  c.op = static_cast<Op>(pick(rng, 8));
  c.client = static_cast<ClientId>(pick(rng, 1000));
  c.seq = rng.next();
  c.key = random_text(rng, 8);
  c.value = random_text(rng, 20);
  c.expect = random_text(rng, 4);
  if (c.op == Op::Config) c.config = Configuration{static_cast<NodeMask>(pick(rng, 32)) | 1u, 0x40};
  return c;
}

Message random_message(Rng& rng) {
  Message m;
  m.reset(static_cast<MessageType>(pick(rng, kMessageTypes)), static_cast<NodeId>(pick(rng, kNodesMax)),
          static_cast<NodeId>(pick(rng, kNodesMax)), rng.next());
  m.last_log_index = rng.next();
  m.last_log_term = pick(rng, 100);
  m.transfer = pick(rng, 2) == 1;
  m.vote_granted = pick(rng, 2) == 1;
  m.prev_log_index = pick(rng, 1000);
  m.prev_log_term = pick(rng, 100);
  const uint64_t n = pick(rng, 4);
  for (uint64_t i = 0; i < n; ++i) {
    Entry e;
    e.term = pick(rng, 100);
    if (pick(rng, 3) != 0) e.cmd = CommandRef(random_command(rng));  // else the null no-op
    m.entries.push_back(e);
  }
  m.leader_commit = pick(rng, 1000);
  m.success = pick(rng, 2) == 1;
  m.match_index = rng.next();
  m.conflict_term = pick(rng, 50);
  m.conflict_index = pick(rng, 50);
  m.read_round = rng.next();
  m.last_included_index = pick(rng, 1000);
  m.offset = pick(rng, 1 << 20);
  m.data = random_text(rng, 64);
  m.done = pick(rng, 2) == 1;
  m.snapshot_config = Configuration{0x1f, 0x20};
  m.installed = pick(rng, 2) == 1;
  return m;
}

std::string payload(const Message& m, uint64_t id = 0) {
  std::string s;
  encode_message(m, s, id);
  return s;
}

TEST_CASE("wire: every field of random messages round-trips") {
  Rng rng(7);
  for (int i = 0; i < 2000; ++i) {
    const Message m = random_message(rng);
    const std::string bytes = payload(m);
    Message back;
    REQUIRE(decode_message(bytes, back) == "");
    CHECK(payload(back) == bytes);
    CHECK(back.type == m.type);
    CHECK(back.from == m.from);
    CHECK(back.term == m.term);
    REQUIRE(back.entries.size() == m.entries.size());
    for (size_t k = 0; k < m.entries.size(); ++k) CHECK(back.entries[k] == m.entries[k]);
    CHECK(back.data == m.data);
    CHECK(back.snapshot_config == m.snapshot_config);
  }
}

TEST_CASE("wire: the message id travels with the frame") {
  Message m;
  m.reset(MessageType::RequestVote, 2, 0, 5);
  std::string stream;
  encode_frame(m, stream, (uint64_t{3} << 40) | 77);
  encode_frame(m, stream);
  FrameReader fr;
  fr.feed(stream);
  Message out;
  std::string error;
  uint64_t id = 1;
  REQUIRE(fr.next(out, error, &id) == FrameReader::Result::Message);
  CHECK(id == ((uint64_t{3} << 40) | 77));
  REQUIRE(fr.next(out, error, &id) == FrameReader::Result::Message);
  CHECK(id == 0);
  CHECK(out.term == 5);
}

TEST_CASE("wire: frames split at every byte boundary come out whole and in order") {
  Rng rng(3);
  std::string stream;
  std::vector<std::string> sent;
  for (int i = 0; i < 20; ++i) {
    const Message m = random_message(rng);
    encode_frame(m, stream);
    sent.push_back(payload(m));
  }
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{64}, stream.size()}) {
    FrameReader fr;
    std::vector<std::string> got;
    std::string error;
    for (size_t at = 0; at < stream.size(); at += chunk) {
      fr.feed(std::string_view(stream).substr(at, chunk));
      Message m;
      FrameReader::Result r;
      while ((r = fr.next(m, error)) == FrameReader::Result::Message) got.push_back(payload(m));
      REQUIRE(r == FrameReader::Result::NeedMore);
    }
    CHECK(got == sent);
    CHECK(fr.buffered() == 0);
  }
}

TEST_CASE("wire: bad frames say what is wrong and where") {
  Message m;
  m.reset(MessageType::AppendEntries, 0, 1, 3);
  std::string p = payload(m);
  Message out;
  std::string bad = p;
  bad[0] = 9;
  CHECK(decode_message(bad, out) == "message, byte 0 (version): version 9, this build speaks 2");
  bad = p;
  bad[1] = 42;
  CHECK(decode_message(bad, out) == "message, byte 1 (type): no message type 42");
  bad = p;
  bad[2] = 20;
  CHECK(decode_message(bad, out) == "AppendEntries message, byte 2 (from): a server number must be below 15, got 20");
  bad = p;
  bad[28] = 2;  // version, type, from, to, three u64s, then transfer
  CHECK(decode_message(bad, out) == "AppendEntries message, byte 28 (transfer): a flag must be 0 or 1, got 2");
  CHECK(decode_message(p + "x", out) == "AppendEntries message, byte " + std::to_string(p.size()) +
                                           " (end): 1 bytes left over after the last field");
  CHECK(decode_message(p.substr(0, p.size() - 1), out).find("(id): the bytes end here") != std::string::npos);
  // An entry count that cannot fit is refused before anything is reserved.
  bad = p;
  bad[46] = bad[47] = bad[48] = bad[49] = static_cast<char>(0xff);
  CHECK(decode_message(bad, out) == "AppendEntries message, byte 46 (entries): 4294967295 entries, at most 1048576");
  bad[49] = 0;
  bad[48] = 0;  // 65535 entries: under the limit, but not in the bytes that follow
  CHECK(decode_message(bad, out).find("byte 46 (entries): 65535 entries cannot fit in the") != std::string::npos);
  // A frame longer than the limit breaks the stream for good.
  FrameReader fr;
  std::string huge;
  put_u32(huge, kFrameBytesMax + 1);
  fr.feed(huge);
  std::string error;
  CHECK(fr.next(out, error) == FrameReader::Result::Error);
  CHECK(error == "a frame of 67108865 bytes, at most 67108864");
  std::string good;
  encode_frame(m, good);
  fr.feed(good);
  CHECK(fr.next(out, error) == FrameReader::Result::Error);
}

TEST_CASE("wire fuzz: random bytes and corrupted frames never crash; what decodes re-encodes exactly") {
  Rng rng(11);
  int accepted = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes;
    if (i % 2 == 0) {
      bytes = random_text(rng, 300);
      if (bytes.size() >= 2) {
        bytes[0] = static_cast<char>(kVersion);
        bytes[1] = static_cast<char>(pick(rng, kMessageTypes));
      }
    } else {
      bytes = payload(random_message(rng));
      const int flips = 1 + static_cast<int>(pick(rng, 3));
      for (int f = 0; f < flips; ++f) bytes[pick(rng, bytes.size())] ^= static_cast<char>(1 + pick(rng, 255));
      if (pick(rng, 4) == 0) bytes.resize(pick(rng, bytes.size() + 1));
    }
    Message m;
    uint64_t id = 0;
    const std::string err = decode_message(bytes, m, &id);
    if (err.empty()) {
      ++accepted;
      CHECK(payload(m, id) == bytes);
    } else {
      ++refused;
      CHECK(err.find("byte ") != std::string::npos);
    }
  }
  CHECK(accepted > 100);  // corruptions of values (terms, indexes) still decode
  CHECK(refused > 10000);
}

}  // namespace
}  // namespace raft::wire
