// What a run measures, for benchmarks, the page's status bar and the JS API (Cluster::metrics()).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/raft/message.h"
#include "core/raft/types.h"

namespace raft::sim {

// Commit latencies as a log-linear histogram (HdrHistogram's layout: exact below 32 us, then 16
// buckets per power of two), so that a day-long session holds a few kilobytes instead of one
// number per request (issue 8). A percentile is the nearest-rank sample's bucket, reported as that
// bucket's upper bound: at most 1/16 (6.25%) above the exact value.
class LatencyHistogram {
 public:
  void add(Time us) {
    ++counts_[bucket(static_cast<uint64_t>(std::max<Time>(us, 0)))];
    ++total_;
  }
  uint64_t count() const { return total_; }
  Time percentile(double p) const;  // 0 if empty
  bool operator==(const LatencyHistogram&) const = default;

 private:
  static constexpr size_t kExact = 32, kSub = 16, kBuckets = kExact + (63 - 5) * kSub;
  static size_t bucket(uint64_t v);
  static uint64_t upper_bound(size_t b);
  std::array<uint32_t, kBuckets> counts_{};
  uint64_t total_ = 0;
};

struct Metrics {
  uint64_t elections = 0;                       // candidacies started
  Term max_term = 0;
  std::array<uint64_t, kMessageTypes> sent{};   // by MessageType
  std::array<uint64_t, kMessageTypes> delivered{};
  uint64_t dropped = 0;
  uint64_t events = 0;                          // events processed by the loop
  uint64_t ops_invoked = 0, ops_ok = 0, ops_failed = 0;
  Time leaderless_us = 0;                       // virtual time with no up leader
  LatencyHistogram commit_latencies_us;         // invoke -> ok return, per successful client op

  uint64_t delivered_total() const { uint64_t s = 0; for (auto v : delivered) s += v; return s; }
  Time latency_percentile_us(double p) const { return commit_latencies_us.percentile(p); }
};

}  // namespace raft::sim
