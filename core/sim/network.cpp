#include "core/sim/network.h"

#include <algorithm>

namespace raft::sim {

const char* drop_reason_name(DropReason r) {
  switch (r) {
    case DropReason::None: return "none";
    case DropReason::Loss: return "loss";
    case DropReason::Partition: return "partition";
    case DropReason::Down: return "down";
    case DropReason::User: return "user";
  }
  return "?";
}

uint32_t Network::push(Time now, Time deliver_at, MessageId id, Message& m, DropReason fate, bool dup) {
  uint32_t s;
  if (free_.empty()) {
    s = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    s = free_.back();
    free_.pop_back();
  }
  InFlight& f = slots_[s];
  f.id = id;
  f.sent_at = now;
  f.deliver_at = deliver_at;
  f.fate = fate;
  f.duplicate_copy = dup;
  if (dup) {
    f.msg = m;  // a copy for the duplicate (rare: only when duplication is on); reuses capacity
  } else {
    std::swap(f.msg, m);  // no allocation: the caller gets this slot's old buffers back
  }
  heap_.push_back(HeapItem{deliver_at, seq_++, s});
  std::push_heap(heap_.begin(), heap_.end(), later);
  return s;
}

Network& Network::operator=(const Network& o) {
  if (this == &o) return *this;
  RAFT_ASSERT(o.slots_.size() == o.free_.size() + o.heap_.size());
  config_ = o.config_;
  cut_ = o.cut_;
  seq_ = o.seq_;
  heap_ = o.heap_;
  free_.clear();
  slots_.clear();
  slots_.reserve(heap_.size());
  for (HeapItem& h : heap_) {
    slots_.push_back(o.slots_[h.slot]);
    h.slot = static_cast<uint32_t>(slots_.size() - 1);
  }
  return *this;
}

uint32_t Network::send(Time now, Message& m, Rng& rng, MessageId& next_id, uint32_t* duplicate_slot) {
  // Every random draw happens whatever the outcome, so one fault setting does not shift the
  // random stream of another.
  const Time latency = rng.uniform(config_.latency_min_us, config_.latency_max_us);
  const bool lost = rng.chance(config_.loss);
  const bool dup = rng.chance(config_.duplicate);
  const Time dup_latency = rng.uniform(config_.latency_min_us, config_.latency_max_us);
  DropReason fate = DropReason::None;
  if (!link_up(m.from, m.to)) fate = DropReason::Partition;
  else if (lost) fate = DropReason::Loss;
  uint32_t dup_slot = UINT32_MAX;
  if (dup && fate == DropReason::None) {
    dup_slot = push(now, now + std::max<Time>(1, dup_latency), next_id++, m, DropReason::None, true);
  }
  if (duplicate_slot) *duplicate_slot = dup_slot;
  return push(now, now + std::max<Time>(1, latency), next_id++, m, fate, false);
}

uint32_t Network::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  const uint32_t s = heap_.back().slot;
  heap_.pop_back();
  return s;
}

InFlight* Network::find(MessageId id) {
  for (const HeapItem& h : heap_) {
    if (slots_[h.slot].id == id) return &slots_[h.slot];
  }
  return nullptr;
}

uint32_t Network::push_copy(Time now, Time deliver_at, MessageId id, const Message& m) {
  return push(now, deliver_at, id, const_cast<Message&>(m), DropReason::None, true);  // dup: copies, never swaps
}

bool Network::remove(MessageId id) {
  for (size_t i = 0; i < heap_.size(); ++i) {
    if (slots_[heap_[i].slot].id != id) continue;
    release(heap_[i].slot);
    heap_[i] = heap_.back();
    heap_.pop_back();
    std::make_heap(heap_.begin(), heap_.end(), later);
    return true;
  }
  return false;
}

bool Network::delay(MessageId id, Time extra_us) {
  for (HeapItem& h : heap_) {
    if (slots_[h.slot].id != id) continue;
    h.deliver_at += extra_us;
    slots_[h.slot].deliver_at = h.deliver_at;
    std::make_heap(heap_.begin(), heap_.end(), later);
    return true;
  }
  return false;
}

}  // namespace raft::sim
