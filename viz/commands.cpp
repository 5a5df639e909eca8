#include "viz/commands.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace raft::viz {

namespace {
sim::Statement make(sim::Statement::Kind k) {
  sim::Statement s;
  s.kind = k;
  return s;
}
using K = sim::Statement::Kind;
}  // namespace

Action apply_action(sim::Statement s) {
  Action a;
  a.kind = Action::Kind::Apply;
  a.statement = std::move(s);
  return a;
}

Action seek_action(Time t) {
  Action a;
  a.kind = Action::Kind::Seek;
  a.t = t;
  return a;
}

Action simple_action(Action::Kind k) {
  Action a;
  a.kind = k;
  return a;
}

sim::Statement crash(NodeId n) {
  sim::Statement s = make(K::Crash);
  s.node = n;
  return s;
}

sim::Statement crash_leader() { return make(K::CrashLeader); }

sim::Statement restart(NodeId n) {
  sim::Statement s = make(K::Restart);
  s.node = n;
  return s;
}

sim::Statement timeout(NodeId n) {
  sim::Statement s = make(K::Timeout);
  s.node = n;
  return s;
}

sim::Statement client_request(NodeId via, uint64_t number) {
  sim::Statement s = make(K::ClientOp);
  s.cmd.op = Op::Put;
  s.cmd.key = "u" + std::to_string(number % 5);
  s.cmd.value = std::to_string(number);
  s.via = via;
  return s;
}

sim::Statement isolate(NodeId n, int nodes) {
  sim::Statement s = make(K::Partition);
  s.groups.resize(2);
  s.groups[0].push_back(n);
  for (NodeId i = 0; i < nodes; ++i) {
    if (i != n) s.groups[1].push_back(i);
  }
  if (s.groups[1].empty()) s.groups.pop_back();
  return s;
}

sim::Statement split_off(uint32_t mask, int nodes) {
  sim::Statement s = make(K::Partition);
  s.groups.resize(2);
  for (NodeId i = 0; i < nodes; ++i) s.groups[(mask >> i) & 1u ? 0 : 1].push_back(i);
  s.groups.erase(std::remove_if(s.groups.begin(), s.groups.end(), [](const auto& g) { return g.empty(); }), s.groups.end());
  return s;
}

sim::Statement cut(NodeId a, NodeId b, bool one_way) {
  sim::Statement s = make(K::Cut);
  s.node = a;
  s.node2 = b;
  s.one_way = one_way;
  return s;
}

sim::Statement uncut(NodeId a, NodeId b, bool one_way) {
  sim::Statement s = cut(a, b, one_way);
  s.kind = K::Uncut;
  return s;
}

sim::Statement heal() { return make(K::Heal); }

sim::Statement drop_message(uint64_t id) {
  sim::Statement s = make(K::DropMessage);
  s.number = id;
  return s;
}

sim::Statement duplicate_message(uint64_t id) {
  sim::Statement s = make(K::DuplicateMessage);
  s.number = id;
  return s;
}

sim::Statement delay_message(uint64_t id, Time extra_us) {
  sim::Statement s = make(K::DelayMessage);
  s.number = id;
  s.us = extra_us;
  return s;
}

sim::Statement set_latency(Time min_us, Time max_us) {
  sim::Statement s = make(K::SetLatency);
  s.us = std::min(min_us, max_us);
  s.us2 = std::max(min_us, max_us);
  return s;
}

sim::Statement set_loss(double p) {
  sim::Statement s = make(K::SetLoss);
  s.prob = std::clamp(p, 0.0, 1.0);
  return s;
}

sim::Statement set_duplicate(double p) {
  sim::Statement s = make(K::SetDuplicate);
  s.prob = std::clamp(p, 0.0, 1.0);
  return s;
}

sim::Statement set_election_timeout(Time min_us, Time max_us) {
  sim::Statement s = make(K::SetElectionTimeout);
  s.us = min_us;
  s.us2 = max_us;
  return s;
}

sim::Statement set_heartbeat(Time us) {
  sim::Statement s = make(K::SetHeartbeat);
  s.us = us;
  return s;
}

sim::Statement set_noop(bool on) {
  sim::Statement s = make(K::SetNoop);
  s.flag = on;
  return s;
}

int clients_for_rate(double rate_per_s) {
  if (!(rate_per_s > 0)) return 0;
  // About five requests per second per client keeps each one's single outstanding request
  // from throttling the total rate at ordinary latencies.
  return std::clamp(static_cast<int>(std::ceil(rate_per_s / 5.0)), 1, 64);
}

sim::Statement client_load(bool on, double rate_per_s) {
  sim::Statement s = make(K::Clients);
  s.workload.clients = on ? clients_for_rate(rate_per_s) : 0;
  s.workload.rate_per_s = on ? rate_per_s : 0;
  s.us = kTimeNever;  // for ever
  return s;
}

sim::ClusterConfig default_config() {
  sim::ClusterConfig c;
  c.nodes = 5;
  c.seed = 1;
  return c;
}

}  // namespace raft::viz
