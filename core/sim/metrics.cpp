#include "core/sim/metrics.h"

#include <bit>

namespace raft::sim {

size_t LatencyHistogram::bucket(uint64_t v) {
  if (v < kExact) return static_cast<size_t>(v);
  const int msb = 63 - std::countl_zero(v);  // >= 5
  return kExact + static_cast<size_t>(msb - 5) * kSub + static_cast<size_t>((v >> (msb - 4)) & (kSub - 1));
}

uint64_t LatencyHistogram::upper_bound(size_t b) {
  if (b < kExact) return b;
  const int msb = static_cast<int>((b - kExact) / kSub) + 5;
  const uint64_t sub = (b - kExact) % kSub;
  return ((kSub + sub + 1) << (msb - 4)) - 1;
}

Time LatencyHistogram::percentile(double p) const {
  if (total_ == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(p / 100.0 * static_cast<double>(total_) + 0.999999);  // nearest rank
  rank = std::clamp<uint64_t>(rank, 1, total_);
  uint64_t seen = 0;
  for (size_t b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen >= rank) return static_cast<Time>(upper_bound(b));
  }
  return static_cast<Time>(upper_bound(kBuckets - 1));
}

}  // namespace raft::sim
