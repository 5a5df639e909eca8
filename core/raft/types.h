// Basic vocabulary of the Raft core. Names follow Figure 2 of the extended Raft paper.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace raft {

using NodeId = int32_t;      // 0-based inside the core; shown to people as s1..sN
using Term = uint64_t;
using LogIndex = uint64_t;   // 1-based; 0 means "before the first entry"
using Time = int64_t;        // logical time in microseconds, supplied by the caller; never a clock
using ClientId = uint32_t;
using RequestSeq = uint64_t;

inline constexpr NodeId kNoNode = -1;
inline constexpr Time kTimeNever = INT64_MAX;
inline constexpr int kNodesMax = 15;

// Always-on precondition check for the core: a broken precondition is a bug in the caller or the
// core, never a condition to recover from.
[[noreturn]] inline void assert_fail(const char* expr, const char* file, int line, const char* why = nullptr) {
  if (why != nullptr) {
    std::fprintf(stderr, "RAFT_ASSERT failed: %s\n  (%s at %s:%d)\n", why, expr, file, line);
  } else {
    std::fprintf(stderr, "RAFT_ASSERT failed: %s at %s:%d\n", expr, file, line);
  }
  std::abort();
}
#define RAFT_ASSERT(expr) ((expr) ? static_cast<void>(0) : ::raft::assert_fail(#expr, __FILE__, __LINE__))
// The same, with a sentence for people (a const char*, evaluated only when expr is false).
#define RAFT_ASSERT_MSG(expr, why) \
  ((expr) ? static_cast<void>(0) : ::raft::assert_fail(#expr, __FILE__, __LINE__, (why)))

// A log index or count used as a position in memory. Whatever it counts is held in memory, so it
// fits a size_t even where size_t is 32 bits (wasm32); the assert says so where it could not.
inline size_t to_size(uint64_t v) {
  RAFT_ASSERT(v <= SIZE_MAX);
  return static_cast<size_t>(v);
}

inline std::string node_name(NodeId id) { return "s" + std::to_string(id + 1); }

enum class Role : uint8_t { Follower, Candidate, Leader };
inline const char* role_name(Role r) {
  switch (r) {
    case Role::Follower: return "follower";
    case Role::Candidate: return "candidate";
    case Role::Leader: return "leader";
  }
  return "?";
}

}  // namespace raft
