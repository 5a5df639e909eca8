// The linearizability search's memo (internal to core/sim/linearizability.cpp): interned values and
// the set of visited configurations (ops placed, value left), with the hashing they use.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace raft::sim::lin {

// A key's value as an interned id, so model steps and visited-set lookups compare integers, not strings.
// Invariant: kAbsent means the key is absent; every present string, including "", has an id >= 1.
using ValueId = uint32_t;
constexpr ValueId kAbsent = 0;
constexpr ValueId kNoValue = std::numeric_limits<ValueId>::max();  // "no value fits" / not applicable
constexpr uint32_t kNoOp = std::numeric_limits<uint32_t>::max();

// splitmix64's finalizer: a fixed, platform-independent 64-bit mix.
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

class ValueTable {
 public:
  ValueId intern(std::string_view text) {
    if (auto it = ids_.find(text); it != ids_.end()) return it->second;
    texts_.emplace_back(text);
    const auto id = static_cast<ValueId>(texts_.size());
    ids_.emplace(texts_.back(), id);
    return id;
  }
  ValueId intern_optional(const std::optional<std::string>& value) {
    return value ? intern(*value) : kAbsent;
  }
  std::string_view text(ValueId id) const { return id == kAbsent ? std::string_view{} : texts_[id - 1]; }
  size_t size() const { return texts_.size(); }  // ids of present values are 1..size()

 private:
  std::deque<std::string> texts_;  // texts_[id - 1]; a deque, so views into it survive growth
  std::unordered_map<std::string_view, ValueId> ids_;  // lookup only, never iterated
};

// Visited configurations (set of placed ops, key value), exact (no false "seen").
// The op bitset is stored compactly: the count of leading all-ones words, then the remaining nonzero
// words as (index, bits). Ops are numbered in invoke order, so in a mostly sequential history the placed
// set is a prefix plus a few bits near the frontier and an entry costs a few words, not n/64.
class ConfigSet {
 public:
  // Returns true if the configuration was new (and records it), false if it was seen before.
  // `bits_hash` must be the XOR of op_hash(i) over the set bits.
  bool insert(const std::vector<uint64_t>& bits, uint64_t bits_hash, ValueId value) {
    uint32_t full_words = 0;
    while (full_words < bits.size() && bits[full_words] == ~uint64_t{0}) ++full_words;
    scratch_index_.clear();
    scratch_bits_.clear();
    for (auto w = full_words; w < bits.size(); ++w) {
      if (bits[w] == 0) continue;
      scratch_index_.push_back(w);
      scratch_bits_.push_back(bits[w]);
    }
    const uint64_t hash = bits_hash ^ mix64((uint64_t{value} << 32) | 0x5bd1e995u);
    if ((configs_.size() + 1) * 2 > slots_.size()) grow();
    const size_t mask = slots_.size() - 1;
    for (size_t s = static_cast<size_t>(hash) & mask;; s = (s + 1) & mask) {  // low bits: the same on 32 and 64 bits
      const uint32_t slot = slots_[s];
      if (slot == 0) {
        configs_.push_back({hash, sparse_index_.size(), value, full_words,
                            static_cast<uint32_t>(scratch_index_.size())});
        sparse_index_.insert(sparse_index_.end(), scratch_index_.begin(), scratch_index_.end());
        sparse_bits_.insert(sparse_bits_.end(), scratch_bits_.begin(), scratch_bits_.end());
        slots_[s] = static_cast<uint32_t>(configs_.size());
        return true;
      }
      if (matches(configs_[slot - 1], hash, value, full_words)) return false;
    }
  }

  static uint64_t op_hash(uint32_t op) { return mix64(op); }

 private:
  struct Config {
    uint64_t hash;
    size_t sparse_begin;    // into sparse_index_ / sparse_bits_
    ValueId value;
    uint32_t full_words;
    uint32_t sparse_count;
  };

  bool matches(const Config& c, uint64_t hash, ValueId value, uint32_t full_words) const {
    if (c.hash != hash || c.value != value || c.full_words != full_words ||
        c.sparse_count != scratch_index_.size()) {
      return false;
    }
    for (uint32_t i = 0; i < c.sparse_count; ++i) {
      if (sparse_index_[c.sparse_begin + i] != scratch_index_[i] ||
          sparse_bits_[c.sparse_begin + i] != scratch_bits_[i]) {
        return false;
      }
    }
    return true;
  }

  void grow() {
    slots_.assign(std::max<size_t>(64, slots_.size() * 2), 0);
    const size_t mask = slots_.size() - 1;
    for (size_t i = 0; i < configs_.size(); ++i) {
      size_t s = static_cast<size_t>(configs_[i].hash) & mask;
      while (slots_[s] != 0) s = (s + 1) & mask;
      slots_[s] = static_cast<uint32_t>(i + 1);
    }
  }

  std::vector<Config> configs_;
  std::vector<uint32_t> slots_;  // open addressing, linear probing; 0 = empty, else configs_ index + 1
  std::vector<uint32_t> sparse_index_;
  std::vector<uint64_t> sparse_bits_;
  std::vector<uint32_t> scratch_index_;  // canonical form of the configuration being inserted
  std::vector<uint64_t> scratch_bits_;
};

// ---- Wording for explanations ----

}  // namespace raft::sim::lin
