// Linearizability check of a key-value client history (Wing & Gong search with memoization,
// partitioned by key as in Lowe / Porcupine). Used at the end of every fuzz run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace raft::sim {

enum class KvOpKind : uint8_t { Put, Get, Append, Cas, Delete };

// One client operation as the client saw it. Every op returns the key's value *after* the op
// (std::nullopt = key absent); for Get that is the value read. Cas also reports whether it swapped.
struct HistoryOp {
  uint32_t client = 0;
  uint64_t req = 0;                      // unique request id (for error messages)
  KvOpKind kind = KvOpKind::Get;
  std::string key;
  std::string value;                     // Put/Append argument; Cas "to" value
  std::string expect;                    // Cas "from" value
  int64_t invoke_us = 0;
  // A completed op has returned == true and its return time and outputs. An op that never returned
  // (client gave up, crash, run ended) has returned == false: it may or may not have taken effect,
  // at any time after invoke_us.
  bool returned = false;
  int64_t return_us = 0;
  std::optional<std::string> result;     // value after the op
  bool cas_swapped = false;
};

struct LinearizabilityResult {
  bool ok = true;
  bool gave_up = false;                  // search budget exhausted: neither proven nor refuted
  std::string key;                       // the first key whose sub-history is not linearizable
  std::string explanation;               // a sentence a learner can read
  uint64_t states_explored = 0;
};

// Checks that the whole history is linearizable with respect to a map<string,string> whose keys
// start absent. `states_max` bounds the search per key (a limit on everything).
LinearizabilityResult check_linearizable(const std::vector<HistoryOp>& history,
                                         uint64_t states_max = 2'000'000);

}  // namespace raft::sim
