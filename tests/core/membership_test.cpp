// Cluster membership changes at the node level (dissertation ch. 4): hand-stepped, etcd style.
#include <doctest/doctest.h>

#include "core/raft/node.h"
#include "tests/core/raft_test_util.h"

namespace raft::test {
namespace {

Configuration conf(NodeMask voters, NodeMask learners = 0) { return Configuration{voters, learners}; }
constexpr NodeMask bits(std::initializer_list<NodeId> ids) {
  NodeMask m = 0;
  for (NodeId i : ids) m |= node_bit(i);
  return m;
}

Entry config_entry(Term term, Configuration c) {
  Command cmd;
  cmd.op = Op::Config;
  cmd.config = c;
  return Entry{term, cmd};
}

// s1 leader of term 1 in a 3-server cluster, having committed one entry of its term (index 1).
Node leader_with_commit(bool bug = false) {
  Config c = config(0, 3);
  c.timing.membership_bug_2015 = bug;
  Node n(c, disk(0, {}), 0);
  timeout_now(n, 0);
  step(n, 1, vote_response(1, 0, 1, true));
  REQUIRE(n.role() == Role::Leader);
  Command put;
  put.op = Op::Put;
  put.key = "x";
  put.value = "1";
  propose(n, 2, put);
  step(n, 3, append_response(1, 0, 1, true, 1));
  REQUIRE(n.commit_index() == 1);
  take(n);
  return n;
}

}  // namespace

TEST_CASE("a configuration takes effect when appended, and is rolled back when its entry is truncated (§4.1)") {
  Node f(config(1, 3), disk(0, {}), 0);
  CHECK(f.configuration() == Configuration::initial(3));
  Message m = append_entries(0, 1, 1, 0, 0, {}, 0);
  m.entries.push_back(config_entry(1, conf(bits({0, 1}))));
  step(f, 10, m);
  CHECK(f.configuration() == conf(bits({0, 1})));  // in use at once, although not committed
  CHECK(f.configuration_index() == 1);
  CHECK_FALSE(f.configuration_committed());
  // A leader of term 2 overwrites index 1: the server falls back to the configuration before it.
  step(f, 20, append_entries(2, 1, 2, 0, 0, {2}, 0));
  CHECK(f.configuration() == Configuration::initial(3));
  CHECK(f.configuration_index() == 0);
}

TEST_CASE("one change at a time: a second change waits until the first commits (§4.1)") {
  Node n = leader_with_commit();
  ChangeResult r = n.propose_configuration(4, conf(bits({0, 1, 2}), bits({3})));
  CHECK(r.accepted());
  CHECK_FALSE(r.deferred);
  CHECK(n.configuration().is_learner(3));
  CHECK(n.propose_configuration(5, conf(bits({0, 1, 2}), bits({3, 4}))).refusal == ChangeRefusal::ChangePending);
  // Two servers at once is never a single-server change.
  step(n, 6, append_response(1, 0, 1, true, 2));
  REQUIRE(n.configuration_committed());
  CHECK(n.propose_configuration(7, conf(bits({0, 1, 2, 3, 4}))).refusal == ChangeRefusal::NotSingleServer);
}

TEST_CASE("a learner neither campaigns nor counts toward commitment; a caught-up learner is promoted (§4.2.1)") {
  // A server that joins later starts with no configuration and never times out into an election.
  Node joined(config(3, 3), disk(0, {}), 0);
  CHECK(joined.configuration().empty());
  tick(joined, joined.deadline());
  CHECK(joined.role() == Role::Follower);
  CHECK(joined.current_term() == 0);

  Node n = leader_with_commit();
  REQUIRE(n.propose_configuration(4, conf(bits({0, 1, 2}), bits({3}))).accepted());  // index 2
  // The learner's acknowledgement alone commits nothing: the voters are s1 s2 s3, quorum 2.
  step(n, 5, append_response(3, 0, 1, true, 2));
  CHECK(n.commit_index() == 1);
  CHECK(n.configuration().is_learner(3));  // not promoted while the change is pending
  step(n, 6, append_response(1, 0, 1, true, 2));
  CHECK(n.commit_index() == 2);
  // Next acknowledgement from the caught-up learner: the leader appends its promotion.
  step(n, 7, append_response(3, 0, 1, true, 2));
  CHECK(n.configuration() == conf(bits({0, 1, 2, 3})));
  CHECK(n.configuration_index() == 3);
  CHECK(n.log().at(3).cmd->op == Op::Config);
}

TEST_CASE("a leader that removes itself leads until the removal commits, then steps down (§4.2.2)") {
  Node n = leader_with_commit();
  REQUIRE(n.propose_configuration(4, conf(bits({1, 2}))).accepted());  // index 2, without s1
  CHECK(n.role() == Role::Leader);
  // It no longer counts itself: s2 alone is not a majority of {s2 s3}.
  step(n, 5, append_response(1, 0, 1, true, 2));
  CHECK(n.commit_index() == 1);
  CHECK(n.role() == Role::Leader);
  step(n, 6, append_response(2, 0, 1, true, 2));
  CHECK(n.commit_index() == 2);
  CHECK(n.role() == Role::Follower);
  // Not a voter any more: its timer runs, but it never campaigns.
  tick(n, n.deadline());
  CHECK(n.role() == Role::Follower);
  CHECK(n.current_term() == 1);
}

TEST_CASE("the 2015 fix: a new leader changes the configuration only after committing an entry of its term") {
  for (bool bug : {false, true}) {
    CAPTURE(bug);
    Config c = config(0, 3);
    c.timing.membership_bug_2015 = bug;
    Node n(c, disk(1, {1}), 0);  // an uncommitted entry of term 1
    timeout_now(n, 0);
    step(n, 1, vote_response(1, 0, 2, true));
    REQUIRE(n.role() == Role::Leader);
    const ChangeResult r = n.propose_configuration(2, conf(bits({0, 1})));
    CHECK(r.accepted());
    CHECK(r.deferred == !bug);
    CHECK(n.configuration_index() == (bug ? 2u : 0u));
    if (!bug) {
      // Once an entry of term 2 commits, the held-back change is appended.
      Command put;
      put.op = Op::Put;
      put.key = "x";
      propose(n, 3, put);  // index 2, term 2
      step(n, 4, append_response(1, 0, 2, true, 2));
      CHECK(n.commit_index() == 2);
      CHECK(n.configuration_index() == 3);
      CHECK(n.configuration() == conf(bits({0, 1})));
    }
  }
}

// Regression (raftsim fuzz --features all --seed 11, run 7): a snapshot that compacted the
// configuration entry in use left configuration_index_ naming a discarded entry, and the next
// check_invariants() read it (Log::at assert). Dissertation §5.1: it is now the snapshot's.
TEST_CASE("a snapshot that compacts the configuration entry in use keeps it as the snapshot's (§5.1)") {
  Node n = leader_with_commit();
  const Configuration added = conf(bits({0, 1, 2}), bits({3}));
  REQUIRE(n.propose_configuration(4, added).accepted());  // index 2
  step(n, 5, append_response(1, 0, 1, true, 2));
  REQUIRE(n.commit_index() == 2);
  REQUIRE(n.configuration_index() == 2);
  REQUIRE(n.take_snapshot());
  CHECK(n.log().snapshot_index() == 2);
  CHECK(n.snapshot().config == added);
  CHECK(n.configuration() == added);
  CHECK(n.configuration_index() == 0);  // the base configuration: the snapshot's
  CHECK(n.configuration_committed());
  CHECK(n.check_invariants() == "");
  // Still a leader that can make the next single-server change (the learner's promotion).
  step(n, 6, append_response(3, 0, 1, true, 2));
  CHECK(n.configuration() == conf(bits({0, 1, 2, 3})));
  CHECK(n.configuration_index() == 3);
  CHECK(n.check_invariants() == "");
}

TEST_CASE("a RequestVote from a non-voter is ignored while a leader is known (§4.2.3)") {
  Node f(config(1, 3), disk(0, {}), 0);
  Message m = append_entries(0, 1, 1, 0, 0, {}, 0);
  m.entries.push_back(config_entry(1, conf(bits({0, 1}))));  // s3 removed
  step(f, 10, m);
  take(f);
  step(f, 20, request_vote(2, 1, 5, 9, 9));
  CHECK(f.current_term() == 1);
  CHECK(take(f).empty());
  CHECK(f.last_vote_rejection().reason == VoteRejection::Reason::NotAVoter);
  CHECK(f.last_vote_rejection().candidate == 2);
  CHECK(f.last_vote_rejection().leader == 0);
}

TEST_CASE("once membership has changed, every RequestVote waits out the leader's election timeout (§4.2.3)") {
  // s2 heard from leader s1 with a configuration that grows the cluster: a RequestVote from voter
  // s3 within the minimum election timeout neither raises its term nor gets a vote; after it, it does.
  Node f(config(1, 3), disk(0, {}), 0);
  Message m = append_entries(0, 1, 1, 0, 0, {}, 0);
  m.entries.push_back(config_entry(1, conf(bits({0, 1, 2}), bits({3}))));  // s4 joins as a learner
  step(f, 10, m);
  take(f);
  step(f, 20, request_vote(2, 1, 5, 9, 9));
  CHECK(f.current_term() == 1);
  CHECK(take(f).empty());
  CHECK(f.last_vote_rejection().reason == VoteRejection::Reason::LeaderRecentlyHeard);  // for the inspector
  CHECK(f.last_vote_rejection().term == 5);
  CHECK(f.last_vote_rejection().leader == 0);
  const Time later = 10 + f.config().timing.election_timeout_min_us;
  step(f, later, request_vote(2, 1, 5, 9, 9));
  CHECK(f.current_term() == 5);
  CHECK(f.voted_for() == 2);

  SUBCASE("with the bootstrap configuration, Figure 2 as written: the vote is granted at once") {
    Node g(config(1, 3), disk(0, {}), 0);
    step(g, 10, append_entries(0, 1, 1, 0, 0, {}, 0));
    take(g);
    step(g, 20, request_vote(2, 1, 5, 9, 9));
    CHECK(g.current_term() == 5);
    CHECK(g.voted_for() == 2);
  }
}

}  // namespace raft::test

#include "core/sim/make.h"
#include "core/sim/scenario.h"

namespace raft::sim {

TEST_CASE("add/remove statements: parsing, round trip and errors in words") {
  Scenario sc;
  CHECK_FALSE(parse_scenario("nodes 3\nrun 1s\nadd s4\ncrash s4\nexpect voters s1 s2 s3 s4\nexpect learners none\n", "t.raft", sc));
  REQUIRE(sc.statements.size() == 5);
  CHECK(sc.statements[1] == make::add_server(3));
  CHECK(format_statement(sc.statements[3]) == "expect voters s1 s2 s3 s4");
  CHECK(format_statement(sc.statements[4]) == "expect learners none");
  auto e = parse_scenario("nodes 3\nadd s5\n", "t.raft", sc);
  REQUIRE(e);
  CHECK(e->message == "'add' starts the next new server, s4, not s5 (servers are numbered in the order they join; a removed server's id is never reused)");
  e = parse_scenario("nodes 3\ncrash s4\n", "t.raft", sc);
  REQUIRE(e);

  Cluster c(ClusterConfig{});
  std::string why;
  CHECK_FALSE(can_apply(c, make::add_server(5), &why));
  CHECK(why == "cannot add s6: there is no leader at 0.000s to change the configuration");
  CHECK_FALSE(can_apply(c, make::add_server(7), &why));
  CHECK(why == "cannot add s8: the next new server is s6 (servers are numbered in the order they join; a removed server's id is never reused)");
  c.run_until(2'000'000);
  REQUIRE(c.leader() != kNoNode);
  CHECK(apply_statement(c, make::add_server(5), &why));
  CHECK_FALSE(can_apply(c, make::remove_server(0), &why));
  CHECK(why.find("has a configuration change pending") != std::string::npos);
}

}  // namespace raft::sim
