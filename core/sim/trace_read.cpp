#include "core/sim/trace_read.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace raft::sim {

namespace {

using json = nlohmann::json;

// A line's object, read field by field. Each getter returns false and sets `problem` (the first
// one) when the field is missing or of the wrong kind.
struct Fields {
  const json& j;
  std::string problem;

  bool fail(const char* key, const char* want) {
    if (problem.empty()) problem = std::string("\"") + key + "\" " + (j.contains(key) ? "is not " : "is missing: want ") + want;
    return false;
  }
  bool u64(const char* key, uint64_t& out) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned()) return fail(key, "a whole number >= 0");
    out = it->get<uint64_t>();
    return true;
  }
  bool flag(const char* key, bool& out, bool missing_is_false = false) {
    const auto it = j.find(key);
    if (it == j.end() && missing_is_false) {
      out = false;
      return true;
    }
    if (it == j.end() || !it->is_boolean()) return fail(key, "true or false");
    out = it->get<bool>();
    return true;
  }
  bool text(const char* key, std::string& out) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return fail(key, "a string");
    out = it->get_ref<const std::string&>();
    return true;
  }
  bool server(const char* key, NodeId& out, bool none_ok = false) {
    std::string s;
    if (!text(key, s)) return false;
    return parse_server(s, out, none_ok) || fail(key, none_ok ? "a server (s1..s16) or \"none\"" : "a server (s1..s16)");
  }
  static bool parse_server(const std::string& s, NodeId& out, bool none_ok) {
    if (none_ok && s == "none") {
      out = kNoNode;
      return true;
    }
    if (s.size() < 2 || s.size() > 3 || s[0] != 's') return false;
    int v = 0;
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    if (v < 1 || v > kNodesMax || (s.size() == 3 && s[1] == '0')) return false;
    out = static_cast<NodeId>(v - 1);
    return true;
  }
  bool servers(const json& list, NodeMask& out) {
    if (!list.is_array()) return false;
    out = 0;
    for (const json& m : list) {
      NodeId n = kNoNode;
      if (!m.is_string() || !parse_server(m.get_ref<const std::string&>(), n, false)) return false;
      out |= node_bit(n);
    }
    return true;
  }
  bool configuration(const json& obj, Configuration& out) {
    const auto v = obj.find("voters"), l = obj.find("learners");
    if (v == obj.end() || !servers(*v, out.voters)) return fail("voters", "a list of servers");
    if (l != obj.end() && !servers(*l, out.learners)) return fail("learners", "a list of servers");
    return true;
  }
  bool command(CommandRef& out) {
    const auto it = j.find("cmd");
    if (it == j.end()) return fail("cmd", "a command or null");
    if (it->is_null()) {
      out = CommandRef();
      return true;
    }
    if (!it->is_object()) return fail("cmd", "a command object or null");
    const json& c = *it;
    Command cmd;
    const auto op = c.find("op");
    if (op == c.end() || !op->is_string()) return fail("cmd", "a command with an \"op\"");
    const std::string& name = op->get_ref<const std::string&>();
    bool known = false;
    for (Op o : {Op::Noop, Op::Preset, Op::Put, Op::Get, Op::Append, Op::Cas, Op::Delete, Op::Config}) {
      if (name == op_name(o)) {
        cmd.op = o;
        known = true;
      }
    }
    if (!known) return fail("cmd", "a command whose op is put, get, append, cas, delete, config, noop or preset");
    if (cmd.op == Op::Config) {
      Fields inner{c, {}};
      if (!inner.configuration(c, cmd.config)) return fail("cmd", "a configuration with voters and learners");
      out = CommandRef(std::move(cmd));
      return true;
    }
    const auto str = [&](const char* key, std::string& v) {
      const auto f = c.find(key);
      if (f != c.end() && f->is_string()) v = f->get_ref<const std::string&>();
    };
    str("key", cmd.key);
    str("value", cmd.value);
    str("expect", cmd.expect);
    std::string client;
    str("client", client);
    if (client.size() > 1 && client[0] == 'c') {
      uint64_t v = 0;
      for (size_t i = 1; i < client.size() && i < 10 && client[i] >= '0' && client[i] <= '9'; ++i) v = v * 10 + static_cast<uint64_t>(client[i] - '0');
      cmd.client = static_cast<ClientId>(v);
    }
    const auto seq = c.find("seq");
    if (seq != c.end() && seq->is_number_unsigned()) cmd.seq = seq->get<uint64_t>();
    out = CommandRef(std::move(cmd));
    return true;
  }
};

bool message_type_of(const std::string& name, MessageType& out) {
  for (int k = 0; k < kMessageTypes; ++k) {
    if (name == message_type_name(static_cast<MessageType>(k))) {
      out = static_cast<MessageType>(k);
      return true;
    }
  }
  return false;
}

bool role_of(const std::string& name, Role& out) {
  for (Role r : {Role::Follower, Role::Candidate, Role::Leader}) {
    if (name == role_name(r)) {
      out = r;
      return true;
    }
  }
  return false;
}

// A Send/Deliver/Drop line's record.
bool read_message(Fields& f, Time t, TraceKind kind, TraceEvent& out) {
  Message m;
  uint64_t id = 0, term = 0;
  std::string type;
  if (!f.u64("id", id) || !f.server("from", m.from) || !f.server("to", m.to) || !f.text("type", type) || !f.u64("term", term)) return false;
  if (!message_type_of(type, m.type)) return f.fail("type", "a message type (RequestVote, AppendEntries, ...)");
  m.term = term;
  uint64_t entries = 0, chunk = 0;
  bool ok = true;
  switch (m.type) {
    case MessageType::RequestVote:
    case MessageType::PreVote:
      ok = f.u64("lastLogIndex", m.last_log_index) && f.u64("lastLogTerm", m.last_log_term) && f.flag("transfer", m.transfer, true);
      break;
    case MessageType::RequestVoteResponse:
    case MessageType::PreVoteResponse: ok = f.flag("voteGranted", m.vote_granted); break;
    case MessageType::TimeoutNow: break;
    case MessageType::AppendEntries:
      ok = f.u64("prevLogIndex", m.prev_log_index) && f.u64("prevLogTerm", m.prev_log_term) && f.u64("entries", entries) &&
           f.u64("leaderCommit", m.leader_commit);
      break;
    case MessageType::AppendEntriesResponse:
      ok = f.flag("success", m.success) &&
           (m.success ? f.u64("matchIndex", m.match_index)
                      : f.u64("conflictTerm", m.conflict_term) && f.u64("conflictIndex", m.conflict_index) && f.u64("rejectedIndex", m.rejected_index));
      break;
    case MessageType::InstallSnapshot:
      ok = f.u64("lastIncludedIndex", m.last_included_index) && f.u64("lastIncludedTerm", m.last_included_term) &&
           f.u64("offset", m.offset) && f.u64("bytes", chunk) && f.u64("size", m.snapshot_bytes) && f.flag("done", m.done);
      break;
    case MessageType::InstallSnapshotResponse:
      ok = f.u64("lastIncludedIndex", m.last_included_index) && f.u64("offset", m.offset) && f.flag("installed", m.installed) &&
           (m.installed ? f.u64("matchIndex", m.match_index) : f.u64("nextOffset", m.next_offset));
      break;
  }
  if (!ok) return false;
  uint8_t extra = 0;
  if (kind == TraceKind::Drop) {
    std::string reason;
    if (!f.text("reason", reason)) return false;
    bool known = false;
    for (DropReason r : {DropReason::None, DropReason::Loss, DropReason::Partition, DropReason::Down, DropReason::User}) {
      if (reason == drop_reason_name(r)) {
        extra = static_cast<uint8_t>(r);
        known = true;
      }
    }
    if (!known) return f.fail("reason", "loss, partition, down or user");
  }
  if (kind == TraceKind::Send) {
    bool dup = false;
    if (!f.flag("duplicate", dup, true)) return false;
    extra = dup;
  }
  out = TraceEvent::message_read(t, kind, id, m, entries, chunk, extra);
  return true;
}

}  // namespace

void TraceReader::feed(std::string_view text) {
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (skipping_) {  // the rest of a line too long to read
      if (nl == std::string_view::npos) return;
      skipping_ = false;
      text.remove_prefix(nl + 1);
      continue;
    }
    if (nl == std::string_view::npos) {
      if (partial_.size() + text.size() > kLineBytesMax) {
        ++line_no_;
        error("longer than " + std::to_string(kLineBytesMax) + " bytes; skipped");
        partial_.clear();
        partial_.shrink_to_fit();
        skipping_ = true;  // the rest of this line is skipped up to its end
        return;
      }
      partial_.append(text);
      return;
    }
    if (partial_.empty()) {
      read_line(text.substr(0, nl));
    } else {
      partial_.append(text.substr(0, nl));
      std::string line;
      line.swap(partial_);
      read_line(line);
    }
    text.remove_prefix(nl + 1);
  }
}

void TraceReader::finish() {
  if (!partial_.empty()) {
    std::string line;
    line.swap(partial_);
    read_line(line);
  }
  std::vector<NodeId> open;
  for (const auto& [n, b] : blocks_) open.push_back(n);
  for (NodeId n : open) finish_block(n);
}

void TraceReader::error(const std::string& what) {
  ++errors_;
  if (error_text_.size() < kErrorsKept) error_text_.push_back("line " + std::to_string(line_no_) + ": " + what);
}

std::vector<std::string> TraceReader::take_errors() {
  std::vector<std::string> out;
  out.swap(error_text_);
  return out;
}

std::vector<TraceReader::Answer> TraceReader::take_answers() {
  std::vector<Answer> out;
  out.swap(answers_);
  return out;
}

void TraceReader::push(Observed o) {
  newest_ = std::max(newest_, o.e.t);
  // Records mostly arrive in order: find the place from the back.
  auto it = pending_.end();
  while (it != pending_.begin() && std::prev(it)->o.e.t > o.e.t) --it;
  pending_.insert(it, Pending{std::move(o), seq_++});
}

std::vector<Observed> TraceReader::take(Time hold_us) {
  std::vector<Observed> out;
  size_t k = 0;
  for (; k < pending_.size(); ++k) {
    if (hold_us != 0 && pending_[k].o.e.t + hold_us > newest_) break;
    Observed o = std::move(pending_[k].o);
    o.e.t = std::max(o.e.t, handed_);
    handed_ = o.e.t;
    out.push_back(std::move(o));
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(k));
  return out;
}

void TraceReader::finish_block(NodeId n) {
  auto it = blocks_.find(n);
  if (it == blocks_.end()) return;
  Block& b = it->second;
  Storage& disk = b.state.disk;
  // The configuration from the snapshot (index 0 or at most its last index): the log no longer holds it.
  const LogIndex base = disk.log.snapshot_index();
  if (base > 0) disk.snapshot.config = b.config_seen && b.config_index <= base ? b.config : Configuration::initial(servers_);
  // A server restarted from a snapshot stands at it (raftd names no apply then, Figure 13).
  b.state.commit_index = std::max(b.state.commit_index, base);
  b.state.last_applied = std::max(b.state.last_applied, base);
  Observed o;
  o.e = TraceEvent::restart(b.t >= base_ ? static_cast<Time>(std::min<uint64_t>(b.t - base_, uint64_t{1} << 62)) : 0, n);
  o.state = std::make_shared<const Node::MirrorState>(std::move(b.state));
  blocks_.erase(it);
  push(std::move(o));
}

void TraceReader::read_line(std::string_view line) {
  ++line_no_;
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
  const json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error("not a JSON object");
    return;
  }
  Fields f{j, {}};
  uint64_t stamp = 0;
  std::string ev;
  if (!f.u64("t", stamp) || !f.text("ev", ev)) {
    error(f.problem);
    return;
  }
  if (ev == "control") {
    Answer a;
    const auto id = j.find("id");
    if (id != j.end() && id->is_number_integer()) a.id = id->get<int64_t>();
    if (!f.flag("ok", a.ok) || !f.text("text", a.text)) {
      error(f.problem);
      return;
    }
    answers_.push_back(std::move(a));
    return;
  }
  if (!based_) {
    based_ = true;
    base_ = stamp;
  }
  const Time t = stamp >= base_ ? static_cast<Time>(std::min<uint64_t>(stamp - base_, uint64_t{1} << 62)) : 0;
  if (ev == "attach") {
    uint64_t n = 0;
    if (!f.u64("servers", n) || n < 1 || n > static_cast<uint64_t>(kNodesMax)) {
      error(f.problem.empty() ? "\"servers\" must be 1.." + std::to_string(kNodesMax) : f.problem);
      return;
    }
    servers_ = std::max(servers_, static_cast<int>(n));
    return;
  }
  NodeId node = kNoNode;
  const bool has_node = j.contains("node");
  if (has_node && !f.server("node", node)) {
    error(f.problem);
    return;
  }
  if (node != kNoNode) servers_ = std::max(servers_, node + 1);
  if (ev == "hello") {
    uint64_t n = 0;
    if (node == kNoNode || !f.u64("servers", n) || n < 1 || n > static_cast<uint64_t>(kNodesMax)) {
      error(f.problem.empty() ? "a hello names its \"node\" and \"servers\" (1.." + std::to_string(kNodesMax) + ")" : f.problem);
      return;
    }
    servers_ = std::max(servers_, static_cast<int>(n));
    finish_block(node);  // a hello whose state never ended
    Block b;
    b.t = stamp;
    blocks_.emplace(node, std::move(b));
    return;
  }
  // A state line of a hello block: same server, same instant.
  if (auto it = blocks_.find(node); it != blocks_.end()) {
    Block& b = it->second;
    if (stamp != b.t) {
      finish_block(node);
    } else {
      Node::MirrorState& s = b.state;
      Storage& disk = s.disk;
      uint64_t index = 0, term = 0;
      bool ok = true;
      if (ev == "term") {
        ok = f.u64("term", term);
        disk.current_term = term;
      } else if (ev == "vote") {
        ok = f.u64("term", term) && f.server("for", disk.voted_for, true);
      } else if (ev == "snapshot") {
        ok = f.u64("index", index) && f.u64("term", term);
        if (ok && disk.log.last_index() == 0 && index > 0) {
          disk.log.reset_to_snapshot(index, term);
          disk.snapshot = Snapshot{index, term, nullptr, Configuration{}};
        }
      } else if (ev == "config") {
        ok = f.u64("index", b.config_index) && f.configuration(j, b.config);
        b.config_seen = ok;
      } else if (ev == "append") {
        CommandRef cmd;
        ok = f.u64("index", index) && f.u64("term", term) && f.command(cmd);
        if (ok && index != disk.log.last_index() + 1) {
          error("a hello's log skips from index " + std::to_string(disk.log.last_index()) + " to " + std::to_string(index));
          blocks_.erase(it);
          return;
        }
        if (ok) disk.log.append(Entry{term, std::move(cmd)});
      } else if (ev == "commit") {
        ok = f.u64("index", s.commit_index);
      } else if (ev == "apply") {
        ok = f.u64("index", s.last_applied);
      } else if (ev == "role") {
        std::string role;
        ok = f.text("role", role) && role_of(role, s.role);
        if (ok) finish_block(node);
        if (!ok && f.problem.empty()) f.problem = "\"role\" is not follower, candidate or leader";
      } else {
        finish_block(node);
        ok = false;
      }
      if (ok) return;
      if (!f.problem.empty()) {
        error(f.problem);
        return;
      }
    }
  }
  Observed o;
  TraceEvent& e = o.e;
  uint64_t index = 0, term = 0;
  bool ok = true;
  const auto need_node = [&]() {
    if (node == kNoNode) return f.fail("node", "a server (s1..s16)");
    return true;
  };
  if (ev == "send" || ev == "deliver" || ev == "drop") {
    ok = read_message(f, t, ev == "send" ? TraceKind::Send : ev == "deliver" ? TraceKind::Deliver : TraceKind::Drop, e);
  } else if (ev == "role") {
    std::string role;
    Role r = Role::Follower;
    ok = need_node() && f.u64("term", term) && f.text("role", role);
    if (ok && !role_of(role, r)) ok = f.fail("role", "follower, candidate or leader");
    if (ok) e = TraceEvent::role(t, node, r, term);
  } else if (ev == "term") {
    ok = need_node() && f.u64("term", term);
    if (ok) e = TraceEvent::new_term(t, node, term);
  } else if (ev == "vote") {
    NodeId to = kNoNode;
    ok = need_node() && f.u64("term", term) && f.server("for", to, true);
    if (ok) e = TraceEvent::vote(t, node, term, to);
  } else if (ev == "append" || ev == "apply") {
    ok = need_node() && f.u64("index", index) && f.u64("term", term) && f.command(o.cmd);
    if (ok) e = ev == "append" ? TraceEvent::append(t, node, index, term, 0) : TraceEvent::apply(t, node, index, term, 0);
  } else if (ev == "truncate") {
    ok = need_node() && f.u64("from", index);
    if (ok) e = TraceEvent::truncate(t, node, index);
  } else if (ev == "commit") {
    ok = need_node() && f.u64("index", index);
    if (ok) e = TraceEvent::commit(t, node, index, false);
  } else if (ev == "crash" || ev == "restart" || ev == "timeout") {
    ok = need_node();
    if (ok) e = ev == "crash" ? TraceEvent::crash(t, node) : ev == "restart" ? TraceEvent::restart(t, node) : TraceEvent::timeout(t, node);
  } else if (ev == "snapshot" || ev == "install") {
    bool kept = false;
    ok = need_node() && f.u64("index", index) && f.u64("term", term) && (ev == "snapshot" || f.flag("keptSuffix", kept));
    if (ok) e = ev == "snapshot" ? TraceEvent::snapshot(t, node, index, term) : TraceEvent::install(t, node, index, term, kept);
  } else if (ev == "config") {
    ok = need_node() && f.u64("index", index) && f.configuration(j, o.config);
    if (ok) e = TraceEvent::config(t, node, index, o.config);
  } else if (ev == "heal") {
    e = TraceEvent::heal(t);
  } else if (ev == "cut" || ev == "uncut") {
    NodeId from = kNoNode, to = kNoNode;
    bool one_way = false;
    ok = f.server("from", from) && f.server("to", to) && f.flag("oneway", one_way, true);
    if (ok && from == to) ok = f.fail("to", "another server than \"from\"");
    if (ok) e = ev == "cut" ? TraceEvent::cut(t, from, to, one_way) : TraceEvent::uncut(t, from, to, one_way);
  } else if (ev == "partition") {
    const auto groups = j.find("groups");
    PartitionGroups g;
    g.nodes = kNodesMax;
    ok = groups != j.end() && groups->is_array() && groups->size() <= 15;
    int k = 0;
    NodeMask seen = 0;
    for (size_t i = 0; ok && i < groups->size(); ++i, ++k) {
      NodeMask members = 0;
      ok = f.servers((*groups)[i], members) && (members & seen) == 0;
      seen |= members;
      for_each_node(members, [&](NodeId m) { g.group_of[static_cast<size_t>(m)] = static_cast<uint8_t>(k); });
    }
    for (NodeId m = 0; ok && m < kNodesMax; ++m) {  // a server in no group is alone
      if (!raft::has_node(seen, m)) g.group_of[static_cast<size_t>(m)] = static_cast<uint8_t>(std::min(k++, 15));
    }
    if (!ok) {
      f.fail("groups", "lists of servers, each server in one");
    } else {
      g.nodes = std::max(servers_, 1);
      e = TraceEvent::partition(t, g);
    }
  } else if (ev == "transfer") {
    NodeId to = kNoNode;
    ok = need_node() && f.server("to", to);
    if (ok) e = TraceEvent::transfer(t, node, to);
  } else {
    // Clients' invoke/return, settings (network, timing, clock), notes: not mirrored.
    return;
  }
  if (!ok) {
    error((ev + ": ") + f.problem);
    return;
  }
  push(std::move(o));
}

}  // namespace raft::sim
