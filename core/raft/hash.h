// Small, stable, platform-independent hashing (same values natively and in wasm).
#pragma once

#include <cstdint>
#include <string_view>

namespace raft {

// SplitMix64 finalizer.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline uint64_t hash_bytes(uint64_t h, std::string_view s) {
  // FNV-1a over the bytes, then mixed with the running hash and the length.
  uint64_t f = 0xcbf29ce484222325ULL;
  for (char ch : s) f = (f ^ static_cast<unsigned char>(ch)) * 0x100000001b3ULL;  // bytes, not signed chars
  return mix64(h ^ f ^ (static_cast<uint64_t>(s.size()) << 56));
}

inline uint64_t hash_combine(uint64_t h, uint64_t v) { return mix64(h ^ mix64(v)); }

}  // namespace raft
