#include "core/sim/trace_text.h"

#include <cstdio>
#include <string_view>

#include "core/sim/text.h"

namespace raft::sim {

const char* const kTraceTextHeader = "   time ms  who       event     details\n";

namespace {

// Column widths. `who` fits "s15<->s14" (kNodesMax is 15), `event` fits "partition", the message
// type fits "AppendEntriesResponse". A wider value is never cut: it takes the room it needs, and the
// next column starts at its place if there is room left, one space later otherwise.
constexpr size_t kTimeWidth = 10;
constexpr size_t kWhoWidth = 9;
constexpr size_t kEventWidth = 9;
constexpr size_t kMessageIdWidth = 6;
constexpr size_t kMessageTypeWidth = 21;
constexpr size_t kRoleWidth = 9;

void pad_to(std::string& out, size_t line_start, size_t column) {
  const size_t used = out.size() - line_start;
  out.append(used < column ? column - used : 1, ' ');
}

// Virtual time in milliseconds with microsecond precision, right-aligned: "    27.813".
void append_time_ms(std::string& out, Time us) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(us / 1000),
                              static_cast<long long>(us % 1000));
  const size_t len = n > 0 ? static_cast<size_t>(n) : 0;
  if (len < kTimeWidth) out.append(kTimeWidth - len, ' ');
  out.append(buf, len);
}

// A key or value as written in a scenario file when it is one plain token; otherwise JSON-quoted,
// so "a b", "" and "(none)" cannot be mistaken for the words around them.
void append_word(std::string& out, std::string_view s) {
  bool plain = !s.empty();
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    plain &= c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '(' && c != ')' && c != '=';
  }
  if (plain) out += s;
  else append_json_string(out, s);
}

// Fields are separated by one space; the first one after a padded column needs none.
void separate(std::string& out) {
  if (!out.empty() && out.back() != ' ') out += ' ';
}

void append_uint(std::string& out, const char* name, uint64_t v) {
  separate(out);
  out += name;
  out += '=';
  out += std::to_string(v);
}

void append_bool(std::string& out, const char* name, bool v) {
  separate(out);
  out += name;
  out += v ? "=true" : "=false";
}

// The command as the scenario language writes it: "put x 1", "cas x 1 2", "no-op".
// "{s1 s2 s3}": the servers of a set.
void append_nodes(std::string& out, NodeMask m) {
  out += '{';
  bool first = true;
  for_each_node(m, [&](NodeId id) {
    if (!first) out += ' ';
    first = false;
    out += node_name(id);
  });
  out += '}';
}

void append_command(std::string& out, const Command& c) {
  switch (c.op) {
    case Op::Noop: out += "no-op"; return;
    case Op::Preset: out += "preset"; return;
    case Op::Put:
    case Op::Get:
    case Op::Append:
    case Op::Cas:
    case Op::Delete: break;
    case Op::Config:
      out += "config voters=";
      append_nodes(out, c.config.voters);
      out += " learners=";
      append_nodes(out, c.config.learners);
      return;
  }
  out += op_name(c.op);
  out += ' ';
  append_word(out, c.key);
  if (c.op == Op::Cas) {
    out += ' ';
    append_word(out, c.expect);
  }
  if (c.op == Op::Put || c.op == Op::Append || c.op == Op::Cas) {
    out += ' ';
    append_word(out, c.value);
  }
}

// An entry's command with the client request it came from (duplicates share client and seq).
void append_entry_command(std::string& out, const Command& c) {
  append_command(out, c);
  if (c.op == Op::Noop || c.op == Op::Preset || c.op == Op::Config) return;
  out += " (c" + std::to_string(c.client) + " seq " + std::to_string(c.seq) + ")";
}

void append_message_fields(std::string& out, const TraceEvent& e) {
  append_uint(out, "term", e.term);
  switch (e.message_type()) {
    case MessageType::RequestVote:
    case MessageType::PreVote:
      append_uint(out, "lastLogIndex", e.last_log_index());
      append_uint(out, "lastLogTerm", e.last_log_term());
      if (e.message_type() == MessageType::RequestVote && e.transfer_campaign()) out += " (transfer)";
      break;
    case MessageType::RequestVoteResponse:
    case MessageType::PreVoteResponse: append_bool(out, "voteGranted", e.vote_granted()); break;
    case MessageType::TimeoutNow: break;
    case MessageType::AppendEntries: {
      append_uint(out, "prevLogIndex", e.prev_log_index());
      append_uint(out, "prevLogTerm", e.prev_log_term());
      // The entries follow prevLogIndex, so their indexes are known from the count.
      const uint64_t first = e.prev_log_index() + 1, count = e.entry_count();
      out += " entries=[";
      if (count > 0) out += std::to_string(first);
      if (count > 1) out += ".." + std::to_string(first + count - 1);
      out += ']';
      append_uint(out, "leaderCommit", e.leader_commit());
      break;
    }
    case MessageType::AppendEntriesResponse:
      append_bool(out, "success", e.success());
      if (e.success()) {
        append_uint(out, "matchIndex", e.match_index());
      } else {
        append_uint(out, "conflictTerm", e.conflict_term());
        append_uint(out, "conflictIndex", e.conflict_index());
        append_uint(out, "rejectedIndex", e.rejected_index());
      }
      break;
    case MessageType::InstallSnapshot:
      append_uint(out, "lastIncludedIndex", e.last_included_index());
      append_uint(out, "lastIncludedTerm", e.last_included_term());
      append_uint(out, "offset", e.offset());
      append_uint(out, "bytes", e.chunk_bytes());
      out += "/" + std::to_string(e.snapshot_bytes());
      append_bool(out, "done", e.done());
      break;
    case MessageType::InstallSnapshotResponse:
      append_uint(out, "lastIncludedIndex", e.last_included_index());
      append_uint(out, "offset", e.offset());
      append_bool(out, "installed", e.installed());
      if (e.installed()) {
        append_uint(out, "matchIndex", e.covered_index());
      } else {
        append_uint(out, "nextOffset", e.next_offset());
      }
      break;
  }
}

void append_link(std::string& out, NodeId from, NodeId to, bool one_way) {
  out += node_name(from);
  out += one_way ? "->" : "<->";
  out += node_name(to);
}

// "{s1 s2} {s3 s4 s5}": nodes in the same group can talk to each other.
void append_groups(std::string& out, const PartitionGroups& groups) {
  for (int g = 0; g < 16; ++g) {
    bool any = false;
    for (NodeId n = 0; n < groups.nodes; ++n) {
      if (groups.group_of[static_cast<size_t>(n)] != g) continue;
      if (!any) separate(out);
      out += any ? " " : "{";
      any = true;
      out += node_name(n);
    }
    if (any) out += '}';
  }
}

// The who column: a server, a message's or link's ends, or the client of an operation.
void append_who(std::string& out, const TraceEvent& e, const ClientOpRecord* op) {
  switch (e.kind) {
    case TraceKind::Send:
    case TraceKind::Deliver:
    case TraceKind::Drop: append_link(out, e.from, e.to, true); break;
    case TraceKind::Cut:
    case TraceKind::Uncut: append_link(out, e.from, e.to, e.one_way()); break;
    case TraceKind::Invoke:
    case TraceKind::Return: out += op ? "c" + std::to_string(op->client) : std::string("c?"); break;
    case TraceKind::Role:
    case TraceKind::Term:
    case TraceKind::Vote:
    case TraceKind::Append:
    case TraceKind::Truncate:
    case TraceKind::Commit:
    case TraceKind::Apply:
    case TraceKind::Crash:
    case TraceKind::Restart:
    case TraceKind::Timeout:
    case TraceKind::Transfer: out += node_name(e.node); break;
    case TraceKind::Config: out += node_name(e.node); break;
    case TraceKind::Snapshot:
    case TraceKind::Install: out += node_name(e.node); break;
    case TraceKind::Clock: out += node_name(e.node); break;
    case TraceKind::Partition:
    case TraceKind::Heal:
    case TraceKind::Network:
    case TraceKind::Timing:
    case TraceKind::Note: break;
  }
}

// The details column, which starts at `details_column` of the line that starts at `line`.
void append_details(std::string& out, size_t line, size_t details_column, const Trace& trace, const TraceEvent& e,
                    const ClientOpRecord* op) {
  switch (e.kind) {
    case TraceKind::Role:
      out += role_name(e.role());
      pad_to(out, line, details_column + kRoleWidth + 1);
      append_uint(out, "term", e.term);
      break;
    case TraceKind::Term: out += "currentTerm=" + std::to_string(e.term); break;
    case TraceKind::Vote:
      out += "votedFor=" + node_name(e.voted_for());
      append_uint(out, "term", e.term);
      break;
    case TraceKind::Send:
    case TraceKind::Deliver:
    case TraceKind::Drop:
      out += "#" + std::to_string(e.id);
      pad_to(out, line, details_column + kMessageIdWidth + 1);
      out += message_type_name(e.message_type());
      pad_to(out, line, details_column + kMessageIdWidth + 1 + kMessageTypeWidth + 1);
      append_message_fields(out, e);
      if (e.kind == TraceKind::Send && e.network_duplicate()) out += " (network duplicate)";
      if (e.kind == TraceKind::Drop) out += std::string(" reason=") + drop_reason_name(e.drop_reason());
      break;
    case TraceKind::Append:
    case TraceKind::Apply:
      out += "index=" + std::to_string(e.index());
      append_uint(out, "term", e.term);
      out += ' ';
      append_entry_command(out, trace.command(e.command_ref()));
      break;
    case TraceKind::Truncate: out += "fromIndex=" + std::to_string(e.index()); break;
    case TraceKind::Commit:
      // §5.3: a leader commits what a majority stores; a follower learns it from leaderCommit.
      out += "commitIndex=" + std::to_string(e.index());
      out += e.by_leader() ? " (majority)" : " (leaderCommit)";
      break;
    case TraceKind::Crash:
    case TraceKind::Restart: break;
    case TraceKind::Timeout: out += "(forced)"; break;
    case TraceKind::Transfer: out += "to=" + node_name(e.to); break;
    case TraceKind::Clock: out += "rate=" + format_number(e.clock_rate_permille() / 1000.0); break;
    case TraceKind::Invoke:
      out += "req=" + std::to_string(e.id) + " ";
      if (op) append_command(out, *op->cmd);
      else out += "(no longer held)";
      if (e.via() != kNoNode) out += " via=" + node_name(e.via());
      break;
    case TraceKind::Return:
      out += "req=" + std::to_string(e.id);
      if (e.ok() && !op) {
        out += " ok";
      } else if (e.ok()) {
        out += " ok value=";
        if (op->value) append_word(out, *op->value);
        else out += "(none)";
        if (op->cmd->op == Op::Cas) append_bool(out, "swapped", op->cas_swapped);
      } else {
        out += e.definite() ? " failed (surely not applied)" : " failed (outcome unknown)";
      }
      break;
    case TraceKind::Partition: append_groups(out, e.partition_groups()); break;
    case TraceKind::Cut:
    case TraceKind::Uncut:
    case TraceKind::Heal:
    case TraceKind::Note: break;
    case TraceKind::Network: {
      const NetworkConfig net = e.network();
      out += "latency=" + format_duration(net.latency_min_us) + ".." + format_duration(net.latency_max_us);
      out += " loss=" + format_number(net.loss) + " duplicate=" + format_number(net.duplicate);
      break;
    }
    case TraceKind::Timing: {
      const Timing timing = e.timing();
      out += "electionTimeout=" + format_duration(timing.election_timeout_min_us) + ".." +
             format_duration(timing.election_timeout_max_us);
      out += " heartbeat=" + format_duration(timing.heartbeat_interval_us);
      append_uint(out, "appendMax", timing.append_entries_max);
      out += timing.noop_on_election ? " noop=on" : " noop=off";
      for (const TimingSwitch& sw : kTimingSwitches) {
        if (timing.*(sw.field)) out += std::string(" ") + sw.keyword + "=on";
      }
      if (timing.snapshot_every != 0 || timing.snapshot_chunk_bytes != kSnapshotChunkBytesDefault) {
        append_uint(out, "snapshotEvery", timing.snapshot_every);
        append_uint(out, "snapshotChunk", timing.snapshot_chunk_bytes);
      }
      if (timing.read_mode != ReadMode::Log) out += std::string(" reads=") + read_mode_name(timing.read_mode);
      break;
    }
    case TraceKind::Config: {
      // §4.1: the configuration in use, from the latest configuration entry in the node's log.
      const Configuration c = e.configuration();
      out += "index=" + std::to_string(e.index()) + " voters=";
      append_nodes(out, c.voters);
      out += " learners=";
      append_nodes(out, c.learners);
      break;
    }
    case TraceKind::Snapshot:
      // §7: the log up to lastIncludedIndex now lives in the snapshot.
      out += "lastIncludedIndex=" + std::to_string(e.index());
      append_uint(out, "lastIncludedTerm", e.term);
      break;
    case TraceKind::Install:
      out += "lastIncludedIndex=" + std::to_string(e.index());
      append_uint(out, "lastIncludedTerm", e.term);
      out += e.kept_suffix() ? " (kept the log after it)" : " (discarded the log)";
      break;
  }
}

}  // namespace

void write_event_text(std::string& out, const Trace& trace, const TraceEvent& e,
                      const ClientOps& ops) {
  const ClientOpRecord* op = nullptr;
  if (e.kind == TraceKind::Invoke || e.kind == TraceKind::Return) {
    if (ops.held(e.op_ref())) op = &ops[e.op_ref()];
  }
  const size_t line = out.size();
  append_time_ms(out, e.t);
  out += "  ";
  const size_t who_column = out.size() - line;
  append_who(out, e, op);
  pad_to(out, line, who_column + kWhoWidth + 1);
  out += trace_kind_name(e.kind);
  pad_to(out, line, who_column + kWhoWidth + 1 + kEventWidth + 1);
  append_details(out, line, out.size() - line, trace, e, op);
  while (out.size() > line && out.back() == ' ') out.pop_back();
  out += '\n';
}

std::string to_text(const Trace& trace, const ClientOps& ops) {
  std::string out = kTraceTextHeader;
  out.reserve(trace.size() * 100);
  for (const TraceEvent& e : trace.events()) write_event_text(out, trace, e, ops);
  if (trace.full()) {
    out += "(trace limit reached: " + std::to_string(trace.events_not_recorded()) + " later events not recorded)\n";
  }
  return out;
}

}  // namespace raft::sim
