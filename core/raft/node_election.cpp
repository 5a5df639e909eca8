// The election extensions every production Raft adds to Figure 2, each behind a switch in Timing
// and each leaving Figure 2's behaviour untouched while off: PreVote (§9.6), CheckQuorum with
// leader stickiness (§6.2, §4.2.3, §9.6), and leadership transfer (§3.10).
#include <algorithm>
#include <bit>

#include "core/raft/node.h"
#include "core/raft/quorum.h"

namespace raft {

// Figure 2, Followers (§5.2, Leader election): no AppendEntries from the current leader and no
// vote granted for a whole election timeout => become a candidate. Candidates: the election timed
// out => start a new one. §9.6: with PreVote on, first find out whether a majority would vote.
void Node::election_timer_fired(Time now) {
  if (!config_.timing.prevote) {
    start_election(now);
    return;
  }
  // A candidate whose election failed asks for pre-votes again, as a follower (etcd's
  // PreCandidate), rather than raising its term once more.
  if (role_ == Role::Candidate) set_role(Role::Follower);
  start_pre_vote(now);
}

// §9.6 (Preventing disruptions when a server rejoins the cluster): "a candidate would first ask
// other servers whether its log was up-to-date enough to get their vote". The PreVote carries the
// term the candidate would campaign in; nobody's currentTerm or votedFor changes.
void Node::start_pre_vote(Time now) {
  leader_id_ = kNoNode;
  prevoting_ = true;
  prevotes_granted_ = 1u << config_.id;
  reset_election_timer(now);  // no majority within an election timeout: try again
  if (configuration_.has_quorum(prevotes_granted_)) {
    start_election(now);
    return;
  }
  for_each_node(configuration_.voters & ~node_bit(config_.id), [&](NodeId peer) {  // §4.1: the voters
    Message& m = new_message(MessageType::PreVote, peer);
    m.term = disk_.current_term + 1;
    m.last_log_index = disk_.log.last_index();
    m.last_log_term = disk_.log.last_term();
  });
}

bool Node::leader_recently_heard(Time now) const {
  if (role_ == Role::Leader) return true;
  return leader_id_ != kNoNode && now - leader_contact_us_ < on_my_clock(config_.timing.election_timeout_min_us);
}

// §4.2.3 / §9.6, leader stickiness (etcd's CheckQuorum lease): a server that heard from a current
// leader within the minimum election timeout ignores a RequestVote of a later term, so a server
// that was cut off cannot depose a healthy leader. A transfer campaign (§3.10) is let through.
// On with CheckQuorum, and always once the membership has changed: §4.2.3 makes the rule part of
// membership changes, since a removed server that never learned of its removal campaigns for ever
// and a voter still catching up (which counts it as a voter) would pass its terms on to the
// leader. A cluster that keeps its bootstrap configuration behaves exactly as in Figure 2.
bool Node::ignores_vote_request(Time now, const Message& m) const {
  const bool sticky = config_.timing.check_quorum || configuration_ != Configuration::initial(config_.cluster_size);
  return sticky && m.type == MessageType::RequestVote && !m.transfer && leader_recently_heard(now);
}

// §9.6: grant a pre-vote when the candidate's log is at least as up-to-date as ours (§5.4.1) and we
// have not heard from a leader within the minimum election timeout. In the term we are in, the
// candidate could only win if our vote is still free.
void Node::handle_pre_vote(Time now, const Message& m) {
  bool grant = !leader_recently_heard(now) && log_up_to_date(m.last_log_term, m.last_log_index);
  if (m.term == disk_.current_term) grant = grant && (disk_.voted_for == kNoNode || disk_.voted_for == m.from);
  Message& r = new_message(MessageType::PreVoteResponse, m.from);
  if (grant) r.term = m.term;  // echoes the would-be term; a refusal carries ours
  r.vote_granted = grant;
}

void Node::handle_pre_vote_response(Time now, const Message& m) {
  // Only a grant for the round in progress counts (its term is currentTerm + 1).
  if (!prevoting_ || !m.vote_granted || m.term != disk_.current_term + 1) return;
  prevotes_granted_ |= 1u << m.from;
  // §9.6: a majority of pre-votes => a real election (Figure 2, Candidates).
  if (configuration_.has_quorum(prevotes_granted_)) start_election(now);
}

// §3.10: "the target server ... starts a new election" at once, without a pre-vote round, and its
// RequestVotes say so. Only a follower of the sender's term acts on it (a candidate is already
// campaigning).
void Node::handle_timeout_now(Time now, const Message& m) {
  if (role_ != Role::Follower) return;
  RAFT_ASSERT(m.term == disk_.current_term);
  start_election(now, /*transfer=*/true);
}

// ---------------------------------------------------------------------------------------------
// Leader side

void Node::transfer_leadership(Time now, NodeId target) {
  RAFT_ASSERT(role_ == Role::Leader && target != config_.id);
  RAFT_ASSERT(target >= 0 && target < kNodesMax);
  // §3.10, step 1: the leader stops accepting new client requests (propose refuses); it gives up
  // after an election timeout.
  transfer_target_ = target;
  transfer_deadline_us_ = now + on_my_clock(config_.timing.election_timeout_min_us);
  // §6.4.1: the target's campaign ignores leader stickiness, so a new leader can be elected inside
  // this leader's lease, even after the transfer gives up (a TimeoutNow can be delayed): no lease for
  // the rest of this term; reads are answered only after a heartbeat round.
  lease_until_ = 0;
  lease_revoked_ = true;
  timeout_now_sent_ = false;
  deadline_ = std::min(deadline_, transfer_deadline_us_);
  // Step 2: bring the target's log up to date (normal replication), then step 3 (TimeoutNow).
  send_append_entries(target, false);
  maybe_send_timeout_now();
}

// §3.10, step 3: once the target's log matches ours, TimeoutNow tells it to campaign now. Sent
// once per transfer; if it is lost, the transfer times out.
void Node::maybe_send_timeout_now() {
  if (transfer_target_ == kNoNode || timeout_now_sent_) return;
  if (progress_[slot(transfer_target_)].match_index != disk_.log.last_index()) return;
  timeout_now_sent_ = true;
  new_message(MessageType::TimeoutNow, transfer_target_);
}

// A leader's timers while CheckQuorum is on or a transfer runs: each fires at its own time.
void Node::tick_leader(Time now) {
  if (config_.timing.check_quorum && now >= quorum_check_due_us_) {
    // §6.2 (CheckQuorum): a leader that has not heard from a majority (itself included) within
    // an election timeout steps down, so clients can find the real leader; no new term.
    if (!configuration_.has_quorum(recent_active_ | (1u << config_.id))) {
      become_follower(disk_.current_term, kNoNode);
      reset_election_timer(now);
      return;
    }
    recent_active_ = 1u << config_.id;
    quorum_check_due_us_ = now + on_my_clock(config_.timing.election_timeout_min_us);
  }
  // §3.10: the target did not take over within an election timeout: accept proposals again.
  if (transfer_target_ != kNoNode && now >= transfer_deadline_us_) transfer_target_ = kNoNode;
  if (now >= heartbeat_due_us_) {
    // Figure 2, Leaders (§5.2): empty AppendEntries during idle periods.
    if (config_.timing.read_mode != ReadMode::Log) start_read_round(now);
    broadcast_heartbeat();
    heartbeat_due_us_ = now + on_my_clock(config_.timing.heartbeat_interval_us);
  }
  deadline_ = heartbeat_due_us_;
  if (config_.timing.check_quorum) deadline_ = std::min(deadline_, quorum_check_due_us_);
  if (transfer_target_ != kNoNode) deadline_ = std::min(deadline_, transfer_deadline_us_);
}

}  // namespace raft
