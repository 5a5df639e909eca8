// Disk write latency (DiskConfig, issue 11): the writes a server makes on their way to its disk,
// the outputs that wait for them, and what a crash leaves. Cluster::drain hands a step's outputs
// here when a write is pending; crash() and restart() read `durable`.
#include "core/sim/cluster.h"

#include <algorithm>

namespace raft::sim {

// Figure 2: the step's writes go to disk before anything that depends on them leaves the server.
// Writes complete one after another; outputs leave in the order the server made them, so outputs
// of a step that wrote nothing wait for the writes before them (they may depend on those).
void Cluster::hold(NodeId n, bool wrote) {
  Node& node = nodes_[n];
  Disk& d = disk_[static_cast<size_t>(n)];
  if (wrote) {
    d.writes_seen = node.disk_writes();
    const Time start = d.pending.empty() ? now_ : std::max(now_, d.pending.back().done_at);
    PendingWrite w;
    w.done_at = start + disk_rng_.uniform(config_.disk.write_min_us, config_.disk.write_max_us);
    w.after = node.disk();
    d.pending.push_back(std::move(w));
  } else if (node.disk_writes() != d.writes_seen) {
    // A write made while writes are instant again (disk_latency set to 0) but earlier ones are
    // still pending: it is on disk when they are, so it joins the last of them.
    d.writes_seen = node.disk_writes();
    d.pending.back().after = node.disk();
  }
  PendingWrite& w = d.pending.back();
  for (Message& m : node.messages()) w.messages.push_back(m);
  w.replies.insert(w.replies.end(), node.replies().begin(), node.replies().end());
  // A write drawn at 0 is done at once, as the next event at this instant (not from inside this
  // drain, whose outputs are still the node's).
}

void Cluster::complete_write(NodeId n) {
  Disk& d = disk_[static_cast<size_t>(n)];
  PendingWrite w = std::move(d.pending.front());
  d.pending.erase(d.pending.begin());
  d.durable = std::move(w.after);
  for (Message& m : w.messages) send(m);
  if (!w.replies.empty()) answer(n, w.replies);
  // A leader counts its own entries once they are on its disk; that may commit (and answer) now.
  nodes_[n].on_persisted(now_, d.durable.log.last_index());
  drain(n);
  if (!checker_.ok()) halted_ = true;
}

void Cluster::set_disk(const DiskConfig& disk) {
  RAFT_ASSERT(disk.write_min_us >= 0 && disk.write_min_us <= disk.write_max_us);
  const bool was_on = config_.disk.on();
  config_.disk = disk;
  if (!disk.on() || was_on) return;
  if (!deferred_) {
    // From now on a leader counts its own entries once written (Node::on_persisted).
    deferred_ = true;
    for (Node& node : nodes_) node.set_deferred_persistence(true);
  }
  // Writes were instant until now: every server's disk is what it holds. (Writes still pending
  // from an earlier setting keep their times, and later outputs still wait behind them.)
  for (NodeId n = 0; n < size(); ++n) {
    Disk& d = disk_[static_cast<size_t>(n)];
    if (!d.pending.empty()) continue;
    d.durable = nodes_[n].disk();
    d.writes_seen = nodes_[n].disk_writes();
  }
}

}  // namespace raft::sim
