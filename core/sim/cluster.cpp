#include "core/sim/cluster.h"

#include <algorithm>

#include "core/raft/hash.h"

namespace raft::sim {

namespace {
// Sub-seed streams: every random source derives from the cluster seed and a fixed label.
constexpr uint64_t kStreamNetwork = 1;
constexpr uint64_t kStreamDisk = 2;
constexpr uint64_t kStreamNode = 100;     // + node id * 1000 + incarnation
}  // namespace

class Cluster::Host final : public ClientHost {
 public:
  explicit Host(Cluster& c) : c_(c) {}
  Time now() const override { return c_.now_; }
  const ClusterConfig& config() const override { return c_.config_; }
  int servers() const override { return c_.size(); }
  bool up(NodeId n) const override { return c_.up_[n]; }
  ProposeResult propose(NodeId n, const CommandRef& cmd) override { return c_.nodes_[n].propose(c_.now_, cmd); }
  void drain(NodeId n) override { c_.drain(n); }
  void record(const TraceEvent& e) override { c_.trace_->add(e); }
  Metrics& metrics() override { return c_.metrics_; }
  LogIndex committed_index() const override { return c_.checker_.committed_index(); }

 private:
  Cluster& c_;
};

Cluster::Cluster(const ClusterConfig& config, const std::vector<InitialDisk>& disks)
    : config_(config),
      net_rng_(Rng::derive(config.seed, kStreamNetwork)),
      disk_rng_(Rng::derive(config.seed, kStreamDisk)),
      up_(config.nodes, true),
      incarnation_(config.nodes, 0),
      clock_rate_permille_(static_cast<size_t>(config.nodes), 1000),
      checker_(config.nodes),
      trace_(std::make_shared<Trace>()) {
  RAFT_ASSERT(config_.nodes >= 1 && config_.nodes <= kNodesMax);
  RAFT_ASSERT(disks.empty() || disks.size() == static_cast<size_t>(config_.nodes));
  network_.configure(config_.network);
  trace_->set_enabled(config_.trace);
  nodes_.reserve(kNodesMax);
  for (NodeId n = 0; n < config_.nodes; ++n) {
    Storage disk;
    if (!disks.empty()) {
      const InitialDisk& d = disks[static_cast<size_t>(n)];
      RAFT_ASSERT(d.voted_for == kNoNode || (d.voted_for >= 0 && d.voted_for < config_.nodes));
      disk.current_term = d.term;
      disk.voted_for = d.voted_for;
      Command placeholder;
      placeholder.op = Op::Preset;  // depends only on (index, term)
      const CommandRef preset{std::move(placeholder)};
      for (Term t : d.log) disk.log.append(Entry{t, preset});
    }
    nodes_.push_back(make_node(n, std::move(disk)));
  }
  disk_.resize(static_cast<size_t>(config_.nodes));
  const DiskConfig disk_config = config_.disk;
  config_.disk = DiskConfig{};
  set_disk(disk_config);
  // The initial state opens the trace, and the checker starts from it.
  for (NodeId n = 0; n < config_.nodes; ++n) {
    const Node& node = nodes_[n];
    checker_.preset(n, node.disk());
    checker_.set_configuration(n, node.configuration_index(), node.configuration());
    metrics_.max_term = std::max(metrics_.max_term, node.current_term());
    trace_->add(TraceEvent::role(now_, n, node.role(), node.current_term()));
    for (LogIndex i = 1; i <= node.log().last_index(); ++i) {
      const Entry& entry = node.log().at(i);
      trace_->add(TraceEvent::append(now_, n, i, entry.term, trace_->intern_command(i, entry.term, entry.cmd)));
    }
  }
  if (!checker_.ok()) halted_ = true;
}

Node Cluster::make_node(NodeId n, Storage disk) {
  Config c;
  c.id = n;
  c.cluster_size = config_.nodes;
  c.timing = config_.timing;
  c.seed = Rng::derive(config_.seed, kStreamNode + static_cast<uint64_t>(n) * 1000 + incarnation_[n]);
  c.clock_rate_permille = clock_rate_permille_[static_cast<size_t>(n)];
  Node node(c, std::move(disk), now_);
  node.set_deferred_persistence(deferred_);
  return node;
}

// ---------------------------------------------------------------------------------------------
// The event loop

Time Cluster::next_event_time() const {
  Time t = network_.next_time();
  for (NodeId n = 0; n < size(); ++n) {
    if (up_[n]) t = std::min({t, nodes_[n].deadline(), write_done_at(n)});
  }
  return std::min(t, clients_.next_wake());
}

bool Cluster::process_next(Time limit) {
  // Ties at one instant: messages (in send order), then completed disk writes, then node timers,
  // then clients, by id.
  const Time tm = network_.next_time();
  Time tn = kTimeNever;
  NodeId timer_node = kNoNode;
  Time tw = kTimeNever;
  NodeId write_node = kNoNode;
  for (NodeId n = 0; n < size(); ++n) {
    if (!up_[n]) continue;
    if (nodes_[n].deadline() < tn) {
      tn = nodes_[n].deadline();
      timer_node = n;
    }
    if (write_done_at(n) < tw) {
      tw = write_done_at(n);
      write_node = n;
    }
  }
  const Time tc = clients_.next_wake();
  const Time t = std::min({tm, tw, tn, tc});
  if (t > limit || t == kTimeNever) return false;
  now_ = std::max(now_, t);
  ++metrics_.events;
  if (tm == t) {
    deliver(network_.pop());
  } else if (tw == t) {
    complete_write(write_node);
  } else if (tn == t) {
    fire_timer(timer_node);
  } else {
    Host host(*this);
    clients_.fire_next(host);
  }
  if (leader_dirty_) update_leaderless();
  if (!checker_.ok()) halted_ = true;
  return true;
}

void Cluster::run_until(Time t) {
  while (!halted_ && process_next(t)) {
  }
  if (!halted_ && t > now_) now_ = t;
}

Time Cluster::step() {
  if (halted_) return now_;
  const Time t = next_event_time();
  if (t == kTimeNever) return now_;
  run_until(t);
  return now_;
}

void Cluster::deliver(uint32_t slot) {
  InFlight& f = network_.slot(slot);
  const NodeId to = f.msg.to;
  DropReason why = f.fate;
  if (why == DropReason::None && !up_[to]) why = DropReason::Down;
  if (why == DropReason::None && !network_.link_up(f.msg.from, to)) why = DropReason::Partition;
  if (why != DropReason::None) {
    ++metrics_.dropped;
    trace_->add(TraceEvent::drop(now_, f.id, f.msg, why));
  } else {
    ++metrics_.delivered[static_cast<int>(f.msg.type)];
    trace_->add(TraceEvent::deliver(now_, f.id, f.msg));
    nodes_[to].step(now_, f.msg);
    drain(to);
  }
  network_.release(slot);
}

void Cluster::fire_timer(NodeId n) {
  nodes_[n].tick(now_);
  drain(n);
}

void Cluster::send(Message& m) {
  uint32_t dup = UINT32_MAX;
  const uint32_t s = network_.send(now_, m, net_rng_, next_message_id_, &dup);
  ++metrics_.sent[static_cast<int>(network_.slot(s).msg.type)];
  if (dup != UINT32_MAX) {
    const InFlight& d = network_.slot(dup);
    trace_->add(TraceEvent::send(now_, d.id, d.msg, true));
  }
  const InFlight& f = network_.slot(s);
  trace_->add(TraceEvent::send(now_, f.id, f.msg));
}

void Cluster::drain(NodeId n) {
  Node& node = nodes_[n];
  const std::string broken = node.check_invariants();  // after every input the node handled
  RAFT_ASSERT_MSG(broken.empty(), broken.c_str());
  Disk& d = disk_[static_cast<size_t>(n)];
  if (deferred_ && !config_.disk.on() && d.pending.empty() && node.disk_writes() != d.writes_seen) {
    // Writes are instant again (disk latency was on earlier): what this step wrote is on disk.
    d.writes_seen = node.disk_writes();
    node.on_persisted(now_, node.log().last_index());
  }
  for (const NodeEvent& e : node.events()) record_node_event(node, e);
  const bool wrote = config_.disk.on() && node.disk_writes() != d.writes_seen;
  if (wrote || !d.pending.empty()) {
    hold(n, wrote);
  } else {
    // Persistent state was written inside the step, before these messages were queued.
    for (Message& m : node.messages()) send(m);
    if (!node.replies().empty()) answer(n, node.replies());
  }
  node.clear_output();
  if (to_shut_down_ != 0) shut_down_removed();
}

void Cluster::answer(NodeId n, const std::vector<ClientReply>& replies) {
  Host host(*this);
  for (const ClientReply& r : replies) {
    const ClientOpRecord* op = clients_.on_reply(r, host);
    if (op != nullptr && op->cmd->op == Op::Get) checker_.observe_read(now_, n, *op);
  }
}

void Cluster::record_node_event(const Node& node, const NodeEvent& e) {
  if (checking_) checker_.observe(now_, node, e);
  switch (e.kind) {
    case NodeEvent::Kind::Role:
      if (e.role == Role::Candidate) ++metrics_.elections;
      leader_dirty_ = true;
      trace_->add(TraceEvent::role(now_, e.node, e.role, e.term));
      break;
    case NodeEvent::Kind::NewTerm:
      metrics_.max_term = std::max(metrics_.max_term, e.term);
      leader_dirty_ = true;
      trace_->add(TraceEvent::new_term(now_, e.node, e.term));
      break;
    case NodeEvent::Kind::Vote:
      trace_->add(TraceEvent::vote(now_, e.node, e.term, e.voted_for));
      break;
    case NodeEvent::Kind::Append:
    case NodeEvent::Kind::Apply: {
      const uint32_t ref = trace_->enabled() ? trace_->intern_command(e.index, e.term, node.log().at(e.index).cmd) : 0;
      trace_->add(e.kind == NodeEvent::Kind::Append ? TraceEvent::append(now_, e.node, e.index, e.term, ref)
                                                    : TraceEvent::apply(now_, e.node, e.index, e.term, ref));
      break;
    }
    case NodeEvent::Kind::Truncate:
      trace_->add(TraceEvent::truncate(now_, e.node, e.index));
      break;
    case NodeEvent::Kind::Commit:
      // by_leader: the leader's own commit, which the UI tells apart from a follower learning it.
      trace_->add(TraceEvent::commit(now_, e.node, e.index, e.role == Role::Leader));
      // A removal a leader has committed is permanent (§4.2.2).
      if (removing_ != 0 && e.role == Role::Leader && node.configuration_committed()) {
        removal_committed_ |= removing_ & ~node.configuration().members();
        for_each_node(removal_committed_, [&](NodeId x) {
          if (!nodes_[x].configuration().is_member(x)) to_shut_down_ |= node_bit(x);
        });
      }
      break;
    case NodeEvent::Kind::Config:
      // One AppendEntries can append several configuration entries: each event names its own.
      trace_->add(TraceEvent::config(now_, e.node, e.index, node.configuration_at(e.index)));
      if (has_node(removal_committed_, e.node) && !node.configuration().is_member(e.node)) to_shut_down_ |= node_bit(e.node);
      break;
    case NodeEvent::Kind::Snapshot:
      trace_->add(TraceEvent::snapshot(now_, e.node, e.index, e.term));
      raise_checker_floor();
      break;
    case NodeEvent::Kind::Install:
      trace_->add(TraceEvent::install(now_, e.node, e.index, e.term, e.kept_suffix));
      raise_checker_floor();
      break;
  }
}

LogIndex Cluster::log_entries_held() const {
  LogIndex most = 0;
  for (const Node& node : nodes_) most = std::max(most, node.log().last_index() - node.log().snapshot_index());
  const LogIndex committed = checker_.committed_index(), floor = checker_.floor();
  return std::max(most, committed > floor ? committed - floor : 0);
}

void Cluster::raise_checker_floor() {
  // The lowest snapshot any server could still be at: its own, or its disk's while writes are
  // pending (a crash goes back there). A removed server never comes back and does not count.
  LogIndex floor = UINT64_MAX;
  for (NodeId n = 0; n < size(); ++n) {
    if (gone(n)) continue;
    floor = std::min(floor, nodes_[n].log().snapshot_index());
    const Disk& d = disk_[static_cast<size_t>(n)];
    if (config_.disk.on() || !d.pending.empty()) floor = std::min(floor, d.durable.log.snapshot_index());
  }
  if (floor == UINT64_MAX) return;
  checker_.raise_floor(floor);
  trace_->release_entries_below(floor);
}

void Cluster::update_leaderless() {
  leader_dirty_ = false;
  const bool has = leader() != kNoNode;
  if (had_leader_ && !has) leaderless_since_ = now_;
  if (!had_leader_ && has) metrics_.leaderless_us += now_ - leaderless_since_;
  had_leader_ = has;
}

NodeId Cluster::leader() const {
  // The up leader with the highest term, provided no up server has seen a higher term
  // (otherwise it is a deposed leader that has not heard the news yet).
  NodeId best = kNoNode;
  Term max_term = 0;
  // A server whose removal a leader has committed is out of the cluster, even while it has not
  // heard of it and campaigns in ever higher terms (§4.2.3): it does not count.
  for (NodeId n = 0; n < size(); ++n) {
    if (!up_[n] || has_node(removal_committed_, n)) continue;
    max_term = std::max(max_term, nodes_[n].current_term());
    if (nodes_[n].role() == Role::Leader && (best == kNoNode || nodes_[n].current_term() > nodes_[best].current_term())) best = n;
  }
  return best != kNoNode && nodes_[best].current_term() == max_term ? best : kNoNode;
}

// ---------------------------------------------------------------------------------------------
// Faults

bool Cluster::valid(NodeId n) const { return n >= 0 && n < size(); }

void Cluster::crash(NodeId n) {
  RAFT_ASSERT(valid(n) && up_[n]);
  up_[n] = false;
  nodes_[n].clear_output();
  // Writes not yet on disk are lost with the outputs that waited for them (DiskConfig): from now
  // on the server is what its disk holds (drawn so while it is down), and so the checker sees it.
  Disk& d = disk_[static_cast<size_t>(n)];
  if (!d.pending.empty()) {
    d.pending.clear();
    nodes_[n] = make_node(n, d.durable);
    d.writes_seen = nodes_[n].disk_writes();
    checker_.rollback(n, nodes_[n].disk());
  }
  trace_->add(TraceEvent::crash(now_, n));
  leader_dirty_ = true;
  update_leaderless();
}

void Cluster::restart(NodeId n) {
  RAFT_ASSERT(valid(n) && !up_[n] && !gone(n));
  ++incarnation_[n];
  // Only the disk survives: currentTerm, votedFor and the log. Everything else is rebuilt. (With
  // write latency, the crash already took the server back to what its completed writes left.)
  Disk& d = disk_[static_cast<size_t>(n)];
  Storage disk = nodes_[n].disk();
  // Unsafe, for teaching: votedFor is lost, so the server may vote again in the same term.
  if (config_.timing.forget_vote) disk.voted_for = kNoNode;
  nodes_[n] = make_node(n, std::move(disk));  // with its snapshot (§7), from which the state machine starts
  up_[n] = true;
  d.writes_seen = nodes_[n].disk_writes();
  if (config_.disk.on()) d.durable = nodes_[n].disk();
  checker_.on_restart(n, nodes_[n].commit_index());
  checker_.set_configuration(n, nodes_[n].configuration_index(), nodes_[n].configuration());
  trace_->add(TraceEvent::restart(now_, n));
  trace_->add(TraceEvent::role(now_, n, Role::Follower, nodes_[n].current_term()));
  leader_dirty_ = true;
  update_leaderless();
}

void Cluster::timeout(NodeId n) {
  RAFT_ASSERT(valid(n) && up_[n] && nodes_[n].role() != Role::Leader);
  trace_->add(TraceEvent::timeout(now_, n));
  nodes_[n].timeout_now(now_);
  drain(n);
  if (leader_dirty_) update_leaderless();
  if (!checker_.ok()) halted_ = true;
}

void Cluster::transfer(NodeId target) {
  const NodeId l = leader();
  RAFT_ASSERT(l != kNoNode && valid(target) && up_[target] && target != l);
  trace_->add(TraceEvent::transfer(now_, l, target));
  nodes_[l].transfer_leadership(now_, target);
  drain(l);
  if (!checker_.ok()) halted_ = true;
}

void Cluster::take_snapshot(NodeId n) {
  RAFT_ASSERT(valid(n) && up_[n]);
  if (nodes_[n].take_snapshot()) drain(n);
  if (!checker_.ok()) halted_ = true;
}

void Cluster::cut(NodeId a, NodeId b, bool one_way) { set_links(a, b, one_way, false); }
void Cluster::uncut(NodeId a, NodeId b, bool one_way) { set_links(a, b, one_way, true); }

void Cluster::set_links(NodeId a, NodeId b, bool one_way, bool up) {
  RAFT_ASSERT(valid(a) && valid(b) && a != b);
  network_.set_link(a, b, up);
  if (!one_way) network_.set_link(b, a, up);
  trace_->add(up ? TraceEvent::uncut(now_, a, b, one_way) : TraceEvent::cut(now_, a, b, one_way));
}

void Cluster::partition(const std::vector<std::vector<NodeId>>& groups) {
  // Nodes named in no group are each isolated on their own.
  std::array<int, kNodesMax> group{};
  group.fill(-1);
  int g = 0;
  for (const auto& members : groups) {
    for (NodeId n : members) {
      RAFT_ASSERT(valid(n) && group[n] < 0);  // each node in one group at most
      group[n] = g;
    }
    ++g;
  }
  for (NodeId n = 0; n < size(); ++n) {
    if (group[n] < 0) group[n] = g++;
  }
  network_.heal_links();
  PartitionGroups record;
  record.nodes = size();
  for (NodeId a = 0; a < size(); ++a) {
    record.group_of[a] = static_cast<uint8_t>(group[a]);
    for (NodeId b = 0; b < size(); ++b) {
      if (group[a] != group[b]) network_.set_link(a, b, false);
    }
  }
  trace_->add(TraceEvent::partition(now_, record));
}

void Cluster::heal() {
  network_.heal_links();
  trace_->add(TraceEvent::heal(now_));
}

bool Cluster::drop_message(MessageId id) {
  const InFlight* f = network_.find(id);
  if (!f) return false;
  ++metrics_.dropped;
  trace_->add(TraceEvent::drop(now_, f->id, f->msg, DropReason::User));
  network_.remove(id);  // it vanishes now
  return true;
}

bool Cluster::duplicate_message(MessageId id) {
  const InFlight* f = network_.find(id);
  if (!f) return false;
  const Message copy = f->msg;  // push_copy may grow the slot table under `f`
  const Time latency = net_rng_.uniform(config_.network.latency_min_us, config_.network.latency_max_us);
  const uint32_t s = network_.push_copy(now_, now_ + std::max<Time>(1, latency), next_message_id_++, copy);
  const InFlight& d = network_.slot(s);
  ++metrics_.sent[static_cast<int>(d.msg.type)];
  trace_->add(TraceEvent::send(now_, d.id, d.msg, true));
  return true;
}

bool Cluster::delay_message(MessageId id, Time extra_us) {
  RAFT_ASSERT(extra_us >= 0);
  return network_.delay(id, extra_us);
}

void Cluster::set_network(const NetworkConfig& net) {
  config_.network = net;
  network_.configure(net);
  trace_->add(TraceEvent::network(now_, net));
}

void Cluster::set_clock_rate(NodeId n, int permille) {
  RAFT_ASSERT(valid(n) && permille >= kClockRateMinPermille && permille <= kClockRateMaxPermille);
  clock_rate_permille_[static_cast<size_t>(n)] = permille;
  if (up_[n]) nodes_[n].set_clock_rate(permille);
  trace_->add(TraceEvent::clock(now_, n, permille));
}

void Cluster::set_timing(const Timing& timing) {
  config_.timing = timing;
  for (Node& n : nodes_) n.reconfigure(timing);
  trace_->add(TraceEvent::timing(now_, timing));
}

// ---------------------------------------------------------------------------------------------
// Membership (dissertation ch. 4)

NodeId Cluster::add_server() {
  const NodeId leader_id = leader();
  RAFT_ASSERT(leader_id != kNoNode && size() < kNodesMax);
  // §4.2.1: the new server starts empty and without a configuration; it does not campaign, and it
  // waits for the leader to replicate the log to it.
  const NodeId n = size();
  up_.push_back(true);
  incarnation_.push_back(0);
  clock_rate_permille_.push_back(1000);  // a new machine, with an exact clock until told otherwise
  nodes_.push_back(make_node(n, Storage{}));
  disk_.emplace_back();
  checker_.add_node();
  trace_->add(TraceEvent::role(now_, n, Role::Follower, 0));
  Configuration next = nodes_[leader_id].configuration();
  next.learners |= node_bit(n);
  const ChangeResult r = nodes_[leader_id].propose_configuration(now_, next);
  RAFT_ASSERT_MSG(r.accepted(), change_refusal_text(r.refusal));
  drain(leader_id);
  if (!checker_.ok()) halted_ = true;
  return n;
}

void Cluster::remove_server(NodeId n) {
  const NodeId leader_id = leader();
  RAFT_ASSERT(valid(n) && leader_id != kNoNode);
  Configuration next = nodes_[leader_id].configuration();
  next.voters &= ~node_bit(n);
  next.learners &= ~node_bit(n);
  removing_ |= node_bit(n);
  const ChangeResult r = nodes_[leader_id].propose_configuration(now_, next);
  RAFT_ASSERT_MSG(r.accepted(), change_refusal_text(r.refusal));
  drain(leader_id);
  if (leader_dirty_) update_leaderless();
  if (!checker_.ok()) halted_ = true;
}

// Like an operator after a removal (§4.2.2), the simulator shuts a removed server down once a
// leader has committed the configuration without it and the server itself has that configuration
// (so it knows it is out; one that never heard stays up, as it would in a real cluster, §4.2.3).
// Its id is never used again.
void Cluster::shut_down_removed() {
  const NodeMask m = to_shut_down_;
  to_shut_down_ = 0;
  removing_ &= ~m;
  removal_committed_ &= ~m;
  gone_ |= m;
  for_each_node(m, [&](NodeId n) {
    if (!up_[n]) return;
    up_[n] = false;
    nodes_[n].clear_output();
    disk_[static_cast<size_t>(n)].pending.clear();
  });
  leader_dirty_ = true;
}

// ---------------------------------------------------------------------------------------------
// Clients

uint64_t Cluster::submit(Command cmd, NodeId via) {
  RAFT_ASSERT(via == kNoNode || valid(via));
  Host host(*this);
  const uint64_t req = clients_.submit(std::move(cmd), via, host);
  if (!checker_.ok()) halted_ = true;
  return req;
}

void Cluster::set_workload(const Workload& w) {
  Host host(*this);
  clients_.set_workload(w, host);
}

// ---------------------------------------------------------------------------------------------

uint64_t Cluster::state_hash() const {
  uint64_t h = mix64(static_cast<uint64_t>(now_));
  for (NodeId n = 0; n < size(); ++n) {
    const Node& node = nodes_[n];
    h = hash_combine(h, up_[n]);
    h = hash_combine(h, static_cast<uint64_t>(node.role()));
    h = hash_combine(h, node.current_term());
    h = hash_combine(h, static_cast<uint64_t>(node.voted_for() + 1));
    h = hash_combine(h, node.commit_index());
    h = hash_combine(h, node.last_applied());
    // A compacted log is hashed from its snapshot on (which adds nothing while snapshots are off).
    if (node.log().snapshot_index() > 0) {
      h = hash_combine(hash_combine(h, node.log().snapshot_index()), node.log().snapshot_term());
    }
    for (LogIndex i = node.log().first_index(); i <= node.log().last_index(); ++i) {
      const Entry& e = node.log().at(i);
      h = hash_combine(hash_combine(h, e.term), command_digest(*e.cmd));
    }
    for (const auto& [k, v] : node.kv().data()) h = hash_bytes(hash_bytes(h, k), v);
  }
  h = hash_combine(h, trace_->hash());
  h = hash_combine(h, metrics_.delivered_total());
  return h;
}

}  // namespace raft::sim
