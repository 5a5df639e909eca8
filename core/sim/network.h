// The simulated network: a time-ordered queue of messages keyed by (deliver time, sequence number),
// with loss, duplication, random latency (which reorders) and per-link cuts. Faults are plain data
// and may change while the simulation runs. Message slots are recycled, so steady-state sending
// does not allocate.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/raft/message.h"
#include "core/raft/rng.h"

namespace raft::sim {

using MessageId = uint64_t;

struct NetworkConfig {
  Time latency_min_us = 10'000;   // one-way, uniform in [min, max]
  Time latency_max_us = 20'000;
  double loss = 0.0;              // probability that a message is lost
  double duplicate = 0.0;         // probability that a message is delivered twice
  bool operator==(const NetworkConfig&) const = default;
};

// Why a message did not arrive.
enum class DropReason : uint8_t { None, Loss, Partition, Down, User };
const char* drop_reason_name(DropReason r);

struct InFlight {
  MessageId id = 0;
  Time sent_at = 0;
  Time deliver_at = 0;
  DropReason fate = DropReason::None;  // decided at send (loss, cut) or later (user drop); None = will arrive
  bool duplicate_copy = false;
  Message msg;
};

class Network {
 public:
  Network() = default;
  // A copy (a time-travel checkpoint) holds only the messages in flight, renumbered: the spare
  // slots a burst of traffic left behind (20,000 after 400 closed-loop clients) made every copy
  // take 6 ms. Slot numbers are internal: nothing outside an event handler holds one. Precondition:
  // no popped message is waiting for release() (true between events).
  Network(const Network& o) { *this = o; }
  Network& operator=(const Network& o);
  Network(Network&&) = default;
  Network& operator=(Network&&) = default;
  ~Network() = default;

  void configure(const NetworkConfig& config) { config_ = config; }
  const NetworkConfig& config() const { return config_; }

  // Links: link_up(from, to) is false while the directed link is cut.
  bool link_up(NodeId from, NodeId to) const { return !(cut_[from] & (1u << to)); }
  void set_link(NodeId from, NodeId to, bool up) {
    if (up) cut_[from] &= ~(1u << to); else cut_[from] |= (1u << to);
  }
  void heal_links() { cut_.fill(0); }
  uint32_t cut_mask(NodeId from) const { return cut_[from]; }

  // Queues `m` (swapping it out: `m` receives a recycled message in exchange). Returns the slot of the
  // queued copy. Draws latency, loss and duplication from `rng`.
  uint32_t send(Time now, Message& m, Rng& rng, MessageId& next_id, uint32_t* duplicate_slot);

  bool empty() const { return heap_.empty(); }
  Time next_time() const { return heap_.empty() ? kTimeNever : heap_.front().deliver_at; }
  // Removes the earliest message; its slot stays valid until release(slot).
  uint32_t pop();
  void release(uint32_t slot) { free_.push_back(slot); slots_[slot].msg.entries.clear(); }
  InFlight& slot(uint32_t s) { return slots_[s]; }
  const InFlight& slot(uint32_t s) const { return slots_[s]; }

  // In-flight messages in delivery order, for the UI and tests (not on the hot path).
  template <typename F> void for_each_in_flight(F&& f) const {
    for (const HeapItem& h : heap_) f(slots_[h.slot]);
  }
  size_t in_flight() const { return heap_.size(); }
  InFlight* find(MessageId id);
  const InFlight* find(MessageId id) const { return const_cast<Network*>(this)->find(id); }
  // Queues a copy of `m` (a user's "duplicate this message").
  uint32_t push_copy(Time now, Time deliver_at, MessageId id, const Message& m);
  // Removes a queued message (a user's "drop this message").
  bool remove(MessageId id);
  // Re-times a queued message (user "delay"); keeps heap order.
  bool delay(MessageId id, Time extra_us);

 private:
  struct HeapItem {
    Time deliver_at;
    uint64_t seq;
    uint32_t slot;
  };
  static bool later(const HeapItem& a, const HeapItem& b) {
    return a.deliver_at != b.deliver_at ? a.deliver_at > b.deliver_at : a.seq > b.seq;
  }
  uint32_t push(Time now, Time deliver_at, MessageId id, Message& m, DropReason fate, bool dup);

  NetworkConfig config_;
  std::array<uint32_t, kNodesMax> cut_{};
  std::vector<InFlight> slots_;
  std::vector<uint32_t> free_;
  std::vector<HeapItem> heap_;
  uint64_t seq_ = 0;
};

}  // namespace raft::sim
