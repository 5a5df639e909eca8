// The packing of each trace record kind into TraceEvent's private words, and its decoding.
// The public fields (t, kind, node, from, to, id, term) mean the same in every kind that has them.
//
//   kind                   flag_       extra_      ref_        a_              b_             c_          d_
//   Role                   Role
//   Vote                   voted_for
//   Send/Deliver/Drop      see below   Send: dup,              see below
//                                      Drop: why
//   Append/Apply                                   command     index
//   Truncate                                                   first removed
//   Commit                 by leader                           commitIndex
//   Invoke/Return          Return: ok  Return:     client op
//                                      definite
//   Cut/Uncut                          one way
//   Partition                                                  group nibbles   node count
//   Network                                                    latency min     latency max    loss bits   duplicate bits
//   Timing                 switches                            election min    election max   heartbeat   append max << 1 | no-op
//                          (bit i: kTimingSwitches[i] on)
//   Transfer               (node: the leader, to: the target)
//   Timing                                 snapshot    election min    election max   heartbeat   append max << 1 | no-op
//                                          every                                                      | chunk ^ default << 33
//   Config                                                     entry index     voters         learners
//
// Messages (msg_type_ holds the MessageType):
//   RequestVote            transfer                            lastLogIndex    lastLogTerm
//   RequestVoteResponse    granted
//   PreVote                                                    lastLogIndex    lastLogTerm
//   PreVoteResponse        granted
//   TimeoutNow
//   AppendEntries                                              prevLogIndex    prevLogTerm    entries     leaderCommit
//   AppendEntriesResponse  success                             match or        conflictTerm               rejectedIndex
//                                                              conflict index
//   InstallSnapshot        done                    total size  lastIncluded-   lastIncluded-  offset      chunk bytes
//                                                              Index           Term
//   InstallSnapshotResp.   installed                           lastIncluded-   match index    offset      next offset
//                                                              Index
// Snapshot/Install:        Install: kept suffix                index           (term in `term`)
#include "core/sim/trace_event.h"

#include <algorithm>
#include <cstring>

namespace raft::sim {

namespace {

// std::bit_cast is missing from Emscripten 3.1.6's libc++.
uint64_t double_bits(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}
double bits_double(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

bool is_message(TraceKind k) { return k == TraceKind::Send || k == TraceKind::Deliver || k == TraceKind::Drop; }

}  // namespace

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
    case TraceKind::Transfer: return "transfer";
    case TraceKind::Config: return "config";
    case TraceKind::Snapshot: return "snapshot";
    case TraceKind::Install: return "install";
    case TraceKind::Clock: return "clock";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Named constructors (the hot ones are inline in the header)

TraceEvent TraceEvent::role(Time t, NodeId node, Role role, Term term) {
  TraceEvent e = make(t, TraceKind::Role, node);
  e.term = term;
  e.flag_ = static_cast<uint8_t>(role);
  return e;
}

TraceEvent TraceEvent::new_term(Time t, NodeId node, Term term) {
  TraceEvent e = make(t, TraceKind::Term, node);
  e.term = term;
  return e;
}

TraceEvent TraceEvent::vote(Time t, NodeId node, Term term, NodeId voted_for) {
  TraceEvent e = make(t, TraceKind::Vote, node);
  e.term = term;
  e.flag_ = static_cast<uint8_t>(voted_for);
  return e;
}

TraceEvent TraceEvent::truncate(Time t, NodeId node, LogIndex from_index) {
  TraceEvent e = make(t, TraceKind::Truncate, node);
  e.a_ = from_index;
  return e;
}

TraceEvent TraceEvent::crash(Time t, NodeId node) { return make(t, TraceKind::Crash, node); }
TraceEvent TraceEvent::restart(Time t, NodeId node) { return make(t, TraceKind::Restart, node); }
TraceEvent TraceEvent::timeout(Time t, NodeId node) { return make(t, TraceKind::Timeout, node); }
TraceEvent TraceEvent::transfer(Time t, NodeId node, NodeId target) {
  TraceEvent e = make(t, TraceKind::Transfer, node);
  e.to = static_cast<int8_t>(target);
  return e;
}

TraceEvent TraceEvent::invoke(Time t, uint32_t op_ref, uint64_t req, NodeId via) {
  TraceEvent e = make(t, TraceKind::Invoke, via);
  e.ref_ = op_ref;
  e.id = req;
  return e;
}

TraceEvent TraceEvent::returned(Time t, uint32_t op_ref, uint64_t req, bool ok, bool definite) {
  TraceEvent e = make(t, TraceKind::Return, kNoNode);
  e.ref_ = op_ref;
  e.id = req;
  e.flag_ = ok;
  e.extra_ = definite;
  return e;
}

TraceEvent TraceEvent::partition(Time t, const PartitionGroups& groups) {
  RAFT_ASSERT(groups.nodes >= 0 && groups.nodes <= kNodesMax);
  TraceEvent e = make(t, TraceKind::Partition, kNoNode);
  for (int n = 0; n < groups.nodes; ++n) e.a_ |= static_cast<uint64_t>(groups.group_of[n] & 0xf) << (4 * n);
  e.b_ = static_cast<uint64_t>(groups.nodes);
  return e;
}

TraceEvent TraceEvent::cut(Time t, NodeId from, NodeId to, bool one_way) {
  TraceEvent e = make(t, TraceKind::Cut, kNoNode);
  e.from = static_cast<int8_t>(from);
  e.to = static_cast<int8_t>(to);
  e.extra_ = one_way;
  return e;
}

TraceEvent TraceEvent::uncut(Time t, NodeId from, NodeId to, bool one_way) {
  TraceEvent e = cut(t, from, to, one_way);
  e.kind = TraceKind::Uncut;
  return e;
}

TraceEvent TraceEvent::heal(Time t) { return make(t, TraceKind::Heal, kNoNode); }

TraceEvent TraceEvent::network(Time t, const NetworkConfig& net) {
  TraceEvent e = make(t, TraceKind::Network, kNoNode);
  e.a_ = static_cast<uint64_t>(net.latency_min_us);
  e.b_ = static_cast<uint64_t>(net.latency_max_us);
  e.c_ = double_bits(net.loss);
  e.d_ = double_bits(net.duplicate);
  return e;
}

TraceEvent TraceEvent::timing(Time t, const Timing& timing) {
  TraceEvent e = make(t, TraceKind::Timing, kNoNode);
  e.a_ = static_cast<uint64_t>(timing.election_timeout_min_us);
  e.b_ = static_cast<uint64_t>(timing.election_timeout_max_us);
  e.c_ = static_cast<uint64_t>(timing.heartbeat_interval_us);
  // d: bit 0 no-op, bits 1..32 append_entries_max, bits 33..59 the snapshot chunk size XOR its
  // default, bits 60..61 the read mode. Every extension packs to 0 at its default, so the words of a
  // Figure-2 run are unchanged.
  e.d_ = static_cast<uint64_t>(timing.append_entries_max) << 1 | (timing.noop_on_election ? 1 : 0) |
         static_cast<uint64_t>(timing.read_mode) << 60;
  e.flag_ = timing_switch_bits(timing);  // 0 with every switch off: Figure 2 traces are unchanged
  // The snapshot settings pack to zero at their defaults, so a trace without them hashes as before.
  e.ref_ = timing.snapshot_every;
  e.d_ |= static_cast<uint64_t>(timing.snapshot_chunk_bytes ^ kSnapshotChunkBytesDefault) << 33;
  return e;
}

TraceEvent TraceEvent::config(Time t, NodeId node, LogIndex index, const Configuration& c) {
  TraceEvent e = make(t, TraceKind::Config, node);
  e.a_ = index;
  e.b_ = c.voters;
  e.c_ = c.learners;
  return e;
}

TraceEvent TraceEvent::clock(Time t, NodeId node, int rate_permille) {
  TraceEvent e = make(t, TraceKind::Clock, node);
  e.a_ = static_cast<uint64_t>(rate_permille);
  return e;
}

TraceEvent TraceEvent::note(Time t) { return make(t, TraceKind::Note, kNoNode); }

TraceEvent TraceEvent::snapshot(Time t, NodeId node, LogIndex index, Term term) {
  TraceEvent e = make(t, TraceKind::Snapshot, node);
  e.a_ = index;
  e.term = term;
  return e;
}

TraceEvent TraceEvent::install(Time t, NodeId node, LogIndex index, Term term, bool kept_suffix) {
  TraceEvent e = snapshot(t, node, index, term);
  e.kind = TraceKind::Install;
  e.flag_ = kept_suffix;
  return e;
}

// ---------------------------------------------------------------------------------------------
// Accessors

Role TraceEvent::role() const {
  RAFT_ASSERT(kind == TraceKind::Role);
  return static_cast<Role>(flag_);
}

NodeId TraceEvent::voted_for() const {
  RAFT_ASSERT(kind == TraceKind::Vote);
  return static_cast<int8_t>(flag_);
}

MessageType TraceEvent::message_type() const {
  RAFT_ASSERT(is_message(kind));
  return static_cast<MessageType>(msg_type_);
}

bool TraceEvent::network_duplicate() const {
  RAFT_ASSERT(kind == TraceKind::Send);
  return extra_ != 0;
}

DropReason TraceEvent::drop_reason() const {
  RAFT_ASSERT(kind == TraceKind::Drop);
  return static_cast<DropReason>(extra_);
}

LogIndex TraceEvent::last_log_index() const {
  RAFT_ASSERT(message_type() == MessageType::RequestVote || message_type() == MessageType::PreVote);
  return a_;
}

Term TraceEvent::last_log_term() const {
  RAFT_ASSERT(message_type() == MessageType::RequestVote || message_type() == MessageType::PreVote);
  return b_;
}

bool TraceEvent::transfer_campaign() const {
  RAFT_ASSERT(message_type() == MessageType::RequestVote);
  return flag_ != 0;
}

bool TraceEvent::vote_granted() const {
  RAFT_ASSERT(message_type() == MessageType::RequestVoteResponse || message_type() == MessageType::PreVoteResponse);
  return flag_ != 0;
}

LogIndex TraceEvent::prev_log_index() const {
  RAFT_ASSERT(message_type() == MessageType::AppendEntries);
  return a_;
}

Term TraceEvent::prev_log_term() const {
  RAFT_ASSERT(message_type() == MessageType::AppendEntries);
  return b_;
}

uint64_t TraceEvent::entry_count() const {
  RAFT_ASSERT(message_type() == MessageType::AppendEntries);
  return c_;
}

LogIndex TraceEvent::leader_commit() const {
  RAFT_ASSERT(message_type() == MessageType::AppendEntries);
  return d_;
}

bool TraceEvent::success() const {
  RAFT_ASSERT(message_type() == MessageType::AppendEntriesResponse);
  return flag_ != 0;
}

LogIndex TraceEvent::match_index() const {
  RAFT_ASSERT(success());
  return a_;
}

Term TraceEvent::conflict_term() const {
  RAFT_ASSERT(!success());
  return b_;
}

LogIndex TraceEvent::conflict_index() const {
  RAFT_ASSERT(!success());
  return a_;
}

LogIndex TraceEvent::rejected_index() const {
  RAFT_ASSERT(!success());
  return d_;
}

LogIndex TraceEvent::index() const {
  RAFT_ASSERT(kind == TraceKind::Append || kind == TraceKind::Apply || kind == TraceKind::Commit ||
              kind == TraceKind::Truncate || kind == TraceKind::Snapshot || kind == TraceKind::Install ||
              kind == TraceKind::Config);
  return a_;
}

uint32_t TraceEvent::command_ref() const {
  RAFT_ASSERT(kind == TraceKind::Append || kind == TraceKind::Apply);
  return ref_;
}

bool TraceEvent::by_leader() const {
  RAFT_ASSERT(kind == TraceKind::Commit);
  return flag_ != 0;
}

uint32_t TraceEvent::op_ref() const {
  RAFT_ASSERT(kind == TraceKind::Invoke || kind == TraceKind::Return);
  return ref_;
}

NodeId TraceEvent::via() const {
  RAFT_ASSERT(kind == TraceKind::Invoke);
  return node;
}

bool TraceEvent::ok() const {
  RAFT_ASSERT(kind == TraceKind::Return);
  return flag_ != 0;
}

bool TraceEvent::definite() const {
  RAFT_ASSERT(kind == TraceKind::Return);
  return extra_ != 0;
}

bool TraceEvent::one_way() const {
  RAFT_ASSERT(kind == TraceKind::Cut || kind == TraceKind::Uncut);
  return extra_ != 0;
}

PartitionGroups TraceEvent::partition_groups() const {
  RAFT_ASSERT(kind == TraceKind::Partition);
  PartitionGroups g;
  g.nodes = static_cast<int>(std::min<uint64_t>(b_, kNodesMax));
  for (int n = 0; n < g.nodes; ++n) g.group_of[n] = static_cast<uint8_t>((a_ >> (4 * n)) & 0xf);
  return g;
}

NetworkConfig TraceEvent::network() const {
  RAFT_ASSERT(kind == TraceKind::Network);
  NetworkConfig net;
  net.latency_min_us = static_cast<Time>(a_);
  net.latency_max_us = static_cast<Time>(b_);
  net.loss = bits_double(c_);
  net.duplicate = bits_double(d_);
  return net;
}

int TraceEvent::clock_rate_permille() const {
  RAFT_ASSERT(kind == TraceKind::Clock);
  return static_cast<int>(a_);
}

Timing TraceEvent::timing() const {
  RAFT_ASSERT(kind == TraceKind::Timing);
  Timing timing;
  timing.election_timeout_min_us = static_cast<Time>(a_);
  timing.election_timeout_max_us = static_cast<Time>(b_);
  timing.heartbeat_interval_us = static_cast<Time>(c_);
  timing.append_entries_max = static_cast<uint32_t>((d_ >> 1) & 0xffffffffu);
  timing.snapshot_every = ref_;
  timing.snapshot_chunk_bytes = static_cast<uint32_t>((d_ >> 33) & 0x7ffffff) ^ kSnapshotChunkBytesDefault;
  timing.read_mode = static_cast<ReadMode>((d_ >> 60) & 3);
  timing.noop_on_election = (d_ & 1) != 0;
  set_timing_switch_bits(timing, flag_);
  return timing;
}

Configuration TraceEvent::configuration() const {
  RAFT_ASSERT(kind == TraceKind::Config);
  return Configuration{static_cast<NodeMask>(b_), static_cast<NodeMask>(c_)};
}

}  // namespace raft::sim

namespace raft::sim {

LogIndex TraceEvent::last_included_index() const {
  RAFT_ASSERT(message_type() == MessageType::InstallSnapshot || message_type() == MessageType::InstallSnapshotResponse);
  return a_;
}
Term TraceEvent::last_included_term() const {
  RAFT_ASSERT(message_type() == MessageType::InstallSnapshot);
  return b_;
}
uint64_t TraceEvent::offset() const {
  RAFT_ASSERT(message_type() == MessageType::InstallSnapshot || message_type() == MessageType::InstallSnapshotResponse);
  return c_;
}
uint64_t TraceEvent::chunk_bytes() const {
  RAFT_ASSERT(message_type() == MessageType::InstallSnapshot);
  return d_;
}
bool TraceEvent::done() const {
  RAFT_ASSERT(message_type() == MessageType::InstallSnapshot);
  return flag_ != 0;
}
uint64_t TraceEvent::snapshot_bytes() const {
  RAFT_ASSERT(message_type() == MessageType::InstallSnapshot);
  return ref_;
}
bool TraceEvent::installed() const {
  RAFT_ASSERT(message_type() == MessageType::InstallSnapshotResponse);
  return flag_ != 0;
}
uint64_t TraceEvent::next_offset() const {
  RAFT_ASSERT(message_type() == MessageType::InstallSnapshotResponse);
  return d_;
}
LogIndex TraceEvent::covered_index() const {
  RAFT_ASSERT(installed());
  return b_;
}
bool TraceEvent::kept_suffix() const {
  RAFT_ASSERT(kind == TraceKind::Install);
  return flag_ != 0;
}

}  // namespace raft::sim

namespace raft::sim {

TraceEvent TraceEvent::message_read(Time t, TraceKind kind, MessageId id, const Message& m, uint64_t entries,
                                    uint64_t chunk_bytes, uint8_t extra) {
  TraceEvent e = message(t, kind, id, m, extra);
  if (m.type == MessageType::AppendEntries) e.c_ = entries;
  if (m.type == MessageType::InstallSnapshot) e.d_ = chunk_bytes;
  return e;
}

Message TraceEvent::message_summary() const {
  Message m;
  m.type = message_type();
  m.from = from;
  m.to = to;
  m.term = term;
  switch (m.type) {
    case MessageType::RequestVote:
    case MessageType::PreVote:
      m.last_log_index = a_; m.last_log_term = b_; m.transfer = m.type == MessageType::RequestVote && flag_;
      break;
    case MessageType::RequestVoteResponse:
    case MessageType::PreVoteResponse: m.vote_granted = flag_; break;
    case MessageType::TimeoutNow: break;
    case MessageType::AppendEntries: m.prev_log_index = a_; m.prev_log_term = b_; m.leader_commit = d_; break;
    case MessageType::AppendEntriesResponse:
      m.success = flag_;
      if (m.success) m.match_index = a_; else m.conflict_index = a_;
      m.conflict_term = b_;
      m.rejected_index = d_;
      break;
    case MessageType::InstallSnapshot:
      m.done = flag_; m.last_included_index = a_; m.last_included_term = b_; m.offset = c_; m.snapshot_bytes = ref_;
      break;
    case MessageType::InstallSnapshotResponse:
      m.installed = flag_; m.last_included_index = a_; m.match_index = b_; m.offset = c_; m.next_offset = d_;
      break;
  }
  return m;
}

}  // namespace raft::sim
