// The leader's view of one follower (Figure 2, Volatile state on leaders: nextIndex[], matchIndex[];
// §5.3, Log replication), with etcd's two modes, which the paper leaves to the implementation:
// Probe sends one AppendEntries at a time until the follower's log position is found;
// Replicate streams entries optimistically, advancing next_index as it sends.
// Every change goes through a method below, so each transition keeps the invariants written
// next to the fields (Node::check_invariants() verifies them after every step in the tests).
#pragma once

#include <algorithm>

#include "core/raft/types.h"

namespace raft {

struct Progress {
  enum class Mode : uint8_t { Probe, Replicate };

  // Invariant: 0 <= match_index < next_index <= leader's last log index + 1.
  LogIndex next_index = 1;   // nextIndex: index of the next entry to send
  LogIndex match_index = 0;  // matchIndex: highest index known to be on the follower; grows only
  Mode mode = Mode::Probe;
  bool probe_sent = false;   // Probe: an AppendEntries is outstanding; wait for a reply or a heartbeat.
                             // Invariant: false in Replicate.

  // Figure 2, "Volatile state on leaders (reinitialized after election)": nextIndex = last log
  // index + 1, matchIndex = 0, probing.
  static Progress for_new_leader(LogIndex last_index) { return Progress{last_index + 1, 0, Mode::Probe, false}; }

  // Probe with a request outstanding: only a heartbeat may be sent.
  bool paused() const { return mode == Mode::Probe && probe_sent; }

  // The follower's position is unknown (after a rejection): one AppendEntries at a time.
  void become_probe() {
    mode = Mode::Probe;
    probe_sent = false;
    next_index = std::max(next_index, match_index + 1);
  }
  // The follower's position is known: stream from just after what it has.
  void become_replicate() {
    mode = Mode::Replicate;
    probe_sent = false;
    next_index = match_index + 1;
  }

  // A successful AppendEntries reply: the follower's log matches ours through index n (§5.3, Log
  // replication: update nextIndex and matchIndex for the follower).
  // Replies may arrive reordered or duplicated, so matchIndex only grows; returns whether it did.
  // nextIndex moves past n, and a follower that answered a probe is streamed to from now on.
  bool maybe_update(LogIndex n) {
    const bool updated = n > match_index;
    if (updated) match_index = n;
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
    if (mode == Mode::Probe && rejected + 1 != next_index) return false;
    next_index = std::clamp(next_hint, match_index + 1, rejected);
    become_probe();
    return true;
  }

  // An AppendEntries carrying `count` entries from next_index was just sent: Replicate moves
  // next_index past them at once (optimistically); Probe waits for the answer.
  void sent_entries(LogIndex count) {
    if (mode == Mode::Replicate) {
      next_index += count;
    } else {
      probe_sent = true;
    }
  }
};

inline const char* progress_mode_name(Progress::Mode m) { return m == Progress::Mode::Probe ? "probe" : "replicate"; }

}  // namespace raft
