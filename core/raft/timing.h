// Timing and options of a Raft cluster that the lab can change while it runs. One struct, used by
// the node's Config, the simulator's ClusterConfig, the scenario language and the settings panel.
#pragma once

#include <cstdint>

#include "core/raft/types.h"

namespace raft {

inline constexpr uint32_t kSnapshotChunkBytesDefault = 64;

struct Timing {
  Time election_timeout_min_us = 150'000;  // §5.2: each node draws its timeout from [min, max]
  Time election_timeout_max_us = 300'000;
  Time heartbeat_interval_us = 50'000;     // §5.2: a leader's empty AppendEntries, well below the minimum
  uint32_t append_entries_max = 64;        // entries per AppendEntries
  bool noop_on_election = true;            // §8: a new leader appends a no-op to commit earlier terms' entries

  // §7 (Log compaction), dissertation ch. 5: a server snapshots its state machine once this many
  // entries were applied since its last snapshot, and drops the log prefix; 0 = never (off).
  uint32_t snapshot_every = 0;
  // §7, Figure 13: InstallSnapshot sends a snapshot in chunks of at most this many bytes (>= 1).
  uint32_t snapshot_chunk_bytes = kSnapshotChunkBytesDefault;
  bool operator==(const Timing&) const = default;
};

}  // namespace raft
