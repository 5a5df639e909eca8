#include "core/sim/trace.h"

#include <cstring>
#include <cinttypes>
#include <cstdio>

#include "core/raft/hash.h"

namespace raft::sim {

const char* trace_kind_name(TraceKind k) {
  switch (k) {
    case TraceKind::Role: return "role";
    case TraceKind::Term: return "term";
    case TraceKind::Vote: return "vote";
    case TraceKind::Send: return "send";
    case TraceKind::Deliver: return "deliver";
    case TraceKind::Drop: return "drop";
    case TraceKind::Append: return "append";
    case TraceKind::Truncate: return "truncate";
    case TraceKind::Commit: return "commit";
    case TraceKind::Apply: return "apply";
    case TraceKind::Crash: return "crash";
    case TraceKind::Restart: return "restart";
    case TraceKind::Invoke: return "invoke";
    case TraceKind::Return: return "return";
    case TraceKind::Partition: return "partition";
    case TraceKind::Cut: return "cut";
    case TraceKind::Heal: return "heal";
    case TraceKind::Timeout: return "timeout";
    case TraceKind::Network: return "network";
    case TraceKind::Note: return "note";
    case TraceKind::Uncut: return "uncut";
    case TraceKind::Timing: return "timing";
  }
  return "?";
}

void Trace::add(const TraceEvent& e) {
  // One multiply-xorshift round per word, one full mix at the end: cheap on the hot path, and
  // the same 64-bit arithmetic natively and in wasm.
  constexpr uint64_t k = 0x9fb21c651e98df25ULL;
  const uint64_t packed = static_cast<uint64_t>(e.kind) | static_cast<uint64_t>(static_cast<uint8_t>(e.node)) << 8 |
                          static_cast<uint64_t>(static_cast<uint8_t>(e.from)) << 16 |
                          static_cast<uint64_t>(static_cast<uint8_t>(e.to)) << 24 |
                          static_cast<uint64_t>(e.msg_type) << 32 | static_cast<uint64_t>(e.flag) << 40 |
                          static_cast<uint64_t>(e.extra) << 48;
  uint64_t h = (hash_ ^ static_cast<uint64_t>(e.t)) * k;
  h = (h ^ (h >> 29) ^ packed) * k;
  h = (h ^ (h >> 31) ^ e.id ^ (e.term << 24)) * k;
  h = (h ^ (h >> 30) ^ e.a ^ (e.b << 13) ^ (e.c << 29) ^ (e.d << 43) ^ (static_cast<uint64_t>(e.ref) << 7)) * k;
  h = mix64(h);
  hash_ = h;
  if (!enabled_) return;
  if (events_.size() >= events_max_) {
    ++dropped_;  // bounded: beyond the limit only the hash keeps going
    return;
  }
  events_.push_back(e);
}

void Trace::add_message(Time t, TraceKind kind, MessageId id, const Message& m, uint8_t drop_reason) {
  TraceEvent e;
  e.t = t;
  e.kind = kind;
  e.id = id;
  e.from = static_cast<int8_t>(m.from);
  e.to = static_cast<int8_t>(m.to);
  e.msg_type = static_cast<uint8_t>(m.type);
  e.term = m.term;
  e.extra = drop_reason;
  switch (m.type) {
    case MessageType::RequestVote: e.a = m.last_log_index; e.b = m.last_log_term; break;
    case MessageType::RequestVoteResponse: e.flag = m.vote_granted; break;
    case MessageType::AppendEntries:
      e.a = m.prev_log_index; e.b = m.prev_log_term; e.c = m.entries.size(); e.d = m.leader_commit;
      break;
    case MessageType::AppendEntriesResponse:
      e.flag = m.success;
      e.a = m.success ? m.match_index : m.conflict_index;
      e.b = m.conflict_term;
      e.d = m.rejected_index;
      break;
  }
  add(e);
}

uint32_t Trace::intern_command(LogIndex index, Term term, const Command& cmd) {
  // Equal (index, term) means an equal entry on every node (Log Matching, checked online), so one
  // copy per (index, term) serves every node's append and apply events.
  const uint64_t key = mix64(index) ^ term;
  auto it = command_of_entry_.find(key);
  if (it != command_of_entry_.end() && commands_[it->second] == cmd) return it->second;
  const uint32_t ref = static_cast<uint32_t>(commands_.size());
  commands_.push_back(cmd);
  command_of_entry_[key] = ref;
  return ref;
}

void Trace::rewind(const Mark& m) {
  events_.resize_down(m.events);
  if (m.commands < commands_.size()) {
    commands_.resize(m.commands);
    // Erase by predicate; the iteration order does not affect the result.
    for (auto it = command_of_entry_.begin(); it != command_of_entry_.end();) {
      it = it->second >= m.commands ? command_of_entry_.erase(it) : std::next(it);
    }
  }
  hash_ = m.hash;
  dropped_ = m.dropped;
}

// ---------------------------------------------------------------------------------------------
// JSON Lines

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') { out += '\\'; out += ch; }
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += ch;
  }
  out += '"';
}

namespace {

double bits_to_double(uint64_t bits) {  // std::bit_cast is missing from Emscripten 3.1.6's libc++
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

void field(std::string& out, const char* name, uint64_t v) {
  out += ",\"";
  out += name;
  out += "\":";
  out += std::to_string(v);
}
void field(std::string& out, const char* name, std::string_view v) {
  out += ",\"";
  out += name;
  out += "\":";
  append_json_string(out, v);
}
void field_bool(std::string& out, const char* name, bool v) {
  out += ",\"";
  out += name;
  out += v ? "\":true" : "\":false";
}
std::string node_str(int n) { return n < 0 ? std::string("none") : node_name(n); }
std::string client_str(ClientId c) { return "c" + std::to_string(c); }

}  // namespace

void append_command_json(std::string& out, const Command& c) {
  if (c.op == Op::Noop) {
    out += "null";
    return;
  }
  out += "{\"op\":\"";
  out += op_name(c.op);
  out += '"';
  if (c.op != Op::Preset) {
    field(out, "key", c.key);
    if (c.op == Op::Put || c.op == Op::Append || c.op == Op::Cas) field(out, "value", c.value);
    if (c.op == Op::Cas) field(out, "expect", c.expect);
    field(out, "client", client_str(c.client));
    field(out, "seq", c.seq);
  }
  out += '}';
}

void Trace::write_event(std::string& out, const TraceEvent& e, const std::vector<ClientOpRecord>& ops) const {
  out += "{\"t\":";
  out += std::to_string(e.t);
  out += ",\"ev\":\"";
  out += trace_kind_name(e.kind);
  out += '"';
  switch (e.kind) {
    case TraceKind::Role:
      field(out, "node", node_str(e.node));
      field(out, "term", e.term);
      field(out, "role", role_name(static_cast<Role>(e.flag)));
      break;
    case TraceKind::Term:
      field(out, "node", node_str(e.node));
      field(out, "term", e.term);
      break;
    case TraceKind::Vote:
      field(out, "node", node_str(e.node));
      field(out, "term", e.term);
      field(out, "for", node_str(static_cast<int8_t>(e.flag)));
      break;
    case TraceKind::Send:
    case TraceKind::Deliver:
    case TraceKind::Drop: {
      field(out, "id", e.id);
      field(out, "from", node_str(e.from));
      field(out, "to", node_str(e.to));
      const auto type = static_cast<MessageType>(e.msg_type);
      field(out, "type", message_type_name(type));
      field(out, "term", e.term);
      switch (type) {
        case MessageType::RequestVote:
          field(out, "lastLogIndex", e.a);
          field(out, "lastLogTerm", e.b);
          break;
        case MessageType::RequestVoteResponse: field_bool(out, "voteGranted", e.flag); break;
        case MessageType::AppendEntries:
          field(out, "prevLogIndex", e.a);
          field(out, "prevLogTerm", e.b);
          field(out, "entries", e.c);
          field(out, "leaderCommit", e.d);
          break;
        case MessageType::AppendEntriesResponse:
          field_bool(out, "success", e.flag);
          if (e.flag) {
            field(out, "matchIndex", e.a);
          } else {
            field(out, "conflictTerm", e.b);
            field(out, "conflictIndex", e.a);
            field(out, "rejectedIndex", e.d);
          }
          break;
      }
      if (e.kind == TraceKind::Drop) field(out, "reason", drop_reason_name(static_cast<DropReason>(e.extra)));
      break;
    }
    case TraceKind::Append:
    case TraceKind::Apply:
      field(out, "node", node_str(e.node));
      field(out, "index", e.a);
      field(out, "term", e.term);
      out += ",\"cmd\":";
      append_command_json(out, commands_[e.ref]);
      break;
    case TraceKind::Truncate:
      field(out, "node", node_str(e.node));
      field(out, "from", e.a);
      break;
    case TraceKind::Commit:
      field(out, "node", node_str(e.node));
      field(out, "index", e.a);
      break;
    case TraceKind::Crash:
    case TraceKind::Restart:
    case TraceKind::Timeout:
      field(out, "node", node_str(e.node));
      break;
    case TraceKind::Invoke: {
      const ClientOpRecord& op = ops[e.ref];
      field(out, "client", client_str(op.client));
      field(out, "req", op.req);
      field(out, "op", op_name(op.cmd.op));
      field(out, "key", op.cmd.key);
      if (op.cmd.op == Op::Put || op.cmd.op == Op::Append || op.cmd.op == Op::Cas) field(out, "value", op.cmd.value);
      if (op.cmd.op == Op::Cas) field(out, "expect", op.cmd.expect);
      if (e.node >= 0) field(out, "via", node_str(e.node));
      break;
    }
    case TraceKind::Return: {
      const ClientOpRecord& op = ops[e.ref];
      field(out, "req", op.req);
      field_bool(out, "ok", e.flag);
      if (e.flag) {
        if (op.value) field(out, "value", *op.value); else out += ",\"value\":null";
        if (op.cmd.op == Op::Cas) field_bool(out, "swapped", op.cas_swapped);
      } else if (e.extra) {
        field_bool(out, "definite", true);
      }
      break;
    }
    case TraceKind::Partition: {
      out += ",\"groups\":[";
      const int n = static_cast<int>(e.b);
      bool first_group = true;
      for (uint64_t g = 0; g < 16; ++g) {
        bool any = false;
        for (int i = 0; i < n; ++i) {
          if (((e.a >> (4 * i)) & 0xf) != g) continue;
          if (!any) {
            if (!first_group) out += ',';
            out += '[';
            first_group = false;
          } else {
            out += ',';
          }
          any = true;
          append_json_string(out, node_name(i));
        }
        if (any) out += ']';
      }
      out += ']';
      break;
    }
    case TraceKind::Cut:
    case TraceKind::Uncut:
      field(out, "from", node_str(e.from));
      field(out, "to", node_str(e.to));
      field_bool(out, "oneway", e.extra);
      break;
    case TraceKind::Heal: break;
    case TraceKind::Network: {
      field(out, "latencyMinUs", e.a);
      field(out, "latencyMaxUs", e.b);
      char buf[64];
      std::snprintf(buf, sizeof buf, ",\"loss\":%.6g,\"duplicate\":%.6g", bits_to_double(e.c), bits_to_double(e.d));
      out += buf;
      break;
    }
    case TraceKind::Timing:
      field(out, "electionTimeoutMinUs", e.a);
      field(out, "electionTimeoutMaxUs", e.b);
      field(out, "heartbeatUs", e.c);
      field(out, "appendMax", e.d >> 1);
      field_bool(out, "noop", e.d & 1);
      break;
    case TraceKind::Note: break;
  }
  out += "}\n";
}

std::string Trace::to_jsonl(const std::vector<ClientOpRecord>& ops) const {
  std::string out;
  out.reserve(events_.size() * 120);
  for (const TraceEvent& e : events_) write_event(out, e, ops);
  return out;
}

}  // namespace raft::sim
