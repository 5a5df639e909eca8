#include "core/sim/clients.h"

#include <algorithm>
#include <bit>
#include <string>

#include "core/sim/cluster.h"

namespace raft::sim {

namespace {
constexpr uint64_t kStreamClient = 50'000;       // + client id: each client's workload stream
constexpr uint64_t kStreamClientRetry = 60'000;  // + client id: each client's failover stream
uint32_t bit(NodeId n) { return uint32_t{1} << n; }
}  // namespace

Time ClientPool::next_wake() const {
  Time t = kTimeNever;
  for (const Client& c : clients_) t = std::min(t, c.wake_at);
  return t;
}

void ClientPool::fire_next(ClientHost& host) {
  Client* next = nullptr;
  for (Client& c : clients_) {
    if (next == nullptr || c.wake_at < next->wake_at) next = &c;
  }
  RAFT_ASSERT(next != nullptr && next->wake_at <= host.now());
  Client& c = *next;
  c.wake_at = kTimeNever;
  if (c.busy) {
    if (c.accepted_by != kNoNode) {
      // §8 (Client interaction): accepted but no reply in time; that leader may be cut off in a
      // minority or deposed. The client tries again at once (the timeout was the wait) at another,
      // randomly chosen server, and will not follow a redirect back to this one in this round.
      const NodeId silent = c.accepted_by;
      c.accepted_by = kNoNode;
      c.failed_mask |= bit(silent);
      ++c.failures;
      c.leader_guess = pick_untried(c, silent, host.servers());
    }
    attempt(c, host);  // no reply in time, refused or redirected: try again (same seq)
  } else if (c.background && host.now() < workload_.until_us) {
    issue_background(c, host);
  }
}

ClientPool::Client& ClientPool::new_client(ClientHost& host) {
  Client c;
  c.id = static_cast<ClientId>(clients_.size() + 1);
  c.rng.reseed(Rng::derive(host.config().seed, kStreamClient + c.id));
  c.retry_rng.reseed(Rng::derive(host.config().seed, kStreamClientRetry + c.id));
  clients_.push_back(c);
  return clients_.back();
}

ClientPool::Client& ClientPool::client_for_script(ClientHost& host) {
  for (Client& c : clients_) {
    if (c.scripted && !c.busy) return c;
  }
  Client& c = new_client(host);
  c.scripted = true;
  return c;
}

uint64_t ClientPool::submit(Command cmd, NodeId via, ClientHost& host) {
  return invoke(client_for_script(host), std::move(cmd), via, host);
}

uint64_t ClientPool::invoke(Client& c, Command cmd, NodeId via, ClientHost& host) {
  cmd.client = c.id;
  cmd.seq = ++c.seq;
  ClientOpRecord rec;
  rec.req = next_req_++;
  rec.client = c.id;
  rec.cmd = std::move(cmd);
  rec.invoke_us = host.now();
  rec.committed_at_invoke = host.committed_index();
  ops_.push_back(std::move(rec));
  c.op = static_cast<uint32_t>(ops_.size() - 1);
  if (window_ != 0 && ops_.size() > window_) trim_history(window_);
  c.busy = true;
  c.failures = 0;
  c.failed_mask = 0;
  c.deadline = host.now() + host.config().client_deadline_us;
  c.via = via;
  c.via_first = via != kNoNode;
  c.last_issue = host.now();
  ++host.metrics().ops_invoked;
  const uint64_t req = ops_[c.op].req;
  host.record(TraceEvent::invoke(host.now(), c.op, req, via));
  attempt(c, host);
  return req;
}

void ClientPool::attempt(Client& c, ClientHost& host) {
  const ClusterConfig& config = host.config();
  const Time now = host.now();
  c.accepted_by = kNoNode;
  if (now >= c.deadline) {
    give_up(c, host);
    return;
  }
  NodeId target = c.via_first ? c.via : c.leader_guess;
  c.via_first = false;
  if (target == kNoNode) target = (c.last_tried + 1) % host.servers();  // no guess yet: the servers in turn
  c.last_tried = target;
  if (ops_[c.op].first_node == kNoNode) ops_.mut(c.op).first_node = target;
  const ClientOpRecord& op = ops_[c.op];
  if (!host.up(target)) {
    failed_on(c, target, host);  // connection refused
    return;
  }
  c.wake_at = std::min(now + config.client_timeout_us, c.deadline);  // overwritten if the reply comes at once
  const ProposeResult r = host.propose(target, op.cmd);
  if (r.accepted) {
    c.leader_guess = target;
    c.accepted_by = target;
    host.drain(target);  // may complete the request at once (a one-node cluster)
    return;
  }
  // §8: a server that is not the leader names the most recent leader it has heard from. That
  // view may be stale (a crashed leader, or one cut off in a minority), so a redirect to a server
  // this request has just failed on is not followed. The redirecting server is not the leader
  // either: it counts as tried, so two stale views cannot bounce the client between them.
  c.failed_mask |= bit(target);
  if (r.leader_hint != kNoNode && r.leader_hint != target && (c.failed_mask & bit(r.leader_hint)) == 0) {
    c.leader_guess = r.leader_hint;
    c.wake_at = std::min(now + kRetryAfterRedirectUs, c.deadline);
    return;
  }
  failed_on(c, target, host);  // it knows no leader worth trying: an election may be under way
}

void ClientPool::failed_on(Client& c, NodeId server, ClientHost& host) {
  c.failed_mask |= bit(server);
  c.leader_guess = pick_untried(c, server, host.servers());
  // Bounded exponential back-off with jitter (the shift is capped so it cannot overflow).
  const Time d = std::min(kBackoffMaxUs, kBackoffMinUs << std::min(c.failures, 16));
  ++c.failures;
  c.wake_at = std::min(host.now() + c.retry_rng.uniform(d / 2, d), c.deadline);
}

NodeId ClientPool::pick_untried(Client& c, NodeId last_failed, int nodes) {
  const uint32_t all = nodes >= 32 ? ~uint32_t{0} : bit(nodes) - 1;
  if ((c.failed_mask & all) == all) {
    // Every server failed this request in this round: start a new one, avoiding only the server
    // that failed last (unless it is the only one).
    c.failed_mask = nodes > 1 ? bit(last_failed) : 0;
  }
  const int untried = nodes - std::popcount(c.failed_mask & all);
  int k = static_cast<int>(c.retry_rng.uniform(0, untried - 1));
  for (NodeId n = 0; n < nodes; ++n) {
    if ((c.failed_mask & bit(n)) == 0 && k-- == 0) return n;
  }
  return kNoNode;  // unreachable: untried >= 1
}

const ClientOpRecord* ClientPool::on_reply(const ClientReply& r, ClientHost& host) {
  if (r.client == 0 || r.client > clients_.size()) return nullptr;
  Client& c = clients_[r.client - 1];
  if (!c.busy || ops_[c.op].cmd->seq != r.seq) return nullptr;
  complete(c, r, host);
  return &ops_[c.op];
}

void ClientPool::complete(Client& c, const ClientReply& r, ClientHost& host) {
  const Time now = host.now();
  ClientOpRecord& op = ops_.mut(c.op);
  op.returned = true;
  op.return_us = now;
  op.ok = true;
  op.value = r.result.value;
  op.cas_swapped = r.result.cas_swapped;
  op.reply_index = r.index;
  Metrics& metrics = host.metrics();
  ++metrics.ops_ok;
  metrics.commit_latencies_us.add(now - op.invoke_us);
  host.record(TraceEvent::returned(now, c.op, op.req, true));
  c.busy = false;
  c.wake_at = kTimeNever;
  if (c.background) {
    const Time interval = workload_.rate_per_s > 0
                              ? static_cast<Time>(1e6 * workload_.clients / workload_.rate_per_s)
                              : 0;
    const Time jitter = interval > 0 ? c.rng.uniform(-interval / 4, interval / 4) : 0;
    const Time next = std::max(now + kClientThinkUs, c.last_issue + interval + jitter);
    c.wake_at = next < workload_.until_us ? next : kTimeNever;
  }
}

void ClientPool::give_up(Client& c, ClientHost& host) {
  const Time now = host.now();
  ClientOpRecord& op = ops_.mut(c.op);
  op.returned = true;
  op.return_us = now;
  op.ok = false;
  op.definite = false;  // it may still be applied later: the checker treats it as unknown
  ++host.metrics().ops_failed;
  host.record(TraceEvent::returned(now, c.op, op.req, false));
  c.busy = false;
  c.wake_at = c.background && now < workload_.until_us ? now + kClientThinkUs : kTimeNever;
}

void ClientPool::trim_history(size_t keep) {
  if (ops_.size() <= keep) return;
  size_t below = ops_.size() - keep;
  for (const Client& c : clients_) {
    if (c.busy) below = std::min<size_t>(below, c.op);
  }
  ops_.release_below(below);
}

void ClientPool::issue_background(Client& c, ClientHost& host) {
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
  invoke(c, std::move(cmd), kNoNode, host);
}

void ClientPool::set_workload(const Workload& w, ClientHost& host) {
  const Time now = host.now();
  workload_ = w;
  // Background clients are the first `w.clients` background clients; create what is missing.
  int have = 0;
  for (Client& c : clients_) {
    if (!c.background) continue;
    ++have;
    if (have > w.clients) {
      if (!c.busy) c.wake_at = kTimeNever;
    } else if (!c.busy) {
      c.wake_at = now < w.until_us ? now : kTimeNever;
    }
  }
  while (have < w.clients) {
    Client& c = new_client(host);
    c.background = true;
    c.wake_at = now < w.until_us ? now : kTimeNever;
    ++have;
  }
  // Clients beyond the count stop after their current request.
  int rank = 0;
  for (Client& c : clients_) {
    if (c.background && ++rank > w.clients) c.background = false;  // retired after its current request
  }
}

}  // namespace raft::sim
