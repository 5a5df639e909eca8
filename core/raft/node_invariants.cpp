// Node::check_invariants(): what must hold for one server after every input (LogCabin's
// Invariants::checkAll). Cluster-wide properties (Figure 3: Election Safety, Log Matching, Leader
// Completeness, State Machine Safety) are the simulator checker's job; these are the ones a single
// node can see in its own state. O(cluster size) and no allocation unless something is broken.
#include "core/raft/node.h"
#include "core/raft/quorum.h"

namespace raft {

namespace {
std::string str(uint64_t v) { return std::to_string(v); }
}  // namespace

std::string Node::check_invariants() const {
  const NodeId me = config_.id;
  const LogIndex last = disk_.log.last_index();
  auto broken = [&](const std::string& what) { return node_name(me) + ": " + what; };

  // §5.3: every entry was created by a leader of a term no later than ours. Terms never decrease
  // along a log, so the last entry is the one to check (O(1) instead of a scan).
  if (disk_.log.last_term() > disk_.current_term) {
    return broken("the last log entry has term " + str(disk_.log.last_term()) + ", later than currentTerm " +
                  str(disk_.current_term));
  }
  if (disk_.voted_for != kNoNode && (disk_.voted_for < 0 || disk_.voted_for >= kNodesMax)) {
    return broken("votedFor is " + std::to_string(disk_.voted_for) + ", which is not a server of this cluster");
  }
  // §4.1: the configuration in use is the latest in the log; voters and learners are disjoint.
  // Its entry is still in the log: one compacted away is the snapshot's, named by index 0 (§5.1).
  if (configuration_index_ != 0 &&
      (configuration_index_ < disk_.log.first_index() || configuration_index_ > last ||
       disk_.log.at(configuration_index_).cmd->op != Op::Config)) {
    return broken("the configuration in use comes from index " + str(configuration_index_) + ", which holds no configuration entry" +
                  (configuration_index_ < disk_.log.first_index() ? " (it was compacted into the snapshot)" : ""));
  }
  if (configuration_index_ == 0 && configuration_ != base_configuration()) {
    return broken("the configuration in use comes from no log entry, but differs from the snapshot's (or the bootstrap one)");
  }
  if ((configuration_.voters & configuration_.learners) != 0) return broken("a server is both a voter and a learner");
  // Only a voter campaigns or leads (§4.2.1); a leader removing itself leads until the removal
  // commits (§4.2.2).
  if (role_ == Role::Candidate && !configuration_.is_voter(me)) return broken("a candidate is not a voter of its configuration");
  if (role_ == Role::Leader && !configuration_.is_voter(me) && configuration_committed()) {
    return broken("a leader removed by a committed configuration has not stepped down (§4.2.2)");
  }
  if (deferred_change_ && role_ != Role::Leader) return broken("a server that is not leader holds a configuration change back");
  // §5.3, §5.4: a committed entry is never removed, so commitIndex stays inside the log.
  if (commit_index_ > last) {
    return broken("commitIndex " + str(commit_index_) + " is beyond the last log index " + str(last));
  }
  // §7 (Log compaction), Figure 12: the snapshot replaces exactly the log prefix it covers, and
  // covers only applied entries: first_index - 1 == lastIncludedIndex <= lastApplied.
  const Snapshot& snap = disk_.snapshot;
  if (disk_.log.first_index() - 1 != snap.last_included_index || disk_.log.snapshot_term() != snap.last_included_term) {
    return broken("the log starts after index " + str(disk_.log.first_index() - 1) + " (term " +
                  str(disk_.log.snapshot_term()) + ") but the snapshot ends at index " + str(snap.last_included_index) +
                  " (term " + str(snap.last_included_term) + ")");
  }
  if ((snap.last_included_index == 0) != (snap.data == nullptr)) {
    return broken("the snapshot's bytes and its lastIncludedIndex " + str(snap.last_included_index) + " disagree");
  }
  if (snap.last_included_index > last_applied_) {
    return broken("the snapshot covers index " + str(snap.last_included_index) + ", beyond lastApplied " +
                  str(last_applied_) + ": it would contain entries not applied");
  }
  // Figure 2, All Servers: only committed entries are applied; this node applies them in the same
  // step that commits them (and an installed snapshot sets both, Figure 13 rule 8), so
  // lastApplied == commitIndex between steps.
  if (last_applied_ != commit_index_) {
    return broken("lastApplied " + str(last_applied_) + " differs from commitIndex " + str(commit_index_) +
                  " after a step");
  }
  // §5.2: a follower or candidate always has its election timer running.
  if (role_ != Role::Leader && deadline_ != election_timer_started_ + election_timeout_us_) {
    return broken("a " + std::string(role_name(role_)) + " has no election timer running");
  }
  // The vote tallies belong to one election (§5.2, Candidates) and are empty outside it.
  if (role_ != Role::Candidate && (votes_granted_ | votes_rejected_) != 0) {
    return broken("a " + std::string(role_name(role_)) + " still keeps the vote tallies of an election");
  }

  switch (role_) {
    case Role::Follower:
      if (leader_id_ == me) return broken("a follower names itself as the leader");
      break;
    case Role::Candidate: {
      // §5.2, Candidates: a candidate votes for itself in its term, knows no leader of that term, and
      // becomes leader as soon as a majority has granted its vote.
      if (disk_.voted_for != me) return broken("a candidate has not voted for itself in its term");
      if (leader_id_ != kNoNode) return broken("a candidate knows a leader of its own term, " + node_name(leader_id_));
      if (((votes_granted_ >> me) & 1u) == 0) return broken("a candidate's own vote is missing from its tally");
      // A server may appear in both tallies: the network can duplicate a RequestVote, and a voter
      // that granted it may refuse the copy once its log has grown (from another leader of this
      // term, elected without it). A granted vote stands, so that is no contradiction.
      if (((votes_granted_ | votes_rejected_) & ~configuration_.voters) != 0) {
        return broken("a candidate counts a vote from a server that is not a voter of its configuration");
      }
      if (configuration_.has_quorum(votes_granted_)) {
        return broken("a candidate holds votes from a majority but has not become leader");
      }
      break;
    }
    case Role::Leader: {
      // §5.2: a leader won the election of its term, voting for itself.
      if (leader_id_ != me) return broken("a leader names " + node_name(leader_id_) + " as the leader");
      if (disk_.voted_for != me) return broken("a leader has not voted for itself in its term");
      // Figure 2, Volatile state on leaders: its own entry tracks its log (with deferred
      // persistence, what of it is on disk); every follower's obeys matchIndex < nextIndex <=
      // last log index + 1 (Progress's invariant).
      const Progress& own = progress_[slot(me)];
      if (deferred_persistence_ ? own.match_index > last || own.next_index > last + 1 || own.match_index >= own.next_index
                                : own.match_index != last || own.next_index != last + 1) {
        return broken("the leader's own matchIndex " + str(own.match_index) + " and nextIndex " + str(own.next_index) +
                      " do not follow its last log index " + str(last));
      }
      std::string bad;
      for_each_node(replication_targets(), [&](NodeId peer) {
        const Progress& p = progress_[slot(peer)];
        if (!bad.empty()) return;
        if (p.match_index >= p.next_index || p.next_index > last + 1) {
          bad = broken("for " + node_name(peer) + ", matchIndex " + str(p.match_index) + " < nextIndex " +
                       str(p.next_index) + " <= last log index + 1 (" + str(last + 1) + ") does not hold");
        } else if (p.mode != Progress::Mode::Probe && p.probe_sent) {
          bad = broken("the progress of " + node_name(peer) + " waits for a probe reply while " + progress_mode_name(p.mode));
        } else if (p.mode == Progress::Mode::Snapshot &&
                   (p.snapshot_data == nullptr || p.match_index >= p.snapshot_index || p.next_index != p.snapshot_index + 1 ||
                    p.snapshot_offset > p.snapshot_data->size() || p.snapshot_index > last)) {
          // §7, Figure 13: a transfer sends a snapshot the follower does not cover yet, from inside it.
          bad = broken("the snapshot transfer to " + node_name(peer) + " (index " + str(p.snapshot_index) + ", offset " +
                       str(p.snapshot_offset) + ", matchIndex " + str(p.match_index) +
                       ") breaks matchIndex < lastIncludedIndex < nextIndex, offset <= size");
        }
      });
      if (!bad.empty()) return bad;
      break;
    }
  }
  // §6.4: only a leader holds reads, each ordered at or below its commitIndex and waiting for a
  // round it has started.
  if (role_ != Role::Leader && !pending_reads_.empty()) return broken("a " + std::string(role_name(role_)) + " holds reads that only a leader may answer");
  for (const PendingRead& r : pending_reads_) {
    if (r.read_index > commit_index_ || r.round == 0 || r.round > read_round_) {
      return broken("a read waits with readIndex " + str(r.read_index) + " (commitIndex " + str(commit_index_) +
                    ") for heartbeat round " + str(r.round) + " (last started " + str(read_round_) + ")");
    }
  }
  return {};
}

}  // namespace raft
