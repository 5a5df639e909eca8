// The checker's part for §7 (Log compaction) and Figure 13 (InstallSnapshot), apart from the
// Figure 3 checks in checker.cpp. A snapshot stands for the committed prefix it covers, so:
// it covers committed entries only; every snapshot of the same lastIncludedIndex has the same
// bytes (the state machines agree after applying the same prefix, §5.4.3 State Machine Safety);
// and a node that installs one has, from then on, the committed prefix as its log.
#include "core/raft/hash.h"
#include "core/sim/checker.h"

namespace raft::sim {

namespace {
std::string n(NodeId id) { return node_name(id); }
std::string num(uint64_t v) { return std::to_string(v); }
}  // namespace

void Checker::check_snapshot_bytes(Time now, const Node& node, LogIndex index, const char* how) {
  const Snapshot& snap = node.snapshot();
  // Events are read after the node's input: a later snapshot in the same batch replaced this one
  // (its own event checks it).
  if (snap.last_included_index > index) return;
  if (snap.last_included_index != index) {
    fail(now, "Checker consistency", n(node.id()) + " " + how + " a snapshot through index " + num(index) +
                                         " but holds one through index " + num(snap.last_included_index) + ".");
    return;
  }
  // No bytes: a server of a live cluster that installed its leader's snapshot (Node::mirror), whose
  // bytes its event stream does not carry. A simulated server's snapshot always has them.
  if (snap.data == nullptr) return;
  const uint64_t h = hash_bytes(0, *snap.data);
  auto [it, inserted] = snapshot_hash_.try_emplace(index, h, node.id());
  if (!inserted && it->second.first != h) {
    fail(now, "Snapshot matches the applied prefix",
         n(node.id()) + " " + how + " a snapshot through index " + num(index) + " whose state machine differs from " +
             n(it->second.second) + "'s snapshot through the same index. Every server applies the same entries in "
             "the same order, so their states after index " + num(index) + " must be identical.");
  }
}

void Checker::observe_snapshot(Time now, const Node& node, const NodeEvent& e) {
  const NodeId id = e.node;
  // §7: only committed (indeed applied) entries may be compacted into a snapshot.
  if (e.index > commit_[id] || e.index > committed_.size()) {
    fail(now, "Snapshot of committed entries only",
         n(id) + " took a snapshot through index " + num(e.index) + " but had committed only up to index " +
             num(commit_[id]) + ". A snapshot replaces log entries for good, so it may hold only committed ones.");
    return;
  }
  check_snapshot_bytes(now, node, e.index, "took");
}

void Checker::observe_install(Time now, const Node& node, const NodeEvent& e) {
  const NodeId id = e.node;
  const LogIndex index = e.index;
  // Figure 13: a leader sends a snapshot of its applied, hence committed, entries.
  if (index > committed_.size()) {
    fail(now, "Snapshot of committed entries only",
         n(id) + " installed a snapshot through index " + num(index) + " but entries are committed only up to index " +
             num(committed_.size()) + ".");
    return;
  }
  auto& chain = chains_[id];
  if (e.kept_suffix) {
    // Rule 6: its entry at lastIncludedIndex matched, so by Log Matching its log up to there is
    // the committed prefix already.
    if (chain.size() < index || chain[to_size(index - 1)] != committed_[to_size(index - 1)]) {
      fail(now, "Log Matching",
           n(id) + " kept its log after a snapshot through index " + num(index) + " because its entry there has the "
               "snapshot's term, yet its log up to there differs from the committed entries.");
      return;
    }
  } else {
    // Rule 7: the whole log was discarded; the snapshot stands for the committed prefix.
    chain.assign_prefix(committed_, to_size(index));
  }
  commit_[id] = index;
  applied_[id] = index;  // the state machine now stands at the snapshot
  check_snapshot_bytes(now, node, index, "installed");
}

}  // namespace raft::sim
