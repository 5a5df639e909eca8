// The leader's view of one follower (Figure 2, Volatile state on leaders: nextIndex[], matchIndex[];
// §5.3, Log replication), with etcd's two modes, which the paper leaves to the implementation:
// Probe sends one AppendEntries at a time until the follower's log position is found;
// Replicate streams entries optimistically, advancing next_index as it sends;
// Snapshot sends a snapshot with InstallSnapshot (§7, Figure 13), one chunk in flight at a time,
// because the entries the follower needs were compacted away.
// Every change goes through a method below, so each transition keeps the invariants written
// next to the fields (Node::check_invariants() verifies them after every step in the tests).
#pragma once

#include <algorithm>
#include <memory>
#include <string>

#include "core/raft/types.h"

namespace raft {

struct Progress {
  enum class Mode : uint8_t { Probe, Replicate, Snapshot };

  // Invariant: 0 <= match_index < next_index <= leader's last log index + 1.
  LogIndex next_index = 1;   // nextIndex: index of the next entry to send
  LogIndex match_index = 0;  // matchIndex: highest index known to be on the follower; grows only
  Mode mode = Mode::Probe;
  bool probe_sent = false;   // Probe: an AppendEntries is outstanding; wait for a reply or a heartbeat.
                             // Invariant: false in Replicate and Snapshot.

  // Snapshot mode only (all zero/null otherwise). The snapshot being sent is kept here, so a leader
  // that takes a newer snapshot mid-transfer still finishes this one (otherwise a busy leader
  // could restart the transfer forever). Invariants: match_index < snapshot_index, next_index ==
  // snapshot_index + 1, snapshot_offset <= snapshot_data->size().
  LogIndex snapshot_index = 0;   // its lastIncludedIndex
  Term snapshot_term = 0;        // its lastIncludedTerm
  std::shared_ptr<const std::string> snapshot_data;
  uint64_t snapshot_offset = 0;  // offset of the chunk in flight (or to send next)
  bool chunk_in_flight = false;
  uint32_t heartbeats_unanswered = 0;  // heartbeats since the chunk in flight was sent; resend at 2

  // Figure 2, "Volatile state on leaders (reinitialized after election)": nextIndex = last log
  // index + 1, matchIndex = 0, probing.
  static Progress for_new_leader(LogIndex last_index) {
    Progress p;
    p.next_index = last_index + 1;
    return p;
  }

  // Probe with a request outstanding, or a snapshot transfer under way: only a heartbeat may be sent.
  bool paused() const { return (mode == Mode::Probe && probe_sent) || mode == Mode::Snapshot; }

  // The follower's position is unknown (after a rejection): one AppendEntries at a time.
  void become_probe() {
    mode = Mode::Probe;
    probe_sent = false;
    next_index = std::max(next_index, match_index + 1);
    clear_snapshot();
  }
  // The follower's position is known: stream from just after what it has.
  void become_replicate() {
    mode = Mode::Replicate;
    probe_sent = false;
    next_index = match_index + 1;
    clear_snapshot();
  }
  // §7 (Log compaction): the follower needs entries the leader has compacted away, so it gets the
  // leader's snapshot instead, from offset 0. Afterwards replication resumes after its last entry.
  void become_snapshot(LogIndex index, Term term, std::shared_ptr<const std::string> data) {
    mode = Mode::Snapshot;
    probe_sent = false;
    snapshot_index = index;
    snapshot_term = term;
    snapshot_data = std::move(data);
    snapshot_offset = 0;
    chunk_in_flight = false;
    heartbeats_unanswered = 0;
    next_index = index + 1;
  }
  // The follower reports that its state covers `index` (it installed the snapshot, or already had
  // those entries committed): matchIndex grows to it, and a transfer it covers is over, so the
  // follower is probed from just after it (etcd does the same after a snapshot).
  bool snapshot_covered(LogIndex index) {
    const bool updated = index > match_index;
    if (updated) match_index = index;
    if (mode == Mode::Snapshot && match_index >= snapshot_index) {
      next_index = match_index + 1;
      become_probe();
    } else if (mode != Mode::Snapshot) {
      next_index = std::max(next_index, match_index + 1);
    }
    return updated;
  }

  // A successful AppendEntries reply: the follower's log matches ours through index n (§5.3, Log
  // replication: update nextIndex and matchIndex for the follower).
  // Replies may arrive reordered or duplicated, so matchIndex only grows; returns whether it did.
  // nextIndex moves past n, and a follower that answered a probe is streamed to from now on.
  bool maybe_update(LogIndex n) {
    const bool updated = n > match_index;
    if (updated) match_index = n;
    if (mode == Mode::Snapshot) {
      // An AppendEntries accepted during a transfer (a heartbeat at the leader's snapshot index):
      // the follower already has what the snapshot would give it.
      if (match_index >= snapshot_index) snapshot_covered(match_index);
      return updated;
    }
    next_index = std::max(next_index, n + 1);
    if (mode == Mode::Probe) become_replicate();
    return updated;
  }

  // A rejected AppendEntries whose prevLogIndex was `rejected` (§5.3, Log replication: decrement
  // nextIndex and retry). `next_hint` is where the leader would resume from the follower's
  // conflict hint (the whole-term optimization at the end of §5.3). Returns false, changing
  // nothing, for a stale rejection: one at or below matchIndex, or, while probing, one that does
  // not answer the outstanding probe (whose prevLogIndex is next_index - 1). Otherwise nextIndex
  // drops to the hint, kept inside (matchIndex, rejected], and the follower is probed again.
  bool maybe_decrease_to(LogIndex rejected, LogIndex next_hint) {
    if (rejected <= match_index) return false;
    if (mode == Mode::Snapshot) return false;  // heartbeats during a transfer are refused: expected
    if (mode == Mode::Probe && rejected + 1 != next_index) return false;
    next_index = std::clamp(next_hint, match_index + 1, rejected);
    become_probe();
    return true;
  }

  // An AppendEntries carrying `count` entries from next_index was just sent: Replicate moves
  // next_index past them at once (optimistically); Probe waits for the answer.
  void sent_entries(LogIndex count) {
    if (mode == Mode::Snapshot) return;  // a heartbeat during a transfer carries no entries
    if (mode == Mode::Replicate) {
      next_index += count;
    } else {
      probe_sent = true;
    }
  }

 private:
  void clear_snapshot() {
    snapshot_index = 0;
    snapshot_term = 0;
    snapshot_data.reset();
    snapshot_offset = 0;
    chunk_in_flight = false;
    heartbeats_unanswered = 0;
  }
};

inline const char* progress_mode_name(Progress::Mode m) {
  switch (m) {
    case Progress::Mode::Probe: return "probe";
    case Progress::Mode::Replicate: return "replicate";
    case Progress::Mode::Snapshot: return "snapshot";
  }
  return "?";
}

}  // namespace raft
