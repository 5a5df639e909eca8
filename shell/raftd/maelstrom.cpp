// raftd's Maelstrom transport: see maelstrom.h.
#include "shell/raftd/maelstrom.h"

#include <stdlib.h>  // mkdtemp
#include <unistd.h>

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it (GCC 12)

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/wire/codec.h"
#include "shell/raftd/driver.h"

namespace raft::raftd {

namespace asio = boost::asio;
using json = nlohmann::json;

namespace {

constexpr size_t kLineBytesMax = 16u << 20;        // a longer input line is skipped
// A key's or value's JSON text. With it, an AppendEntries of 64 entries (Timing::append_entries_max)
// is at most about 8 MB, 11 MB in base64: every line a node sends fits kLineBytesMax.
constexpr size_t kJsonTextBytesMax = 64u << 10;
constexpr size_t kOutBytesMax = 64u << 20;         // output waiting for stdout; past it messages are dropped
constexpr size_t kShownBytesMax = 200;             // of a bad line, in a log message
constexpr uint32_t kSnapshotChunkBytes = 256u << 10;  // keeps an InstallSnapshot line well under kLineBytesMax

// Maelstrom's error codes (doc/protocol.md).
enum ErrorCode : int {
  kTimeout = 0,                 // indefinite
  kNotSupported = 10,           // definite
  kTemporarilyUnavailable = 11,  // definite: the operation did not happen
  kMalformedRequest = 12,       // definite
  kCrash = 13,                  // indefinite
  kKeyDoesNotExist = 20,        // definite
  kPreconditionFailed = 22,     // definite
};

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(in[i])); };
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += kBase64[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t v = byte(i) << 16;
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t v = byte(i) << 16 | byte(i + 1) << 8;
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Strict: padded, standard alphabet, '=' only at the end. "" or what is wrong.
std::string base64_decode(std::string_view in, std::string& out) {
  out.clear();
  if (in.size() % 4 != 0) return "its length " + std::to_string(in.size()) + " is not a multiple of 4";
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    uint32_t v = 0;
    int pad = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = in[i + k];
      int d = 0;
      if (c == '=') {
        if (i + 4 != in.size() || k < 2) return "'=' at byte " + std::to_string(i + k) + " before the end";
        ++pad;
      } else {
        d = base64_digit(c);
        if (d < 0 || pad > 0) return "byte " + std::to_string(i + k) + " is not base64";
      }
      v = v << 6 | static_cast<uint32_t>(d);
    }
    out += static_cast<char>((v >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((v >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(v & 0xff);
  }
  return "";
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string excerpt(std::string_view s) {
  if (s.size() <= kShownBytesMax) return std::string(s);
  return std::string(s.substr(0, kShownBytesMax)) + "... (" + std::to_string(s.size()) + " bytes)";
}

class MaelstromNode : public Transport {
 public:
  explicit MaelstromNode(const Options& opt) : opt_(opt), io_(1), in_(io_), out_(io_), signals_(io_, SIGINT, SIGTERM) {
    // Lines stay small: a whole snapshot chunk travels in one line.
    opt_.snapshot_chunk_bytes = std::min(opt_.snapshot_chunk_bytes, kSnapshotChunkBytes);
  }
  int run();
  void send(NodeId peer, std::string frames) override;

 private:
  void log(const std::string& line) const {
    std::fprintf(stderr, "raftd %s: %s\n", node_id_.empty() ? "(maelstrom)" : node_id_.c_str(), line.c_str());
  }
  void complain(const std::string& why, std::string_view line) const { log("skipping a message: " + why + ": " + excerpt(line)); }
  void read();
  void take(std::string_view bytes);
  void handle_line(const std::string& line);
  void handle_message(const json& m, const std::string& line);
  void init(const std::string& from, uint64_t msg_id, const json& body, const std::string& line);
  void raft(const std::string& from, const json& body, const std::string& line);
  void client_request(const std::string& from, uint64_t msg_id, const std::string& type, const json& body, const std::string& line);
  void answer(const std::string& to, uint64_t in_reply_to, Op op, const ClientReply* reply);
  void reply(const std::string& to, uint64_t in_reply_to, json body);
  void error(const std::string& to, uint64_t in_reply_to, int code, const std::string& text, json extra = json::object());
  void emit(const std::string& dest, json body);
  void write();
  void stop(int code) {
    exit_code_ = code;
    io_.stop();
  }

  Options opt_;
  asio::io_context io_;
  asio::posix::stream_descriptor in_, out_;
  asio::signal_set signals_;
  std::array<char, 1 << 16> chunk_{};
  std::string line_;
  bool skipping_ = false;  // inside a line longer than kLineBytesMax
  std::string out_next_, out_busy_;  // lines waiting for stdout; lines being written
  bool writing_ = false, out_full_ = false;
  std::string node_id_;      // "" until init
  std::string reply_as_;     // the src of replies: node_id_, or before init the request's dest
  std::vector<std::string> node_ids_;
  std::unique_ptr<Driver> driver_;
  std::string temp_dir_;     // created for the WAL when no --dir was given; removed at exit
  uint64_t next_msg_id_ = 0;
  uint64_t early_raft_messages_ = 0;
  int exit_code_ = 0;
};

int MaelstromNode::run() {
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is an error from write(), not a death
  boost::system::error_code ec;
  in_.assign(STDIN_FILENO, ec);
  if (!ec) out_.assign(STDOUT_FILENO, ec);
  if (ec) {
    log("cannot use stdin/stdout: " + ec.message());
    return 1;
  }
  signals_.async_wait([this](boost::system::error_code e, int sig) {
    if (e) return;
    log(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
    stop(0);
  });
  read();
  io_.run();
  int code = exit_code_;
  if (driver_ && driver_->exit_code() != 0) code = driver_->exit_code();
  driver_.reset();
  if (!temp_dir_.empty()) {
    std::error_code removed;
    std::filesystem::remove_all(temp_dir_, removed);
    if (removed) log("cannot remove " + temp_dir_ + ": " + removed.message());
  }
  return code;
}

void MaelstromNode::read() {
  in_.async_read_some(asio::buffer(chunk_), [this](boost::system::error_code e, size_t n) {
    if (e) {
      if (!line_.empty() && !skipping_) handle_line(line_);  // a last line without its newline
      if (e != asio::error::eof) log("stdin: " + e.message());
      log("stdin closed: stopping");
      return stop(0);
    }
    take(std::string_view(chunk_.data(), n));
    read();
  });
}

// Splits stdin into lines, none longer than kLineBytesMax.
void MaelstromNode::take(std::string_view bytes) {
  while (!bytes.empty()) {
    const size_t nl = bytes.find('\n');
    const bool whole = nl != std::string_view::npos;
    const std::string_view part = whole ? bytes.substr(0, nl) : bytes;
    bytes.remove_prefix(whole ? nl + 1 : bytes.size());
    if (!skipping_ && line_.size() + part.size() > kLineBytesMax) {
      complain("the line is longer than " + std::to_string(kLineBytesMax >> 20) + " MB", line_);
      line_.clear();
      skipping_ = true;
    }
    if (skipping_) {
      if (whole) skipping_ = false;
      continue;
    }
    line_.append(part);
    if (whole) {
      handle_line(line_);
      line_.clear();
    }
  }
}

void MaelstromNode::handle_line(const std::string& line) {
  if (line.find_first_not_of(" \t\r") == std::string::npos) return;
  const json m = json::parse(line, nullptr, false);
  if (m.is_discarded()) return complain("not JSON", line);
  try {
    handle_message(m, line);
  } catch (const std::exception& e) {  // a bug here must not take the node down with it
    log(std::string("internal error on a message (") + e.what() + "): " + excerpt(line));
  }
}

void MaelstromNode::handle_message(const json& m, const std::string& line) {
  if (!m.is_object()) return complain("not a JSON object", line);
  const auto src = m.find("src");
  const auto dest = m.find("dest");
  const auto body = m.find("body");
  if (src == m.end() || !src->is_string() || src->get_ref<const std::string&>().empty()) {
    return complain("no \"src\" string (nobody to answer)", line);
  }
  if (body == m.end() || !body->is_object()) return complain("no \"body\" object", line);
  std::optional<uint64_t> msg_id;
  if (const auto id = body->find("msg_id"); id != body->end()) {
    if (!id->is_number_unsigned()) return complain("\"msg_id\" is not a non-negative integer", line);
    msg_id = id->get<uint64_t>();
  }
  const std::string from = src->get<std::string>();
  reply_as_ = node_id_;
  if (reply_as_.empty() && dest != m.end() && dest->is_string()) reply_as_ = dest->get<std::string>();
  const auto malformed = [&](const std::string& why) {
    complain(why, line);
    if (msg_id) error(from, *msg_id, kMalformedRequest, why);
  };
  const auto type = body->find("type");
  if (type == body->end() || !type->is_string()) return malformed("the body has no \"type\" string");
  if (dest == m.end() || !dest->is_string()) return malformed("no \"dest\" string");
  if (!node_id_.empty() && *dest != node_id_) return malformed("addressed to " + dump(*dest) + ", but this node is " + node_id_);
  const std::string& t = type->get_ref<const std::string&>();
  if (t == "raft") return raft(from, *body, line);
  const bool known = t == "init" || t == "read" || t == "write" || t == "cas";
  if (!msg_id) {
    return complain(known ? "a \"" + t + "\" request without \"msg_id\" cannot be answered" : "unknown type \"" + t + "\" (and no msg_id)", line);
  }
  if (t == "init") return init(from, *msg_id, *body, line);
  if (known) return client_request(from, *msg_id, t, *body, line);
  complain("unknown type \"" + t + "\"", line);
  error(from, *msg_id, kNotSupported, "raftd serves Maelstrom's lin-kv workload: init, read, write and cas; not \"" + t + "\"");
}

void MaelstromNode::init(const std::string& from, uint64_t msg_id, const json& body, const std::string& line) {
  const auto bad = [&](const std::string& why) {
    complain(why, line);
    error(from, msg_id, kMalformedRequest, why);
  };
  const auto id = body.find("node_id");
  const auto ids = body.find("node_ids");
  if (id == body.end() || !id->is_string() || ids == body.end() || !ids->is_array()) {
    return bad("init needs \"node_id\" (a string) and \"node_ids\" (an array of strings)");
  }
  std::vector<std::string> names;
  for (const json& n : *ids) {
    if (!n.is_string() || n.get_ref<const std::string&>().empty()) return bad("\"node_ids\" holds " + dump(n) + ", not a node name");
    for (const std::string& seen : names) {
      if (seen == n) return bad("\"node_ids\" names " + dump(n) + " twice");
    }
    names.push_back(n.get<std::string>());
  }
  if (names.empty() || names.size() > static_cast<size_t>(kNodesMax)) {
    return bad("\"node_ids\" must name 1 to " + std::to_string(kNodesMax) + " nodes, not " + std::to_string(names.size()));
  }
  const std::string name = id->get<std::string>();
  const auto self = std::find(names.begin(), names.end(), name);
  if (self == names.end()) return bad("\"node_id\" " + dump(*id) + " is not one of \"node_ids\"");
  if (driver_) {  // a repeated init: the same one is answered again, another one refused
    if (name == node_id_ && names == node_ids_) return reply(from, msg_id, json{{"type", "init_ok"}});
    return bad("already initialized as " + node_id_ + " of " + std::to_string(node_ids_.size()) + " nodes");
  }
  opt_.id = static_cast<int>(self - names.begin()) + 1;
  node_id_ = reply_as_ = name;
  node_ids_ = std::move(names);
  if (opt_.dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/raftd-maelstrom-" + node_id_ + "-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      log("cannot create a temporary directory " + pattern + ": " + std::strerror(errno));
      error(from, msg_id, kCrash, "cannot create a directory for the log");
      return stop(1);
    }
    temp_dir_ = opt_.dir = pattern;
  }
  driver_ = std::make_unique<Driver>(io_, opt_, static_cast<int>(node_ids_.size()), node_id_, *this);
  if (std::string e = driver_->open(); !e.empty()) {
    log("cannot start: " + e);
    error(from, msg_id, kCrash, "cannot start: " + e);
    return stop(1);
  }
  driver_->start();
  log("server s" + std::to_string(opt_.id) + " of " + std::to_string(node_ids_.size()) + ", log in " + opt_.dir +
      (temp_dir_.empty() ? "" : " (temporary)"));
  reply(from, msg_id, json{{"type", "init_ok"}});
}

// {"type":"raft","frames":BASE64}: core/wire frames from another node of the cluster.
void MaelstromNode::raft(const std::string& from, const json& body, const std::string& line) {
  if (!driver_) {  // a peer that was initialized first; Raft resends what matters
    if (early_raft_messages_++ == 0) log("dropping raft messages until init");
    return;
  }
  const auto peer = std::find(node_ids_.begin(), node_ids_.end(), from);
  if (peer == node_ids_.end() || *peer == node_id_) return complain("a raft message from " + from + ", not another node of this cluster", line);
  const NodeId sender = static_cast<NodeId>(peer - node_ids_.begin());
  const auto frames = body.find("frames");
  if (frames == body.end() || !frames->is_string()) return complain("a raft message needs \"frames\", a base64 string", line);
  std::string bytes;
  if (std::string e = base64_decode(frames->get_ref<const std::string&>(), bytes); !e.empty()) {
    return complain("\"frames\" is not base64: " + e, line);
  }
  wire::FrameReader reader;
  reader.feed(bytes);
  Message m;
  std::string e;
  uint64_t id = 0;  // the sender's message id (the event stream pairs sends and delivers by it)
  for (;;) {
    const auto r = reader.next(m, e, &id);
    if (r == wire::FrameReader::Result::NeedMore) break;
    if (r == wire::FrameReader::Result::Error) return complain("a bad frame from " + from + ": " + e, line);
    if (m.from != sender) return complain("a frame from s" + std::to_string(m.from + 1) + " arrived from " + from, line);
    driver_->step(m, id);
  }
  if (reader.buffered() != 0) complain(std::to_string(reader.buffered()) + " bytes after the last whole frame", line);
}

void MaelstromNode::client_request(const std::string& from, uint64_t msg_id, const std::string& type, const json& body,
                                   const std::string& line) {
  Command c;
  std::vector<std::pair<const char*, std::string*>> fields{{"key", &c.key}};
  if (type == "read") c.op = Op::Get;
  if (type == "write") {
    c.op = Op::Put;
    fields.emplace_back("value", &c.value);
  }
  if (type == "cas") {
    c.op = Op::Cas;
    fields.emplace_back("from", &c.expect);
    fields.emplace_back("to", &c.value);
  }
  for (const auto& [name, out] : fields) {
    const auto f = body.find(name);
    std::string why;
    if (f == body.end()) {
      why = "\"" + type + "\" needs \"" + name + "\"";
    } else {
      *out = dump(*f);
      if (out->size() > kJsonTextBytesMax) why = std::string("\"") + name + "\" is over " + std::to_string(kJsonTextBytesMax >> 10) + " KB of JSON";
    }
    if (!why.empty()) {
      complain(why, line);
      return error(from, msg_id, kMalformedRequest, why);
    }
  }
  if (!driver_) return error(from, msg_id, kTemporarilyUnavailable, "not initialized yet (no init message so far)");
  const Node& n = driver_->node();
  if (n.role() != Role::Leader) {
    const NodeId l = n.leader_id();
    if (l == kNoNode || l == n.id()) {
      return error(from, msg_id, kTemporarilyUnavailable, "no leader known right now (an election is under way, or this node is cut off)");
    }
    const std::string& leader = node_ids_[static_cast<size_t>(l)];
    return error(from, msg_id, kTemporarilyUnavailable, "not the leader: " + leader + " leads (term " + std::to_string(n.current_term()) + ")",
                 json{{"leader", leader}});
  }
  const Op op = c.op;
  const ProposeResult r = driver_->propose(std::move(c), [this, from, msg_id, op](const ClientReply* reply) { answer(from, msg_id, op, reply); });
  if (!r.accepted) error(from, msg_id, kTemporarilyUnavailable, "the leader did not take the command (a leadership transfer is under way)");
}

void MaelstromNode::answer(const std::string& to, uint64_t in_reply_to, Op op, const ClientReply* r) {
  if (!r) {
    return error(to, in_reply_to, kTimeout,
                 "no answer within " + std::to_string(static_cast<int>(opt_.request_timeout_s)) +
                     " s (leadership changed, or this node is cut off): the operation may or may not have happened");
  }
  const ApplyResult& a = r->result;
  json value;
  if (a.value) {
    value = json::parse(*a.value, nullptr, false);
    if (value.is_discarded()) return error(to, in_reply_to, kCrash, "the stored value is not JSON (was this log written by raftd's HTTP mode?)");
  }
  switch (op) {
    case Op::Get:
      if (!a.value) return error(to, in_reply_to, kKeyDoesNotExist, "the key does not exist");
      return reply(to, in_reply_to, json{{"type", "read_ok"}, {"value", value}});
    case Op::Put: return reply(to, in_reply_to, json{{"type", "write_ok"}});
    case Op::Cas:
      if (a.cas_swapped) return reply(to, in_reply_to, json{{"type", "cas_ok"}});
      if (!a.value) return error(to, in_reply_to, kKeyDoesNotExist, "the key does not exist");
      // The current value, as an extra key of the error (the protocol allows them): a checker can
      // then tell what the cas saw.
      return error(to, in_reply_to, kPreconditionFailed, "the value is " + excerpt(*a.value), json{{"value", value}});
    default: return error(to, in_reply_to, kCrash, "an answer to an unexpected command");
  }
}

void MaelstromNode::reply(const std::string& to, uint64_t in_reply_to, json body) {
  body["msg_id"] = ++next_msg_id_;
  body["in_reply_to"] = in_reply_to;
  emit(to, std::move(body));
}

void MaelstromNode::error(const std::string& to, uint64_t in_reply_to, int code, const std::string& text, json extra) {
  extra["type"] = "error";
  extra["code"] = code;
  extra["text"] = text;
  reply(to, in_reply_to, std::move(extra));
}

void MaelstromNode::send(NodeId peer, std::string frames) {
  emit(node_ids_[static_cast<size_t>(peer)], json{{"type", "raft"}, {"frames", base64_encode(frames)}});
}

// Lines leave in order through one write at a time; those that arrive meanwhile go in the next.
void MaelstromNode::emit(const std::string& dest, json body) {
  std::string line = dump(json{{"src", reply_as_}, {"dest", dest}, {"body", std::move(body)}});
  line += '\n';
  if (out_next_.size() + out_busy_.size() + line.size() > kOutBytesMax) {
    if (!out_full_) log("stdout is not keeping up: dropping messages (as a network would)");
    out_full_ = true;
    return;
  }
  out_full_ = false;
  out_next_ += line;
  if (!writing_) write();
}

void MaelstromNode::write() {
  out_busy_.swap(out_next_);
  out_next_.clear();
  writing_ = true;
  asio::async_write(out_, asio::buffer(out_busy_), [this](boost::system::error_code e, size_t) {
    writing_ = false;
    out_busy_.clear();
    if (e) {
      log("stdout: " + e.message() + ": stopping");
      return stop(0);
    }
    if (!out_next_.empty()) write();
  });
}

}  // namespace

std::string check_maelstrom(const Options& opt) {
  if (opt.id != 0 || !opt.peers.empty() || !opt.http.empty()) {
    return "--maelstrom takes the node's name and its peers from Maelstrom's init message: drop --id, --peers and --http";
  }
  if (opt.election_timeout_min_ms < 10 || opt.election_timeout_max_ms < opt.election_timeout_min_ms || opt.election_timeout_max_ms > 60'000) {
    return "--election-timeout must be MIN-MAX milliseconds with 10 <= MIN <= MAX <= 60000";
  }
  return "";
}

int serve_maelstrom(const Options& opt) {
  MaelstromNode node(opt);
  return node.run();
}

}  // namespace raft::raftd
