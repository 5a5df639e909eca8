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

// Three outcomes, never two: a search that hit its budget proves nothing either way, so it is
// neither a pass nor a failure and must be reported as what it is.
enum class LinearizabilityVerdict : uint8_t {
  Linearizable,  // every key's sub-history has a valid order
  Refuted,       // some key has none: a definite violation, whatever the other keys gave
  Undecided,     // no key refuted, but at least one key's search hit the budget
};

struct LinearizabilityResult {
  LinearizabilityVerdict verdict = LinearizabilityVerdict::Linearizable;
  // Refuted: the first refuted key (in key order) and why, in a sentence a learner can read.
  // Undecided: the first key whose search hit the budget, and a sentence saying so.
  std::string key;
  std::string explanation;
  // Every key whose search hit the budget, in key order, also when another key was refuted.
  std::vector<std::string> undecided_keys;
  uint64_t states_explored = 0;

  bool linearizable() const { return verdict == LinearizabilityVerdict::Linearizable; }
  bool refuted() const { return verdict == LinearizabilityVerdict::Refuted; }
  bool undecided() const { return verdict == LinearizabilityVerdict::Undecided; }
};

// "linearizable", "not linearizable", "undecided".
const char* to_string(LinearizabilityVerdict v);

// Checks that the whole history is linearizable with respect to a map<string,string> whose keys
// start absent. `states_max` bounds the search per key (a limit on everything). Every key is
// searched even after one is refuted or undecided, so the verdict does not depend on key order.
inline constexpr uint64_t kLinearizabilityStatesMax = 2'000'000;
LinearizabilityResult check_linearizable(const std::vector<HistoryOp>& history,
                                         uint64_t states_max = kLinearizabilityStatesMax);

// For a refuted `key`: the smallest set of that key's operations (indexes into `history`, in order)
// that is still not linearizable, found by dropping one operation at a time while the rest stays
// refuted (delta debugging, repeated until nothing more can go); a write whose value a kept operation
// returned is never dropped, so the answer is never just "a read of a value nobody wrote". Empty if the key's operations are
// linearizable or more than `ops_max` (each step is a whole search).
std::vector<size_t> shrink_refutation(const std::vector<HistoryOp>& history, const std::string& key,
                                      size_t ops_max = 64, uint64_t states_max = 200'000);

}  // namespace raft::sim
