#include "core/sim/trace.h"

#include "core/sim/text.h"

#include <cstdio>

#include "core/raft/hash.h"

namespace raft::sim {

void Trace::add(const TraceEvent& e) {
  hash_ = e.hash(hash_);
  if (!enabled_) return;
  if (window_ == 0 && events_.held() >= events_max_) {
    ++dropped_;  // full: beyond the limit only the hash keeps going
    return;
  }
  events_.push_back(e);
}

const Trace::EntrySlot* Trace::find_slot(LogIndex index, Term term) const {
  const auto& slots = interned_.slots;
  if (index == 0 || index > slots.size() || !slots.held(to_size(index - 1))) return nullptr;
  const EntrySlot& first = slots[to_size(index - 1)];
  if (first.used && first.term == term) return &first;
  if (interned_.more.empty()) return nullptr;
  auto it = interned_.more.find({index, term});
  return it == interned_.more.end() ? nullptr : &it->second;
}

void Trace::set_slot(LogIndex index, Term term, uint64_t digest, uint32_t slot) {
  auto& slots = interned_.slots;
  const EntrySlot value{term, digest, slot, true};
  if (slots.size() < index) slots.resize(to_size(index));
  if (!slots.held(to_size(index - 1))) return;  // below every snapshot: never looked up again
  const EntrySlot& first = slots[to_size(index - 1)];
  if (first.used && first.term != term) {
    interned_.more[{index, term}] = value;
    return;
  }
  if (!first.used) interned_.more.erase({index, term});
  slots.mut(to_size(index - 1)) = value;
}

void Trace::release_entries_below(LogIndex floor) {
  auto& slots = interned_.slots;
  slots.release_below(std::min(slots.size(), to_size(floor > 0 ? floor - 1 : 0)));
  interned_.more.erase(interned_.more.begin(), interned_.more.lower_bound({floor, 0}));
}

uint32_t Trace::intern_command(LogIndex index, Term term, const CommandRef& cmd) {
  // Equal (index, term) means an equal entry on every node (Log Matching, checked online), so one
  // copy per (index, term) serves every node's append and apply events.
  const uint64_t digest = command_digest(*cmd);
  if (const EntrySlot* known = find_slot(index, term); known != nullptr && known->digest == digest) {
    const uint32_t slot = known->slot;
    if (!commands_.held(slot)) refilled_.try_emplace(slot, cmd);  // let go of, and needed again
    return slot;
  }
  const uint32_t ref = static_cast<uint32_t>(commands_.size());
  commands_.push_back(cmd);
  set_slot(index, term, digest, ref);
  if (window_ != 0 && commands_.size() % kReleaseEvery == 0) release_unreferenced(ref);
  return ref;
}

void Trace::release_unreferenced(uint32_t newest) {
  // The lowest slot an event held refers to, or the one just interned (its event comes next);
  // interned commands below it are let go of. (A replay that interns one again keeps it in refilled_.)
  size_t low = newest;
  for (size_t i = events_.first(); i < events_.size(); ++i) {
    const TraceEvent& e = events_[i];
    if (e.kind == TraceKind::Append || e.kind == TraceKind::Apply) low = std::min<size_t>(low, e.command_ref());
  }
  commands_.release_below(std::max(low, commands_.first()));
  refilled_.erase(refilled_.begin(), refilled_.lower_bound(static_cast<uint32_t>(low)));
}

void Trace::restore_commands(size_t n) {
  if (n <= commands_.size()) commands_.truncate(n);
  else commands_.reset_released(n);
  refilled_.erase(refilled_.lower_bound(static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX))), refilled_.end());
}

const Command& Trace::command(uint32_t ref) const {
  if (commands_.held(ref)) return *commands_[ref];
  auto it = refilled_.find(ref);
  RAFT_ASSERT(it != refilled_.end());  // every event held refers to a command held
  return *it->second;
}

Trace Trace::branch(const Mark& m) const {
  Trace t;
  t.enabled_ = enabled_;
  t.events_.start_at(m.events);
  t.commands_ = commands_;
  t.refilled_ = refilled_;
  t.restore_commands(m.commands);
  t.interned_ = m.interned;
  t.hash_ = m.hash;
  t.dropped_ = m.dropped;
  return t;
}

void Trace::rewind(const Mark& m) {
  // Back, or forward to a later checkpoint (time travel): the events held are those after m.
  if (m.events < events_.size()) events_.resize_down(m.events);
  else if (m.events > events_.size()) events_.start_at(m.events);
  restore_commands(m.commands);
  interned_ = m.interned;
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

// "[\"s1\",\"s2\"]": the servers of a set, in id order.
static void append_nodes_json(std::string& out, NodeMask m) {
  out += '[';
  bool first = true;
  for_each_node(m, [&](NodeId id) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, node_name(id));
  });
  out += ']';
}

void append_command_json(std::string& out, const Command& c) {
  if (c.op == Op::Noop) {
    out += "null";
    return;
  }
  if (c.op == Op::Config) {
    out += "{\"op\":\"config\",\"voters\":";
    append_nodes_json(out, c.config.voters);
    out += ",\"learners\":";
    append_nodes_json(out, c.config.learners);
    out += '}';
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

void Trace::write_event(std::string& out, const TraceEvent& e, const ClientOps& ops) const {
  out += "{\"t\":";
  out += std::to_string(e.t);
  out += ",\"ev\":\"";
  out += trace_kind_name(e.kind);
  out += '"';
  switch (e.kind) {
    case TraceKind::Role:
      field(out, "node", node_str(e.node));
      field(out, "term", e.term);
      field(out, "role", role_name(e.role()));
      break;
    case TraceKind::Term:
      field(out, "node", node_str(e.node));
      field(out, "term", e.term);
      break;
    case TraceKind::Vote:
      field(out, "node", node_str(e.node));
      field(out, "term", e.term);
      field(out, "for", node_str(e.voted_for()));
      break;
    case TraceKind::Send:
    case TraceKind::Deliver:
    case TraceKind::Drop: {
      field(out, "id", e.id);
      field(out, "from", node_str(e.from));
      field(out, "to", node_str(e.to));
      const MessageType type = e.message_type();
      field(out, "type", message_type_name(type));
      field(out, "term", e.term);
      switch (type) {
        case MessageType::RequestVote:
        case MessageType::PreVote:
          field(out, "lastLogIndex", e.last_log_index());
          field(out, "lastLogTerm", e.last_log_term());
          if (type == MessageType::RequestVote && e.transfer_campaign()) field_bool(out, "transfer", true);
          break;
        case MessageType::RequestVoteResponse:
        case MessageType::PreVoteResponse: field_bool(out, "voteGranted", e.vote_granted()); break;
        case MessageType::TimeoutNow: break;
        case MessageType::AppendEntries:
          field(out, "prevLogIndex", e.prev_log_index());
          field(out, "prevLogTerm", e.prev_log_term());
          field(out, "entries", e.entry_count());
          field(out, "leaderCommit", e.leader_commit());
          break;
        case MessageType::AppendEntriesResponse:
          field_bool(out, "success", e.success());
          if (e.success()) {
            field(out, "matchIndex", e.match_index());
          } else {
            field(out, "conflictTerm", e.conflict_term());
            field(out, "conflictIndex", e.conflict_index());
            field(out, "rejectedIndex", e.rejected_index());
          }
          break;
        case MessageType::InstallSnapshot:
          field(out, "lastIncludedIndex", e.last_included_index());
          field(out, "lastIncludedTerm", e.last_included_term());
          field(out, "offset", e.offset());
          field(out, "bytes", e.chunk_bytes());
          field(out, "size", e.snapshot_bytes());
          field_bool(out, "done", e.done());
          break;
        case MessageType::InstallSnapshotResponse:
          field(out, "lastIncludedIndex", e.last_included_index());
          field(out, "offset", e.offset());
          field_bool(out, "installed", e.installed());
          if (e.installed()) {
            field(out, "matchIndex", e.covered_index());
          } else {
            field(out, "nextOffset", e.next_offset());
          }
          break;
      }
      if (e.kind == TraceKind::Drop) field(out, "reason", drop_reason_name(e.drop_reason()));
      break;
    }
    case TraceKind::Append:
    case TraceKind::Apply:
      field(out, "node", node_str(e.node));
      field(out, "index", e.index());
      field(out, "term", e.term);
      out += ",\"cmd\":";
      append_command_json(out, command(e.command_ref()));
      break;
    case TraceKind::Truncate:
      field(out, "node", node_str(e.node));
      field(out, "from", e.index());
      break;
    case TraceKind::Commit:
      field(out, "node", node_str(e.node));
      field(out, "index", e.index());
      break;
    case TraceKind::Crash:
    case TraceKind::Restart:
    case TraceKind::Timeout:
      field(out, "node", node_str(e.node));
      break;
    case TraceKind::Transfer:
      field(out, "node", node_str(e.node));
      field(out, "to", node_str(e.to));
      break;
    case TraceKind::Invoke: {
      // A session holds only the latest operations (ClientPool::set_history_window).
      if (!ops.held(e.op_ref())) {
        field(out, "req", e.id);
        break;
      }
      const ClientOpRecord& op = ops[e.op_ref()];
      field(out, "client", client_str(op.client));
      field(out, "req", op.req);
      field(out, "op", op_name(op.cmd->op));
      field(out, "key", op.cmd->key);
      if (op.cmd->op == Op::Put || op.cmd->op == Op::Append || op.cmd->op == Op::Cas) field(out, "value", op.cmd->value);
      if (op.cmd->op == Op::Cas) field(out, "expect", op.cmd->expect);
      if (e.via() != kNoNode) field(out, "via", node_str(e.via()));
      break;
    }
    case TraceKind::Return: {
      field(out, "req", e.id);
      field_bool(out, "ok", e.ok());
      if (e.ok()) {
        if (ops.held(e.op_ref())) {  // else no longer held (ClientPool::set_history_window)
          const ClientOpRecord& op = ops[e.op_ref()];
          if (op.value) field(out, "value", *op.value); else out += ",\"value\":null";
          if (op.cmd->op == Op::Cas) field_bool(out, "swapped", op.cas_swapped);
        }
      } else if (e.definite()) {
        field_bool(out, "definite", true);
      }
      break;
    }
    case TraceKind::Partition: {
      out += ",\"groups\":[";
      const PartitionGroups groups = e.partition_groups();
      bool first_group = true;
      for (int g = 0; g < 16; ++g) {
        bool any = false;
        for (NodeId n = 0; n < groups.nodes; ++n) {
          if (groups.group_of[n] != g) continue;
          out += any ? "," : first_group ? "[" : ",[";
          first_group = false;
          any = true;
          append_json_string(out, node_name(n));
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
      field_bool(out, "oneway", e.one_way());
      break;
    case TraceKind::Heal: break;
    case TraceKind::Network: {
      const NetworkConfig net = e.network();
      field(out, "latencyMinUs", static_cast<uint64_t>(net.latency_min_us));
      field(out, "latencyMaxUs", static_cast<uint64_t>(net.latency_max_us));
      char buf[64];
      std::snprintf(buf, sizeof buf, ",\"loss\":%.6g,\"duplicate\":%.6g", net.loss, net.duplicate);
      out += buf;
      break;
    }
    case TraceKind::Timing: {
      const Timing timing = e.timing();
      field(out, "electionTimeoutMinUs", static_cast<uint64_t>(timing.election_timeout_min_us));
      field(out, "electionTimeoutMaxUs", static_cast<uint64_t>(timing.election_timeout_max_us));
      field(out, "heartbeatUs", static_cast<uint64_t>(timing.heartbeat_interval_us));
      field(out, "appendMax", timing.append_entries_max);
      field_bool(out, "noop", timing.noop_on_election);
      // The extension switches appear only while on, so Figure 2 traces are unchanged.
      for (const TimingSwitch& sw : kTimingSwitches) {
        if (timing.*(sw.field)) field_bool(out, sw.keyword, true);
      }
      // Written only when changed, so that traces without snapshots read as before.
      if (timing.snapshot_every != 0 || timing.snapshot_chunk_bytes != kSnapshotChunkBytesDefault) {
        field(out, "snapshotEvery", timing.snapshot_every);
        field(out, "snapshotChunk", timing.snapshot_chunk_bytes);
      }
      if (timing.read_mode != ReadMode::Log) {
        out += ",\"readMode\":\"";
        out += read_mode_name(timing.read_mode);
        out += '"';
      }
      break;
    }
    case TraceKind::Config: {
      field(out, "node", node_str(e.node));
      field(out, "index", e.index());
      const Configuration c = e.configuration();
      out += ",\"voters\":";
      append_nodes_json(out, c.voters);
      out += ",\"learners\":";
      append_nodes_json(out, c.learners);
      break;
    }
    case TraceKind::Clock:
      field(out, "node", node_str(e.node));
      out += ",\"rate\":" + format_number(e.clock_rate_permille() / 1000.0);
      break;
    case TraceKind::Snapshot:
    case TraceKind::Install:
      field(out, "node", node_str(e.node));
      field(out, "index", e.index());
      field(out, "term", e.term);
      if (e.kind == TraceKind::Install) field_bool(out, "keptSuffix", e.kept_suffix());
      break;
    case TraceKind::Note: break;
  }
  out += "}\n";
}

std::string Trace::to_jsonl(const ClientOps& ops) const {
  std::string out;
  out.reserve(events_.held() * 120);
  for (const TraceEvent& e : events_) write_event(out, e, ops);
  return out;
}

}  // namespace raft::sim
