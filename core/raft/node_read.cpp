// Read-only queries without the log: dissertation §6.4 (Processing read-only queries more
// efficiently) and §6.4.1 (using clocks to reduce messaging for read-only queries), and the node's
// clock rate (the lab's clock drift).
//
// ReadIndex, the dissertation's four steps:
//   1. the leader must have committed an entry of its own term (a fresh leader does not yet know
//      which entries are committed; its no-op does this, §8);
//   2. it records its commitIndex as the read's readIndex;
//   3. it sends a heartbeat round and waits for a majority to acknowledge it, which proves that no
//      later leader existed when the read arrived;
//   4. once lastApplied >= readIndex it answers from its state machine.
// A read that arrives before step 1 is possible waits with readIndex 0 until it is. Every heartbeat
// carries the leader's current round number; a reply of the same term echoes it, so a majority
// that echoed round r confirms every read that arrived before round r started.
//
// Lease: a majority acknowledged round r, started at time t, so no other leader can be elected
// before t + the minimum election timeout, provided followers refuse to vote while they hear from a
// leader (CheckQuorum's stickiness). The leader measures that on its own clock and divides it by a
// drift bound (§6.4.1: "the lease ... should account for clock drift"): clocks may differ by 10%.
// Until then reads are answered at once. Drift beyond the bound breaks the lease: that is what the
// lab's lease-under-drift scenario shows the online checker catching.
#include <algorithm>

#include "core/raft/node.h"
#include "core/raft/quorum.h"

namespace raft {

void Node::set_clock_rate(int permille) {
  RAFT_ASSERT(permille >= kClockRateMinPermille && permille <= kClockRateMaxPermille);
  config_.clock_rate_permille = permille;
}

bool Node::committed_own_term() const {
  return commit_index_ > 0 && disk_.log.term_at(commit_index_) == disk_.current_term;
}

ProposeResult Node::read(Time now, const Command& cmd) {
  RAFT_ASSERT(role_ == Role::Leader && cmd.op == Op::Get);
  if (config_.timing.read_mode == ReadMode::Lease && now < lease_until_ && committed_own_term()) {
    // §6.4.1: within the lease no other leader can exist; the state machine has applied through
    // commitIndex (apply is synchronous here), which covers every write completed before now.
    const LogIndex index = commit_index_;
    replies_.push_back(ClientReply{cmd.client, cmd.seq, index, ApplyResult{kv_.get(cmd.key), false, false}});
    return {true, index, config_.id};
  }
  PendingRead r;
  r.client = cmd.client;
  r.seq = cmd.seq;
  r.key = cmd.key;
  r.read_index = committed_own_term() ? commit_index_ : 0;
  start_read_round(now);
  r.round = read_round_;
  pending_reads_.push_back(std::move(r));
  broadcast_heartbeat();
  serve_reads();  // a one-server cluster is its own majority
  return {true, commit_index_, config_.id};
}

void Node::start_read_round(Time now) {
  ++read_round_;
  round_started_at_[read_round_ % kRoundTimes] = now;
  read_round_acked_[slot(config_.id)] = read_round_;
}

void Node::on_read_ack(NodeId peer, uint64_t round) {
  // Replies are reordered and duplicated by the network: a server's acknowledged round only grows.
  uint64_t& acked = read_round_acked_[slot(peer)];
  if (round <= acked) return;
  acked = round;
  const uint64_t confirmed = majority_acked_round();
  // §6.4.1: the lease runs from when the confirmed round was sent, for a minimum election timeout
  // of this node's clock. Rounds older than the remembered window simply do not extend it.
  if (confirmed != 0 && read_round_ - confirmed < kRoundTimes && !lease_revoked_) {
    const Time lease_us = on_my_clock(config_.timing.election_timeout_min_us) * 1000 / kLeaseDriftBoundPermille;
    const Time until = round_started_at_[confirmed % kRoundTimes] + lease_us;
    lease_until_ = std::max(lease_until_, until);
  }
  if (!pending_reads_.empty()) serve_reads();
}

uint64_t Node::majority_acked_round() const {
  // §4.1: a majority of the voters of the configuration in use.
  return configuration_.majority_match_index(read_round_acked_.data());
}

void Node::serve_reads() {
  const uint64_t confirmed = majority_acked_round();
  const bool ordered = committed_own_term();
  size_t kept = 0;
  for (PendingRead& r : pending_reads_) {
    if (r.read_index == 0 && ordered) r.read_index = commit_index_;  // step 2, late
    if (r.read_index != 0 && r.round <= confirmed && last_applied_ >= r.read_index) {
      replies_.push_back(ClientReply{r.client, r.seq, r.read_index, ApplyResult{kv_.get(r.key), false, false}});
    } else {
      if (&pending_reads_[kept] != &r) pending_reads_[kept] = std::move(r);
      ++kept;
    }
  }
  pending_reads_.resize(kept);
}

void Node::drop_reads() {
  pending_reads_.clear();
  lease_until_ = 0;
}

}  // namespace raft
