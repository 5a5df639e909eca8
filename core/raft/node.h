// One Raft server as a pure state machine (etcd-raft shape). Inputs: tick(now), step(now, message),
// propose(now, command), timeout_now(now). Outputs are buffered until the caller takes them:
// messages to send, observable events (role/term/vote/append/truncate/commit/apply) and client
// replies. Persistent state lives in `Storage` and is written before any message that depends on
// it is queued, so "persist before send" holds by construction.
//
// Time is an input (microseconds, from the caller), never read from a clock. Rather than being
// ticked every millisecond, a node reports deadline(): the caller calls tick() when it is due.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <vector>

#include "core/raft/configuration.h"
#include "core/raft/kv.h"
#include "core/raft/log.h"
#include "core/raft/message.h"
#include "core/raft/progress.h"
#include "core/raft/rng.h"
#include "core/raft/timing.h"

namespace raft {

// §6.4.1: a leader's lease assumes no clock runs more than this much faster than another's.
inline constexpr int kLeaseDriftBoundPermille = 1100;
inline constexpr int kClockRateMinPermille = 100;     // a clock at least a tenth as fast as real time
inline constexpr int kClockRateMaxPermille = 10'000;  // and at most ten times as fast

struct Config {
  NodeId id = 0;
  // The cluster is bootstrapped with voters s1..s(cluster_size). A server with a higher id joined
  // later (dissertation §4.2.1): it starts with no configuration and waits for a leader to contact it.
  int cluster_size = 5;
  Timing timing;
  uint64_t seed = 1;  // seeds this node's election-timeout generator
  // Clock drift (the lab's `clock_drift`): this node's timers run permille/1000 times as fast as
  // real (simulated) time: an election timeout of 150ms lasts 125ms at 1200. Durations the node
  // measures (election timeout, heartbeat interval, lease) are scaled; the network is not.
  int clock_rate_permille = 1000;
};

// Something a node did, for traces, checkers and the UI. Plain data, no allocation.
struct NodeEvent {
  // Snapshot: compacted the log up to `index` (§7); Install: replaced its state by a leader's
  // snapshot through `index` (Figure 13), keeping the log after it only if `kept_suffix`.
  // Config: the configuration in use changed (§4.1: on append, back on truncation, or from a
  // snapshot); `index` is the index of the entry it comes from (0: the bootstrap configuration).
  enum class Kind : uint8_t { Role, NewTerm, Vote, Append, Truncate, Commit, Apply, Snapshot, Install, Config };
  Kind kind;
  NodeId node;
  Term term = 0;           // Role/Term/Vote: the new term; Append/Apply: the entry's term
  LogIndex index = 0;      // Append/Apply: entry index; Truncate: first removed index; Commit: new commitIndex
  NodeId voted_for = kNoNode;
  Role role = Role::Follower;
  bool kept_suffix = false;  // Install only
};

struct ClientReply {
  ClientId client = 0;
  RequestSeq seq = 0;
  LogIndex index = 0;
  ApplyResult result;
};

struct ProposeResult {
  bool accepted = false;     // appended to the leader's log at `index`
  LogIndex index = 0;
  NodeId leader_hint = kNoNode;  // when not accepted: the leader this node knows of, if any
};

// Why a node last refused a vote or an append, for the inspector ("in words" is the UI's job).
struct VoteRejection {
  // Ignored: no reply at all, and the term stays (§4.2.3 leader stickiness: it heard from `leader`
  // within the minimum election timeout; NotAVoter: the candidate is not in its configuration).
  enum class Reason : uint8_t { None, StaleTerm, AlreadyVoted, LogNotUpToDate, LeaderRecentlyHeard, NotAVoter };
  Reason reason = Reason::None;
  NodeId candidate = kNoNode;
  NodeId leader = kNoNode;       // LeaderRecentlyHeard, NotAVoter: the leader it heard from
  Term term = 0;                 // candidate's term
  NodeId voted_for = kNoNode;    // AlreadyVoted
  Term their_last_term = 0, our_last_term = 0;
  LogIndex their_last_index = 0, our_last_index = 0;
};
struct AppendRejection {
  enum class Reason : uint8_t { None, StaleTerm, MissingEntries, TermMismatch };
  Reason reason = Reason::None;
  NodeId leader = kNoNode;
  Term term = 0;
  LogIndex prev_log_index = 0;
  Term prev_log_term = 0, our_term_there = 0;
  LogIndex our_last_index = 0;
};

// Why a leader refused a configuration change (dissertation §4.1, §4.2.1).
enum class ChangeRefusal : uint8_t {
  None,
  NotLeader,        // only the leader changes the configuration
  ChangePending,    // at most one change at a time: the last one is not committed yet
  NotSingleServer,  // the voters would change by more than one server, or a server in both sets
  NoVoters,         // the last voter cannot be removed
};
const char* change_refusal_text(ChangeRefusal r);

struct ChangeResult {
  ChangeRefusal refusal = ChangeRefusal::None;
  // Accepted but not yet appended: the leader has not committed an entry of its term (the 2015
  // fix); it appends the change as soon as it has.
  bool deferred = false;
  bool accepted() const { return refusal == ChangeRefusal::None; }
};

class Node {
 public:
  // Starts (or restarts after a crash) from what is on disk. Volatile state starts empty (Figure 2).
  Node(const Config& config, Storage disk, Time now);

  void tick(Time now);                    // call when now >= deadline()
  void step(Time now, const Message& m);  // m.to must be this node
  ProposeResult propose(Time now, CommandRef cmd);
  void timeout_now(Time now);             // the election timer fires now (a user's "timeout s3")
  // A configuration change (dissertation ch. 4, single-server changes): the leader appends a
  // configuration entry. Learners are added, promoted and removed this way; the leader also
  // promotes a caught-up learner by itself (§4.2.1).
  ChangeResult propose_configuration(Time now, Configuration next);
  // §3.10 (Leadership transfer): this leader stops accepting proposals, brings `target` up to
  // date and sends it TimeoutNow; it gives up after an election timeout (the minimum) and accepts
  // proposals again. Preconditions: this node leads, target is another server of the cluster.
  void transfer_leadership(Time now, NodeId target);
  // §7 (Log compaction): snapshots the state machine at lastApplied and drops the log up to it (a
  // user's "snapshot s3"; with snapshot_every set it also happens on its own). Returns false when
  // there is nothing new to snapshot (lastApplied is already the snapshot's last index).
  bool take_snapshot();

  Time deadline() const { return deadline_; }

  // Changes Config::clock_rate_permille; running timers keep their deadlines.
  void set_clock_rate(int permille);

  // Changes timing and options while running (the lab's settings). New timeouts take effect at
  // the next timer reset; cluster size and id cannot change.
  void reconfigure(const Timing& timing);

  // Buffered outputs. The caller reads them and then calls clear_output().
  std::span<Message> messages() { return {outbox_.slots.data(), outbox_.size}; }
  const std::vector<NodeEvent>& events() const { return events_; }
  const std::vector<ClientReply>& replies() const { return replies_; }
  void clear_output() { outbox_.size = 0; events_.clear(); replies_.clear(); }

  // Read-only state for tests, checkers and the UI.
  NodeId id() const { return config_.id; }
  const Config& config() const { return config_; }
  Role role() const { return role_; }
  Term current_term() const { return disk_.current_term; }
  NodeId voted_for() const { return disk_.voted_for; }
  const Log& log() const { return disk_.log; }
  const Storage& disk() const { return disk_; }
  // How many writes to disk_ this node has made (currentTerm/votedFor, entries appended or
  // truncated, a snapshot saved). A host that models write latency compares it across a step to
  // tell whether the step's outputs wait for a write (Figure 2: persist before responding).
  uint64_t disk_writes() const { return disk_writes_; }
  // A host whose writes take time (the simulator's disk latency) says when they are done: a
  // leader then counts its own log towards commitment only up to what is on its disk, as it counts
  // a follower's only once the follower has written it. Otherwise its log counts as it grows.
  void set_deferred_persistence(bool on) { deferred_persistence_ = on; }
  void on_persisted(Time now, LogIndex index);
  NodeId leader_id() const { return leader_id_; }
  LogIndex commit_index() const { return commit_index_; }
  LogIndex last_applied() const { return last_applied_; }
  const KvStore& kv() const { return kv_; }
  const Progress& progress(NodeId peer) const { return progress_[slot(peer)]; }
  uint32_t votes_granted_mask() const { return votes_granted_; }
  uint32_t votes_rejected_mask() const { return votes_rejected_; }
  Time election_timeout_us() const { return election_timeout_us_; }  // the current randomized timeout
  Time election_timer_started() const { return election_timer_started_; }
  const VoteRejection& last_vote_rejection() const { return last_vote_rejection_; }
  // §9.6: a pre-vote round is under way (the role is unchanged) and who granted a pre-vote in it.
  bool prevoting() const { return prevoting_; }
  uint32_t prevotes_granted_mask() const { return prevotes_granted_; }
  // §3.10: the server this leader is handing leadership to, or kNoNode.
  NodeId transfer_target() const { return transfer_target_; }
  Time transfer_deadline() const { return transfer_deadline_us_; }
  const AppendRejection& last_append_rejection() const { return last_append_rejection_; }
  // §4.1: the configuration in use is the latest one in the log, committed or not.
  const Configuration& configuration() const { return configuration_; }
  LogIndex configuration_index() const { return configuration_index_; }  // 0: the snapshot's, else the bootstrap one
  // The configuration held by entry `index` of this log (0: the base one), e.g. to name the
  // configuration of a Config event after later entries of the same batch replaced it.
  Configuration configuration_at(LogIndex index) const;
  Configuration configuration_as_of(LogIndex index) const;  // the latest at or before index
  bool configuration_committed() const { return configuration_index_ <= commit_index_; }
  // A change the leader accepted and will append once it has committed an entry of its term.
  const std::optional<Configuration>& deferred_configuration() const { return deferred_change_; }
  const Snapshot& snapshot() const { return disk_.snapshot; }
  // A snapshot being received (Figure 13): its last index and the bytes that arrived so far.
  LogIndex incoming_snapshot_index() const { return incoming_.index; }
  uint64_t incoming_snapshot_bytes() const { return incoming_.data.size(); }
  // §6.4 read-only queries (read mode ReadIndex or Lease), on a leader.
  size_t reads_waiting() const { return pending_reads_.size(); }
  uint64_t read_round() const { return read_round_; }  // heartbeat rounds started this term
  Time lease_until() const { return lease_until_; }    // Lease: reads are served at once before this

  // ---- a mirror of a server that runs elsewhere (node_mirror.cpp, issue 10) ----
  // The lab attached to a live cluster draws each real server (a raftd process) as a Node that
  // never steps and never sends: mirror() sets what one event of the real server's stream reports
  // and queues the event in events(), as if this node had produced it, so that the host records
  // and checks it as it does a simulated node's. The host asks mirror_fits() first: a stream that
  // lost events (or a bad recording) must not break this node's own invariants.
  struct MirrorState {
    Storage disk;               // term, vote, snapshot (its bytes may be unknown: null) and log
    LogIndex commit_index = 0;
    LogIndex last_applied = 0;
    Role role = Role::Follower;
  };
  // A server as its stream's first lines (or its disk after a restart) describe it.
  static Node mirrored(const Config& config, MirrorState state);
  bool mirror_fits(const NodeEvent& e) const;
  // `cmd`: an Append's or Apply's command; `config`: a Config event's configuration.
  void mirror(const NodeEvent& e, const CommandRef& cmd, const Configuration& config);
  // A leader learned a follower's matchIndex (a successful AppendEntriesResponse it received).
  void mirror_progress(NodeId peer, LogIndex match_index);
  // It heard from `leader`, the leader of `term` (an AppendEntries or InstallSnapshot arrived).
  void mirror_leader(NodeId leader, Term term);
  // A candidate got `from`'s answer to its RequestVote of `term`.
  void mirror_vote_reply(NodeId from, Term term, bool granted);

  // Empty when every invariant of this node's own state holds (LogCabin's checkAll), else a sentence
  // naming the broken one. Tests and the simulator call it after every input. O(cluster size); it
  // allocates only to report a failure.
  std::string check_invariants() const;

 private:
  // Index of a server in per-server arrays (NodeId is signed only so that kNoNode can exist).
  size_t slot(NodeId id) const {
    RAFT_ASSERT(id >= 0 && id < kNodesMax);
    return static_cast<size_t>(id);
  }

  // Figure 2, "Rules for Servers".
  // `transfer`: a campaign started by TimeoutNow (§3.10), which stickiness does not block.
  void start_election(Time now, bool transfer = false);
  void become_follower(Term term, NodeId leader);
  void become_leader(Time now);
  void step_down(Time now, Term new_term);  // §5.1 (Raft basics): adopt a later term, clear votedFor, follow

  // The handlers run once step() has settled the term: m.term == currentTerm.
  void handle_request_vote(Time now, const Message& m);
  void handle_request_vote_response(Time now, const Message& m);
  void handle_append_entries(Time now, const Message& m);
  void handle_append_entries_response(Time now, const Message& m);
  void refuse_vote(const Message& m, VoteRejection why);
  // Records why a RequestVote was ignored (no reply is sent), for the inspector.
  void note_ignored_vote(const Message& m, VoteRejection::Reason why);

  // Election extensions (node_election.cpp): PreVote (§9.6), CheckQuorum and leader stickiness
  // (§6.2, §4.2.3), leadership transfer (§3.10).
  void election_timer_fired(Time now);  // Figure 2's candidate rule, after a pre-vote round if on
  void start_pre_vote(Time now);
  void handle_pre_vote(Time now, const Message& m);
  void handle_pre_vote_response(Time now, const Message& m);
  void handle_timeout_now(Time now, const Message& m);
  // Whether a current leader is known to be alive: this node leads, or heard from its leader
  // within the minimum election timeout.
  bool leader_recently_heard(Time now) const;
  // Whether step() ignores this message before settling the term (leader stickiness).
  bool ignores_vote_request(Time now, const Message& m) const;
  bool leader_extensions_active() const { return config_.timing.check_quorum || transfer_target_ != kNoNode; }
  void tick_leader(Time now);  // heartbeat, quorum check and transfer deadline, each at its time
  void maybe_send_timeout_now();
  void reject_append_entries(const Message& m, AppendRejection::Reason reason, Term conflict_term,
                             LogIndex conflict_index);

  // §7 (Log compaction), Figure 13: node_snapshot.cpp.
  void restore_from_disk_snapshot();
  void maybe_snapshot();
  bool needs_snapshot(const Progress& pr) const;
  void send_snapshot(NodeId peer, bool heartbeat);
  void send_snapshot_chunk(NodeId peer);
  void handle_install_snapshot(Time now, const Message& m);
  void handle_install_snapshot_response(Time now, const Message& m);
  void reply_install_snapshot(const Message& m, uint64_t next_offset, bool installed, LogIndex match);
  void install_snapshot(const Message& m);

  bool log_up_to_date(Term last_log_term, LogIndex last_log_index) const;  // §5.4.1 (Election restriction)
  void send_append_entries(NodeId peer, bool heartbeat);
  void broadcast_heartbeat();
  // §5.3 (Log replication), §5.4.2 (Committing entries from previous terms): only entries of the
  // current term are committed by counting replicas.
  void advance_commit_index(Time now);
  void set_commit_index(Time now, LogIndex index);
  void apply_committed();

  // §6.4 (Processing read-only queries more efficiently), in node_read.cpp.
  ProposeResult read(Time now, const Command& cmd);
  void start_read_round(Time now);  // the next heartbeat broadcast confirms leadership as of now
  void on_read_ack(NodeId peer, uint64_t round);
  void serve_reads();
  bool committed_own_term() const;
  uint64_t majority_acked_round() const;
  void drop_reads();
  // A duration on this node's clock, in real time (exact when the clock is not drifting).
  Time on_my_clock(Time d) const {
    return config_.clock_rate_permille == 1000 ? d : d * 1000 / config_.clock_rate_permille;
  }

  void reset_election_timer(Time now);
  void set_role(Role role);
  void persist_term_and_vote(Term term, NodeId voted_for);
  void append_entry(Entry e);
  Message& new_message(MessageType type, NodeId to);

  // Membership (node_membership.cpp, dissertation ch. 4).
  void load_configuration();                  // from the log: the latest configuration entry, else the bootstrap one
  const Configuration& base_configuration() const;  // the snapshot's configuration, else the bootstrap one
  void on_appended(LogIndex index);           // §4.1: a configuration takes effect when appended
  void on_truncated(LogIndex from);           // ... and is rolled back if its entry is removed
  NodeMask replication_targets() const;       // the servers a leader sends AppendEntries to
  bool can_change_configuration() const;      // §4.1 errata: an entry of this term is committed
  void append_configuration(Time now, Configuration next);
  void after_commit(Time now);                // deferred change, promotion, §4.2.2 step-down
  void maybe_promote(Time now, NodeId peer);  // §4.2.1: a caught-up learner becomes a voter
  void emit(NodeEvent::Kind kind, Term term = 0, LogIndex index = 0);

  Config config_;
  Storage disk_;
  uint64_t disk_writes_ = 0;
  bool deferred_persistence_ = false;
  Rng rng_;

  // Volatile state on all servers.
  Role role_ = Role::Follower;
  NodeId leader_id_ = kNoNode;
  LogIndex commit_index_ = 0;
  LogIndex last_applied_ = 0;
  KvStore kv_;
  Time deadline_ = kTimeNever;
  Time election_timeout_us_ = 0;
  Time election_timer_started_ = 0;

  // Candidate state: bit i set once server i's vote arrived. Zero outside an election.
  uint32_t votes_granted_ = 0;
  uint32_t votes_rejected_ = 0;
  // Leader state, reinitialized after election.
  std::array<Progress, kNodesMax> progress_{};

  // Membership (§4.1). configuration_ comes from the entry at configuration_index_, which is
  // always in the log (0: the base one, the snapshot's else bootstrap_, dissertation §5.1);
  // previous_ is the one before it, whose servers a leader keeps replicating to until the change
  // commits, so that a server being removed learns of it (and stops campaigning, §4.2.3).
  Configuration bootstrap_;
  Configuration configuration_;
  LogIndex configuration_index_ = 0;
  Configuration previous_;
  std::optional<Configuration> deferred_change_;  // leader only
  // §6.4 reads waiting for their heartbeat round, their readIndex or its application.
  struct PendingRead {
    ClientId client = 0;
    RequestSeq seq = 0;
    std::string key;
    LogIndex read_index = 0;  // commitIndex when the read could be ordered; 0 until this leader
                              // has committed an entry of its term
    uint64_t round = 0;       // the first heartbeat round started after the read arrived
  };
  std::vector<PendingRead> pending_reads_;
  uint64_t read_round_ = 0;
  std::array<uint64_t, kNodesMax> read_round_acked_{};  // per server: highest round it echoed
  static constexpr size_t kRoundTimes = 16;
  std::array<Time, kRoundTimes> round_started_at_{};    // by round % kRoundTimes
  Time lease_until_ = 0;
  bool lease_revoked_ = false;  // a transfer began in this term: no lease until the next one
  // PreVote (§9.6): a round in progress and who granted it. Only while prevote is on.
  bool prevoting_ = false;
  uint32_t prevotes_granted_ = 0;
  // Last time an AppendEntries from the current leader arrived (leader stickiness, pre-vote grants).
  Time leader_contact_us_ = 0;
  // Leader: next heartbeat; CheckQuorum (§6.2): bit i set once server i was heard from since the
  // last quorum check, and when the next check is due.
  Time heartbeat_due_us_ = 0;
  uint32_t recent_active_ = 0;
  Time quorum_check_due_us_ = 0;
  // Leader: a transfer in progress (§3.10). Invariant: kNoNode unless this node leads.
  NodeId transfer_target_ = kNoNode;
  Time transfer_deadline_us_ = 0;
  bool timeout_now_sent_ = false;
  // A snapshot arriving in chunks (Figure 13, rules 2-4): volatile, so a crash discards it and the
  // leader starts again from offset 0. Empty (index 0) when none is arriving.
  struct IncomingSnapshot {
    LogIndex index = 0;
    Term term = 0;
    std::string data;
  };
  IncomingSnapshot incoming_;
  // A mirrored node (node_mirror.cpp): whether kv_ is the real state machine's (every entry
  // applied since the start was seen), so that a snapshot's bytes can be given.
  bool mirror_kv_known_ = true;

  VoteRejection last_vote_rejection_;
  AppendRejection last_append_rejection_;

  // Outputs. The outbox keeps its Messages (and their entry buffers) alive between batches. A copy
  // of the node (a time-travel checkpoint) copies only the messages not yet taken, not the spare
  // ones: at 15 servers with 256-entry batches, deep-copying those was most of a 10 ms frame.
  struct Outbox {
    std::vector<Message> slots;
    size_t size = 0;
    Outbox() = default;
    Outbox(const Outbox& o) : slots(o.slots.begin(), o.slots.begin() + static_cast<std::ptrdiff_t>(o.size)), size(o.size) {}
    Outbox& operator=(const Outbox& o) {
      if (this != &o) {
        slots.assign(o.slots.begin(), o.slots.begin() + static_cast<std::ptrdiff_t>(o.size));
        size = o.size;
      }
      return *this;
    }
    Outbox(Outbox&&) = default;
    Outbox& operator=(Outbox&&) = default;
    ~Outbox() = default;
  };
  Outbox outbox_;
  std::vector<NodeEvent> events_;
  std::vector<ClientReply> replies_;
};

}  // namespace raft
