// Online checker of Raft's safety properties (Figure 3) plus the rules that produce them. It only
// observes: it sees each node's events (append, truncate, commit, apply, role, term, vote) and keeps
// its own shadow of every log as a hash chain, so each check costs O(1) or O(cluster size) per
// event instead of rescanning logs, and allocates only to report a violation.
//
// Properties, by the name a violation reports:
//   Figure 3:  "Election Safety", "Leader Append-Only", "Log Matching", "Leader Completeness"
//              (at election, and again whenever an entry is committed in a term below a sitting
//              leader's), "State Machine Safety"
//   the rules behind them, checked directly so that a broken rule is caught where it happens:
//              "Terms never decrease", "One vote per term",
//              "Commit only current-term entries by counting" (§5.4.2, Figure 8),
//              "Commit only what a majority holds" (§5.3),
//              "Apply in order", "Apply only committed entries", "Apply the committed entry" (§5.3),
//              "Never truncate a committed entry" (§5.4)
#pragma once

#include <cstdint>
#include <string>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/raft/node.h"
#include "core/sim/cow_vector.h"
#include "core/sim/trace.h"

namespace raft::sim {

struct Violation {
  Time t = 0;
  std::string property;   // "Election Safety", "Log Matching", ...
  std::string message;    // a sentence a learner understands, naming nodes, terms and indexes
};

class Checker {
 public:
  explicit Checker(int nodes = 0);

  // Initial state (scenario presets), before any event.
  void preset(NodeId node, const Storage& disk);
  // A server crashed before its last writes reached the disk (DiskConfig) and is now `disk`,
  // what the writes before them left: the term, vote and entries it held but never wrote
  // are forgotten. That is safe, since nothing it sent or answered depended on them (Figure 2:
  // persist before responding), so the checker forgets them too rather than call the lower term
  // or the second vote a violation. The entries it keeps are a prefix of what it held, or older
  // entries a lost truncation had replaced: their chains are recomputed from the disk.
  void rollback(NodeId node, const Storage& disk);
  // A server of a live cluster described whole (the lab attached, issue 10: its stream's first
  // lines, or a restart): its disk, commitIndex, lastApplied and role replace what the checker
  // held, and its entries join the Log Matching and committed tables as if appended and committed.
  // Returns false, changing nothing, when its snapshot covers entries the checker never saw
  // committed (the lab attached after they were compacted): its log cannot be compared then.
  bool resync(Time now, NodeId node, const Storage& disk, LogIndex commit_index, LogIndex last_applied, Role role);
  // Servers of a live cluster whose stream has not yet described them (their hello is still on
  // its way when the lab attaches): their logs are unknown, so a leader's commit counts them as
  // holders rather than refute a commit they acknowledged.
  void set_undescribed(NodeMask servers) { undescribed_ = servers; }
  // Feed one node event; `node` is the node that produced it (read-only, for the entry's content).
  // Returns false once a violation has been found.
  bool observe(Time now, const Node& node, const NodeEvent& e);
  // A client's read was answered by `server` (at op.reply_index). Linearizability, checked online:
  // the answer must reflect every write that completed before the read was sent, so it must be
  // taken at or after the highest index committed anywhere at that moment.
  bool observe_read(Time now, NodeId server, const ClientOpRecord& op);
  // A restarted node comes back as a follower with only its persistent state.
  // commitIndex and lastApplied are volatile (Figure 2): both restart from the node's snapshot's
  // last index (0 without one).
  void on_restart(NodeId node, LogIndex commit_index) {
    role_[node] = Role::Follower;
    commit_[node] = commit_index;
    applied_[node] = commit_index;
  }
  // A server joins the cluster (dissertation §4.2.1): it starts with an empty disk.
  void add_node();
  // Where the configuration a node uses comes from (its log's latest configuration entry, 0: the
  // base one, the snapshot's else the bootstrap one), as of its construction (start or restart).
  void set_configuration(NodeId node, LogIndex index, const Configuration& in_use) {
    config_index_[to_size(static_cast<uint64_t>(node))] = index;
    config_[to_size(static_cast<uint64_t>(node))] = in_use;
  }

  bool ok() const { return violation_.property.empty(); }
  const Violation& violation() const { return violation_; }

  // The committed prefix agreed so far (hash chain per index), for tests.
  LogIndex committed_index() const { return committed_.size(); }

  // Every server's snapshot (live and on disk) covers indexes 1..floor (issue 8: long runs). Below
  // it every log is the committed prefix for good: a snapshot holds only committed entries (checked
  // when taken and installed), nothing is appended, truncated, committed or applied at or below a
  // server's snapshot, and a crash rolls a server back only to its disk's snapshot. So the tables
  // indexed by log index let go of what lies below the floor, and a check that would compare a
  // server's log with the committed one there passes without looking (chain_below_floor()). The
  // floor never goes down; the Cluster raises it as snapshots are taken.
  void raise_floor(LogIndex floor);
  LogIndex floor() const { return floor_; }

 private:
  void fail(Time now, const char* property, std::string message);

  // ---- §7 log compaction and InstallSnapshot (checker_snapshot.cpp) ----
  // Snapshot: the snapshot covers only committed entries, and its bytes equal every other
  // snapshot of the same index (the state machines agree on the applied prefix). Install: the
  // same, and the node's shadow log becomes the committed prefix (plus its suffix if kept).
  void observe_snapshot(Time now, const Node& node, const NodeEvent& e);
  void observe_install(Time now, const Node& node, const NodeEvent& e);
  void check_snapshot_bytes(Time now, const Node& node, LogIndex index, const char* how);
  // Hash of the snapshot bytes first seen at each lastIncludedIndex (looked up, never iterated).
  std::unordered_map<LogIndex, std::pair<uint64_t, NodeId>> snapshot_hash_;
  uint64_t chain_at(NodeId n, LogIndex i) const { return i == 0 ? 0 : chains_[n][to_size(i - 1)]; }
  // Whether node n's shadow log holds the entry whose chain (entry and everything before it) is `chain`.
  bool holds(NodeId n, LogIndex i, uint64_t chain) const { return chains_[n].size() >= i && chain_at(n, i) == chain; }
  // Whether index i is below the floor, where every log is the committed prefix (raise_floor).
  bool below_floor(LogIndex i) const { return i < floor_; }

  void on_commit(Time now, const Node& node, const NodeEvent& e);
  void on_apply(Time now, const Node& node, const NodeEvent& e);
  void on_truncate(Time now, const NodeEvent& e);
  // §5.3, §5.4.2: a leader advances commitIndex by counting replicas only to an entry of its own
  // term held by a majority.
  void check_leader_commit(Time now, const Node& node, const NodeEvent& e);
  // Leader Completeness for entries whose commit is observed now, in term `commit_term`: every
  // sitting leader of a later term must already hold them.
  void check_sitting_leaders(Time now, LogIndex index, Term commit_term);

  // Who counts towards a commit quorum, and how many make one. Every server today; membership
  // changes (ch. 4) replace these with the leader's current configuration (voters only, a
  // majority of them), and snapshots (ch. 5) must keep `holds` meaningful for a compacted prefix
  // (compare against lastIncludedIndex/Term instead of the dropped chain).
  bool counts_for_quorum(NodeId n) const { return n >= 0 && n < static_cast<NodeId>(chains_.size()); }
  int quorum() const { return static_cast<int>(chains_.size()) / 2 + 1; }

  // The tables that grow with the run are copy-on-write (CowVector): a time-travel checkpoint
  // copies the checker, and must not copy them whole.
  using Chain = CowVector<uint64_t, 256>;
  std::vector<Chain> chains_;                      // per node: hash chain of its log, index i-1
  std::vector<Term> term_;                         // per node: last currentTerm seen
  std::vector<Term> vote_term_;                    // per node: term of its last vote
  std::vector<NodeId> vote_for_;                   // per node: whom it voted for in vote_term_
  std::vector<Role> role_;
  std::vector<LogIndex> commit_;                   // per node: commitIndex as of the last event seen
  std::vector<LogIndex> config_index_;             // per node: index of its configuration in use
  // Per node: the configuration in use as of the last event seen. Not node.configuration(), which
  // is the one after the whole input: a leader may commit under {s1,s2,s3} and append {s2,s3} in
  // the same input (the 2015 fix releases a deferred change on the commit), and the commit must be
  // judged by the configuration that counted it.
  std::vector<Configuration> config_;
  std::vector<LogIndex> applied_;                  // per node: lastApplied as of the last event seen
  std::unordered_map<Term, NodeId> leader_of_term_;   // Election Safety; looked up, never iterated
 public:
  // The leader the run elected in `term`, or kNoNode (for the page's branch comparison).
  NodeId leader_of_term(Term term) const {
    const auto it = leader_of_term_.find(term);
    return it == leader_of_term_.end() ? kNoNode : it->second;
  }

 private:
  // Log Matching: the chain of the first entry seen at each (index, term). Indexed by index with
  // two inline slots (an index rarely holds entries of more than two terms), the rest in a small
  // ordered map; a flat vector keeps checkpoint copies cheap (one allocation, not one per entry).
  struct EntryChains {
    uint8_t used = 0;
    Term term[2] = {0, 0};
    uint64_t chain[2] = {0, 0};
  };
  // Records `chain` for (index, term) unless one is known; returns the known (or new) chain.
  uint64_t chain_of_entry(LogIndex index, Term term, uint64_t chain);
  CowVector<EntryChains, 256> entry_chains_;
  std::map<std::pair<LogIndex, Term>, uint64_t> entry_chains_overflow_;
  Chain committed_;                // chain of the committed entry at index i-1 (any node)
  // Term in which index i-1 was first seen committed (the committing node's currentTerm).
  // Non-decreasing along the index, so a new leader of term T must hold every entry whose
  // commit term is < T (Leader Completeness), found by binary search.
  CowVector<Term, 256> commit_term_;
  NodeMask undescribed_ = 0;
  LogIndex floor_ = 0;   // raise_floor(): tables hold indexes >= floor_ (at least; in whole chunks)
  Violation violation_;
};

}  // namespace raft::sim
