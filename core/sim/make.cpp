// Statement builders: every user action as a scenario Statement, written once.
#include "core/sim/make.h"

#include <utility>

#include <algorithm>
#include <cmath>
#include <string>

namespace raft::sim::make {

Statement run(Time us) { return stmt::Run{us}; }
Statement crash(NodeId n) { return stmt::Crash{n}; }
Statement crash_leader() { return stmt::CrashLeader{}; }
Statement restart(NodeId n) { return stmt::Restart{n}; }
Statement timeout(NodeId n) { return stmt::Timeout{n}; }
Statement transfer(NodeId n) { return stmt::Transfer{n}; }
Statement partition(std::vector<std::vector<NodeId>> groups) { return stmt::Partition{std::move(groups)}; }

Statement isolate(NodeId n, int nodes) {
  std::vector<std::vector<NodeId>> groups(2);
  groups[0].push_back(n);
  for (NodeId i = 0; i < nodes; ++i) {
    if (i != n) groups[1].push_back(i);
  }
  if (groups[1].empty()) groups.pop_back();
  return stmt::Partition{std::move(groups)};
}

Statement split_off(uint32_t mask, int nodes) {
  std::vector<std::vector<NodeId>> groups(2);
  for (NodeId i = 0; i < nodes; ++i) groups[(mask >> i) & 1u ? 0 : 1].push_back(i);
  std::erase_if(groups, [](const std::vector<NodeId>& g) { return g.empty(); });
  return stmt::Partition{std::move(groups)};
}

Statement cut(NodeId a, NodeId b, bool one_way) { return stmt::Cut{a, b, one_way}; }
Statement uncut(NodeId a, NodeId b, bool one_way) { return stmt::Uncut{a, b, one_way}; }
Statement heal() { return stmt::Heal{}; }
Statement client_op(Command cmd, NodeId via) { return stmt::ClientOp{std::move(cmd), via}; }

Statement client_request(NodeId via, uint64_t number) {
  Command cmd;
  cmd.op = Op::Put;
  cmd.key = "u" + std::to_string(number % 5);
  cmd.value = std::to_string(number);
  return stmt::ClientOp{std::move(cmd), via};
}

Statement client_read(NodeId via, uint64_t number) {
  Command cmd;
  cmd.op = Op::Get;
  cmd.key = "u" + std::to_string(number % 5);
  return stmt::ClientOp{std::move(cmd), via};
}

Statement clients(const Workload& w, Time for_us) { return stmt::Clients{w, for_us}; }

int clients_for_rate(double rate_per_s) {
  if (!(rate_per_s > 0)) return 0;
  // About five requests per second per client keeps each one's single outstanding request
  // from throttling the total rate at ordinary latencies.
  return std::clamp(static_cast<int>(std::ceil(rate_per_s / 5.0)), 1, 64);
}

Statement client_load(bool on, double rate_per_s) {
  Workload w;
  w.clients = on ? clients_for_rate(rate_per_s) : 0;
  w.rate_per_s = on ? rate_per_s : 0;
  return stmt::Clients{w, kTimeNever};
}

Statement drop_message(uint64_t id) { return stmt::DropMessage{id}; }
Statement duplicate_message(uint64_t id) { return stmt::DuplicateMessage{id}; }
Statement delay_message(uint64_t id, Time extra_us) { return stmt::DelayMessage{id, extra_us}; }

Statement set_latency(Time min_us, Time max_us) { return stmt::Latency{std::min(min_us, max_us), std::max(min_us, max_us)}; }
Statement set_disk_latency(Time min_us, Time max_us) {
  return stmt::DiskLatency{std::max<Time>(0, std::min(min_us, max_us)), std::max<Time>(0, std::max(min_us, max_us))};
}
Statement set_loss(double p) { return stmt::Loss{std::clamp(p, 0.0, 1.0)}; }
Statement set_duplicate(double p) { return stmt::Duplicate{std::clamp(p, 0.0, 1.0)}; }
Statement set_election_timeout(Time min_us, Time max_us) { return stmt::ElectionTimeout{min_us, max_us}; }
Statement set_heartbeat(Time us) { return stmt::Heartbeat{us}; }
Statement set_noop(bool on) { return stmt::Noop{on}; }
Statement set_append_max(uint32_t entries) { return stmt::AppendMax{entries}; }
Statement set_snapshot_every(uint32_t entries) { return stmt::SnapshotEvery{entries}; }
Statement set_snapshot_chunk(uint32_t bytes) { return stmt::SnapshotChunk{bytes}; }
Statement take_snapshot(NodeId n) { return stmt::TakeSnapshot{n}; }
Statement set_read_mode(ReadMode mode) { return stmt::ReadModeSetting{mode}; }
Statement clock_drift(NodeId n, int rate_permille) { return stmt::ClockDrift{n, rate_permille}; }

namespace {
template <int... I>
Statement switch_statement(int index, bool on, std::integer_sequence<int, I...>) {
  Statement s;
  ((index == I ? (s = stmt::Switch<I>{on}, 0) : 0), ...);
  return s;
}
}  // namespace

Statement set_switch(int index, bool on) {
  RAFT_ASSERT(index >= 0 && index < kTimingSwitchCount);
  return switch_statement(index, on, std::make_integer_sequence<int, kTimingSwitchCount>{});
}
Statement set_prevote(bool on) { return stmt::PreVote{on}; }
Statement set_check_quorum(bool on) { return stmt::CheckQuorum{on}; }
Statement set_forget_vote(bool on) { return stmt::ForgetVote{on}; }

Statement expect_leader() { return stmt::ExpectLeader{}; }
Statement expect_leader_is(NodeId n) { return stmt::ExpectLeaderIs{n}; }
Statement expect_no_leader() { return stmt::ExpectNoLeader{}; }
Statement expect_value(std::string key, std::optional<std::string> value) {
  return stmt::ExpectValue{std::move(key), std::move(value)};
}
Statement expect_violation(std::string property) { return stmt::ExpectViolation{std::move(property)}; }
Statement expect_snapshot(NodeId n, Cmp cmp, LogIndex index) { return stmt::ExpectSnapshot{n, cmp, index}; }

Statement set_membership_bug_2015(bool on) { return stmt::MembershipBug2015{on}; }
Statement add_server(NodeId n) { return stmt::AddServer{n}; }
Statement remove_server(NodeId n) { return stmt::RemoveServer{n}; }
Statement expect_voters(std::vector<NodeId> nodes) {
  std::sort(nodes.begin(), nodes.end());
  return stmt::ExpectVoters{std::move(nodes)};
}
Statement expect_learners(std::vector<NodeId> nodes) {
  std::sort(nodes.begin(), nodes.end());
  return stmt::ExpectLearners{std::move(nodes)};
}

}  // namespace raft::sim::make
