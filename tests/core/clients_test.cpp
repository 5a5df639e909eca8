// The simulated clients fail over as Raft clients do (§8, Client interaction; dissertation §6.2):
// on a timeout they try another server, they do not follow a redirect to a server they have just
// failed on, they back off, and they give up by time. Cluster-level tests with exact figures
// (the runs are deterministic).
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "core/sim/scenario.h"

using namespace raft;
using namespace raft::sim;

namespace {

// The page's default setup (assets/scenarios/default.raft): five servers, three clients at 5/s.
constexpr const char* kDefaultSetup =
    "nodes 5\nseed 1\nelection_timeout 150ms 300ms\nheartbeat 50ms\nlatency 10ms 20ms\n";

struct Run {
  std::optional<Cluster> cluster;
  ScenarioResult result;
};

Run run(const std::string& body, const std::string& setup = kDefaultSetup) {
  Run r;
  Scenario sc;
  const std::optional<ParseError> e = parse_scenario(setup + body, "clients.raft", sc);
  REQUIRE_MESSAGE(!e, (e ? e->to_string() : std::string()));
  r.result = run_scenario(sc, &r.cluster);
  return r;
}

struct Counts {
  int ok = 0, failed = 0, pending = 0;
};

// Client operations invoked in [from, to), by outcome; `by` = ok returns inside [from, to).
Counts ops_between(const Cluster& c, Time from, Time to, int* returned_ok_inside = nullptr) {
  Counts n;
  int inside = 0;
  for (const ClientOpRecord& op : c.client_ops()) {
    if (op.returned && op.ok && op.return_us >= from && op.return_us < to) ++inside;
    if (op.invoke_us < from || op.invoke_us >= to) continue;
    if (!op.returned) ++n.pending;
    else if (op.ok) ++n.ok;
    else ++n.failed;
  }
  if (returned_ok_inside) *returned_ok_inside = inside;
  return n;
}

}  // namespace

TEST_CASE("clients: a partition s1 s2 | s3 s4 s5 with s1 leading; the majority keeps committing client writes") {
  // Before the fix the clients kept going back to s1 (the minority leader, which accepts but can
  // never commit) or to s2 (which redirects to s1): no client operation completed during the 10 s
  // partition, and the majority's leader committed only its own no-op.
  Run r = run("timeout s1\nrun 300ms\nexpect leader s1\nclients 3 rate 5/s\nrun 2s\n"
              "partition s1 s2 | s3 s4 s5\nrun 10s\n");
  REQUIRE_MESSAGE(r.result.ok, r.result.failure);
  const Cluster& c = *r.cluster;
  // The minority: s1 still believes it leads term 1 and cannot commit past the partition.
  CHECK(c.node(0).role() == Role::Leader);
  CHECK(c.node(0).current_term() == 1);
  CHECK(c.node(0).commit_index() == 13);
  CHECK(c.node(0).log().last_index() == 16);  // three requests it accepted before they timed out
  // The majority: s3 leads term 3 and has committed client writes throughout.
  CHECK(c.leader() == 2);
  CHECK(c.node(2).current_term() == 3);
  CHECK(c.node(2).commit_index() == 62);
  for (NodeId n : {3, 4}) CHECK(c.node(n).commit_index() == 62);
  int writes = 0;  // client writes committed by s3 in term 3
  for (LogIndex i = 14; i <= c.node(2).commit_index(); ++i) {
    const Entry& e = c.node(2).log().at(i);
    if (e.term == 3 && e.cmd->client != 0 && e.cmd->op != Op::Get) ++writes;
  }
  CHECK(writes == 31);
  int returned_ok = 0;
  const Counts during = ops_between(c, 2'300'000, 12'300'000, &returned_ok);
  CHECK(during.ok == 48);       // every operation invoked during the partition completed
  CHECK(during.failed == 0);
  CHECK(during.pending == 0);
  CHECK(returned_ok == 48);
  // The three requests s1 had accepted were retried at the majority after their 1 s timeout.
  for (uint64_t req : {13, 14, 15}) {
    const ClientOpRecord& op = c.client_ops()[req - 1];
    CAPTURE(req);
    CHECK(op.ok);
    CHECK(op.return_us - op.invoke_us < 1'100'000);
  }
}

TEST_CASE("clients: a crashed leader during a slow election; redirects to it are not followed, nothing gives up") {
  // Election timeouts of 1-2 s: before the fix a client bounced between a follower's redirect to
  // the crashed s1 (retry after 1 ms) and the refused connection (10 ms), burned its 30 attempts
  // in about 165 ms and gave up: requests 13..22 all failed.
  Run r = run("timeout s1\nrun 300ms\nclients 3 rate 5/s\nrun 2s\ncrash s1\nrun 5s\n",
              "nodes 5\nseed 1\nelection_timeout 1s 2s\nheartbeat 50ms\nlatency 10ms 20ms\n");
  REQUIRE_MESSAGE(r.result.ok, r.result.failure);
  const Cluster& c = *r.cluster;
  CHECK(c.leader() == 2);
  const Counts after = ops_between(c, 2'300'000, 7'300'000);
  CHECK(after.failed == 0);
  CHECK(after.ok == 24);
  CHECK(after.pending == 0);
  // Requests waiting through the election complete once s3 leads, within one back-off cap.
  for (uint64_t req : {13, 14, 15}) {
    const ClientOpRecord& op = c.client_ops()[req - 1];
    CAPTURE(req);
    CHECK(op.ok);
    CHECK(op.return_us > 3'386'365);  // s3 was elected at 3.386365 s
    CHECK(op.return_us < 3'386'365 + ClientPool::kBackoffMaxUs + 100'000);
  }
}

TEST_CASE("clients: a request gives up by time (its deadline), not by counting attempts") {
  // Every server isolated: no leader anywhere. The put gives up exactly client_deadline_us (15 s)
  // after its invoke; before the fix it gave up after 30 attempts, at 7.5 s.
  Run r = run("timeout s1\nrun 300ms\npartition s1 | s2 | s3 | s4 | s5\nput x 1\nrun 20s\n");
  REQUIRE_MESSAGE(r.result.ok, r.result.failure);
  const Cluster& c = *r.cluster;
  REQUIRE(c.client_ops().size() == 1);
  const ClientOpRecord& op = c.client_ops()[0];
  CHECK(op.returned);
  CHECK_FALSE(op.ok);
  CHECK_FALSE(op.definite);  // s1 accepted it once: it may yet be applied
  CHECK(op.invoke_us == 300'000);
  CHECK(op.return_us == 300'000 + c.config().client_deadline_us);
  CHECK(c.metrics().ops_failed == 1);
}
