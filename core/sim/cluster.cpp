#include "core/sim/cluster.h"

#include <algorithm>
#include <cstring>

#include "core/raft/hash.h"

namespace raft::sim {

namespace {
// Sub-seed streams: every random source derives from the cluster seed and a fixed label.
constexpr uint64_t kStreamNetwork = 1;
constexpr uint64_t kStreamNode = 100;     // + node id * 1000 + incarnation
constexpr uint64_t kStreamClient = 50'000;  // + client id
constexpr Time kClientThinkUs = 1'000;        // a background client's minimum gap between requests
}  // namespace

Time Metrics::latency_percentile_us(double p) const {
  if (commit_latencies_us.empty()) return 0;
  std::vector<Time> v = commit_latencies_us;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

Cluster::Cluster(const ClusterConfig& config)
    : config_(config),
      net_rng_(Rng::derive(config.seed, kStreamNetwork)),
      up_(config.nodes, true),
      incarnation_(config.nodes, 0),
      checker_(config.nodes),
      trace_(std::make_shared<Trace>()) {
  RAFT_ASSERT(config_.nodes >= 1 && config_.nodes <= kNodesMax);
  network_.configure(config_.network);
  trace_->set_enabled(config_.trace);
  nodes_.reserve(config_.nodes);
  for (NodeId n = 0; n < config_.nodes; ++n) nodes_.push_back(make_node(n, Storage{}));
}

Node Cluster::make_node(NodeId n, Storage disk) {
  Config c;
  c.id = n;
  c.cluster_size = config_.nodes;
  c.timing = Timing{config_.election_timeout_min_us, config_.election_timeout_max_us, config_.heartbeat_interval_us,
                    config_.append_entries_max, config_.noop_on_election};
  c.seed = Rng::derive(config_.seed, kStreamNode + static_cast<uint64_t>(n) * 1000 + incarnation_[n]);
  return Node(c, std::move(disk), now_);
}

// ---------------------------------------------------------------------------------------------
// Initial state

void Cluster::preset_term(NodeId n, Term t) {
  RAFT_ASSERT(!started_);
  Storage d = nodes_[n].disk();
  d.current_term = t;
  nodes_[n] = make_node(n, std::move(d));
}

void Cluster::preset_vote(NodeId n, NodeId v) {
  RAFT_ASSERT(!started_);
  Storage d = nodes_[n].disk();
  d.voted_for = v;
  nodes_[n] = make_node(n, std::move(d));
}

void Cluster::preset_log(NodeId n, const std::vector<Term>& terms) {
  RAFT_ASSERT(!started_);
  Storage d = nodes_[n].disk();
  d.log = Log{};
  for (Term t : terms) {
    Command c;
    c.op = Op::Preset;  // depends only on (index, term)
    d.log.append(Entry{t, c});
  }
  nodes_[n] = make_node(n, std::move(d));
}

void Cluster::start() {
  if (started_) return;
  started_ = true;
  for (NodeId n = 0; n < config_.nodes; ++n) {
    const Node& node = nodes_[n];
    checker_.preset(n, node.disk());
    if (node.current_term() > metrics_.max_term) metrics_.max_term = node.current_term();
    TraceEvent e;
    e.kind = TraceKind::Role;
    e.node = static_cast<int8_t>(n);
    e.term = node.current_term();
    e.flag = static_cast<uint8_t>(node.role());
    trace_add(e);
    for (LogIndex i = 1; i <= node.log().last_index(); ++i) {
      const Entry& entry = node.log().at(i);
      TraceEvent a;
      a.kind = TraceKind::Append;
      a.node = static_cast<int8_t>(n);
      a.a = i;
      a.term = entry.term;
      a.ref = trace_->intern_command(i, entry.term, entry.cmd);
      trace_add(a);
    }
  }
  if (!checker_.ok()) halted_ = true;
}

void Cluster::trace_add(TraceEvent e) {
  e.t = now_;
  trace_->add(e);
}

// ---------------------------------------------------------------------------------------------
// The event loop

Time Cluster::next_event_time() const {
  Time t = network_.next_time();
  for (NodeId n = 0; n < config_.nodes; ++n) {
    if (up_[n]) t = std::min(t, nodes_[n].deadline());
  }
  for (const Client& c : clients_) t = std::min(t, c.wake_at);
  return t;
}

bool Cluster::process_next(Time limit) {
  // Ties at one instant: messages (in send order), then node timers, then clients, by id.
  const Time tm = network_.next_time();
  Time tn = kTimeNever;
  NodeId timer_node = kNoNode;
  for (NodeId n = 0; n < config_.nodes; ++n) {
    if (up_[n] && nodes_[n].deadline() < tn) {
      tn = nodes_[n].deadline();
      timer_node = n;
    }
  }
  Time tc = kTimeNever;
  Client* client = nullptr;
  for (Client& c : clients_) {
    if (c.wake_at < tc) {
      tc = c.wake_at;
      client = &c;
    }
  }
  const Time t = std::min({tm, tn, tc});
  if (t > limit || t == kTimeNever) return false;
  now_ = std::max(now_, t);
  ++metrics_.events;
  if (tm == t) {
    deliver(network_.pop());
  } else if (tn == t) {
    fire_timer(timer_node);
  } else {
    fire_client(*client);
  }
  if (leader_dirty_) update_leaderless();
  if (!checker_.ok()) halted_ = true;
  return true;
}

void Cluster::run_until(Time t) {
  start();
  while (!halted_ && process_next(t)) {
  }
  if (!halted_ && t > now_) now_ = t;
}

Time Cluster::step() {
  start();
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
    trace_->add_message(now_, TraceKind::Drop, f.id, f.msg, static_cast<uint8_t>(why));
  } else {
    ++metrics_.delivered[static_cast<int>(f.msg.type)];
    trace_->add_message(now_, TraceKind::Deliver, f.id, f.msg);
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
    trace_->add_message(now_, TraceKind::Send, d.id, d.msg, 1);
  }
  const InFlight& f = network_.slot(s);
  trace_->add_message(now_, TraceKind::Send, f.id, f.msg);
}

void Cluster::drain(NodeId n) {
  Node& node = nodes_[n];
  const std::string broken = node.check_invariants();  // after every input the node handled
  RAFT_ASSERT_MSG(broken.empty(), broken.c_str());
  // Persistent state was written inside the step, before these messages were queued.
  for (const NodeEvent& e : node.events()) record_node_event(node, e);
  for (Message& m : node.messages()) send(m);
  for (const ClientReply& r : node.replies()) {
    if (r.client == 0 || r.client > clients_.size()) continue;
    Client& c = clients_[r.client - 1];
    if (c.busy && ops_[c.op].cmd.seq == r.seq) client_complete(c, r);
  }
  node.clear_output();
}

void Cluster::record_node_event(const Node& node, const NodeEvent& e) {
  checker_.observe(now_, node, e);
  TraceEvent t;
  t.node = static_cast<int8_t>(e.node);
  t.term = e.term;
  switch (e.kind) {
    case NodeEvent::Kind::Role:
      t.kind = TraceKind::Role;
      t.flag = static_cast<uint8_t>(e.role);
      if (e.role == Role::Candidate) ++metrics_.elections;
      leader_dirty_ = true;
      break;
    case NodeEvent::Kind::NewTerm:
      t.kind = TraceKind::Term;
      metrics_.max_term = std::max(metrics_.max_term, e.term);
      leader_dirty_ = true;
      break;
    case NodeEvent::Kind::Vote:
      t.kind = TraceKind::Vote;
      t.flag = static_cast<uint8_t>(e.voted_for);
      break;
    case NodeEvent::Kind::Append:
    case NodeEvent::Kind::Apply:
      t.kind = e.kind == NodeEvent::Kind::Append ? TraceKind::Append : TraceKind::Apply;
      t.a = e.index;
      if (trace_->enabled()) t.ref = trace_->intern_command(e.index, e.term, node.log().at(e.index).cmd);
      break;
    case NodeEvent::Kind::Truncate:
      t.kind = TraceKind::Truncate;
      t.a = e.index;
      break;
    case NodeEvent::Kind::Commit:
      t.kind = TraceKind::Commit;
      t.a = e.index;
      t.flag = e.role == Role::Leader;  // the leader's own commit (the UI separates them)
      break;
  }
  trace_add(t);
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
  for (NodeId n = 0; n < config_.nodes; ++n) {
    if (!up_[n]) continue;
    max_term = std::max(max_term, nodes_[n].current_term());
    if (nodes_[n].role() == Role::Leader && (best == kNoNode || nodes_[n].current_term() > nodes_[best].current_term())) best = n;
  }
  return best != kNoNode && nodes_[best].current_term() == max_term ? best : kNoNode;
}

// ---------------------------------------------------------------------------------------------
// Faults

bool Cluster::crash(NodeId n) {
  start();
  if (n < 0 || n >= config_.nodes || !up_[n]) return false;
  up_[n] = false;
  nodes_[n].clear_output();
  TraceEvent e;
  e.kind = TraceKind::Crash;
  e.node = static_cast<int8_t>(n);
  trace_add(e);
  leader_dirty_ = true;
  update_leaderless();
  return true;
}

bool Cluster::restart(NodeId n) {
  start();
  if (n < 0 || n >= config_.nodes || up_[n]) return false;
  ++incarnation_[n];
  // Only the disk survives: currentTerm, votedFor and the log. Everything else is rebuilt.
  nodes_[n] = make_node(n, nodes_[n].disk());
  up_[n] = true;
  checker_.on_restart(n);
  TraceEvent e;
  e.kind = TraceKind::Restart;
  e.node = static_cast<int8_t>(n);
  trace_add(e);
  TraceEvent r;
  r.kind = TraceKind::Role;
  r.node = static_cast<int8_t>(n);
  r.term = nodes_[n].current_term();
  r.flag = static_cast<uint8_t>(Role::Follower);
  trace_add(r);
  leader_dirty_ = true;
  update_leaderless();
  return true;
}

bool Cluster::timeout(NodeId n) {
  start();
  if (n < 0 || n >= config_.nodes || !up_[n] || nodes_[n].role() == Role::Leader) return false;
  TraceEvent e;
  e.kind = TraceKind::Timeout;
  e.node = static_cast<int8_t>(n);
  trace_add(e);
  nodes_[n].timeout_now(now_);
  drain(n);
  if (leader_dirty_) update_leaderless();
  if (!checker_.ok()) halted_ = true;
  return true;
}

void Cluster::cut(NodeId a, NodeId b, bool one_way) { set_links(a, b, one_way, false); }
void Cluster::uncut(NodeId a, NodeId b, bool one_way) { set_links(a, b, one_way, true); }

void Cluster::set_links(NodeId a, NodeId b, bool one_way, bool up) {
  start();
  network_.set_link(a, b, up);
  if (!one_way) network_.set_link(b, a, up);
  TraceEvent e;
  e.kind = up ? TraceKind::Uncut : TraceKind::Cut;
  e.from = static_cast<int8_t>(a);
  e.to = static_cast<int8_t>(b);
  e.extra = one_way;
  trace_add(e);
}

void Cluster::partition(const std::vector<std::vector<NodeId>>& groups) {
  start();
  // Nodes named in no group are each isolated on their own.
  std::array<int, kNodesMax> group{};
  group.fill(-1);
  int g = 0;
  for (const auto& members : groups) {
    for (NodeId n : members) {
      if (n >= 0 && n < config_.nodes) group[n] = g;
    }
    ++g;
  }
  for (NodeId n = 0; n < config_.nodes; ++n) {
    if (group[n] < 0) group[n] = g++;
  }
  network_.heal_links();
  uint64_t packed = 0;
  for (NodeId a = 0; a < config_.nodes; ++a) {
    packed |= static_cast<uint64_t>(group[a] & 0xf) << (4 * a);
    for (NodeId b = 0; b < config_.nodes; ++b) {
      if (group[a] != group[b]) network_.set_link(a, b, false);
    }
  }
  TraceEvent e;
  e.kind = TraceKind::Partition;
  e.a = packed;
  e.b = static_cast<uint64_t>(config_.nodes);
  trace_add(e);
}

void Cluster::heal() {
  start();
  network_.heal_links();
  TraceEvent e;
  e.kind = TraceKind::Heal;
  trace_add(e);
}

bool Cluster::drop_message(MessageId id) {
  start();
  const InFlight* f = network_.find(id);
  if (!f) return false;
  ++metrics_.dropped;
  trace_->add_message(now_, TraceKind::Drop, f->id, f->msg, static_cast<uint8_t>(DropReason::User));
  network_.remove(id);  // it vanishes now
  return true;
}

bool Cluster::duplicate_message(MessageId id) {
  start();
  const InFlight* f = network_.find(id);
  if (!f) return false;
  const Message copy = f->msg;  // push_copy may grow the slot table under `f`
  const Time latency = net_rng_.uniform(config_.network.latency_min_us, config_.network.latency_max_us);
  const uint32_t s = network_.push_copy(now_, now_ + std::max<Time>(1, latency), next_message_id_++, copy);
  const InFlight& d = network_.slot(s);
  ++metrics_.sent[static_cast<int>(d.msg.type)];
  trace_->add_message(now_, TraceKind::Send, d.id, d.msg, 1);
  return true;
}

bool Cluster::delay_message(MessageId id, Time extra_us) {
  start();
  if (extra_us < 0) return false;
  return network_.delay(id, extra_us);
}

void Cluster::set_network(const NetworkConfig& net) {
  start();
  config_.network = net;
  network_.configure(net);
  TraceEvent e;
  e.kind = TraceKind::Network;
  e.a = static_cast<uint64_t>(net.latency_min_us);
  e.b = static_cast<uint64_t>(net.latency_max_us);
  std::memcpy(&e.c, &net.loss, sizeof e.c);  // the probabilities' bits (std::bit_cast is missing in emcc 3.1.6)
  std::memcpy(&e.d, &net.duplicate, sizeof e.d);
  trace_add(e);
}

void Cluster::set_timing(Time election_timeout_min_us, Time election_timeout_max_us, Time heartbeat_interval_us,
                         uint32_t append_entries_max, bool noop_on_election) {
  start();
  config_.election_timeout_min_us = election_timeout_min_us;
  config_.election_timeout_max_us = election_timeout_max_us;
  config_.heartbeat_interval_us = heartbeat_interval_us;
  config_.append_entries_max = append_entries_max;
  config_.noop_on_election = noop_on_election;
  const Timing timing{election_timeout_min_us, election_timeout_max_us, heartbeat_interval_us, append_entries_max,
                      noop_on_election};
  for (Node& n : nodes_) n.reconfigure(timing);
  TraceEvent e;
  e.kind = TraceKind::Timing;
  e.a = static_cast<uint64_t>(election_timeout_min_us);
  e.b = static_cast<uint64_t>(election_timeout_max_us);
  e.c = static_cast<uint64_t>(heartbeat_interval_us);
  e.d = static_cast<uint64_t>(append_entries_max) << 1 | (noop_on_election ? 1 : 0);
  trace_add(e);
}

// ---------------------------------------------------------------------------------------------
// Clients

Cluster::Client& Cluster::client_for_script() {
  for (Client& c : clients_) {
    if (c.scripted && !c.busy) return c;
  }
  Client c;
  c.id = static_cast<ClientId>(clients_.size() + 1);
  c.scripted = true;
  c.rng.reseed(Rng::derive(config_.seed, kStreamClient + c.id));
  clients_.push_back(c);
  return clients_.back();
}

uint64_t Cluster::submit(Command cmd, NodeId via) {
  start();
  Client& c = client_for_script();
  const uint64_t req = invoke(c, std::move(cmd), via);
  if (!checker_.ok()) halted_ = true;
  return req;
}

uint64_t Cluster::invoke(Client& c, Command cmd, NodeId via) {
  cmd.client = c.id;
  cmd.seq = ++c.seq;
  ClientOpRecord rec;
  rec.req = next_req_++;
  rec.client = c.id;
  rec.cmd = std::move(cmd);
  rec.invoke_us = now_;
  ops_.push_back(std::move(rec));
  c.op = static_cast<uint32_t>(ops_.size() - 1);
  c.busy = true;
  c.attempts = 0;
  c.via = via;
  c.via_first = via != kNoNode;
  c.last_issue = now_;
  ++metrics_.ops_invoked;
  TraceEvent e;
  e.kind = TraceKind::Invoke;
  e.ref = c.op;
  e.id = ops_[c.op].req;
  e.node = static_cast<int8_t>(via);
  trace_add(e);
  const uint64_t req = ops_[c.op].req;
  client_try(c);
  return req;
}

void Cluster::client_try(Client& c) {
  c.accepted_by = kNoNode;
  if (++c.attempts > config_.client_attempts_max) {
    client_give_up(c);
    return;
  }
  NodeId target = c.via_first ? c.via : c.leader_guess;
  c.via_first = false;
  if (target == kNoNode) target = (c.last_tried + 1) % config_.nodes;  // try the servers in turn
  c.last_tried = target;
  ClientOpRecord& op = ops_[c.op];
  if (op.first_node == kNoNode) op.first_node = target;
  if (!up_[target]) {
    // Connection refused: try the next server soon.
    c.leader_guess = kNoNode;
    c.wake_at = now_ + 10'000;
    return;
  }
  c.wake_at = now_ + config_.client_timeout_us;  // overwritten if the reply comes at once
  const ProposeResult r = nodes_[target].propose(now_, op.cmd);
  if (r.accepted) {
    c.leader_guess = target;
    c.accepted_by = target;
    drain(target);  // may complete the request at once (a one-node cluster)
    return;
  }
  if (r.leader_hint != kNoNode && r.leader_hint != target) {
    c.leader_guess = r.leader_hint;  // redirected to the leader this server knows
    c.wake_at = now_ + 1'000;
  } else {
    c.leader_guess = kNoNode;  // nobody knows a leader: wait for an election
    c.wake_at = now_ + std::max<Time>(config_.heartbeat_interval_us, 10'000);
  }
}

void Cluster::client_complete(Client& c, const ClientReply& r) {
  ClientOpRecord& op = ops_[c.op];
  op.returned = true;
  op.return_us = now_;
  op.ok = true;
  op.value = r.result.value;
  op.cas_swapped = r.result.cas_swapped;
  ++metrics_.ops_ok;
  metrics_.commit_latencies_us.push_back(now_ - op.invoke_us);
  TraceEvent e;
  e.kind = TraceKind::Return;
  e.ref = c.op;
  e.id = op.req;
  e.flag = 1;
  trace_add(e);
  c.busy = false;
  c.wake_at = kTimeNever;
  if (c.background) {
    const Time interval = workload_.rate_per_s > 0
                              ? static_cast<Time>(1e6 * workload_.clients / workload_.rate_per_s)
                              : 0;
    const Time jitter = interval > 0 ? c.rng.uniform(-interval / 4, interval / 4) : 0;
    // At least a client think time between requests, so a closed loop on a one-node cluster
    // (which answers inside propose) still lets virtual time advance.
    const Time next = std::max(now_ + kClientThinkUs, c.last_issue + interval + jitter);
    c.wake_at = next < workload_.until_us ? next : kTimeNever;
  }
}

void Cluster::client_give_up(Client& c) {
  ClientOpRecord& op = ops_[c.op];
  op.returned = true;
  op.return_us = now_;
  op.ok = false;
  op.definite = false;  // it may still be applied later: the checker treats it as unknown
  ++metrics_.ops_failed;
  TraceEvent e;
  e.kind = TraceKind::Return;
  e.ref = c.op;
  e.id = op.req;
  trace_add(e);
  c.busy = false;
  c.wake_at = c.background && now_ < workload_.until_us ? now_ + kClientThinkUs : kTimeNever;
}

void Cluster::fire_client(Client& c) {
  c.wake_at = kTimeNever;
  if (c.busy) {
    if (c.accepted_by != kNoNode) {
      // Accepted but no reply in time: that leader may be cut off in a minority. Ask the next
      // server, which redirects to the leader it knows.
      c.leader_guess = kNoNode;
      c.accepted_by = kNoNode;
    }
    client_try(c);  // no reply in time, refused or redirected: try again (same seq)
  } else if (c.background && now_ < workload_.until_us) {
    issue_background(c);
  }
}

void Cluster::issue_background(Client& c) {
  Command cmd;
  const int pick = static_cast<int>(c.rng.uniform(0, 99));
  const Workload& w = workload_;
  if (pick < w.put_pct) cmd.op = Op::Put;
  else if (pick < w.put_pct + w.append_pct) cmd.op = Op::Append;
  else if (pick < w.put_pct + w.append_pct + w.cas_pct) cmd.op = Op::Cas;
  else if (pick < w.put_pct + w.append_pct + w.cas_pct + w.delete_pct) cmd.op = Op::Delete;
  else cmd.op = Op::Get;
  cmd.key = "k" + std::to_string(c.rng.uniform(0, std::max(1, w.keys) - 1));
  const RequestSeq seq = c.seq + 1;
  // Values name their writer so that a wrong read is attributable; appends stay short.
  if (cmd.op == Op::Put || cmd.op == Op::Cas) cmd.value = std::to_string(c.id) + "." + std::to_string(seq);
  if (cmd.op == Op::Append) cmd.value = std::to_string(seq % 10);
  if (cmd.op == Op::Cas) cmd.expect = std::to_string(c.id) + "." + std::to_string(seq > 1 ? seq - 1 : 1);
  invoke(c, std::move(cmd), kNoNode);
}

void Cluster::set_workload(const Workload& w) {
  start();
  workload_ = w;
  // Background clients are the first `w.clients` background clients; create what is missing.
  int have = 0;
  for (Client& c : clients_) {
    if (!c.background) continue;
    ++have;
    if (have > w.clients) {
      if (!c.busy) c.wake_at = kTimeNever;
    } else if (!c.busy) {
      c.wake_at = now_ < w.until_us ? now_ : kTimeNever;
    }
  }
  while (have < w.clients) {
    Client c;
    c.id = static_cast<ClientId>(clients_.size() + 1);
    c.background = true;
    c.rng.reseed(Rng::derive(config_.seed, kStreamClient + c.id));
    c.wake_at = now_ < w.until_us ? now_ : kTimeNever;
    clients_.push_back(c);
    ++have;
  }
  // Clients beyond the count stop after their current request.
  int rank = 0;
  for (Client& c : clients_) {
    if (c.background && ++rank > w.clients) c.background = false;  // retired after its current request
  }
}

// ---------------------------------------------------------------------------------------------

uint64_t Cluster::state_hash() const {
  uint64_t h = mix64(static_cast<uint64_t>(now_));
  for (NodeId n = 0; n < config_.nodes; ++n) {
    const Node& node = nodes_[n];
    h = hash_combine(h, up_[n]);
    h = hash_combine(h, static_cast<uint64_t>(node.role()));
    h = hash_combine(h, node.current_term());
    h = hash_combine(h, static_cast<uint64_t>(node.voted_for() + 1));
    h = hash_combine(h, node.commit_index());
    h = hash_combine(h, node.last_applied());
    for (LogIndex i = 1; i <= node.log().last_index(); ++i) {
      const Entry& e = node.log().at(i);
      h = hash_combine(hash_combine(h, e.term), command_digest(e.cmd));
    }
    for (const auto& [k, v] : node.kv().data()) h = hash_bytes(hash_bytes(h, k), v);
  }
  h = hash_combine(h, trace_->hash());
  h = hash_combine(h, metrics_.delivered_total());
  return h;
}

}  // namespace raft::sim
