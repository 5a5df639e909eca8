// One record of the event trace. Records are fixed-size values (no allocation on the hot path),
// built only through the named constructors and read through the typed accessors. How each kind
// packs its payload into the private words lives here and in trace_event.cpp, nowhere else.
// The trace hash covers the packed words, so changing the packing changes every trace hash.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/raft/hash.h"
#include "core/raft/message.h"
#include "core/raft/timing.h"
#include "core/sim/network.h"

namespace raft::sim {

enum class TraceKind : uint8_t {
  Role, Term, Vote, Send, Deliver, Drop, Append, Truncate, Commit, Apply, Crash, Restart,
  Invoke, Return, Partition, Cut, Heal, Timeout, Network, Note, Uncut, Timing,
  Transfer, Clock,  // appended: a kind's value is in the trace hash
  Snapshot, Install,
  Config,
};
const char* trace_kind_name(TraceKind k);

// A Partition record's groups: nodes with the same group number can talk to each other.
struct PartitionGroups {
  int nodes = 0;
  std::array<uint8_t, kNodesMax> group_of{};  // for node n < nodes: its group, 0..15
};

class TraceEvent {
 public:
  // ---- named constructors, one per kind ----
  static TraceEvent role(Time t, NodeId node, Role role, Term term);
  static TraceEvent new_term(Time t, NodeId node, Term term);
  static TraceEvent vote(Time t, NodeId node, Term term, NodeId voted_for);
  // `network_duplicate`: the network's extra copy of a message sent just before it.
  static TraceEvent send(Time t, MessageId id, const Message& m, bool network_duplicate = false);
  static TraceEvent deliver(Time t, MessageId id, const Message& m);
  static TraceEvent drop(Time t, MessageId id, const Message& m, DropReason why);
  // A message record read back from a trace (the lab attached to a live cluster): `m` carries no
  // entries or snapshot bytes, so their counts are given. `extra` as the kind's: Send duplicate,
  // Drop reason.
  static TraceEvent message_read(Time t, TraceKind kind, MessageId id, const Message& m, uint64_t entries,
                                 uint64_t chunk_bytes, uint8_t extra);
  // The message a Send/Deliver/Drop record describes, without its entries or snapshot bytes.
  Message message_summary() const;
  // `command_ref`: the entry's command in Trace::command().
  static TraceEvent append(Time t, NodeId node, LogIndex index, Term term, uint32_t command_ref);
  static TraceEvent apply(Time t, NodeId node, LogIndex index, Term term, uint32_t command_ref);
  static TraceEvent truncate(Time t, NodeId node, LogIndex from_index);
  static TraceEvent commit(Time t, NodeId node, LogIndex commit_index, bool by_leader);
  static TraceEvent crash(Time t, NodeId node);
  static TraceEvent restart(Time t, NodeId node);
  static TraceEvent timeout(Time t, NodeId node);
  // A user asked leader `node` to hand leadership to `target` (§3.10).
  static TraceEvent transfer(Time t, NodeId node, NodeId target);
  // `op_ref`: the operation's index in Cluster::client_ops(); `req`: its request id.
  static TraceEvent invoke(Time t, uint32_t op_ref, uint64_t req, NodeId via);
  static TraceEvent returned(Time t, uint32_t op_ref, uint64_t req, bool ok, bool definite = false);
  static TraceEvent partition(Time t, const PartitionGroups& groups);
  static TraceEvent cut(Time t, NodeId from, NodeId to, bool one_way);
  static TraceEvent uncut(Time t, NodeId from, NodeId to, bool one_way);
  static TraceEvent heal(Time t);
  static TraceEvent network(Time t, const NetworkConfig& net);
  static TraceEvent timing(Time t, const Timing& timing);
  static TraceEvent clock(Time t, NodeId node, int rate_permille);
  static TraceEvent note(Time t);
  // A node's configuration in use changed (dissertation §4.1): `index` is its entry (0: bootstrap).
  static TraceEvent config(Time t, NodeId node, LogIndex index, const Configuration& c);
  // §7: `node` compacted its log up to `index` (a snapshot's lastIncludedIndex, of term `term`).
  static TraceEvent snapshot(Time t, NodeId node, LogIndex index, Term term);
  // Figure 13: `node` installed a leader's snapshot through `index`; kept its log after it or not.
  static TraceEvent install(Time t, NodeId node, LogIndex index, Term term, bool kept_suffix);

  // ---- fields with one meaning in every kind that has them ----
  Time t = 0;
  TraceKind kind = TraceKind::Note;
  int8_t node = -1;           // the node the record is about; Invoke: the `via` node, or -1
  int8_t from = -1, to = -1;  // Send/Deliver/Drop: the message's ends; Cut/Uncut: the link's ends;
                              // Transfer: `to` is the target
  uint64_t id = 0;            // Send/Deliver/Drop: message id; Invoke/Return: request id
  Term term = 0;              // Role/Term/Vote: the node's term; messages: the sender's term;
                              // Append/Apply: the entry's term

  // ---- typed accessors (each asserts the kinds it is defined for) ----
  Role role() const;                            // Role
  NodeId voted_for() const;                     // Vote
  MessageType message_type() const;             // Send/Deliver/Drop
  bool network_duplicate() const;               // Send
  DropReason drop_reason() const;               // Drop
  LogIndex last_log_index() const;              // RequestVote, PreVote
  Term last_log_term() const;
  bool transfer_campaign() const;               // RequestVote: sent by a transfer campaign (§3.10)
  bool vote_granted() const;                    // RequestVoteResponse, PreVoteResponse
  LogIndex prev_log_index() const;              // AppendEntries
  Term prev_log_term() const;
  uint64_t entry_count() const;
  LogIndex leader_commit() const;
  bool success() const;                         // AppendEntriesResponse
  LogIndex match_index() const;                 //   if success
  Term conflict_term() const;                   //   if not
  LogIndex conflict_index() const;
  LogIndex rejected_index() const;
  LogIndex last_included_index() const;         // InstallSnapshot and its response
  Term last_included_term() const;              // InstallSnapshot
  uint64_t offset() const;                      // InstallSnapshot and its response (the chunk answered)
  uint64_t chunk_bytes() const;                 // InstallSnapshot: bytes in this chunk
  bool done() const;                            // InstallSnapshot: the last chunk
  uint64_t snapshot_bytes() const;              // InstallSnapshot: the whole snapshot's size
  bool installed() const;                       // InstallSnapshotResponse
  uint64_t next_offset() const;                 // InstallSnapshotResponse
  LogIndex covered_index() const;               // InstallSnapshotResponse: its match index, if installed
  bool kept_suffix() const;                     // Install
  LogIndex index() const;                       // Append/Apply/Config: the entry; Commit: commitIndex;
                                                // Truncate: the first index removed;
                                                // Snapshot/Install: lastIncludedIndex
  uint32_t command_ref() const;                 // Append/Apply
  bool by_leader() const;                       // Commit: the leader's own commit
  uint32_t op_ref() const;                      // Invoke/Return
  NodeId via() const;                           // Invoke: kNoNode if the client chose
  bool ok() const;                              // Return
  bool definite() const;                        // Return: failed and surely not applied
  bool one_way() const;                         // Cut/Uncut
  PartitionGroups partition_groups() const;     // Partition
  NetworkConfig network() const;                // Network
  Timing timing() const;                        // Timing
  Configuration configuration() const;          // Config
  int clock_rate_permille() const;              // Clock

  // One step of the trace's running hash over the whole record.
  uint64_t hash(uint64_t h) const;

  bool operator==(const TraceEvent&) const = default;

 private:
  static TraceEvent make(Time t, TraceKind kind, NodeId node);
  static TraceEvent message(Time t, TraceKind kind, MessageId id, const Message& m, uint8_t extra);

  // The per-kind payload (see the named constructors).
  uint8_t msg_type_ = 0;  // Send/Deliver/Drop: MessageType
  uint8_t flag_ = 0;      // Role: Role; Vote: voted_for; responses: granted/success; Commit: by leader; Return: ok
  uint8_t extra_ = 0;     // Send: duplicate; Drop: DropReason; Cut/Uncut: one way; Return: definite
  uint32_t ref_ = 0;      // Append/Apply: command table index; Invoke/Return: client-op index
  uint64_t a_ = 0, b_ = 0, c_ = 0, d_ = 0;
};
// On the hot path: one record per message and per log entry, copied into the trace's chunks.
static_assert(sizeof(TraceEvent) <= 72, "a trace record must stay small");

// ---- hot-path definitions (the simulator builds these for every message and entry) ----

inline TraceEvent TraceEvent::make(Time t, TraceKind kind, NodeId node) {
  TraceEvent e;
  e.t = t;
  e.kind = kind;
  e.node = static_cast<int8_t>(node);
  return e;
}

inline TraceEvent TraceEvent::message(Time t, TraceKind kind, MessageId id, const Message& m, uint8_t extra) {
  TraceEvent e = make(t, kind, kNoNode);
  e.id = id;
  e.from = static_cast<int8_t>(m.from);
  e.to = static_cast<int8_t>(m.to);
  e.msg_type_ = static_cast<uint8_t>(m.type);
  e.term = m.term;
  e.extra_ = extra;
  switch (m.type) {
    case MessageType::RequestVote:
      e.a_ = m.last_log_index; e.b_ = m.last_log_term; e.flag_ = m.transfer;
      break;
    case MessageType::PreVote: e.a_ = m.last_log_index; e.b_ = m.last_log_term; break;
    case MessageType::RequestVoteResponse:
    case MessageType::PreVoteResponse: e.flag_ = m.vote_granted; break;
    case MessageType::TimeoutNow: break;
    case MessageType::AppendEntries:
      e.a_ = m.prev_log_index; e.b_ = m.prev_log_term; e.c_ = m.entries.size(); e.d_ = m.leader_commit;
      break;
    case MessageType::AppendEntriesResponse:
      e.flag_ = m.success;
      e.a_ = m.success ? m.match_index : m.conflict_index;
      e.b_ = m.conflict_term;
      e.d_ = m.rejected_index;
      break;
    case MessageType::InstallSnapshot:
      e.flag_ = m.done;
      e.a_ = m.last_included_index; e.b_ = m.last_included_term; e.c_ = m.offset; e.d_ = m.data.size();
      e.ref_ = static_cast<uint32_t>(std::min<uint64_t>(m.snapshot_bytes, UINT32_MAX));
      break;
    case MessageType::InstallSnapshotResponse:
      e.flag_ = m.installed;
      e.a_ = m.last_included_index; e.b_ = m.match_index; e.c_ = m.offset; e.d_ = m.next_offset;
      break;
  }
  return e;
}

inline TraceEvent TraceEvent::send(Time t, MessageId id, const Message& m, bool network_duplicate) {
  return message(t, TraceKind::Send, id, m, network_duplicate);
}
inline TraceEvent TraceEvent::deliver(Time t, MessageId id, const Message& m) {
  return message(t, TraceKind::Deliver, id, m, 0);
}
inline TraceEvent TraceEvent::drop(Time t, MessageId id, const Message& m, DropReason why) {
  return message(t, TraceKind::Drop, id, m, static_cast<uint8_t>(why));
}

inline TraceEvent TraceEvent::append(Time t, NodeId node, LogIndex index, Term term, uint32_t command_ref) {
  TraceEvent e = make(t, TraceKind::Append, node);
  e.a_ = index;
  e.term = term;
  e.ref_ = command_ref;
  return e;
}
inline TraceEvent TraceEvent::apply(Time t, NodeId node, LogIndex index, Term term, uint32_t command_ref) {
  TraceEvent e = append(t, node, index, term, command_ref);
  e.kind = TraceKind::Apply;
  return e;
}
inline TraceEvent TraceEvent::commit(Time t, NodeId node, LogIndex commit_index, bool by_leader) {
  TraceEvent e = make(t, TraceKind::Commit, node);
  e.a_ = commit_index;
  e.flag_ = by_leader;
  return e;
}

inline uint64_t TraceEvent::hash(uint64_t h) const {
  // One multiply-xorshift round per word, one full mix at the end: cheap, and the same 64-bit
  // arithmetic natively and in wasm.
  constexpr uint64_t k = 0x9fb21c651e98df25ULL;
  const uint64_t packed = static_cast<uint64_t>(kind) | static_cast<uint64_t>(static_cast<uint8_t>(node)) << 8 |
                          static_cast<uint64_t>(static_cast<uint8_t>(from)) << 16 |
                          static_cast<uint64_t>(static_cast<uint8_t>(to)) << 24 |
                          static_cast<uint64_t>(msg_type_) << 32 | static_cast<uint64_t>(flag_) << 40 |
                          static_cast<uint64_t>(extra_) << 48;
  h = (h ^ static_cast<uint64_t>(t)) * k;
  h = (h ^ (h >> 29) ^ packed) * k;
  h = (h ^ (h >> 31) ^ id ^ (term << 24)) * k;
  h = (h ^ (h >> 30) ^ a_ ^ (b_ << 13) ^ (c_ << 29) ^ (d_ << 43) ^ (static_cast<uint64_t>(ref_) << 7)) * k;
  return mix64(h);
}

}  // namespace raft::sim
