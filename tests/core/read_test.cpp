// Reads without the log (dissertation §6.4 ReadIndex, §6.4.1 leases) and clock drift, hand-stepped
// on one node, then in a simulated cluster with the linearizability checker.
#include <doctest/doctest.h>

#include "core/sim/cluster.h"
#include "core/sim/linearizability.h"
#include "core/sim/make.h"
#include "core/sim/scenario.h"
#include "tests/core/raft_test_util.h"

using namespace raft;
using namespace raft::test;

namespace {

Command get(ClientId client, RequestSeq seq, const char* key) {
  Command c;
  c.op = Op::Get;
  c.client = client;
  c.seq = seq;
  c.key = key;
  return c;
}

// s1 leads term 1 of three servers with log [1 1(no-op)], both entries committed (s2 acknowledged).
Node committed_leader(ReadMode mode) {
  Node n = make_leader(0, 3, 0, {}, /*noop=*/false);
  Command put;
  put.op = Op::Put;
  put.client = 9;
  put.seq = 1;
  put.key = "x";
  put.value = "1";
  REQUIRE(propose(n, 0, put).accepted);
  n.clear_output();
  step(n, 0, append_response(1, 0, 1, true, 1));
  REQUIRE(n.commit_index() == 1);
  n.clear_output();
  Timing t = n.config().timing;
  t.read_mode = mode;
  n.reconfigure(t);
  return n;
}

Message ack(NodeId from, uint64_t round, LogIndex match, Term term = 1) {
  Message m = append_response(from, 0, term, true, match);
  m.read_round = round;
  return m;
}

}  // namespace

TEST_CASE("ReadIndex: a read is answered once a majority acknowledges a heartbeat round sent after it") {
  Node n = committed_leader(ReadMode::ReadIndex);
  const ProposeResult r = propose(n, 1000, get(7, 1, "x"));
  CHECK(r.accepted);
  CHECK(n.log().last_index() == 1);  // no log entry for the read
  CHECK(n.replies().empty());
  CHECK(n.reads_waiting() == 1);
  const std::vector<Message> out = take(n);
  REQUIRE(out.size() == 2);  // a heartbeat to each follower, carrying round 1
  CHECK(out[0].type == MessageType::AppendEntries);
  CHECK(out[0].read_round == 1);
  CHECK(out[1].read_round == 1);

  step(n, 2000, ack(2, 1, 1));  // the leader and s3: a majority of three
  REQUIRE(n.replies().size() == 1);
  CHECK(n.replies()[0].client == 7);
  CHECK(n.replies()[0].seq == 1);
  CHECK(n.replies()[0].index == 1);  // the readIndex: commitIndex when the read arrived
  CHECK(n.replies()[0].result.value == std::optional<std::string>("1"));
  CHECK(n.reads_waiting() == 0);
}

TEST_CASE("ReadIndex: an acknowledgement of an earlier round confirms nothing; a rejection of the same term does") {
  Node n = committed_leader(ReadMode::ReadIndex);
  propose(n, 1000, get(7, 1, "x"));  // round 1
  propose(n, 1000, get(7, 2, "x"));  // round 2
  n.clear_output();
  step(n, 2000, ack(1, 1, 1));
  CHECK(n.replies().size() == 1);  // round 1 only
  CHECK(n.replies()[0].seq == 1);
  n.clear_output();
  Message reject = append_response(2, 0, 1, false, 5, 0, 2);
  reject.read_round = 2;
  step(n, 2000, reject);  // "I follow you in term 1, but my log is shorter"
  REQUIRE(n.replies().size() == 1);
  CHECK(n.replies()[0].seq == 2);
}

TEST_CASE("ReadIndex: a new leader answers no read before it commits an entry of its own term") {
  // s1 leads term 2 with an entry of term 1 it cannot yet know to be committed (no no-op).
  Node n = make_leader(0, 3, 1, {1}, /*noop=*/false);
  Timing t = n.config().timing;
  t.read_mode = ReadMode::ReadIndex;
  n.reconfigure(t);
  propose(n, 0, get(7, 1, "k"));
  n.clear_output();
  step(n, 1000, ack(1, 1, 0, 2));  // leadership confirmed, but readIndex is unknown
  CHECK(n.replies().empty());
  CHECK(n.reads_waiting() == 1);
  Command put;
  put.op = Op::Put;
  put.client = 9;
  put.seq = 1;
  put.key = "k";
  put.value = "2";
  propose(n, 1000, put);  // index 2, term 2
  n.clear_output();
  step(n, 2000, ack(1, 1, 2, 2));  // commits index 2 (and 1 with it)
  REQUIRE(n.replies().size() == 2);  // the read, then the put
  CHECK(n.replies()[0].seq == 1);
  CHECK(n.replies()[0].index == 2);
  CHECK(n.replies()[0].result.value == std::optional<std::string>("2"));
}

TEST_CASE("ReadIndex: a deposed leader drops its waiting reads") {
  Node n = committed_leader(ReadMode::ReadIndex);
  propose(n, 1000, get(7, 1, "x"));
  n.clear_output();
  Message later = append_entries(1, 0, 2, 1, 1, {}, 1);
  step(n, 2000, later);
  CHECK(n.role() == Role::Follower);
  CHECK(n.reads_waiting() == 0);
  CHECK(n.replies().empty());
}

TEST_CASE("Lease: within the lease a read is answered at once, without a round; after it, a round is needed") {
  Node n = committed_leader(ReadMode::Lease);
  propose(n, 1000, get(7, 1, "x"));  // no lease yet: round 1, started at 1000us
  n.clear_output();
  step(n, 3000, ack(1, 1, 1));
  REQUIRE(n.replies().size() == 1);
  n.clear_output();
  // The lease runs from the round's start for the minimum election timeout (150ms) divided by the
  // drift bound (1.1): 136.363ms.
  CHECK(n.lease_until() == 1000 + 136'363);
  propose(n, 137'000, get(7, 2, "x"));
  CHECK(n.replies().size() == 1);  // at once
  CHECK(take(n).empty());          // and without a message
  n.clear_output();
  propose(n, 137'364, get(7, 3, "x"));  // the lease has run out
  CHECK(n.replies().empty());
  CHECK(n.reads_waiting() == 1);
}

TEST_CASE("Lease: a slow clock stretches the lease in real time") {
  Node n = committed_leader(ReadMode::Lease);
  n.set_clock_rate(500);  // half as fast: 150ms on its clock is 300ms of real time
  propose(n, 1000, get(7, 1, "x"));
  n.clear_output();
  step(n, 3000, ack(1, 1, 1));
  CHECK(n.lease_until() == 1000 + 272'727);
}

TEST_CASE("clock drift scales a node's election timeout and heartbeat interval") {
  Config c = config(0, 3);
  c.clock_rate_permille = 2000;  // twice as fast
  Node n(c, Storage{}, 0);
  CHECK(n.election_timeout_us() >= 75'000);
  CHECK(n.election_timeout_us() <= 150'000);
  Config slow = config(0, 3);
  slow.clock_rate_permille = 1000;
  Node same_seed(slow, Storage{}, 0);
  CHECK(n.election_timeout_us() == same_seed.election_timeout_us() / 2);
}

TEST_CASE("read_mode and clock_drift statements parse, print and validate") {
  using namespace raft::sim;
  Statement s;
  CHECK(parse_statement("clock_drift s2 1.2", 5, s) == std::nullopt);
  CHECK(s == make::clock_drift(1, 1200));
  CHECK(format_statement(s) == "clock_drift s2 1.2");
  CHECK(format_statement(make::clock_drift(0, 500)) == "clock_drift s1 0.5");
  CHECK(format_statement(make::set_read_mode(ReadMode::Lease)) == "read_mode lease");
  const auto bad_mode = parse_statement("read_mode fast", 5, s);
  REQUIRE(bad_mode);
  INFO(*bad_mode);
  CHECK(bad_mode->find("expected 'log', 'readindex' or 'lease' after 'read_mode', got 'fast'") != std::string::npos);
  const auto too_fast = parse_statement("clock_drift s2 20", 5, s);
  REQUIRE(too_fast);
  CHECK(too_fast->find("a clock rate from 0.1 to 10") != std::string::npos);
  CHECK(parse_statement("clock_drift s2 1.2345", 5, s));
  CHECK(parse_statement("clock_drift s7 1.2", 5, s));
  // A setting in the header folds into the config, and the default is not printed back.
  Scenario sc;
  REQUIRE(parse_scenario("nodes 3\nread_mode readindex\nrun 1s\n", "t.raft", sc) == std::nullopt);
  CHECK(sc.config.timing.read_mode == ReadMode::ReadIndex);
  CHECK(format_header(sc.config).find("read_mode readindex") != std::string::npos);
  CHECK(format_header(raft::sim::ClusterConfig{}).find("read_mode") == std::string::npos);
}

TEST_CASE("ReadIndex and lease reads under client load, loss and crashes stay linearizable") {
  using namespace raft::sim;
  for (ReadMode mode : {ReadMode::ReadIndex, ReadMode::Lease}) {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      ClusterConfig cfg;
      cfg.nodes = 5;
      cfg.seed = seed;
      cfg.network.loss = 0.05;
      cfg.timing.read_mode = mode;
      cfg.timing.check_quorum = mode == ReadMode::Lease;  // a lease needs stickiness (§6.4.1)
      Cluster c(cfg);
      Workload w;
      w.clients = 3;
      w.rate_per_s = 200;
      w.put_pct = 40;
      w.append_pct = 0;
      w.cas_pct = 0;
      w.delete_pct = 0;
      c.set_workload(w);
      c.run_for(2'000'000);
      if (c.leader() != kNoNode) c.crash(c.leader());
      c.run_for(2'000'000);
      REQUIRE(c.ok());
      uint64_t reads_ok = 0;
      for (const ClientOpRecord& op : c.client_ops()) reads_ok += op.ok && op.cmd->op == Op::Get ? 1 : 0;
      CHECK(reads_ok > 100);
      const LinearizabilityResult r = check_linearizable(client_history(c.client_ops()));
      CHECK(r.linearizable());
    }
  }
}
