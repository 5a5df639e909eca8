// Timing and options of a Raft cluster that the lab can change while it runs. One struct, used by
// the node's Config, the simulator's ClusterConfig, the scenario language and the settings panel.
#pragma once

#include <cstdint>

#include "core/raft/types.h"

namespace raft {

inline constexpr uint32_t kSnapshotChunkBytesDefault = 64;
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
  // Bytes of commands per AppendEntries beyond the first entry (0: no limit, the simulator's
  // default). raftd sets one, so that 64 entries of 1 MB values never make a message that a
  // peer's queue or the wire's frame limit refuses: one that would be refused every time would
  // leave the follower behind for good.
  uint64_t append_entries_bytes_max = 0;
  bool noop_on_election = true;            // §8: a new leader appends a no-op to commit earlier terms' entries

  // §9.6 (Preventing disruptions when a server rejoins the cluster): a server whose election timer
  // fires first asks for pre-votes (term + 1, nobody's term or vote changes) and becomes a
  // candidate only with a majority of them.
  bool prevote = false;

  // §6.2 / §9.6, etcd's CheckQuorum: a leader that has not heard from a majority within an
  // election timeout (the minimum) steps down; and leader stickiness (§4.2.3): a server that heard
  // from a current leader within the minimum election timeout ignores RequestVote, except a
  // leadership-transfer campaign.
  bool check_quorum = false;

  // UNSAFE, for teaching: a restarted server forgets votedFor (it is no longer persistent state),
  // so it can vote twice in one term and two leaders can be elected in that term.
  bool forget_vote = false;

  // UNSAFE, for teaching (dissertation §4.1 errata; Ongaro, raft-dev 2015, "bug in single-server
  // membership changes"): a new leader accepts a configuration change before it has committed an
  // entry of its term. Two one-server changes made in different terms can then have disjoint
  // majorities, and two leaders can be elected in one term. Off: the fix (the leader waits).
  bool membership_bug_2015 = false;

  // §7 (Log compaction), dissertation ch. 5: a server snapshots its state machine once this many
  // entries were applied since its last snapshot, and drops the log prefix; 0 = never (off).
  uint32_t snapshot_every = 0;
  // §7, Figure 13: InstallSnapshot sends a snapshot in chunks of at most this many bytes (>= 1).
  uint32_t snapshot_chunk_bytes = kSnapshotChunkBytesDefault;
  ReadMode read_mode = ReadMode::Log;
  bool operator==(const Timing&) const = default;
};

// The on/off extensions of Timing, listed once: the scenario language's rows, the trace's bit
// set, the settings panel's checkboxes and the unsafe banner all read this list. A new switch is a
// bool above plus a row here (append only: a row's position is its bit in the trace).
struct TimingSwitch {
  const char* keyword;    // the scenario statement: `prevote on|off`
  bool Timing::*field;
  bool unsafe;            // broken on purpose: shown under "Unsafe: for teaching" with a red banner
  const char* label;      // the settings panel's checkbox
  const char* what;       // safe: what it does; unsafe: what it breaks
};
inline constexpr TimingSwitch kTimingSwitches[] = {
    {"prevote", &Timing::prevote, false, "PreVote (section 9.6)",
     "a server asks for pre-votes before it raises its term, so a rejoining server cannot depose a healthy leader"},
    {"checkquorum", &Timing::check_quorum, false, "CheckQuorum and leader stickiness (section 6.2)",
     "a leader that does not hear from a majority for an election timeout steps down; followers that hear from "
     "a leader ignore RequestVote"},
    {"forget_vote", &Timing::forget_vote, true, "forget_vote: restarts lose votedFor",
     "a restarted server forgets whom it voted for, votes twice in one term, and two leaders can be elected"},
    {"membership_bug_2015", &Timing::membership_bug_2015, true, "membership_bug_2015: changes before committing",
     "a new leader changes the configuration before committing an entry of its term; two one-server changes "
     "across terms can elect two leaders in one term"},
};
inline constexpr int kTimingSwitchCount = static_cast<int>(sizeof kTimingSwitches / sizeof kTimingSwitches[0]);
static_assert(kTimingSwitchCount <= 8, "the trace packs the switches into one byte");

// Bit i set when kTimingSwitches[i] is on (0 when every switch is off).
inline uint8_t timing_switch_bits(const Timing& t) {
  uint8_t bits = 0;
  for (int i = 0; i < kTimingSwitchCount; ++i) {
    if (t.*(kTimingSwitches[i].field)) bits = static_cast<uint8_t>(bits | (1u << static_cast<unsigned>(i)));
  }
  return bits;
}
inline void set_timing_switch_bits(Timing& t, uint8_t bits) {
  for (int i = 0; i < kTimingSwitchCount; ++i) t.*(kTimingSwitches[i].field) = ((static_cast<unsigned>(bits) >> static_cast<unsigned>(i)) & 1u) != 0;
}

}  // namespace raft
