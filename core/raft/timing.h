// Timing and options of a Raft cluster that the lab can change while it runs. One struct, used by
// the node's Config, the simulator's ClusterConfig, the scenario language and the settings panel.
#pragma once

#include <cstdint>

#include "core/raft/types.h"

namespace raft {

// §6.4 (Processing read-only queries more efficiently): how a leader answers a read (a Get).
//   Log        the read is a log entry like a write (§8): linearizable, costs a log append
//   ReadIndex  §6.4: no log entry; the leader confirms it still leads with a heartbeat round
//   Lease      §6.4.1: no round while the leader's lease holds (a majority acknowledged a heartbeat
//              less than an election timeout ago, by the leader's clock); relies on clocks and
//              on followers refusing votes while they hear from a leader (CheckQuorum)
enum class ReadMode : uint8_t { Log, ReadIndex, Lease };
inline const char* read_mode_name(ReadMode m) {
  switch (m) {
    case ReadMode::Log: return "log";
    case ReadMode::ReadIndex: return "readindex";
    case ReadMode::Lease: return "lease";
  }
  return "?";
}

struct Timing {
  Time election_timeout_min_us = 150'000;  // §5.2: each node draws its timeout from [min, max]
  Time election_timeout_max_us = 300'000;
  Time heartbeat_interval_us = 50'000;     // §5.2: a leader's empty AppendEntries, well below the minimum
  uint32_t append_entries_max = 64;        // entries per AppendEntries
  bool noop_on_election = true;            // §8: a new leader appends a no-op to commit earlier terms' entries
  ReadMode read_mode = ReadMode::Log;
  bool operator==(const Timing&) const = default;
};

}  // namespace raft
