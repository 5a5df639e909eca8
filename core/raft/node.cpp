#include "core/raft/node.h"

#include <algorithm>
#include <bit>

#include "core/raft/quorum.h"

namespace raft {

namespace {
void assert_valid(const Timing& t) {
  RAFT_ASSERT(t.election_timeout_min_us > 0 && t.election_timeout_min_us <= t.election_timeout_max_us);
  RAFT_ASSERT(t.heartbeat_interval_us > 0 && t.append_entries_max >= 1 && t.snapshot_chunk_bytes >= 1);
}
}  // namespace

Node::Node(const Config& config, Storage disk, Time now)
    : config_(config), disk_(std::move(disk)), rng_(config.seed) {
  RAFT_ASSERT(config_.cluster_size >= 1 && config_.cluster_size <= kNodesMax);
  RAFT_ASSERT(config_.id >= 0 && config_.id < kNodesMax);
  assert_valid(config_.timing);
  // §4.2.1: a server that joins later starts with no configuration; it waits to be contacted.
  bootstrap_ = config_.id < config_.cluster_size ? Configuration::initial(config_.cluster_size) : Configuration{};
  load_configuration();
  RAFT_ASSERT(config_.clock_rate_permille >= kClockRateMinPermille && config_.clock_rate_permille <= kClockRateMaxPermille);
  restore_from_disk_snapshot();
  reset_election_timer(now);
}

void Node::reconfigure(const Timing& timing) {
  assert_valid(timing);
  // Reads waiting for a heartbeat round would wait forever once heartbeats stop carrying rounds.
  if (timing.read_mode != config_.timing.read_mode) drop_reads();
  config_.timing = timing;
}

// ---------------------------------------------------------------------------------------------
// Inputs

void Node::tick(Time now) {
  if (now < deadline_) return;
  maybe_snapshot();
  if (role_ == Role::Leader) {
    if (leader_extensions_active()) {
      tick_leader(now);
      return;
    }
    // Figure 2, Leaders (§5.2, Leader election): repeat empty AppendEntries during idle periods to
    // prevent election timeouts.
    if (config_.timing.read_mode != ReadMode::Log) start_read_round(now);
    broadcast_heartbeat();
    deadline_ = heartbeat_due_us_ = now + on_my_clock(config_.timing.heartbeat_interval_us);
  } else if (!configuration_.is_voter(config_.id)) {
    // §4.2.1, §4.2.3: a server that is not a voter of its configuration (a learner, a server not
    // yet added, one that learned of its removal) never campaigns; its timer just runs again.
    reset_election_timer(now);
  } else {
    election_timer_fired(now);
  }
}

void Node::timeout_now(Time now) {
  if (role_ == Role::Leader) return;  // a leader has no election timer
  if (!configuration_.is_voter(config_.id)) return;  // §4.2.1: only voters campaign
  maybe_snapshot();
  election_timer_fired(now);
}

void Node::step(Time now, const Message& m) {
  // §4.1: a server handles messages from servers outside its configuration too.
  RAFT_ASSERT(m.to == config_.id && m.from >= 0 && m.from < kNodesMax && m.from != config_.id);
  maybe_snapshot();
  // §4.2.3 (Disruptive servers): a RequestVote from a server that is not a voter of our
  // configuration (typically a removed server that never learned of its removal) is ignored while
  // we believe a current leader exists: it neither raises our term nor gets a vote. Limited to
  // non-voters, so a cluster that never changes membership behaves exactly as in Figure 2.
  if (m.type == MessageType::RequestVote && !configuration_.is_voter(m.from) && leader_recently_heard(now)) {
    note_ignored_vote(m, VoteRejection::Reason::NotAVoter);
    return;
  }
  // The term is settled once, here, before any handler runs (etcd's Step), so every handler sees
  // m.term == currentTerm.
  if (m.term > disk_.current_term) {
    if (ignores_vote_request(now, m)) {
      note_ignored_vote(m, VoteRejection::Reason::LeaderRecentlyHeard);
      return;
    }
    // §9.6: a PreVote carries the term its sender would campaign in, and a granted
    // PreVoteResponse echoes it: neither changes the receiver's term (etcd's Step).
    const bool pre_vote = m.type == MessageType::PreVote || (m.type == MessageType::PreVoteResponse && m.vote_granted);
    // §5.1 (Raft basics), Rules for Servers, All Servers: if an RPC request or response contains
    // term T > currentTerm, set currentTerm = T and convert to follower; then handle it.
    if (!pre_vote) step_down(now, m.term);
  } else if (m.term < disk_.current_term) {
    // §5.1: a request with a stale term is rejected, and the reply carries our term so that the
    // sender steps down (Figure 2, both receivers, rule 1: reply false if term < currentTerm).
    // A stale reply answers a request from an earlier term, which no longer matters: dropped.
    if (m.type == MessageType::RequestVote) {
      VoteRejection why;
      why.reason = VoteRejection::Reason::StaleTerm;
      refuse_vote(m, why);
    } else if (m.type == MessageType::AppendEntries) {
      reject_append_entries(m, AppendRejection::Reason::StaleTerm, 0, 0);
    } else if (m.type == MessageType::PreVote) {
      Message& r = new_message(MessageType::PreVoteResponse, m.from);  // §9.6: refused, with our term
      r.vote_granted = false;
    } else if (m.type == MessageType::InstallSnapshot) {
      reply_install_snapshot(m, 0, false, 0);  // Figure 13, receiver rule 1
    }
    return;
  }
  if (role_ == Role::Leader) recent_active_ |= 1u << m.from;  // §6.2, CheckQuorum: heard from m.from
  switch (m.type) {
    case MessageType::RequestVote: handle_request_vote(now, m); break;
    case MessageType::RequestVoteResponse: handle_request_vote_response(now, m); break;
    case MessageType::AppendEntries: handle_append_entries(now, m); break;
    case MessageType::AppendEntriesResponse: handle_append_entries_response(now, m); break;
    case MessageType::PreVote: handle_pre_vote(now, m); break;
    case MessageType::PreVoteResponse: handle_pre_vote_response(now, m); break;
    case MessageType::TimeoutNow: handle_timeout_now(now, m); break;
    case MessageType::InstallSnapshot: handle_install_snapshot(now, m); break;
    case MessageType::InstallSnapshotResponse: handle_install_snapshot_response(now, m); break;
  }
}

ProposeResult Node::propose(Time now, CommandRef cmd) {
  // §8 (Client interaction): a server that is not the leader refuses and names the leader it knows.
  if (role_ != Role::Leader) return {false, 0, leader_id_};
  // §3.10 (Leadership transfer): during a transfer the leader refuses proposals and names no
  // leader, so the client waits as it does for an election (until then the target still
  // redirects to this leader).
  if (transfer_target_ != kNoNode) return {false, 0, kNoNode};
  maybe_snapshot();
  if (cmd->op == Op::Get && config_.timing.read_mode != ReadMode::Log) return read(now, *cmd);
  // Figure 2, Leaders (§5.3, Log replication): a command received from a client is appended to the
  // local log; the reply is sent once the entry is applied (apply_committed).
  RAFT_ASSERT(cmd->op != Op::Config);  // configuration changes go through propose_configuration
  append_entry(Entry{disk_.current_term, std::move(cmd)});
  const LogIndex index = disk_.log.last_index();
  for_each_node(replication_targets(), [&](NodeId peer) { send_append_entries(peer, false); });
  advance_commit_index(now);  // a single-node cluster commits at once
  return {true, index, config_.id};
}

// ---------------------------------------------------------------------------------------------
// Role changes

void Node::start_election(Time now, bool transfer) {
  // §4.2.1: only a voter of its configuration campaigns (a pre-vote round or a TimeoutNow may
  // end after this server became a learner or learned of its removal).
  if (!configuration_.is_voter(config_.id)) {
    prevoting_ = false;
    reset_election_timer(now);
    return;
  }
  // Figure 2, Candidates (§5.2, Leader election): on conversion to candidate, increment
  // currentTerm, vote for self, reset the election timer, send RequestVote to all other servers.
  persist_term_and_vote(disk_.current_term + 1, config_.id);
  set_role(Role::Candidate);
  leader_id_ = kNoNode;
  prevoting_ = false;
  prevotes_granted_ = 0;
  votes_granted_ = 1u << config_.id;
  votes_rejected_ = 0;
  reset_election_timer(now);
  // §4.1: a candidate needs a majority of the voters of its latest configuration.
  if (configuration_.has_quorum(votes_granted_)) {
    become_leader(now);
    return;
  }
  for_each_node(configuration_.voters & ~node_bit(config_.id), [&](NodeId peer) {
    Message& m = new_message(MessageType::RequestVote, peer);
    m.last_log_index = disk_.log.last_index();
    m.last_log_term = disk_.log.last_term();
    m.transfer = transfer;
  });
}

// §5.2 (Leader election): a server stays a follower while it hears from a valid leader.
void Node::become_follower(Term term, NodeId leader) {
  RAFT_ASSERT(term == disk_.current_term);
  set_role(Role::Follower);
  leader_id_ = leader;
  prevoting_ = false;  // §9.6: a live leader of this term ends a pre-vote round
  prevotes_granted_ = 0;
}

void Node::step_down(Time now, Term new_term) {
  // §5.1 (Raft basics): a server that sees a later term adopts it and, if it was a candidate or a
  // leader, reverts to follower; votedFor is cleared because no vote has been cast in the new term.
  RAFT_ASSERT(new_term > disk_.current_term);
  const bool was_leader = role_ == Role::Leader;
  persist_term_and_vote(new_term, kNoNode);
  set_role(Role::Follower);
  leader_id_ = kNoNode;
  prevoting_ = false;
  prevotes_granted_ = 0;
  // A leader has no election timer running; a deposed one starts a full election timeout now
  // (otherwise its pending heartbeat deadline would fire as an election almost at once).
  if (was_leader) reset_election_timer(now);
}

void Node::become_leader(Time now) {
  set_role(Role::Leader);
  leader_id_ = config_.id;
  // Every slot, members or not: a server added later in this term starts from here too.
  for (Progress& p : progress_) p = Progress::for_new_leader(disk_.log.last_index());
  // The leader's own entry tracks its log (etcd does the same), so counting replicas treats every
  // server alike.
  progress_[slot(config_.id)].maybe_update(disk_.log.last_index());
  // §8 (Client interaction): a no-op entry of the new term lets the leader commit the entries of
  // earlier terms (§5.4.2) without waiting for a client.
  if (config_.timing.noop_on_election) append_entry(Entry{disk_.current_term, CommandRef{}});
  // §6.4: heartbeat rounds count from 1 in each term (replies from earlier terms never arrive here).
  read_round_ = 0;
  read_round_acked_ = {};
  lease_until_ = 0;
  lease_revoked_ = false;
  if (config_.timing.read_mode != ReadMode::Log) start_read_round(now);
  // Figure 2, Leaders (§5.2, Leader election): upon election, send initial empty AppendEntries
  // (heartbeat) to each server.
  broadcast_heartbeat();
  deadline_ = heartbeat_due_us_ = now + on_my_clock(config_.timing.heartbeat_interval_us);
  // §6.2 (CheckQuorum): the first check comes one election timeout after the election.
  recent_active_ = 1u << config_.id;
  quorum_check_due_us_ = now + on_my_clock(config_.timing.election_timeout_min_us);
  if (config_.timing.check_quorum) deadline_ = std::min(deadline_, quorum_check_due_us_);
  advance_commit_index(now);
}

// ---------------------------------------------------------------------------------------------
// RequestVote RPC

bool Node::log_up_to_date(Term last_log_term, LogIndex last_log_index) const {
  // §5.4.1 (Election restriction): the later last term wins; with equal last terms, the longer
  // log wins.
  const Term our_term = disk_.log.last_term();
  return last_log_term > our_term || (last_log_term == our_term && last_log_index >= disk_.log.last_index());
}

void Node::handle_request_vote(Time now, const Message& m) {
  // Figure 2, RequestVote receiver, rule 2: grant if votedFor is null or candidateId (§5.2, Leader
  // election: at most one vote per term) and the candidate's log is at least as up-to-date as the
  // receiver's (§5.4.1, Election restriction).
  VoteRejection why;
  if (disk_.voted_for != kNoNode && disk_.voted_for != m.from) {
    why.reason = VoteRejection::Reason::AlreadyVoted;
    why.voted_for = disk_.voted_for;
    refuse_vote(m, why);
    return;
  }
  if (!log_up_to_date(m.last_log_term, m.last_log_index)) {
    why.reason = VoteRejection::Reason::LogNotUpToDate;
    why.their_last_term = m.last_log_term;
    why.their_last_index = m.last_log_index;
    why.our_last_term = disk_.log.last_term();
    why.our_last_index = disk_.log.last_index();
    refuse_vote(m, why);
    return;
  }
  if (disk_.voted_for != m.from) persist_term_and_vote(disk_.current_term, m.from);
  // §5.2, Followers: granting a vote counts as hearing from a would-be leader.
  reset_election_timer(now);
  Message& r = new_message(MessageType::RequestVoteResponse, m.from);
  r.vote_granted = true;
}

void Node::note_ignored_vote(const Message& m, VoteRejection::Reason reason) {
  VoteRejection why;
  why.reason = reason;
  why.candidate = m.from;
  why.term = m.term;
  why.leader = role_ == Role::Leader ? config_.id : leader_id_;
  last_vote_rejection_ = why;
}

void Node::refuse_vote(const Message& m, VoteRejection why) {
  why.candidate = m.from;
  why.term = m.term;
  last_vote_rejection_ = why;
  Message& r = new_message(MessageType::RequestVoteResponse, m.from);
  r.vote_granted = false;
}

void Node::handle_request_vote_response(Time now, const Message& m) {
  if (role_ != Role::Candidate) return;  // the election is over: won, or lost to a leader of this term
  if (m.vote_granted) {
    votes_granted_ |= 1u << m.from;
  } else {
    votes_rejected_ |= 1u << m.from;
  }
  // §5.2, Candidates: votes received from a majority of servers => become leader (§4.1: the
  // voters of the candidate's configuration; a learner's vote does not count).
  if (configuration_.has_quorum(votes_granted_)) become_leader(now);
}

// ---------------------------------------------------------------------------------------------
// AppendEntries RPC

void Node::handle_append_entries(Time now, const Message& m) {
  // §5.2, Candidates: an AppendEntries from the leader of the current term => convert to follower.
  // Two leaders in one term cannot exist (§5.2, Election Safety); the simulator's checker would
  // report it.
  RAFT_ASSERT(role_ != Role::Leader);
  become_follower(disk_.current_term, m.from);
  reset_election_timer(now);
  leader_contact_us_ = now;

  // Figure 2, AppendEntries receiver, rule 2 (§5.3, Log replication): reply false if the log
  // doesn't contain an entry at prevLogIndex whose term matches prevLogTerm.
  const Log& log = disk_.log;
  // §7 (Log compaction): entries up to our snapshot's last index are committed, so they match the
  // leader's (Leader Completeness, §5.4); those the request carries are skipped, not checked.
  size_t skip = 0;
  if (m.prev_log_index < log.snapshot_index()) {
    const LogIndex base = log.snapshot_index();
    if (m.prev_log_index + m.entries.size() <= base) {
      Message& r = new_message(MessageType::AppendEntriesResponse, m.from);
      r.success = true;
      r.match_index = base;
      return;
    }
    skip = to_size(base - m.prev_log_index);
  } else if (m.prev_log_index > log.last_index()) {
    reject_append_entries(m, AppendRejection::Reason::MissingEntries, 0, log.last_index() + 1);
    return;
  }
  const Term our_prev_term = skip > 0 ? m.prev_log_term : log.term_at(m.prev_log_index);
  if (our_prev_term != m.prev_log_term) {
    reject_append_entries(m, AppendRejection::Reason::TermMismatch, our_prev_term,
                          log.first_index_of_term(our_prev_term, m.prev_log_index));
    return;
  }

  // Rules 3 and 4 (§5.3): if an existing entry conflicts with a new one (same index, different
  // terms), delete the existing entry and all that follow it; append any new entries not already
  // in the log. Entries that already match are left alone, so a delayed, shorter AppendEntries
  // never truncates entries a newer one added.
  LogIndex index = m.prev_log_index + skip;
  for (size_t k = skip; k < m.entries.size(); ++k) {
    const Entry& e = m.entries[k];
    ++index;
    if (index <= disk_.log.last_index()) {
      if (disk_.log.term_at(index) == e.term) continue;
      disk_.log.truncate_from(index);
      ++disk_writes_;
      emit(NodeEvent::Kind::Truncate, 0, index);
      on_truncated(index);
    }
    append_entry(e);
  }
  const LogIndex last_new_index = m.prev_log_index + m.entries.size();

  // Rule 5 (§5.3): if leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of
  // last new entry).
  if (m.leader_commit > commit_index_) {
    const LogIndex c = std::min(m.leader_commit, last_new_index);
    if (c > commit_index_) set_commit_index(now, c);
  }
  last_append_rejection_.reason = AppendRejection::Reason::None;
  Message& r = new_message(MessageType::AppendEntriesResponse, m.from);
  r.success = true;
  r.match_index = last_new_index;
  r.read_round = m.read_round;
}

// The reply carries the follower's conflict hint (§5.3, the optimization at the end of Log
// replication): the term of its entry at prevLogIndex (0 if it has none) and the first index of
// that term, or its last index + 1.
void Node::reject_append_entries(const Message& m, AppendRejection::Reason reason, Term conflict_term,
                                 LogIndex conflict_index) {
  AppendRejection why;
  why.reason = reason;
  why.leader = m.from;
  why.term = m.term;
  why.prev_log_index = m.prev_log_index;
  why.prev_log_term = m.prev_log_term;
  why.our_term_there = conflict_term;
  why.our_last_index = disk_.log.last_index();
  last_append_rejection_ = why;
  Message& r = new_message(MessageType::AppendEntriesResponse, m.from);
  r.success = false;
  r.read_round = m.read_round;
  r.rejected_index = m.prev_log_index;
  r.conflict_term = conflict_term;
  r.conflict_index = conflict_index;
}

void Node::handle_append_entries_response(Time now, const Message& m) {
  // A leader of this term that crashed and restarted as a follower can still get its replies.
  if (role_ != Role::Leader) return;
  // A late reply from a server no longer in the configuration (§4.2.2) is of no use.
  if (!has_node(replication_targets(), m.from)) return;
  if (m.read_round != 0) on_read_ack(m.from, m.read_round);
  Progress& pr = progress_[slot(m.from)];
  if (m.success) {
    if (pr.maybe_update(m.match_index)) advance_commit_index(now);
    if (role_ != Role::Leader) return;  // stepped down after committing its own removal (§4.2.2)
    maybe_promote(now, m.from);
    send_append_entries(m.from, false);  // more entries waiting?
    if (m.from == transfer_target_) maybe_send_timeout_now();
    return;
  }
  // §5.3 (Log replication): after a rejection, decrement nextIndex and retry; the conflict hint
  // (the optimization at the end of §5.3) backs up a whole term at a time: to just after our
  // last entry of the follower's conflicting term if we have one, else to its first index there.
  LogIndex next_hint = m.conflict_index;
  if (m.conflict_term != 0) {
    const LogIndex ours =
        disk_.log.last_index_of_term(m.conflict_term, std::min(m.rejected_index, disk_.log.last_index()));
    if (ours != 0) next_hint = ours + 1;
  }
  if (pr.maybe_decrease_to(m.rejected_index, next_hint)) send_append_entries(m.from, true);
}

// Figure 2, Leaders (§5.3, Log replication): if last log index >= nextIndex for a follower, send
// AppendEntries with log entries starting at nextIndex (at most append_entries_max of them). A
// heartbeat is sent even with nothing new and even to a follower still being probed.
void Node::send_append_entries(NodeId peer, bool heartbeat) {
  Progress& pr = progress_[slot(peer)];
  if (needs_snapshot(pr)) {
    send_snapshot(peer, heartbeat);  // §7: the entries it needs were compacted away
    return;
  }
  if (pr.paused() && !heartbeat) return;
  const Log& log = disk_.log;
  const LogIndex last = log.last_index();
  RAFT_ASSERT(pr.next_index <= last + 1);  // the Progress invariant; a leader's log never shrinks
  LogIndex count = std::min<LogIndex>(last + 1 - pr.next_index, config_.timing.append_entries_max);
  if (const uint64_t cap = config_.timing.append_entries_bytes_max; cap != 0 && count > 1) {
    uint64_t bytes = 0;
    for (LogIndex k = 0; k < count; ++k) {
      const Command& c = *log.at(pr.next_index + k).cmd;
      bytes += c.key.size() + c.value.size() + c.expect.size();
      if (k > 0 && bytes > cap) {
        count = k;  // at least one entry goes, however large
        break;
      }
    }
  }
  if (count == 0 && !heartbeat) return;
  Message& m = new_message(MessageType::AppendEntries, peer);
  m.prev_log_index = pr.next_index - 1;
  m.prev_log_term = log.term_at(m.prev_log_index);
  m.leader_commit = commit_index_;
  if (config_.timing.read_mode != ReadMode::Log) m.read_round = read_round_;
  log.copy_range(pr.next_index, count, m.entries);
  pr.sent_entries(count);
}

void Node::broadcast_heartbeat() {
  for_each_node(replication_targets(), [&](NodeId peer) { send_append_entries(peer, true); });
}

// ---------------------------------------------------------------------------------------------
// Commitment and application

void Node::advance_commit_index(Time now) {
  // Figure 2, Leaders (§5.3, Log replication; §5.4, Safety): if there exists an N such that
  // N > commitIndex, a majority of matchIndex[i] >= N, and log[N].term == currentTerm, set
  // commitIndex = N. §5.4.2 (Committing entries from previous terms): entries of earlier terms are
  // committed only indirectly, by committing one of the current term (Figure 8).
  // §4.1: the majority is of the voters of the latest configuration; a leader that is removing
  // itself does not count itself (§4.2.2).
  std::array<LogIndex, kNodesMax> match{};
  for (size_t i = 0; i < match.size(); ++i) match[i] = progress_[i].match_index;
  const LogIndex n = configuration_.majority_match_index(match.data());
  if (n > commit_index_ && disk_.log.term_at(n) == disk_.current_term) set_commit_index(now, n);
}

void Node::set_commit_index(Time now, LogIndex index) {
  RAFT_ASSERT(index > commit_index_ && index <= disk_.log.last_index());
  commit_index_ = index;
  emit(NodeEvent::Kind::Commit, 0, index);
  apply_committed();
  if (role_ == Role::Leader) after_commit(now);
  if (!pending_reads_.empty()) serve_reads();
}

void Node::apply_committed() {
  // Figure 2, All Servers (§5.3, Log replication): if commitIndex > lastApplied, increment
  // lastApplied and apply log[lastApplied] to the state machine. §8 (Client interaction): the leader
  // answers the client once its entry is applied.
  while (last_applied_ < commit_index_) {
    ++last_applied_;
    const Entry& e = disk_.log.at(last_applied_);
    ApplyResult result = kv_.apply(*e.cmd);
    emit(NodeEvent::Kind::Apply, e.term, last_applied_);
    if (role_ == Role::Leader && e.cmd->client != 0) {
      replies_.push_back(ClientReply{e.cmd->client, e.cmd->seq, last_applied_, std::move(result)});
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

// §5.2 (Leader election): each timeout is drawn at random from [min, max], so split votes are rare.
void Node::reset_election_timer(Time now) {
  election_timeout_us_ =
      on_my_clock(rng_.uniform(config_.timing.election_timeout_min_us, config_.timing.election_timeout_max_us));
  election_timer_started_ = now;
  if (role_ != Role::Leader) deadline_ = now + election_timeout_us_;
}

void Node::set_role(Role role) {
  if (role_ == role) return;
  if (role_ == Role::Candidate) votes_granted_ = votes_rejected_ = 0;  // the election is over
  if (role_ == Role::Leader) deferred_change_.reset();  // only a leader holds a change back
  if (role_ == Role::Leader) drop_reads();  // a deposed leader answers no reads; clients retry
  if (role_ == Role::Leader) transfer_target_ = kNoNode;  // a transfer ends with the leadership
  role_ = role;
  emit(NodeEvent::Kind::Role, disk_.current_term);
}

// Figure 2, Persistent state on all servers: currentTerm and votedFor are written before any message
// that depends on them is queued (updated on stable storage before responding to RPCs).
void Node::persist_term_and_vote(Term term, NodeId voted_for) {
  RAFT_ASSERT(term >= disk_.current_term);
  const bool new_term = term != disk_.current_term;
  if (new_term || voted_for != disk_.voted_for) ++disk_writes_;
  disk_.current_term = term;
  disk_.voted_for = voted_for;
  if (new_term) emit(NodeEvent::Kind::NewTerm, term);
  if (voted_for != kNoNode) {
    NodeEvent e{NodeEvent::Kind::Vote, config_.id, term};
    e.voted_for = voted_for;
    events_.push_back(e);
  }
}

void Node::on_persisted(Time now, LogIndex index) {
  if (role_ != Role::Leader) return;
  if (progress_[slot(config_.id)].maybe_update(std::min(index, disk_.log.last_index()))) advance_commit_index(now);
}

void Node::append_entry(Entry e) {
  const Term t = e.term;
  const bool is_config = e.cmd->op == Op::Config;
  disk_.log.append(std::move(e));
  ++disk_writes_;
  if (role_ == Role::Leader && !deferred_persistence_) progress_[slot(config_.id)].maybe_update(disk_.log.last_index());
  emit(NodeEvent::Kind::Append, t, disk_.log.last_index());
  if (is_config) on_appended(disk_.log.last_index());
}

Message& Node::new_message(MessageType type, NodeId to) {
  if (outbox_.size == outbox_.slots.size()) outbox_.slots.emplace_back();
  Message& m = outbox_.slots[outbox_.size++];
  m.reset(type, config_.id, to, disk_.current_term);
  return m;
}

void Node::emit(NodeEvent::Kind kind, Term term, LogIndex index) {
  NodeEvent e{kind, config_.id, term, index};
  e.role = role_;
  events_.push_back(e);
}

}  // namespace raft
