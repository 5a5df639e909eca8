// The leader's view of one follower (Figure 2: nextIndex[], matchIndex[]), with etcd's two modes:
// Probe sends one AppendEntries at a time until the follower's log position is found;
// Replicate streams entries optimistically, advancing next_index as it sends.
#pragma once

#include "core/raft/types.h"

namespace raft {

struct Progress {
  enum class Mode : uint8_t { Probe, Replicate };
  LogIndex next_index = 1;   // index of the next entry to send
  LogIndex match_index = 0;  // highest index known to be replicated on the follower
  Mode mode = Mode::Probe;
  bool probe_sent = false;   // Probe: an AppendEntries is outstanding; wait for a reply or a heartbeat

  bool paused() const { return mode == Mode::Probe && probe_sent; }
  void become_probe() { mode = Mode::Probe; probe_sent = false; next_index = match_index + 1 > next_index ? match_index + 1 : next_index; }
  void become_replicate() { mode = Mode::Replicate; probe_sent = false; next_index = match_index + 1; }
};

inline const char* progress_mode_name(Progress::Mode m) { return m == Progress::Mode::Probe ? "probe" : "replicate"; }

}  // namespace raft
