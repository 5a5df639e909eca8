// Deterministic pseudo-random numbers (xoshiro256**). Seeded explicitly; never from the environment.
#pragma once

#include <cstdint>

#include "core/raft/hash.h"

namespace raft {

class Rng {
 public:
  explicit Rng(uint64_t seed = 1) { reseed(seed); }

  void reseed(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : s_) { x = mix64(x); s = x; }
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [lo, hi] (inclusive). Slight modulo bias is irrelevant for simulation.
  int64_t uniform(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(next() % span);
  }

  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

  bool chance(double p) { return p > 0 && unit() < p; }

  // A sub-seed derived from this generator's seed and a stream label, without consuming state.
  static uint64_t derive(uint64_t seed, uint64_t stream) { return mix64(seed ^ mix64(stream + 0x5eed)); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace raft
