// Disk write latency (issue 11): a server's outputs wait for the writes they depend on (Figure 2:
// persist before responding), and a crash before a write completes loses it.
#include <doctest/doctest.h>

#include <functional>

#include "core/sim/cluster.h"
#include "core/sim/scenario.h"

using namespace raft;
using namespace raft::sim;

namespace {

ClusterConfig slow_disk(int nodes, Time disk_us) {
  ClusterConfig c;
  c.nodes = nodes;
  c.seed = 11;
  c.network.latency_min_us = c.network.latency_max_us = 1'000;
  c.disk = DiskConfig{disk_us, disk_us};
  return c;
}

bool step_until(Cluster& c, const std::function<bool()>& pred, Time us_max) {
  const Time end = c.now() + us_max;
  while (c.now() < end && c.ok() && !pred()) {
    if (c.next_event_time() > end) break;
    c.step();
  }
  return pred();
}

Command put(const char* k, const char* v) {
  Command c;
  c.op = Op::Put;
  c.key = k;
  c.value = v;
  return c;
}

// The first AppendEntries that carries entry `index`, as the trace saw it leave: its send time.
Time first_send_of_entry(const Cluster& c, LogIndex index) {
  for (size_t i = c.trace().events().first(); i < c.trace().size(); ++i) {
    const TraceEvent& e = c.trace().events()[i];
    if (e.kind == TraceKind::Send && e.message_type() == MessageType::AppendEntries && e.prev_log_index() < index &&
        e.prev_log_index() + e.entry_count() >= index) {
      return e.t;
    }
  }
  return kTimeNever;
}

}  // namespace

TEST_CASE("disk latency: the leader's AppendEntries for a new entry leave once its write is done") {
  Cluster c(slow_disk(3, 10'000));
  REQUIRE(step_until(c, [&] { return c.leader() != kNoNode; }, 5'000'000));
  const NodeId l = c.leader();
  // Past the leader's first round (its no-op committed, the followers' progress known), so the
  // next entry goes out at once rather than after a probe's answer.
  REQUIRE(step_until(c, [&] { return c.node(l).commit_index() == c.node(l).log().last_index() && c.writes_pending(l) == 0; }, 1'000'000));
  const Time t0 = c.now();
  c.submit(put("k", "v"), l);
  const LogIndex index = c.node(l).log().last_index();
  CHECK(c.writes_pending(l) == 1);
  CHECK(c.write_done_at(l) == t0 + 10'000);
  REQUIRE(step_until(c, [&] { return c.node(l).commit_index() >= index; }, 1'000'000));
  // Sent after the leader's write (10 ms); committed after a follower's write and the round trip.
  CHECK(first_send_of_entry(c, index) == t0 + 10'000);
  CHECK(c.now() == t0 + 10'000 + 1'000 + 10'000 + 1'000);
  CHECK(c.ok());
}

TEST_CASE("disk latency: a crash before the write completes loses the entry, and the checker agrees") {
  Cluster c(slow_disk(3, 10'000));
  REQUIRE(step_until(c, [&] { return c.leader() != kNoNode; }, 5'000'000));
  REQUIRE(step_until(c, [&] { return c.writes_pending(c.leader()) == 0; }, 1'000'000));
  const NodeId l = c.leader();
  const LogIndex before = c.node(l).log().last_index();
  const Term term = c.node(l).current_term();
  c.submit(put("k", "lost"), l);
  REQUIRE(c.node(l).log().last_index() == before + 1);
  c.run_for(5'000);  // half way through the write
  c.crash(l);
  c.restart(l);
  CHECK(c.node(l).log().last_index() == before);
  CHECK(c.node(l).current_term() == term);
  CHECK(c.writes_pending(l) == 0);
  // No other server ever saw the entry: its AppendEntries waited for the lost write.
  for (NodeId n = 0; n < c.size(); ++n) CHECK(c.node(n).log().last_index() == before);
  c.run_for(3'000'000);
  CHECK(c.ok());
  CHECK(c.leader() != kNoNode);
}

TEST_CASE("disk latency: a vote lost in a crash lets the server vote again in that term, safely") {
  // s1 times out and votes for itself (a write); it crashes before the write completes, so its
  // RequestVotes never leave and it comes back with neither the term nor the vote.
  Cluster c(slow_disk(3, 10'000));
  c.timeout(0);
  CHECK(c.node(0).current_term() == 1);
  CHECK(c.writes_pending(0) == 1);
  CHECK(c.network().in_flight() == 0);
  c.crash(0);
  c.restart(0);
  CHECK(c.node(0).current_term() == 0);
  CHECK(c.node(0).voted_for() == kNoNode);
  c.timeout(1);  // s2 campaigns in term 1; s1 may grant it: its earlier vote never happened
  REQUIRE(step_until(c, [&] { return c.leader() != kNoNode; }, 5'000'000));
  CHECK(c.ok());
}

TEST_CASE("disk latency: `disk_latency` reads, prints and is off by default") {
  Scenario on;
  REQUIRE(!parse_scenario("nodes 3\ndisk_latency 5ms 10ms\nrun 1s\n", "t.raft", on));
  CHECK(on.config.disk.write_min_us == 5'000);
  CHECK(on.config.disk.write_max_us == 10'000);
  CHECK(format_scenario(on).find("disk_latency 5ms 10ms\n") != std::string::npos);
  Scenario off;
  REQUIRE(!parse_scenario("nodes 3\nrun 1s\n", "t.raft", off));
  CHECK(!off.config.disk.on());
  CHECK(format_scenario(off).find("disk_latency") == std::string::npos);
  Scenario bad;
  const auto err = parse_scenario("nodes 3\ndisk_latency 10ms 5ms\n", "t.raft", bad);
  REQUIRE(err);
  CHECK(err->to_string().find("the disk latency's minimum (10ms) is above its maximum (5ms)") != std::string::npos);
}

TEST_CASE("disk latency: a one-server leader commits an entry only once its own write is done") {
  // Found by review: the leader counted its own log as it grew, committed at once, and a crash
  // mid-write then lost a committed entry (a false Leader Completeness violation after restart).
  Cluster c(slow_disk(1, 10'000));
  REQUIRE(step_until(c, [&] { return c.leader() == 0 && c.writes_pending(0) == 0; }, 5'000'000));
  const LogIndex committed = c.node(0).commit_index();
  c.submit(put("x", "1"), 0);
  CHECK(c.node(0).commit_index() == committed);  // not before the write
  c.run_for(3'000);
  c.crash(0);
  c.restart(0);
  CHECK(c.node(0).log().last_index() == committed);
  REQUIRE(step_until(c, [&] { return c.leader() == 0 && c.node(0).commit_index() == c.node(0).log().last_index() && c.writes_pending(0) == 0; }, 5'000'000));
  CHECK(c.ok());
  // Without a crash the entry commits when the write completes, 10 ms after it was appended.
  const Time t0 = c.now();
  c.submit(put("y", "2"), 0);
  const LogIndex index = c.node(0).log().last_index();
  REQUIRE(step_until(c, [&] { return c.node(0).commit_index() >= index; }, 1'000'000));
  CHECK(c.now() == t0 + 10'000);
  CHECK(c.ok());
}
