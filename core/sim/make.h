// Statement builders: every user action and check as a scenario Statement, written once. The UI
// (clicks, keys), the JS API, the fuzzer and the tests build statements only through these, so a
// statement's representation can change without touching them. Node ids are 0-based.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sim/scenario.h"

namespace raft::sim::make {

// ---- actions ----
Statement run(Time us);
Statement crash(NodeId n);
Statement crash_leader();
Statement restart(NodeId n);
Statement timeout(NodeId n);
// §3.10: the leader hands leadership to `n`.
Statement transfer(NodeId n);
// Groups of nodes that can talk among themselves; nodes in no group are isolated.
Statement partition(std::vector<std::vector<NodeId>> groups);
// `n` alone on one side, everyone else together.
Statement isolate(NodeId n, int nodes);
// Nodes whose bit is set in `mask` on one side, the rest on the other.
Statement split_off(uint32_t mask, int nodes);
Statement cut(NodeId a, NodeId b, bool one_way = false);
Statement uncut(NodeId a, NodeId b, bool one_way = false);
Statement heal();
// A client operation from a scripted client, sent to `via` or to the leader the client believes in.
Statement client_op(Command cmd, NodeId via = kNoNode);
// A put numbered by the caller so values are distinct: put u(N%5) = N.
Statement client_request(NodeId via, uint64_t number);
// A read of the key the user's latest request wrote ("u" + number % 5), sent to `via`.
Statement client_read(NodeId via, uint64_t number);
// Background client load for `for_us` (kTimeNever: until changed).
Statement clients(const Workload& w, Time for_us = kTimeNever);
// Background client load: `on` with `rate_per_s` requests per second in total (0 = closed loop).
Statement client_load(bool on, double rate_per_s);
// The number of background clients used for a rate (each has one request outstanding).
int clients_for_rate(double rate_per_s);
Statement drop_message(uint64_t id);
Statement duplicate_message(uint64_t id);
Statement delay_message(uint64_t id, Time extra_us);
// ---- settings while running ----
Statement set_latency(Time min_us, Time max_us);
Statement set_disk_latency(Time min_us, Time max_us);
Statement set_loss(double p);
Statement set_duplicate(double p);
Statement set_election_timeout(Time min_us, Time max_us);
Statement set_heartbeat(Time us);
Statement set_noop(bool on);
Statement set_append_max(uint32_t entries);
Statement set_read_mode(ReadMode mode);
Statement clock_drift(NodeId n, int rate_permille);
// kTimingSwitches[index] on or off (`prevote on`, `forget_vote off`, ...); 0 <= index < kTimingSwitchCount.
Statement set_switch(int index, bool on);
Statement set_prevote(bool on);
Statement set_check_quorum(bool on);
Statement set_forget_vote(bool on);
Statement set_membership_bug_2015(bool on);
// ---- membership (dissertation ch. 4) ----
// `n` must be the next new server, cluster.size().
Statement add_server(NodeId n);
Statement remove_server(NodeId n);
Statement set_snapshot_every(uint32_t entries);  // 0: off
Statement set_snapshot_chunk(uint32_t bytes);
// ---- log compaction ----
Statement take_snapshot(NodeId n);

// ---- checks ----
Statement expect_leader();
Statement expect_leader_is(NodeId n);
Statement expect_no_leader();
Statement expect_value(std::string key, std::optional<std::string> value);
Statement expect_voters(std::vector<NodeId> nodes);
Statement expect_learners(std::vector<NodeId> nodes);
// The run stopped at a violation of `property` (as the checker names it: "Election Safety").
Statement expect_violation(std::string property);
Statement expect_snapshot(NodeId n, Cmp cmp, LogIndex index);

}  // namespace raft::sim::make
