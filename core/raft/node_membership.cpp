// Cluster membership changes, one server at a time (dissertation ch. 4, §4.1 Safety, §4.2
// Availability). Joint consensus (paper §6) is not implemented: every change adds, promotes or
// removes a single server, so any majority of the old voters overlaps any majority of the new ones.
#include "core/raft/node.h"

namespace raft {

const char* change_refusal_text(ChangeRefusal r) {
  switch (r) {
    case ChangeRefusal::None: return "accepted";
    case ChangeRefusal::NotLeader: return "only the leader changes the configuration";
    case ChangeRefusal::ChangePending:
      return "a configuration change is still pending (at most one change at a time: the last one must commit first)";
    case ChangeRefusal::NotSingleServer: return "a change may add, promote or remove only one server at a time";
    case ChangeRefusal::NoVoters: return "the last voter cannot be removed";
  }
  return "?";
}

// §4.1: a server uses the latest configuration in its log, committed or not; with none there, the
// one it was bootstrapped with. Scans the log backwards: on construction and after a truncation
// that removed the configuration in use, never on the common path.
void Node::load_configuration() {
  const Log& log = disk_.log;
  LogIndex found[2] = {0, 0};
  int k = 0;
  for (LogIndex i = log.last_index(); i >= log.first_index() && i >= 1 && k < 2; --i) {
    if (log.at(i).cmd->op == Op::Config) found[k++] = i;
  }
  configuration_index_ = found[0];
  configuration_ = found[0] != 0 ? log.at(found[0]).cmd->config : base_configuration();
  previous_ = found[1] != 0 ? log.at(found[1]).cmd->config : base_configuration();
}

// §4.1: "a server always uses the latest configuration in its log, regardless of whether the entry
// is committed": the new configuration takes effect as soon as its entry is appended.
void Node::on_appended(LogIndex index) {
  previous_ = configuration_;
  configuration_ = disk_.log.at(index).cmd->config;
  configuration_index_ = index;
  emit(NodeEvent::Kind::Config, 0, index);
}

// §4.1: "a log entry for a configuration change can be removed (if leadership changes); in this
// case, a server must be prepared to fall back to the previous configuration in its log".
void Node::on_truncated(LogIndex from) {
  if (from > configuration_index_) return;
  load_configuration();
  emit(NodeEvent::Kind::Config, 0, configuration_index_);
}

// Dissertation §5.1: once the log is compacted, the configuration below the log is the snapshot's
// (committed, as of lastIncludedIndex); before any snapshot, the bootstrap one.
const Configuration& Node::base_configuration() const {
  return disk_.snapshot.last_included_index > 0 ? disk_.snapshot.config : bootstrap_;
}

// The latest configuration at or before `index` (for a snapshot through `index`).
Configuration Node::configuration_as_of(LogIndex index) const {
  const Log& log = disk_.log;
  for (LogIndex i = std::min(index, log.last_index()); i >= log.first_index() && i >= 1; --i) {
    if (log.at(i).cmd->op == Op::Config) return log.at(i).cmd->config;
  }
  return base_configuration();
}

Configuration Node::configuration_at(LogIndex index) const {
  if (index == 0) return base_configuration();
  if (index == configuration_index_) return configuration_;
  const Log& log = disk_.log;
  if (index >= log.first_index() && index <= log.last_index() && log.at(index).cmd->op == Op::Config) return log.at(index).cmd->config;
  return configuration_;  // no longer in the log: the one in use is the best answer
}

NodeMask Node::replication_targets() const {
  // Until a change commits, the servers of the previous configuration still hear from the leader:
  // a server being removed learns of its removal, and so stops campaigning (§4.2.3).
  NodeMask m = configuration_.members();
  if (!configuration_committed()) m |= previous_.members();
  return m & ~node_bit(config_.id);
}

// The 2015 fix (dissertation §4.1 errata; Ongaro, raft-dev, "bug in single-server membership
// changes"): a leader must not append a configuration entry until it has committed an entry of its
// current term. Otherwise an uncommitted change of an earlier leader and this one can both differ
// by one server from a common configuration without overlapping majorities.
bool Node::can_change_configuration() const {
  if (configuration_index_ > commit_index_) return false;  // §4.1: one change at a time
  return config_.timing.membership_bug_2015 || disk_.log.term_at(commit_index_) == disk_.current_term;
}

ChangeResult Node::propose_configuration(Time now, Configuration next) {
  ChangeResult r;
  if (role_ != Role::Leader) {
    r.refusal = ChangeRefusal::NotLeader;
  } else if (!configuration_committed() || deferred_change_) {
    r.refusal = ChangeRefusal::ChangePending;
  } else if ((next.voters & next.learners) != 0 || node_count(next.voters ^ configuration_.voters) > 1 ||
             node_count(next.members() ^ configuration_.members()) > 1) {
    // §4.1 (single-server changes): the voters differ by at most one server, and so do the members.
    r.refusal = ChangeRefusal::NotSingleServer;
  } else if (next.voters == 0) {
    r.refusal = ChangeRefusal::NoVoters;
  }
  if (!r.accepted()) return r;
  if (!can_change_configuration()) {
    deferred_change_ = next;  // appended by after_commit once an entry of this term commits
    r.deferred = true;
    return r;
  }
  append_configuration(now, next);
  return r;
}

void Node::append_configuration(Time now, Configuration next) {
  RAFT_ASSERT(role_ == Role::Leader && can_change_configuration());
  Command c;
  c.op = Op::Config;
  c.config = next;
  append_entry(Entry{disk_.current_term, std::move(c)});  // takes effect now (on_appended)
  for_each_node(replication_targets(), [&](NodeId peer) { send_append_entries(peer, false); });
  advance_commit_index(now);  // a one-voter configuration commits at once
}

// Runs on a leader whenever its commitIndex grows.
void Node::after_commit(Time now) {
  if (!configuration_committed()) return;
  // §4.2.2: a leader that is not part of the new configuration steps down once the configuration
  // entry is committed (until then it manages the cluster without counting itself in majorities).
  if (!configuration_.is_voter(config_.id)) {
    set_role(Role::Follower);
    leader_id_ = kNoNode;
    reset_election_timer(now);
    return;
  }
  if (deferred_change_ && can_change_configuration()) {
    const Configuration next = *deferred_change_;
    deferred_change_.reset();
    // The configuration may have changed since (a promotion); a change that is no longer a single
    // server step from it is dropped.
    if (node_count(next.voters ^ configuration_.voters) <= 1 && node_count(next.members() ^ configuration_.members()) <= 1 &&
        next.voters != 0) {
      append_configuration(now, next);
    }
  }
}

// §4.2.1 (Catching up new servers): a new server joins as a learner, which receives entries but
// neither votes nor counts for commitment; the leader promotes it once it has caught up. Like
// hashicorp/raft, "caught up" is judged by the follower's matchIndex: within one AppendEntries
// (append_entries_max entries) of the leader's last index, so the promotion cannot stall the cluster
// waiting for a slow server.
void Node::maybe_promote(Time now, NodeId peer) {
  if (!configuration_.is_learner(peer) || !can_change_configuration() || deferred_change_) return;
  if (progress_[slot(peer)].match_index + config_.timing.append_entries_max < disk_.log.last_index()) return;
  Configuration next = configuration_;
  next.learners &= ~node_bit(peer);
  next.voters |= node_bit(peer);
  append_configuration(now, next);
}

}  // namespace raft
