// The front end's record of the whole run, for the timeline markers and the event log.
// The cluster's trace only reaches the moment on screen (seeking back rewinds it), so the UI keeps
// its own copy of the events worth reading: everything except per-message sends/deliveries and
// per-node append/apply records (the cluster view and the logs panel show those). It only reads
// the lab; it follows forks (the recorded future is cut) and resets.
// Its copies of Commit events say by_leader() when the committing node was the leader at the time
// (the moment an entry is committed), not when a follower learned the commitIndex from a leader.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/sim/lab.h"

namespace raft::viz {

enum class MarkerKind : uint8_t { Leader, Candidate, Crash, Restart, Partition, Heal, Commit, Drop };
inline constexpr int kMarkerKinds = 8;

struct Marker {
  Time t = 0;
  MarkerKind kind = MarkerKind::Commit;
  int8_t node = -1;
  uint64_t value = 0;  // Leader: term; Commit: highest commitIndex in the cluster
};

class History {
 public:
  History();

  // Forget everything (a new cluster or scenario).
  void reset();
  // Picks up trace events past the furthest point seen so far; notices forks and resets that
  // happened behind its back (the recorded future shrank or the trace diverged).
  void update(const sim::Lab& lab);
  // The lab's present moved back to `t` (a fork): drop what was recorded at or after `t` and
  // re-read the trace from there.
  void resync(const sim::Lab& lab);

  const std::vector<sim::TraceEvent>& events() const { return events_; }
  const std::vector<Marker>& markers() const { return markers_; }
  // Bumped whenever events are removed or replaced, so that derived indexes rebuild.
  uint64_t generation() const { return generation_; }
  // Events dropped off the front to bound memory.
  size_t forgotten() const { return forgotten_; }

  static bool keeps(sim::TraceKind k);
  static constexpr size_t kEventsMax = 400'000;

 private:
  void add(sim::TraceEvent e);
  void truncate_from(Time t);

  std::vector<sim::TraceEvent> events_;
  std::vector<Marker> markers_;
  size_t scanned_ = 0;            // trace events read so far
  sim::TraceEvent last_raw_{};    // the trace event at scanned_ - 1, to detect divergence
  Time end_seen_ = 0;             // the lab's end_time at the last update
  LogIndex commit_max_ = 0;
  std::array<Role, kNodesMax> role_{};  // each node's role as of the last event read
  uint64_t generation_ = 0;
  size_t forgotten_ = 0;
};

}  // namespace raft::viz
