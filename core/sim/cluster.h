// A deterministic simulated Raft cluster: nodes, a virtual clock, a network, per-node disks that
// survive crashes, simulated clients, an online safety checker, metrics and an event trace.
// One seed drives every random choice through derived sub-seeds; the same seed and the same
// commands give a byte-identical trace, natively and in wasm.
//
// Time advances only through run_until()/step(). After either returns, every event with a time
// <= now() has been processed, so a command applied at now() is reproduced exactly by replaying
// run_until(t) and the command (this is what time travel and share URLs rely on).
#pragma once

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/raft/node.h"
#include "core/raft/timing.h"
#include "core/sim/checker.h"
#include "core/sim/clients.h"
#include "core/sim/metrics.h"
#include "core/sim/network.h"
#include "core/sim/observed.h"
#include "core/sim/trace.h"

namespace raft::sim {

// Disk write latency. Figure 2 has a server write currentTerm, votedFor and new entries to stable
// storage before it answers; LogCabin, whose numbers the paper's §9.3 reports, does so with an
// fsync. Each write a server makes takes a time uniform in [write_min_us, write_max_us], one
// after another, and everything the server sends or answers from then on waits for it; a crash
// before a write completes loses it, and the server restarts from what was on disk before.
// 0 and 0 (the default): writes are instant, as before.
struct DiskConfig {
  Time write_min_us = 0;
  Time write_max_us = 0;
  bool on() const { return write_max_us > 0; }
  bool operator==(const DiskConfig&) const = default;
};

struct ClusterConfig {
  // The servers the cluster starts with, s1..s(nodes), all voters. Membership changes (`add`,
  // `remove`) then grow it up to kNodesMax servers; this stays the starting count.
  int nodes = 5;
  uint64_t seed = 1;
  Timing timing;                 // changes while running through set_timing()
  NetworkConfig network;
  DiskConfig disk;
  // A client that sent a request to a server which accepted it, but got no reply within this
  // time, tries another server (the leader may be cut off in a minority, or deposed).
  Time client_timeout_us = 1'000'000;
  // A client gives up on a request this long after invoking it (counted in time, not attempts:
  // a failover must not burn its budget bouncing between stale redirects).
  Time client_deadline_us = 15'000'000;
  bool trace = true;
  bool operator==(const ClusterConfig&) const = default;
};

// A server's disk before time starts (a scenario's `term`, `voted` and `log` lines).
struct InitialDisk {
  Term term = 0;
  NodeId voted_for = kNoNode;
  std::vector<Term> log;  // the entries' terms; their commands are placeholders (Op::Preset)
};

class Cluster {
 public:
  // A cluster at time 0 with its initial state already in the trace and the checker. `disks` is
  // empty (every server starts empty) or holds one disk per server.
  explicit Cluster(const ClusterConfig& config, const std::vector<InitialDisk>& disks = {});

  // ---- time ----
  Time now() const { return now_; }
  // Processes every event with time <= t, then sets now = t. Stops early if the checker fails.
  void run_until(Time t);
  void run_for(Time d) { run_until(now_ + d); }
  // Processes all events at the next event time (the UI's "step"). Returns that time, or now().
  Time step();
  Time next_event_time() const;

  // ---- commands ----
  // Each asserts its preconditions (RAFT_ASSERT): user input is checked before it gets here,
  // where statements are applied. The message commands return false when the message is no
  // longer in flight (a normal outcome: it may have just arrived).
  void crash(NodeId n);                           // n is up
  void restart(NodeId n);                         // n is down; it comes back from its disk
  void timeout(NodeId n);                         // n is up and not leader: its election timer fires now
  // §3.10: the leader hands leadership to `target` (there is a leader; target is up, another server).
  void transfer(NodeId target);
  void take_snapshot(NodeId n);                   // n is up: it snapshots at lastApplied now (§7)
  void cut(NodeId a, NodeId b, bool one_way);     // cut a->b (and b->a unless one_way); a != b
  void uncut(NodeId a, NodeId b, bool one_way);   // restore a->b (and b->a unless one_way); a != b
  // Nodes in no group are isolated; no node is in two groups.
  void partition(const std::vector<std::vector<NodeId>>& groups);
  void heal();
  bool drop_message(MessageId id);
  bool duplicate_message(MessageId id);
  bool delay_message(MessageId id, Time extra_us);  // extra_us >= 0
  void set_network(const NetworkConfig& net);
  void set_disk(const DiskConfig& disk);  // write_min_us <= write_max_us, both >= 0
  void set_workload(const Workload& w);
  // ClientPool::set_history_window: hold only the latest client operations (a Lab session).
  void set_history_window(size_t ops) { clients_.set_history_window(ops); }
  void trim_history(size_t keep) { clients_.trim_history(keep); }
  // Log entries the session holds per index: the most any server's log holds past its snapshot,
  // or, if more, the committed entries above the checker's floor (the lowest snapshot of all: a
  // server that is down or cut off holds the others' tables back, Checker::raise_floor).
  LogIndex log_entries_held() const;
  // Timing and options while running: election timeout range, heartbeat, batch size, no-op.
  // Each node picks up new timeouts at its next timer reset.
  void set_timing(const Timing& timing);
  // ---- membership (dissertation ch. 4, one server at a time) ----
  // Server ids are never reused: servers are numbered in the order they join, and `add` starts the
  // next one, s(size()+1), with an empty disk; the leader adds it as a learner and promotes it
  // once it has caught up (§4.2.1). Preconditions (checked in words by the statement applier): a
  // leader exists, no change is pending, size() < kNodesMax.
  NodeId add_server();
  // The leader appends a configuration without n (§4.2.2). Once a leader has committed it, n is
  // shut down for good (gone). Preconditions: a leader, no change pending, n a member, and not
  // the last voter.
  void remove_server(NodeId n);

  // Clock drift: n's timers run permille/1000 as fast as real time, through crashes (it is the
  // machine's clock). Kept within [kClockRateMinPermille, kClockRateMaxPermille].
  void set_clock_rate(NodeId n, int permille);
  int clock_rate_permille(NodeId n) const { return clock_rate_permille_[static_cast<size_t>(n)]; }
  // Submits a client operation from a scripted client; returns its request id.
  // Goes to the node the client believes is leader, or to `via` (a valid node or kNoNode).
  uint64_t submit(Command cmd, NodeId via = kNoNode);

  // ---- a mirror of a live cluster (issue 10, cluster_mirror.cpp) ----
  // A cluster whose servers run elsewhere: it never runs (no run_until, step or commands) and
  // takes each server's recorded events instead, in time order. The servers, the messages in
  // flight (from send to deliver), the trace and the checker then follow the real cluster.
  // Returns false, with `problem` set and nothing changed, when a record does not fit (a server's
  // append that does not extend its log: lines were lost).
  bool observe(const Observed& o, ObserveProblem* problem = nullptr);
  // The moment shown: no record after `t` has been applied. Never goes back.
  void observe_until(Time t) { now_ = std::max(now_, t); }
  // False once a server's stream began after entries it had compacted into a snapshot were
  // committed, unseen (the lab attached to a cluster that ran long before): its log cannot be
  // compared with the others', so the checker stops there, and unchecked_why() says so.
  bool checking() const { return checking_; }
  const std::string& unchecked_why() const { return unchecked_why_; }

  // ---- observation ----
  const ClusterConfig& config() const { return config_; }
  int size() const { return static_cast<int>(nodes_.size()); }  // every server ever started, gone ones too
  // Removed from the cluster by a committed configuration and shut down; its id is never reused.
  bool gone(NodeId n) const { return has_node(gone_, n); }
  const Node& node(NodeId n) const { return nodes_[n]; }
  bool up(NodeId n) const { return up_[n]; }
  // Writes of n not yet on disk (DiskConfig), and when the first of them completes.
  size_t writes_pending(NodeId n) const { return disk_[static_cast<size_t>(n)].pending.size(); }
  Time write_done_at(NodeId n) const { return writes_pending(n) ? disk_[static_cast<size_t>(n)].pending.front().done_at : kTimeNever; }
  const Network& network() const { return network_; }
  const Checker& checker() const { return checker_; }
  bool ok() const { return checker_.ok(); }
  const Trace& trace() const { return *trace_; }
  Trace& mutable_trace() const { return *trace_; }
  // Gives this copy a trace of its own (a checkpoint copy otherwise shares the session's).
  void use_own_trace(Trace t) { trace_ = std::make_shared<Trace>(std::move(t)); }
  const Metrics& metrics() const { return metrics_; }
  const Workload& workload() const { return clients_.workload(); }
  const ClientOps& client_ops() const { return clients_.ops(); }
  // The leader: the up leader with the highest term, if any.
  NodeId leader() const;
  // A hash of the whole cluster state (logs, terms, commit indexes, state machines, clock).
  uint64_t state_hash() const;

 private:
  class Host;  // the cluster as its clients reach it

  bool valid(NodeId n) const;

  void deliver(uint32_t slot);
  void fire_timer(NodeId n);
  void drain(NodeId n);                    // take a node's outputs: messages, events, replies
  void answer(NodeId n, const std::vector<ClientReply>& replies);
  void hold(NodeId n, bool wrote);         // outputs wait for a write (DiskConfig)
  void complete_write(NodeId n);           // n's oldest pending write is on disk: its outputs leave
  void send(Message& m);
  void record_node_event(const Node& node, const NodeEvent& e);
  void set_links(NodeId a, NodeId b, bool one_way, bool up);
  bool process_next(Time limit);           // one event with time <= limit; false if none
  void update_leaderless();
  // After a snapshot is taken or installed: the checker lets go of what every server's snapshot
  // covers (Checker::raise_floor).
  void raise_checker_floor();
  Node make_node(NodeId n, Storage disk);
  void shut_down_removed();                // servers whose removal a leader just committed
  void observe_restart(NodeId n, Node::MirrorState state, bool resync);

  ClusterConfig config_;
  Time now_ = 0;
  Rng net_rng_;
  Rng disk_rng_;  // drawn only while DiskConfig is on, so traces without it are unchanged
  bool deferred_ = false;  // disk latency was on at some point: nodes hear when writes are done
  MessageId next_message_id_ = 1;
  Network network_;
  std::vector<Node> nodes_;
  std::vector<bool> up_;
  std::vector<uint32_t> incarnation_;
  std::vector<int> clock_rate_permille_;
  // Per server, while DiskConfig is on: what is on disk, and the writes on their way there, each
  // with the outputs that wait for it (all later outputs wait too: they may depend on it).
  struct PendingWrite {
    Time done_at = 0;
    Storage after;                     // the disk once this write is done (copy-on-write log)
    std::vector<Message> messages;
    std::vector<ClientReply> replies;
  };
  struct Disk {
    Storage durable;                   // valid while DiskConfig is on
    uint64_t writes_seen = 0;          // the node's disk_writes() as of the last drain
    std::vector<PendingWrite> pending;  // a handful at most: a vector, not a deque (code size in wasm)
  };
  std::vector<Disk> disk_;
  ClientPool clients_;
  Checker checker_;
  // Shared between copies: a copy (a Lab checkpoint) records the trace position it was taken at
  // and rewinds the shared trace when restored. Only one copy runs at a time.
  std::shared_ptr<Trace> trace_;
  Metrics metrics_;
  bool leader_dirty_ = true;
  bool had_leader_ = false;
  bool halted_ = false;
  NodeMask removing_ = 0;    // servers a `remove` asked to take out; gone once a leader commits it
  NodeMask removal_committed_ = 0;  // removals a leader has committed; shut down once the server knows
  NodeMask gone_ = 0;
  NodeMask to_shut_down_ = 0;  // found while draining a node; shut down when the drain ends
  Time leaderless_since_ = 0;
  bool checking_ = true;
  std::string unchecked_why_;
  // Mirror: ids delivered or dropped before their send was seen (the latest few).
  static constexpr size_t kMirrorEarlyMax = 256;
  std::vector<MessageId> mirror_early_;
  bool mirror_live_ = false;  // a hello was seen: servers are described by their streams
};

}  // namespace raft::sim
