#include "core/wire/codec.h"

#include <cstring>

namespace raft::wire {

namespace {

constexpr uint8_t kNoNodeByte = 255;
constexpr NodeMask kAllNodes = (NodeMask{1} << kNodesMax) - 1;
constexpr uint8_t kOps = static_cast<uint8_t>(Op::Config) + 1;

void put_node(std::string& out, NodeId n) { put_u8(out, n == kNoNode ? kNoNodeByte : static_cast<uint8_t>(n)); }
void put_flag(std::string& out, bool b) { put_u8(out, b ? 1 : 0); }
void put_configuration(std::string& out, const Configuration& c) {
  put_u32(out, c.voters);
  put_u32(out, c.learners);
}

}  // namespace

void put_u8(std::string& out, uint8_t v) { out.push_back(static_cast<char>(v)); }
void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_string(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

void put_command(std::string& out, const Command& c) {
  put_u8(out, static_cast<uint8_t>(c.op));
  put_u32(out, c.client);
  put_u64(out, c.seq);
  put_string(out, c.key);
  put_string(out, c.value);
  put_string(out, c.expect);
  put_configuration(out, c.config);
}

bool Reader::fail(const char* field, const std::string& why) { return fail_at(pos_, field, why); }

bool Reader::fail_at(size_t at, const char* field, const std::string& why) {
  if (error_.empty()) error_ = "byte " + std::to_string(at) + " (" + field + "): " + why;
  return false;
}

bool Reader::u8(uint8_t& v, const char* field) {
  if (!ok()) return false;
  if (left() < 1) return fail(field, "the bytes end here");
  v = static_cast<uint8_t>(bytes_[pos_++]);
  return true;
}

bool Reader::u32(uint32_t& v, const char* field) {
  if (!ok()) return false;
  if (left() < 4) return fail(field, "the bytes end here");
  v = 0;
  for (size_t i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(bytes_[pos_ + i])) << (8 * i);
  pos_ += 4;
  return true;
}

bool Reader::u64(uint64_t& v, const char* field) {
  if (!ok()) return false;
  if (left() < 8) return fail(field, "the bytes end here");
  v = 0;
  for (size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[pos_ + i])) << (8 * i);
  pos_ += 8;
  return true;
}

bool Reader::flag(bool& v, const char* field) {
  uint8_t b = 0;
  if (!u8(b, field)) return false;
  if (b > 1) {
    --pos_;
    return fail(field, "a flag must be 0 or 1, got " + std::to_string(b));
  }
  v = b == 1;
  return true;
}

bool Reader::node(NodeId& v, const char* field, bool none_allowed) {
  uint8_t b = 0;
  if (!u8(b, field)) return false;
  if (b == kNoNodeByte && none_allowed) {
    v = kNoNode;
    return true;
  }
  if (b >= kNodesMax) {
    --pos_;
    return fail(field, "a server number must be below " + std::to_string(kNodesMax) + ", got " + std::to_string(b));
  }
  v = static_cast<NodeId>(b);
  return true;
}

bool Reader::string(std::string& v, const char* field, uint32_t max_bytes) {
  uint32_t n = 0;
  if (!u32(n, field)) return false;
  if (n > max_bytes) {
    pos_ -= 4;
    return fail(field, std::to_string(n) + " bytes, at most " + std::to_string(max_bytes));
  }
  if (n > left()) {
    pos_ -= 4;
    return fail(field, std::to_string(n) + " bytes, but only " + std::to_string(left() - 4) + " follow");
  }
  v.assign(bytes_.data() + pos_, n);
  pos_ += n;
  return true;
}

bool Reader::configuration(Configuration& v, const char* field) {
  uint32_t voters = 0, learners = 0;
  if (!u32(voters, field) || !u32(learners, field)) return false;
  if ((voters | learners) & ~kAllNodes) {
    pos_ -= 8;
    return fail(field, "a server past s" + std::to_string(kNodesMax));
  }
  if (voters & learners) {
    pos_ -= 8;
    return fail(field, "a server is both a voter and a learner");
  }
  v = Configuration{voters, learners};
  return true;
}

bool Reader::command(Command& c) {
  uint8_t op = 0;
  if (!u8(op, "command op")) return false;
  if (op >= kOps) {
    --pos_;
    return fail("command op", "no operation " + std::to_string(op));
  }
  c.op = static_cast<Op>(op);
  return u32(c.client, "command client") && u64(c.seq, "command seq") && string(c.key, "command key") &&
         string(c.value, "command value") && string(c.expect, "command expect") && configuration(c.config, "command config");
}

bool Reader::end() {
  if (!ok()) return false;
  if (left() != 0) return fail("end", std::to_string(left()) + " bytes left over after the last field");
  return true;
}

void encode_message(const Message& m, std::string& out, uint64_t id) {
  put_u8(out, kVersion);
  put_u8(out, static_cast<uint8_t>(m.type));
  put_node(out, m.from);
  put_node(out, m.to);
  put_u64(out, m.term);
  put_u64(out, m.last_log_index);
  put_u64(out, m.last_log_term);
  put_flag(out, m.transfer);
  put_flag(out, m.vote_granted);
  put_u64(out, m.prev_log_index);
  put_u64(out, m.prev_log_term);
  put_u32(out, static_cast<uint32_t>(m.entries.size()));
  for (const Entry& e : m.entries) {
    put_u64(out, e.term);
    put_command(out, *e.cmd);
  }
  put_u64(out, m.leader_commit);
  put_flag(out, m.success);
  put_u64(out, m.match_index);
  put_u64(out, m.rejected_index);
  put_u64(out, m.conflict_term);
  put_u64(out, m.conflict_index);
  put_u64(out, m.read_round);
  put_u64(out, m.last_included_index);
  put_u64(out, m.last_included_term);
  put_u64(out, m.offset);
  put_string(out, m.data);
  put_flag(out, m.done);
  put_u64(out, m.snapshot_bytes);
  put_configuration(out, m.snapshot_config);
  put_u64(out, m.next_offset);
  put_flag(out, m.installed);
  put_u64(out, id);
}

std::string decode_message(std::string_view payload, Message& m, uint64_t* id) {
  Reader r(payload);
  uint8_t version = 0, type = 0;
  if (r.u8(version, "version") && version != kVersion) {
    r.fail_at(0, "version", "version " + std::to_string(version) + ", this build speaks " + std::to_string(kVersion));
  }
  if (r.u8(type, "type") && type >= kMessageTypes) r.fail_at(1, "type", "no message type " + std::to_string(type));
  if (!r.ok()) return "message, " + r.error();
  m.reset(static_cast<MessageType>(type), kNoNode, kNoNode, 0);
  uint32_t entries = 0;
  r.node(m.from, "from", false);
  r.node(m.to, "to", false);
  r.u64(m.term, "term");
  r.u64(m.last_log_index, "lastLogIndex");
  r.u64(m.last_log_term, "lastLogTerm");
  r.flag(m.transfer, "transfer");
  r.flag(m.vote_granted, "voteGranted");
  r.u64(m.prev_log_index, "prevLogIndex");
  r.u64(m.prev_log_term, "prevLogTerm");
  const size_t entries_at = r.offset();
  if (r.u32(entries, "entries") && entries > kEntriesMax) {
    r.fail_at(entries_at, "entries", std::to_string(entries) + " entries, at most " + std::to_string(kEntriesMax));
  }
  // Each entry takes at least 41 bytes: a count past what is left is refused before reserving.
  if (r.ok() && entries > r.left() / 41) {
    r.fail_at(entries_at, "entries", std::to_string(entries) + " entries cannot fit in the " + std::to_string(r.left()) + " bytes that follow");
  }
  if (r.ok()) m.entries.reserve(entries);
  for (uint32_t i = 0; i < entries && r.ok(); ++i) {
    Entry e;
    Command c;
    if (r.u64(e.term, "entry term") && r.command(c)) {
      if (c.op != Op::Noop || c != Command{}) e.cmd = CommandRef(std::move(c));  // a plain no-op stays null
      m.entries.push_back(std::move(e));
    }
  }
  r.u64(m.leader_commit, "leaderCommit");
  r.flag(m.success, "success");
  r.u64(m.match_index, "matchIndex");
  r.u64(m.rejected_index, "rejectedIndex");
  r.u64(m.conflict_term, "conflictTerm");
  r.u64(m.conflict_index, "conflictIndex");
  r.u64(m.read_round, "readRound");
  r.u64(m.last_included_index, "lastIncludedIndex");
  r.u64(m.last_included_term, "lastIncludedTerm");
  r.u64(m.offset, "offset");
  r.string(m.data, "data");
  r.flag(m.done, "done");
  r.u64(m.snapshot_bytes, "snapshotBytes");
  r.configuration(m.snapshot_config, "snapshotConfig");
  r.u64(m.next_offset, "nextOffset");
  r.flag(m.installed, "installed");
  uint64_t message_id = 0;
  r.u64(message_id, "id");
  if (id != nullptr) *id = message_id;
  if (!r.end()) return std::string(message_type_name(m.type)) + " message, " + r.error();
  return "";
}

void encode_frame(const Message& m, std::string& out, uint64_t id) {
  const size_t at = out.size();
  put_u32(out, 0);
  encode_message(m, out, id);
  const uint32_t n = static_cast<uint32_t>(out.size() - at - 4);
  for (int i = 0; i < 4; ++i) out[at + static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
}

void FrameReader::feed(std::string_view bytes) {
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > (1u << 16) && pos_ * 2 > buf_.size()) {
    buf_.erase(0, pos_);  // keep the buffer from growing with the connection's lifetime
    pos_ = 0;
  }
  buf_.append(bytes);
}

FrameReader::Result FrameReader::next(Message& out, std::string& error, uint64_t* id) {
  if (broken_) {
    error = "the stream broke earlier";
    return Result::Error;
  }
  if (buffered() < 4) return Result::NeedMore;
  Reader header(std::string_view(buf_).substr(pos_, 4));
  uint32_t n = 0;
  header.u32(n, "length");
  if (n > kFrameBytesMax) {
    broken_ = true;
    error = "a frame of " + std::to_string(n) + " bytes, at most " + std::to_string(kFrameBytesMax);
    return Result::Error;
  }
  if (buffered() - 4 < n) return Result::NeedMore;
  error = decode_message(std::string_view(buf_).substr(pos_ + 4, n), out, id);
  pos_ += 4 + static_cast<size_t>(n);
  if (!error.empty()) {
    broken_ = true;
    return Result::Error;
  }
  return Result::Message;
}

}  // namespace raft::wire
