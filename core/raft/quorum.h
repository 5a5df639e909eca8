// Majority arithmetic, kept apart from the node so it can be tested on its own (etcd: quorum/majority.go).
#pragma once

#include <algorithm>
#include <array>

#include "core/raft/types.h"

namespace raft {

constexpr int quorum_size(int voters) { return voters / 2 + 1; }

// The highest index stored on a majority: sort the match indexes descending and take the
// quorum_size-th. No allocation (at most kNodesMax voters).
inline LogIndex majority_match_index(const LogIndex* match, int voters) {
  RAFT_ASSERT(voters >= 1 && voters <= kNodesMax);
  std::array<LogIndex, kNodesMax> sorted{};
  std::copy(match, match + voters, sorted.begin());
  std::sort(sorted.begin(), sorted.begin() + voters, [](LogIndex a, LogIndex b) { return a > b; });
  return sorted[static_cast<size_t>(quorum_size(voters) - 1)];  // >= 0: voters >= 1
}

}  // namespace raft
