// Online checker of Raft's safety properties (Figure 3) plus two per-node rules. It only observes:
// it sees each node's events (append, truncate, commit, role, term, vote) and keeps its own shadow
// of every log as a hash chain, so each check costs O(1) per event instead of rescanning logs.
#pragma once

#include <cstdint>
#include <string>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/raft/node.h"
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
  // Feed one node event; `node` is the node that produced it (read-only, for the entry's content).
  // Returns false once a violation has been found.
  bool observe(Time now, const Node& node, const NodeEvent& e);
  // A client's read was answered by `server` (at op.reply_index). Linearizability, checked online:
  // the answer must reflect every write that completed before the read was sent, so it must be
  // taken at or after the highest index committed anywhere at that moment.
  bool observe_read(Time now, NodeId server, const ClientOpRecord& op);
  // A restarted node comes back as a follower with only its persistent state.
  // Its commitIndex restarts at its snapshot's last index (0 without one).
  void on_restart(NodeId node, LogIndex commit_index) { role_[node] = Role::Follower; commit_[node] = commit_index; }

  bool ok() const { return violation_.property.empty(); }
  const Violation& violation() const { return violation_; }

  // The committed prefix agreed so far (hash chain per index), for tests.
  LogIndex committed_index() const { return committed_.size(); }

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

  std::vector<std::vector<uint64_t>> chains_;     // per node: hash chain of its log, index i-1
  std::vector<Term> term_;                         // per node: last currentTerm seen
  std::vector<Term> vote_term_;                    // per node: term of its last vote
  std::vector<NodeId> vote_for_;                   // per node: whom it voted for in vote_term_
  std::vector<Role> role_;
  std::vector<LogIndex> commit_;                   // per node: commitIndex as of the last event seen
  std::unordered_map<Term, NodeId> leader_of_term_;   // Election Safety; looked up, never iterated
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
  std::vector<EntryChains> entry_chains_;
  std::map<std::pair<LogIndex, Term>, uint64_t> entry_chains_overflow_;
  std::vector<uint64_t> committed_;                // chain of the committed entry at index i-1 (any node)
  // Term in which index i-1 was first seen committed (the committing node's currentTerm).
  // Non-decreasing along the index, so a new leader of term T must hold every entry whose
  // commit term is < T (Leader Completeness), found by binary search.
  std::vector<Term> commit_term_;
  Violation violation_;
};

}  // namespace raft::sim
