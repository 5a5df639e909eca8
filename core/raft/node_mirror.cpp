// A Node that mirrors a server running elsewhere (issue 10): see Node::mirror() in node.h. Only
// the state the views and the checker read is kept: the persistent state, the role, commitIndex,
// lastApplied with its state machine, the configuration and, on a leader, matchIndex.
#include "core/raft/node.h"

namespace raft {

Node Node::mirrored(const Config& config, MirrorState state) {
  Node n(config, Storage{}, 0);
  n.disk_ = std::move(state.disk);
  n.load_configuration();
  n.role_ = state.role;
  n.leader_id_ = state.role == Role::Leader ? config.id : kNoNode;
  n.commit_index_ = std::min(state.commit_index, n.disk_.log.last_index());
  n.last_applied_ = std::min(state.last_applied, n.commit_index_);
  // The state machine: the snapshot's, when its bytes are known (the entries after it that were
  // applied are not in the stream's first lines, so the map shows the snapshot's state).
  // Known only when the stream showed every entry applied from the start: no snapshot (whose
  // bytes a stream does not carry), so the entries applied are all in the log.
  n.mirror_kv_known_ = n.disk_.log.snapshot_index() == 0;
  if (n.mirror_kv_known_) {
    for (LogIndex i = 1; i <= n.last_applied_; ++i) n.kv_.apply(*n.disk_.log.at(i).cmd);
  }
  if (n.role_ == Role::Leader) {
    for (Progress& p : n.progress_) p = Progress::for_new_leader(n.disk_.log.last_index());
  }
  return n;
}

bool Node::mirror_fits(const NodeEvent& e) const {
  const Log& log = disk_.log;
  switch (e.kind) {
    // A term that goes back is the checker's to report ("Terms never decrease"), not refused here.
    case NodeEvent::Kind::Role:
    case NodeEvent::Kind::NewTerm:
    case NodeEvent::Kind::Vote:
    case NodeEvent::Kind::Config: return true;
    // Figure 13 rule 6 keeps the log after an entry the log holds with the snapshot's term.
    case NodeEvent::Kind::Install:
      return e.index > 0 && (!e.kept_suffix || (e.index > log.snapshot_index() && e.index <= log.last_index() &&
                                                log.term_at(e.index) == e.term));
    case NodeEvent::Kind::Append: return e.index == log.last_index() + 1;
    case NodeEvent::Kind::Truncate: return e.index > log.snapshot_index() && e.index <= log.last_index();
    case NodeEvent::Kind::Commit: return e.index >= log.snapshot_index() && e.index <= log.last_index();
    case NodeEvent::Kind::Apply: return e.index > log.snapshot_index() && e.index <= log.last_index();
    case NodeEvent::Kind::Snapshot:
      return e.index > log.snapshot_index() && e.index <= log.last_index() && log.term_at(e.index) == e.term;
  }
  return false;
}

void Node::mirror(const NodeEvent& e, const CommandRef& cmd, const Configuration& config) {
  RAFT_ASSERT(mirror_fits(e));
  Log& log = disk_.log;
  switch (e.kind) {
    case NodeEvent::Kind::NewTerm:
      if (e.term > disk_.current_term) {
        disk_.voted_for = kNoNode;
        votes_granted_ = votes_rejected_ = 0;  // a new term: any election under way is over
      }
      disk_.current_term = e.term;
      leader_id_ = kNoNode;
      break;
    case NodeEvent::Kind::Vote:
      disk_.current_term = e.term;
      disk_.voted_for = e.voted_for;
      if (e.voted_for == config_.id) votes_granted_ = 1u << config_.id;  // a candidacy votes for itself (Figure 2)
      break;
    case NodeEvent::Kind::Role:
      disk_.current_term = e.term;
      // Any role but candidate ends the election (a candidacy's own vote: the Vote event).
      if (e.role != Role::Candidate) votes_granted_ = votes_rejected_ = 0;
      role_ = e.role;
      leader_id_ = e.role == Role::Leader ? config_.id : kNoNode;
      if (e.role == Role::Leader) {
        for (Progress& p : progress_) p = Progress::for_new_leader(log.last_index());
      }
      break;
    case NodeEvent::Kind::Append: log.append(Entry{e.term, cmd}); break;
    case NodeEvent::Kind::Truncate: log.truncate_from(e.index); break;
    case NodeEvent::Kind::Commit: commit_index_ = e.index; break;
    case NodeEvent::Kind::Apply:
      last_applied_ = e.index;
      kv_.apply(*log.at(e.index).cmd);  // the log's: a stream shows no command for an entry gone since
      break;
    case NodeEvent::Kind::Snapshot:
      // The bytes are the mirrored state machine's when the stream showed every entry applied since
      // the start; otherwise unknown (null), and the checker compares none.
      disk_.snapshot = Snapshot{e.index, e.term, mirror_kv_known_ ? std::make_shared<const std::string>(kv_.encode()) : nullptr,
                                configuration_as_of(e.index)};
      log.compact_to(e.index, e.term);
      break;
    case NodeEvent::Kind::Install:
      // Figure 13: the leader's snapshot; its bytes did not come with the stream.
      disk_.snapshot = Snapshot{e.index, e.term, nullptr, configuration_};
      if (e.kept_suffix) {
        log.compact_to(e.index, e.term);
      } else {
        log.reset_to_snapshot(e.index, e.term);
      }
      commit_index_ = std::max(commit_index_, e.index);
      last_applied_ = e.index;
      kv_ = KvStore{};
      mirror_kv_known_ = false;
      break;
    case NodeEvent::Kind::Config:
      configuration_ = config;
      configuration_index_ = e.index;
      break;
  }
  events_.push_back(e);
}

void Node::mirror_leader(NodeId leader, Term term) {
  if (term == disk_.current_term && role_ != Role::Leader && leader >= 0 && leader < kNodesMax) leader_id_ = leader;
}

void Node::mirror_vote_reply(NodeId from, Term term, bool granted) {
  if (role_ != Role::Candidate || term != disk_.current_term || from < 0 || from >= kNodesMax) return;
  (granted ? votes_granted_ : votes_rejected_) |= 1u << from;
}

void Node::mirror_progress(NodeId peer, LogIndex match_index) {
  if (role_ != Role::Leader || peer < 0 || peer >= kNodesMax) return;
  Progress& p = progress_[slot(peer)];
  p.match_index = std::min(std::max(p.match_index, match_index), disk_.log.last_index());
  p.next_index = std::max(p.next_index, p.match_index + 1);
}

}  // namespace raft
