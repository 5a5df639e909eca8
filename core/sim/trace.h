// The event trace: compact fixed-size records on the hot path, rendered as JSON Lines on demand
// (format in README "Trace format"). A running hash over the records identifies a run: the same
// seed and commands give the same hash natively and in wasm.
#pragma once

#include <compare>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/raft/command.h"
#include "core/raft/message.h"
#include "core/sim/cow_vector.h"
#include "core/sim/index_iterator.h"
#include "core/sim/network.h"
#include "core/sim/trace_event.h"

namespace raft::sim {

// Append-only storage in fixed-size chunks: appending never moves or copies earlier events (no
// vector regrowth on the hot path: each page is touched once), and indexing stays O(1).
//
// Optionally a window (issue 8, bounded memory): only the most recent events are held, in whole
// chunks; older chunks are dropped as new ones start (and their buffer reused, so a long run does
// not fault in fresh pages). Indexes stay absolute: the events held are [first(), size()).
class TraceEvents {
 public:
  static constexpr size_t kChunkEvents = 16384;

  size_t size() const { return size_; }
  size_t first() const { return first_; }      // the oldest event held (0 without a window)
  size_t held() const { return size_ - first_; }
  bool empty() const { return size_ == first_; }  // nothing held
  // Precondition: first() <= i < size().
  const TraceEvent& operator[](size_t i) const {
    const size_t c = i / kChunkEvents - chunk0_;
    return chunks_[c][i % kChunkEvents];
  }
  const TraceEvent& back() const { return (*this)[size_ - 1]; }
  const TraceEvent& front() const { return (*this)[first_]; }
  // Holds at least `events` of the latest events (0: all of them).
  void set_window(size_t events) { window_chunks_ = events == 0 ? 0 : (events + kChunkEvents - 1) / kChunkEvents + 1; }
  void push_back(const TraceEvent& e) {
    if (size_ % kChunkEvents == 0) start_chunk();
    chunks_.back().push_back(e);
    ++size_;
  }
  // Holds nothing, and the next event has index n.
  void start_at(size_t n) {
    while (!chunks_.empty()) drop_front();
    chunk0_ = n / kChunkEvents;
    first_ = size_ = n;
    if (n % kChunkEvents != 0) {  // the chunk n falls in, with its slots before n left unused
      chunks_.push_back(take_spare());
      chunks_.back().resize(n % kChunkEvents);
    }
  }
  // Back to the state when size() was n. Behind the window, nothing is held and size() == first() == n.
  void resize_down(size_t n) {
    if (n >= size_) return;
    if (n < first_) {
      start_at(n);
      return;
    }
    chunks_.resize((n + kChunkEvents - 1) / kChunkEvents - chunk0_);
    if (n % kChunkEvents != 0) chunks_.back().resize(n % kChunkEvents);
    size_ = n;
  }

  // Random access over the events held, so std::lower_bound and range-for work as on a vector.
  using const_iterator = IndexIterator<TraceEvents, TraceEvent>;
  const_iterator begin() const { return {this, first_}; }
  const_iterator end() const { return {this, size_}; }

 private:
  void start_chunk() {
    if (window_chunks_ != 0 && chunks_.size() >= window_chunks_) {
      drop_front();
      first_ = chunk0_ * kChunkEvents;
    }
    chunks_.push_back(take_spare());
  }
  void drop_front() {
    spare_ = std::move(chunks_.front());
    spare_.clear();
    chunks_.erase(chunks_.begin());
    ++chunk0_;
  }
  std::vector<TraceEvent> take_spare() {
    std::vector<TraceEvent> c = std::move(spare_);
    spare_ = {};
    c.reserve(kChunkEvents);
    return c;
  }

  std::vector<std::vector<TraceEvent>> chunks_;  // chunk k holds events of absolute chunk chunk0_ + k
  std::vector<TraceEvent> spare_;                // a dropped chunk's buffer, for the next one
  size_t chunk0_ = 0;
  size_t first_ = 0;
  size_t size_ = 0;
  size_t window_chunks_ = 0;                     // 0: no window
};

// A client operation as the simulator's clients see it (the linearizability history).
struct ClientOpRecord {
  uint64_t req = 0;
  ClientId client = 0;
  CommandRef cmd;
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
// Every client operation of a run, in invoke order; shared between checkpoint copies.
using ClientOps = CowVector<ClientOpRecord, 64>;

class Trace {
 public:
  void set_limit(size_t events_max) { events_max_ = events_max; }
  // Holds only the latest `events` events (at least; in whole chunks) instead of stopping at the
  // limit: a time-travel session regenerates older ones by replay (Lab). 0: no window.
  void set_window(size_t events) { events_.set_window(events); window_ = events; }
  size_t window() const { return window_; }
  void set_enabled(bool on) { enabled_ = on; }
  bool enabled() const { return enabled_; }

  void add(const TraceEvent& e);
  uint32_t intern_command(LogIndex index, Term term, const CommandRef& cmd);

  const TraceEvents& events() const { return events_; }
  size_t size() const { return events_.size(); }
  // Without a window, the trace keeps at most events_max events (4,000,000 by default). Past that,
  // events are still simulated, checked and hashed, but not stored: the recorded trace ends at the
  // last stored one.
  size_t events_not_recorded() const { return dropped_; }
  bool full() const { return dropped_ > 0; }
  size_t limit() const { return events_max_; }
  uint64_t hash() const { return hash_; }
  // The command of an event held (asserted: every event held refers to a command held).
  const Command& command(uint32_t ref) const;
  // Whether command(ref) has it: for events that are not the trace's own (copies kept elsewhere).
  bool has_command(uint32_t ref) const { return commands_.held(ref) || refilled_.count(ref) != 0; }
  // The lowest command slot still held (0 without a window), and the slots interned so far.
  size_t commands_first() const { return commands_.first(); }
  size_t commands_interned() const { return commands_.size(); }

  // Which slot each (index, term) was interned in, with its command's digest, so that a later
  // append or apply of the same entry refers to the same slot. By log index: the first term seen
  // there inline, others apart. Entries below every server's snapshot are never interned again
  // (no server appends or applies there any more) and are let go of (release_entries_below), so
  // the table holds about a snapshot interval's worth of entries, not the run's.
  struct EntrySlot {
    Term term = 0;
    uint64_t digest = 0;
    uint32_t slot = 0;
    bool used = false;
  };
  struct Interned {
    CowVector<EntrySlot, 256> slots;  // by index - 1
    std::map<std::pair<LogIndex, Term>, EntrySlot> more;
  };
  void release_entries_below(LogIndex floor);
  LogIndex entries_first() const { return interned_.slots.first() + 1; }  // the lowest index held

  // The trace's position (time travel restores a checkpoint's and replays from there): its events,
  // hash and interned commands. A rewind restores the table of interned entries as it was then and
  // forgets the slots interned since, so the replay, the same run, interns the same entries into
  // the same slots again (the slot is in the trace hash).
  struct Mark {
    size_t events;
    size_t commands;
    uint64_t hash;
    size_t dropped;
    Interned interned;  // copy-on-write: shares its chunks with the live table
  };
  Mark mark() const { return {events_.size(), commands_.size(), hash_, dropped_, interned_}; }
  void rewind(const Mark& m);
  // Lets go of the events held (a side replay that has handed them on); indexes go on.
  void drop_held() { events_.start_at(events_.size()); }
  // A new trace as this one was at `m`, holding none of its events (its indexes go on from
  // m.events): for replaying a stretch of the run on the side (Lab::replay_events).
  Trace branch(const Mark& m) const;

  // JSON Lines rendering of the events held. `ops` resolves Invoke/Return references.
  void write_event(std::string& out, const TraceEvent& e, const ClientOps& ops) const;
  std::string to_jsonl(const ClientOps& ops) const;

 private:
  bool enabled_ = true;
  size_t events_max_ = 4'000'000;
  size_t window_ = 0;
  size_t dropped_ = 0;
  TraceEvents events_;
  // Interned commands, by slot. With a window (a Lab session), the slots no event held refers to
  // are let go of (release_unreferenced), so a long run does not keep every command it ever ran
  // (issue 8); a replay that interns such a slot again keeps its command in refilled_.
  CowVector<CommandRef, 256> commands_;  // chunked: no doubling copies as it grows
  std::map<uint32_t, CommandRef> refilled_;
  Interned interned_;
  const EntrySlot* find_slot(LogIndex index, Term term) const;
  void set_slot(LogIndex index, Term term, uint64_t digest, uint32_t slot);
  void release_unreferenced(uint32_t newest);
  // Back to `n` slots interned (a rewind or a branch): later ones are forgotten; if n is ahead
  // (a jump forward), the slots up to n are not held (their events are not either).
  void restore_commands(size_t n);
  static constexpr size_t kReleaseEvery = 4096;  // new slots between two release_unreferenced()
  uint64_t hash_ = 0x7261667474726163ULL;
};

void append_json_string(std::string& out, std::string_view s);
void append_command_json(std::string& out, const Command& c);

}  // namespace raft::sim
