// The event trace: compact fixed-size records on the hot path, rendered as JSON Lines on demand
// (format in README "Trace format"). A running hash over the records identifies a run: the same
// seed and commands give the same hash natively and in wasm.
#pragma once

#include <compare>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/raft/command.h"
#include "core/raft/message.h"
#include "core/sim/network.h"
#include "core/sim/trace_event.h"

namespace raft::sim {

// Append-only storage in fixed-size chunks: appending never moves or copies earlier events (no
// vector regrowth on the hot path: each page is touched once), and indexing stays O(1).
class TraceEvents {
 public:
  static constexpr size_t kChunkEvents = 16384;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const TraceEvent& operator[](size_t i) const { return chunks_[i / kChunkEvents][i % kChunkEvents]; }
  const TraceEvent& back() const { return (*this)[size_ - 1]; }
  void push_back(const TraceEvent& e) {
    if (size_ % kChunkEvents == 0 && size_ / kChunkEvents == chunks_.size()) {
      chunks_.emplace_back();
      chunks_.back().reserve(kChunkEvents);
    }
    chunks_[size_ / kChunkEvents].push_back(e);
    ++size_;
  }
  void resize_down(size_t n) {  // keeps the first n events
    if (n >= size_) return;
    chunks_.resize((n + kChunkEvents - 1) / kChunkEvents);
    if (n % kChunkEvents != 0) chunks_.back().resize(n % kChunkEvents);
    size_ = n;
  }

  // A random-access iterator, so std::lower_bound and range-for work as on a vector.
  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = TraceEvent;
    using difference_type = std::ptrdiff_t;
    using pointer = const TraceEvent*;
    using reference = const TraceEvent&;
    const_iterator() = default;
    const_iterator(const TraceEvents* s, size_t i) : s_(s), i_(i) {}
    reference operator*() const { return (*s_)[i_]; }
    pointer operator->() const { return &(*s_)[i_]; }
    reference operator[](difference_type d) const { return (*s_)[i_ + static_cast<size_t>(d)]; }
    const_iterator& operator++() { ++i_; return *this; }
    const_iterator operator++(int) { auto t = *this; ++i_; return t; }
    const_iterator& operator--() { --i_; return *this; }
    const_iterator operator--(int) { auto t = *this; --i_; return t; }
    const_iterator& operator+=(difference_type d) { i_ = static_cast<size_t>(static_cast<difference_type>(i_) + d); return *this; }
    const_iterator& operator-=(difference_type d) { return *this += -d; }
    friend const_iterator operator+(const_iterator a, difference_type d) { return a += d; }
    friend const_iterator operator+(difference_type d, const_iterator a) { return a += d; }
    friend const_iterator operator-(const_iterator a, difference_type d) { return a -= d; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.i_ == b.i_; }
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.i_ <=> b.i_; }

   private:
    const TraceEvents* s_ = nullptr;
    size_t i_ = 0;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  std::vector<std::vector<TraceEvent>> chunks_;  // each reserved to kChunkEvents, never regrown
  size_t size_ = 0;
};

// A client operation as the simulator's clients see it (the linearizability history).
struct ClientOpRecord {
  uint64_t req = 0;
  ClientId client = 0;
  Command cmd;
  Time invoke_us = 0;
  bool returned = false;
  Time return_us = 0;
  bool ok = false;
  bool definite = false;   // ok == false and surely not applied
  std::optional<std::string> value;
  bool cas_swapped = false;
  NodeId first_node = kNoNode;
  // For the online stale-read check: the highest index known committed anywhere when the request
  // was sent, and the index a successful reply was answered at (a read's readIndex).
  LogIndex committed_at_invoke = 0;
  LogIndex reply_index = 0;
};

class Trace {
 public:
  void set_limit(size_t events_max) { events_max_ = events_max; }
  void set_enabled(bool on) { enabled_ = on; }
  bool enabled() const { return enabled_; }

  void add(const TraceEvent& e);
  uint32_t intern_command(LogIndex index, Term term, const Command& cmd);

  const TraceEvents& events() const { return events_; }
  size_t size() const { return events_.size(); }
  // The trace keeps at most events_max events (4,000,000 by default). Past that, events are still
  // simulated, checked and hashed, but not stored: the recorded trace ends at the last stored one.
  size_t events_not_recorded() const { return dropped_; }
  bool full() const { return dropped_ > 0; }
  size_t limit() const { return events_max_; }
  uint64_t hash() const { return hash_; }
  const Command& command(uint32_t ref) const { return commands_[ref]; }

  // Cut back to the state when size() was `n` (time travel replays from there).
  struct Mark { size_t events; size_t commands; uint64_t hash; size_t dropped; };
  Mark mark() const { return {events_.size(), commands_.size(), hash_, dropped_}; }
  void rewind(const Mark& m);

  // JSON Lines rendering. `ops` resolves Invoke/Return references.
  void write_event(std::string& out, const TraceEvent& e, const std::vector<ClientOpRecord>& ops) const;
  std::string to_jsonl(const std::vector<ClientOpRecord>& ops) const;

 private:
  bool enabled_ = true;
  size_t events_max_ = 4'000'000;
  size_t dropped_ = 0;
  TraceEvents events_;
  std::vector<Command> commands_;
  std::unordered_map<uint64_t, uint32_t> command_of_entry_;  // (index, term) -> commands_ slot
  uint64_t hash_ = 0x7261667474726163ULL;
};

void append_json_string(std::string& out, std::string_view s);
void append_command_json(std::string& out, const Command& c);

}  // namespace raft::sim
