// Statement builders: every user action as a scenario Statement, written once. The UI, the JS API,
// the fuzzer and the tests build statements only through these.
#include "core/sim/make.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace raft::sim::make {

namespace {
Statement make_kind(Statement::Kind k) {
  Statement s;
  s.kind = k;
  return s;
}
using K = Statement::Kind;
}  // namespace

Statement run(Time us) {
  Statement s = make_kind(K::Run);
  s.us = us;
  return s;
}

Statement crash(NodeId n) {
  Statement s = make_kind(K::Crash);
  s.node = n;
  return s;
}

Statement crash_leader() { return make_kind(K::CrashLeader); }

Statement restart(NodeId n) {
  Statement s = make_kind(K::Restart);
  s.node = n;
  return s;
}

Statement timeout(NodeId n) {
  Statement s = make_kind(K::Timeout);
  s.node = n;
  return s;
}

Statement partition(std::vector<std::vector<NodeId>> groups) {
  Statement s = make_kind(K::Partition);
  s.groups = std::move(groups);
  return s;
}

Statement client_op(Command cmd, NodeId via) {
  Statement s = make_kind(K::ClientOp);
  s.cmd = std::move(cmd);
  s.via = via;
  return s;
}

Statement clients(const Workload& w, Time for_us) {
  Statement s = make_kind(K::Clients);
  s.workload = w;
  s.us = for_us;
  return s;
}

Statement client_request(NodeId via, uint64_t number) {
  Statement s = make_kind(K::ClientOp);
  s.cmd.op = Op::Put;
  s.cmd.key = "u" + std::to_string(number % 5);
  s.cmd.value = std::to_string(number);
  s.via = via;
  return s;
}

Statement isolate(NodeId n, int nodes) {
  Statement s = make_kind(K::Partition);
  s.groups.resize(2);
  s.groups[0].push_back(n);
  for (NodeId i = 0; i < nodes; ++i) {
    if (i != n) s.groups[1].push_back(i);
  }
  if (s.groups[1].empty()) s.groups.pop_back();
  return s;
}

Statement split_off(uint32_t mask, int nodes) {
  Statement s = make_kind(K::Partition);
  s.groups.resize(2);
  for (NodeId i = 0; i < nodes; ++i) s.groups[(mask >> i) & 1u ? 0 : 1].push_back(i);
  s.groups.erase(std::remove_if(s.groups.begin(), s.groups.end(), [](const auto& g) { return g.empty(); }), s.groups.end());
  return s;
}

Statement cut(NodeId a, NodeId b, bool one_way) {
  Statement s = make_kind(K::Cut);
  s.node = a;
  s.node2 = b;
  s.one_way = one_way;
  return s;
}

Statement uncut(NodeId a, NodeId b, bool one_way) {
  Statement s = cut(a, b, one_way);
  s.kind = K::Uncut;
  return s;
}

Statement heal() { return make_kind(K::Heal); }

Statement drop_message(uint64_t id) {
  Statement s = make_kind(K::DropMessage);
  s.number = id;
  return s;
}

Statement duplicate_message(uint64_t id) {
  Statement s = make_kind(K::DuplicateMessage);
  s.number = id;
  return s;
}

Statement delay_message(uint64_t id, Time extra_us) {
  Statement s = make_kind(K::DelayMessage);
  s.number = id;
  s.us = extra_us;
  return s;
}

Statement set_latency(Time min_us, Time max_us) {
  Statement s = make_kind(K::SetLatency);
  s.us = std::min(min_us, max_us);
  s.us2 = std::max(min_us, max_us);
  return s;
}

Statement set_loss(double p) {
  Statement s = make_kind(K::SetLoss);
  s.prob = std::clamp(p, 0.0, 1.0);
  return s;
}

Statement set_duplicate(double p) {
  Statement s = make_kind(K::SetDuplicate);
  s.prob = std::clamp(p, 0.0, 1.0);
  return s;
}

Statement set_election_timeout(Time min_us, Time max_us) {
  Statement s = make_kind(K::SetElectionTimeout);
  s.us = min_us;
  s.us2 = max_us;
  return s;
}

Statement set_heartbeat(Time us) {
  Statement s = make_kind(K::SetHeartbeat);
  s.us = us;
  return s;
}

Statement set_noop(bool on) {
  Statement s = make_kind(K::SetNoop);
  s.flag = on;
  return s;
}

Statement set_append_max(uint32_t entries) {
  Statement s = make_kind(K::SetAppendMax);
  s.number = entries;
  return s;
}

Statement expect_leader() { return make_kind(K::ExpectLeader); }

Statement expect_leader_is(NodeId n) {
  Statement s = make_kind(K::ExpectLeaderIs);
  s.node2 = n;
  return s;
}

Statement expect_no_leader() { return make_kind(K::ExpectNoLeader); }

Statement expect_value(std::string key, std::optional<std::string> value) {
  Statement s = make_kind(K::ExpectValue);
  s.key = std::move(key);
  s.value = std::move(value);
  return s;
}

int clients_for_rate(double rate_per_s) {
  if (!(rate_per_s > 0)) return 0;
  // About five requests per second per client keeps each one's single outstanding request
  // from throttling the total rate at ordinary latencies.
  return std::clamp(static_cast<int>(std::ceil(rate_per_s / 5.0)), 1, 64);
}

Statement client_load(bool on, double rate_per_s) {
  Statement s = make_kind(K::Clients);
  s.workload.clients = on ? clients_for_rate(rate_per_s) : 0;
  s.workload.rate_per_s = on ? rate_per_s : 0;
  s.us = kTimeNever;  // for ever
  return s;
}

}  // namespace raft::sim::make
