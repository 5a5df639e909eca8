// Timing and options of a Raft cluster that the lab can change while it runs. One struct, used by
// the node's Config, the simulator's ClusterConfig, the scenario language and the settings panel.
#pragma once

#include <cstdint>

#include "core/raft/types.h"

namespace raft {

struct Timing {
  Time election_timeout_min_us = 150'000;  // §5.2: each node draws its timeout from [min, max]
  Time election_timeout_max_us = 300'000;
  Time heartbeat_interval_us = 50'000;     // §5.2: a leader's empty AppendEntries, well below the minimum
  uint32_t append_entries_max = 64;        // entries per AppendEntries
  bool noop_on_election = true;            // §8: a new leader appends a no-op to commit earlier terms' entries

  // Unsafe, for teaching (dissertation §4.1 errata; Ongaro, raft-dev 2015, "bug in single-server
  // membership changes"): a new leader accepts a configuration change before it has committed an
  // entry of its term. Two one-server changes made in different terms can then have disjoint
  // majorities, and two leaders can be elected in one term. Off: the fix (the leader waits).
  bool membership_bug_2015 = false;
  bool operator==(const Timing&) const = default;
};

}  // namespace raft
