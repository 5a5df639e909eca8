// Log compaction and InstallSnapshot: §7 of the paper (Figures 12 and 13), chapter 5 of the
// dissertation. A server snapshots its state machine (the KV data and the client sessions) at
// lastApplied and drops the log up to there. A leader whose follower needs an entry it has dropped
// sends its snapshot instead, in chunks, one chunk in flight at a time, while it keeps heartbeating.
//
// Invariants kept here (checked by Node::check_invariants):
//   log.snapshot_index() == snapshot.last_included_index <= lastApplied == commitIndex;
//   the snapshot holds exactly the state machine after applying entries 1..last_included_index.
#include <algorithm>
#include <memory>

#include "core/raft/node.h"

namespace raft {

// A restarted server starts its state machine from the snapshot on its disk (§7: the snapshot is
// persistent state), so lastApplied and commitIndex start at its last index instead of 0.
void Node::restore_from_disk_snapshot() {
  const Snapshot& s = disk_.snapshot;
  if (s.last_included_index == 0) return;
  RAFT_ASSERT(s.data != nullptr && disk_.log.snapshot_index() == s.last_included_index);
  std::string error;
  RAFT_ASSERT_MSG(KvStore::decode(*s.data, kv_, error), error.c_str());
  last_applied_ = commit_index_ = s.last_included_index;
}

// §7 (Log compaction): "each server takes snapshots independently", here once snapshot_every
// entries were applied since the last one. Checked at the start of each input rather than inside
// the step that applied them, so that every entry an output event names is still in the log when
// the caller reads the events.
void Node::maybe_snapshot() {
  const uint32_t every = config_.timing.snapshot_every;
  if (every == 0 || last_applied_ - disk_.snapshot.last_included_index < every) return;
  take_snapshot();
}

bool Node::take_snapshot() {
  if (last_applied_ <= disk_.log.snapshot_index()) return false;
  // Figure 12: the snapshot replaces the committed entries 1..lastApplied and records the index
  // and term of the last of them, for the AppendEntries consistency check that follows it.
  const Term term = disk_.log.term_at(last_applied_);
  disk_.snapshot = Snapshot{last_applied_, term, std::make_shared<const std::string>(kv_.encode()), configuration_as_of(last_applied_)};
  disk_.log.compact_to(last_applied_, term);  // written before the prefix goes: "persist" first
  ++disk_writes_;
  // Dissertation §5.1: a configuration entry now compacted away lives on as the snapshot's. Index 0
  // names that base configuration, as after a restart or an installed snapshot, so that nothing
  // reads the discarded entry; it is committed (it is applied), hence previous_ no longer matters.
  if (configuration_index_ != 0 && configuration_index_ <= last_applied_) {
    RAFT_ASSERT(configuration_ == disk_.snapshot.config);
    configuration_index_ = 0;
    previous_ = configuration_;
  }
  emit(NodeEvent::Kind::Snapshot, term, last_applied_);
  return true;
}

bool Node::needs_snapshot(const Progress& pr) const {
  return pr.mode == Progress::Mode::Snapshot || pr.next_index <= disk_.log.snapshot_index();
}

// §7: "the leader must occasionally send snapshots to followers that lag behind", when the next
// entry a follower needs has been discarded. A transfer keeps its snapshot even if the leader
// takes a newer one meanwhile; the follower then catches up from the log or from another snapshot.
void Node::send_snapshot(NodeId peer, bool heartbeat) {
  Progress& pr = progress_[slot(peer)];
  if (pr.mode != Progress::Mode::Snapshot) {
    pr.become_snapshot(disk_.snapshot.last_included_index, disk_.snapshot.last_included_term, disk_.snapshot.data);
    pr.snapshot_config = disk_.snapshot.config;
    send_snapshot_chunk(peer);
    return;
  }
  if (!heartbeat) return;  // one chunk in flight at a time
  // Figure 2, Leaders (§5.2): heartbeats go on during a transfer, so the follower does not time
  // out. It names the leader's own snapshot point: a follower that has that entry accepts it, which
  // ends the transfer (Progress::maybe_update); one that lacks it refuses, harmlessly.
  Message& m = new_message(MessageType::AppendEntries, peer);
  m.prev_log_index = disk_.log.snapshot_index();
  m.prev_log_term = disk_.log.snapshot_term();
  m.leader_commit = commit_index_;
  // A chunk or its reply may be lost: the chunk is sent again after two heartbeats without an answer.
  if (!pr.chunk_in_flight || ++pr.heartbeats_unanswered >= 2) send_snapshot_chunk(peer);
}

// Figure 13, InstallSnapshot arguments: lastIncludedIndex, lastIncludedTerm, offset, data, done.
void Node::send_snapshot_chunk(NodeId peer) {
  Progress& pr = progress_[slot(peer)];
  RAFT_ASSERT(pr.mode == Progress::Mode::Snapshot && pr.snapshot_data != nullptr);
  const std::string& data = *pr.snapshot_data;
  RAFT_ASSERT(pr.snapshot_offset <= data.size());
  Message& m = new_message(MessageType::InstallSnapshot, peer);
  m.last_included_index = pr.snapshot_index;
  m.last_included_term = pr.snapshot_term;
  m.offset = pr.snapshot_offset;
  const size_t n = std::min<size_t>(config_.timing.snapshot_chunk_bytes, data.size() - to_size(pr.snapshot_offset));
  m.data.assign(data, to_size(pr.snapshot_offset), n);
  m.done = pr.snapshot_offset + n == data.size();
  m.snapshot_bytes = data.size();
  m.snapshot_config = pr.snapshot_config;
  pr.chunk_in_flight = true;
  pr.heartbeats_unanswered = 0;
}

// Figure 13, InstallSnapshot receiver implementation. Rule 1 (term < currentTerm) is step()'s.
void Node::handle_install_snapshot(Time now, const Message& m) {
  // Only the leader of the current term sends InstallSnapshot: like AppendEntries, it is contact
  // from a valid leader (§5.2), so a candidate steps down and the election timer restarts.
  RAFT_ASSERT(role_ != Role::Leader);
  become_follower(disk_.current_term, m.from);
  reset_election_timer(now);

  const LogIndex index = m.last_included_index;
  if (index <= commit_index_) {
    // Our committed entries already reach the snapshot's last one, and committed entries are the
    // same everywhere (§5.4.3): a stale duplicate chunk, or a transfer overtaken by AppendEntries.
    // Installing it would move the state machine back; report that we are covered instead.
    if (incoming_.index <= commit_index_) incoming_ = IncomingSnapshot{};
    reply_install_snapshot(m, 0, true, index);
    return;
  }
  // Rule 2: the first chunk (offset 0) of another snapshot starts a new one; a partial one is dropped.
  if (m.offset == 0 && (incoming_.index != index || incoming_.term != m.last_included_term)) {
    incoming_ = IncomingSnapshot{index, m.last_included_term, {}};
  }
  if (incoming_.index != index || incoming_.term != m.last_included_term || m.offset != incoming_.data.size()) {
    // A chunk of a snapshot we are not receiving (we restarted, or another leader sent another),
    // a duplicate, or one that skips bytes: say which offset we expect (0: start again).
    const bool same = incoming_.index == index && incoming_.term == m.last_included_term;
    reply_install_snapshot(m, same ? incoming_.data.size() : 0, false, 0);
    return;
  }
  // Rule 3: write data at offset. Rule 4: reply and wait for more data chunks if done is false.
  incoming_.data += m.data;
  if (!m.done) {
    reply_install_snapshot(m, incoming_.data.size(), false, 0);
    return;
  }
  install_snapshot(m);
}

void Node::install_snapshot(const Message& m) {
  const LogIndex index = m.last_included_index;
  const Term term = m.last_included_term;
  KvStore kv;
  std::string error;
  if (!KvStore::decode(incoming_.data, kv, error)) {
    incoming_ = IncomingSnapshot{};  // unreadable: ask for it again from the start
    reply_install_snapshot(m, 0, false, 0);
    return;
  }
  const uint64_t size = incoming_.data.size();
  // Rule 5: save the snapshot, discarding any existing snapshot with a smaller index.
  disk_.snapshot = Snapshot{index, term, std::make_shared<const std::string>(std::move(incoming_.data)), m.snapshot_config};
  ++disk_writes_;
  incoming_ = IncomingSnapshot{};
  // Rule 6: if an existing entry has the same index and term as the snapshot's last included
  // entry, retain the entries following it (by Log Matching they agree with the leader's up to
  // there). Rule 7: otherwise discard the entire log.
  Log& log = disk_.log;
  const bool keep = index <= log.last_index() && log.term_at(index) == term;
  if (keep) {
    log.compact_to(index, term);
  } else {
    log.reset_to_snapshot(index, term);
  }
  // Rule 8: reset the state machine using the snapshot contents. Everything in it is committed.
  kv_ = std::move(kv);
  last_applied_ = commit_index_ = index;
  // Dissertation §5.1: without the discarded log, the configuration is the snapshot's (or a later
  // one from the log kept after it).
  const Configuration before = configuration_;
  const LogIndex before_index = configuration_index_;
  load_configuration();
  if (configuration_ != before || configuration_index_ != before_index) emit(NodeEvent::Kind::Config, 0, configuration_index_);
  NodeEvent e{NodeEvent::Kind::Install, config_.id, term, index};
  e.role = role_;
  e.kept_suffix = keep;
  events_.push_back(e);
  reply_install_snapshot(m, size, true, index);
}

void Node::reply_install_snapshot(const Message& m, uint64_t next_offset, bool installed, LogIndex match) {
  Message& r = new_message(MessageType::InstallSnapshotResponse, m.from);
  r.last_included_index = m.last_included_index;
  r.last_included_term = m.last_included_term;
  r.offset = m.offset;
  r.next_offset = next_offset;
  r.installed = installed;
  r.match_index = match;
}

void Node::handle_install_snapshot_response(Time now, const Message& m) {
  if (role_ != Role::Leader) return;
  if (!has_node(replication_targets(), m.from)) return;  // no longer in the configuration (§4.2.2)
  Progress& pr = progress_[slot(m.from)];
  if (m.installed) {
    // The follower's state now covers match_index: replication resumes after it (§7).
    if (pr.snapshot_covered(m.match_index)) advance_commit_index(now);
    if (role_ != Role::Leader) return;  // stepped down after committing its own removal (§4.2.2)
    maybe_promote(now, m.from);  // §4.2.1: a learner may catch up through a snapshot
    send_append_entries(m.from, false);
    return;
  }
  // Only the answer to the chunk in flight moves the transfer; answers to duplicates and to
  // earlier chunks are stale (each carries the offset of the chunk it answers).
  if (pr.mode != Progress::Mode::Snapshot || !pr.chunk_in_flight || m.last_included_index != pr.snapshot_index ||
      m.offset != pr.snapshot_offset) {
    return;
  }
  pr.snapshot_offset = std::min<uint64_t>(m.next_offset, pr.snapshot_data->size());
  pr.chunk_in_flight = false;
  send_snapshot_chunk(m.from);
}

}  // namespace raft
