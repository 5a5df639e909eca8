// The election extensions (core/raft/node_election.cpp): PreVote (§9.6), CheckQuorum and leader
// stickiness (§6.2, §4.2.3), leadership transfer (§3.10), and the unsafe forget_vote switch; plus
// their statements (`prevote on`, `transfer s2`, `expect violation ...`).
#include <doctest/doctest.h>

#include "core/sim/make.h"
#include "core/sim/scenario.h"
#include "tests/core/raft_test_util.h"

namespace raft::test {
namespace {

constexpr Time kMs = 1000;

Config with(Config c, bool prevote, bool check_quorum) {
  c.timing.prevote = prevote;
  c.timing.check_quorum = check_quorum;
  return c;
}

Message pre_vote(NodeId from, NodeId to, Term term, LogIndex last_index, Term last_term) {
  Message m = request_vote(from, to, term, last_index, last_term);
  m.type = MessageType::PreVote;
  return m;
}

// A leader of term 1 in a 3-node cluster with the given switches, elected at time 0.
Node leader_with(bool check_quorum, const std::vector<Term>& log_terms = {}) {
  Node n(with(config(0, 3), false, check_quorum), disk(0, log_terms), 0);
  timeout_now(n, 0);
  n.clear_output();
  step(n, 0, vote_response(1, 0, 1, true));
  REQUIRE(n.role() == Role::Leader);
  n.clear_output();
  return n;
}

TEST_CASE("PreVote: the timer starts a pre-vote round that changes no term and casts no vote") {
  Node n(with(config(0, 3), true, false), disk(3, {1, 3}), 0);
  timeout_now(n, 0);
  CHECK(n.current_term() == 3);
  CHECK(n.voted_for() == kNoNode);
  CHECK(n.role() == Role::Follower);
  CHECK(n.prevoting());
  CHECK(n.events().empty());  // no term, vote or role event
  const std::vector<Message> out = take(n);
  REQUIRE(out.size() == 2);
  for (const Message& m : out) {
    CHECK(m.type == MessageType::PreVote);
    CHECK(m.term == 4);  // the term it would campaign in
    CHECK(m.last_log_index == 2);
    CHECK(m.last_log_term == 3);
  }
  // A granted pre-vote (term 4) does not make it step up to term 4 by itself...
  Message granted = vote_response(1, 0, 4, true);
  granted.type = MessageType::PreVoteResponse;
  step(n, 1 * kMs, granted);
  // ...but with its own, it is a majority: now the real election of term 4.
  CHECK(n.role() == Role::Candidate);
  CHECK(n.current_term() == 4);
  CHECK(n.voted_for() == 0);
  const std::vector<Message> votes = take(n);
  REQUIRE(votes.size() == 2);
  CHECK(votes[0].type == MessageType::RequestVote);
  CHECK_FALSE(votes[0].transfer);
}

TEST_CASE("PreVote: a receiver grants without changing its term; one that hears a leader refuses") {
  SUBCASE("no leader heard: granted, term and vote unchanged") {
    Node n(with(config(1, 3), true, false), disk(2, {1, 2}, 2), 0);
    step(n, 10 * kMs, pre_vote(0, 1, 3, 2, 2));
    CHECK(n.current_term() == 2);
    CHECK(n.voted_for() == 2);
    CHECK(n.events().empty());
    const std::vector<Message> out = take(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0].type == MessageType::PreVoteResponse);
    CHECK(out[0].vote_granted);
    CHECK(out[0].term == 3);
  }
  SUBCASE("a log behind ours: refused with our term") {
    Node n(with(config(1, 3), true, false), disk(2, {1, 2}), 0);
    step(n, 10 * kMs, pre_vote(0, 1, 3, 1, 1));
    const std::vector<Message> out = take(n);
    REQUIRE(out.size() == 1);
    CHECK_FALSE(out[0].vote_granted);
    CHECK(out[0].term == 2);
    CHECK(n.current_term() == 2);
  }
  SUBCASE("heard from the leader 100 ms ago (minimum election timeout 150 ms): refused") {
    Node n(with(config(1, 3), true, false), disk(2, {1, 2}), 0);
    step(n, 0, append_entries(2, 1, 2, 2, 2, {}, 0));
    take(n);
    step(n, 100 * kMs, pre_vote(0, 1, 3, 2, 2));
    std::vector<Message> out = take(n);
    REQUIRE(out.size() == 1);
    CHECK_FALSE(out[0].vote_granted);
    CHECK(n.current_term() == 2);
    CHECK(n.leader_id() == 2);
    // 150 ms after the leader's last message, the pre-vote is granted.
    step(n, 150 * kMs, pre_vote(0, 1, 3, 2, 2));
    out = take(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0].vote_granted);
  }
  SUBCASE("a refusal with a later term makes the pre-candidate follow that term") {
    Node n(with(config(0, 3), true, false), disk(2, {1, 2}), 0);
    timeout_now(n, 0);
    take(n);
    Message refused = vote_response(1, 0, 5, false);
    refused.type = MessageType::PreVoteResponse;
    step(n, 1 * kMs, refused);
    CHECK(n.current_term() == 5);
    CHECK_FALSE(n.prevoting());
  }
}

TEST_CASE("Leader stickiness: a follower that heard from its leader ignores a RequestVote, except a transfer's") {
  Node n(with(config(1, 3), false, true), disk(1, {1}), 0);
  step(n, 0, append_entries(0, 1, 1, 1, 1, {}, 0));
  take(n);
  step(n, 149 * kMs, request_vote(2, 1, 2, 1, 1));
  CHECK(take(n).empty());  // ignored: no reply, no new term
  CHECK(n.current_term() == 1);
  Message transfer = request_vote(2, 1, 2, 1, 1);
  transfer.transfer = true;
  step(n, 149 * kMs, transfer);
  CHECK(n.current_term() == 2);
  CHECK(n.voted_for() == 2);
  const std::vector<Message> out = take(n);
  REQUIRE(out.size() == 1);
  CHECK(out[0].vote_granted);

  SUBCASE("without CheckQuorum, Figure 2 alone: the vote is granted") {
    Node f(config(1, 3), disk(1, {1}), 0);
    step(f, 0, append_entries(0, 1, 1, 1, 1, {}, 0));
    take(f);
    step(f, 100 * kMs, request_vote(2, 1, 2, 1, 1));
    CHECK(f.current_term() == 2);
    CHECK(f.voted_for() == 2);
  }
  SUBCASE("150 ms after the leader's last message the lease is over") {
    Node g(with(config(1, 3), false, true), disk(1, {1}), 0);
    step(g, 0, append_entries(0, 1, 1, 1, 1, {}, 0));
    take(g);
    step(g, 150 * kMs, request_vote(2, 1, 2, 1, 1));
    CHECK(g.current_term() == 2);
  }
}

TEST_CASE("CheckQuorum: a leader that hears from no majority steps down at its check, 150 ms after its election") {
  Node n = leader_with(true);
  CHECK(n.deadline() == 50 * kMs);  // the first heartbeat comes first
  tick(n, 50 * kMs);
  tick(n, 100 * kMs);
  CHECK(n.deadline() == 150 * kMs);  // heartbeat and quorum check fall together
  CHECK(n.role() == Role::Leader);
  tick(n, 150 * kMs);
  CHECK(n.role() == Role::Follower);
  CHECK(n.current_term() == 1);  // no new term: it only stops leading
  CHECK(n.leader_id() == kNoNode);

  SUBCASE("one reply from a follower in each window keeps it leading") {
    Node m = leader_with(true);
    step(m, 120 * kMs, append_response(1, 0, 1, true, 0));
    tick(m, 150 * kMs);
    CHECK(m.role() == Role::Leader);
    step(m, 160 * kMs, append_response(2, 0, 1, true, 0));
    tick(m, 300 * kMs);
    CHECK(m.role() == Role::Leader);
    tick(m, 450 * kMs);  // nobody heard in (300, 450]
    CHECK(m.role() == Role::Follower);
  }
  SUBCASE("off: it leads forever") {
    Node m = leader_with(false);
    for (Time t = 50 * kMs; t <= 1000 * kMs; t += 50 * kMs) tick(m, t);
    CHECK(m.role() == Role::Leader);
  }
}

TEST_CASE("Leadership transfer: catch the target up, TimeoutNow, refuse proposals meanwhile") {
  Node n = leader_with(false, {1, 1});  // log 1 1, then the leader's term is 1: no new entries
  n.transfer_leadership(0, 1);
  check_invariants(n);
  CHECK(n.transfer_target() == 1);
  std::vector<Message> out = take(n);
  for (const Message& m : out) CHECK(m.type != MessageType::TimeoutNow);  // s2's log is not known to match yet
  Command c;
  c.op = Op::Put;
  c.key = "x";
  c.value = "1";
  const ProposeResult refused = propose(n, 1 * kMs, c);
  CHECK_FALSE(refused.accepted);
  CHECK(refused.leader_hint == kNoNode);
  step(n, 2 * kMs, append_response(1, 0, 1, true, 2));
  out = take(n);
  bool timeout_now_sent = false;
  for (const Message& m : out) timeout_now_sent = timeout_now_sent || (m.type == MessageType::TimeoutNow && m.to == 1);
  CHECK(timeout_now_sent);

  SUBCASE("the target campaigns at once, even with PreVote on, and says it is a transfer") {
    Node t(with(config(1, 3), true, true), disk(1, {1, 1}), 0);
    step(t, 0, append_entries(0, 1, 1, 2, 1, {}, 0));
    take(t);
    Message now;
    now.reset(MessageType::TimeoutNow, 0, 1, 1);
    step(t, 5 * kMs, now);
    CHECK(t.role() == Role::Candidate);
    CHECK(t.current_term() == 2);
    const std::vector<Message> votes = take(t);
    REQUIRE(votes.size() == 2);
    CHECK(votes[0].type == MessageType::RequestVote);
    CHECK(votes[0].transfer);
  }
  SUBCASE("no takeover within the minimum election timeout: the leader gives up and accepts proposals") {
    CHECK(n.transfer_deadline() == 150 * kMs);
    tick(n, 50 * kMs);
    tick(n, 100 * kMs);
    CHECK(n.transfer_target() == 1);
    tick(n, 150 * kMs);
    CHECK(n.transfer_target() == kNoNode);
    CHECK(n.role() == Role::Leader);
    CHECK(propose(n, 151 * kMs, c).accepted);
  }
}

}  // namespace
}  // namespace raft::test

namespace raft::sim {
namespace {

ClusterConfig three_nodes(bool forget_vote) {
  ClusterConfig c;
  c.nodes = 3;
  c.seed = 2;
  c.timing.forget_vote = forget_vote;
  return c;
}

TEST_CASE("forget_vote: a restarted server loses votedFor (off: it keeps it)") {
  for (const bool forget : {false, true}) {
    Cluster c(three_nodes(forget));
    c.timeout(0);
    c.run_for(100'000);
    REQUIRE(c.leader() == 0);
    REQUIRE(c.node(1).voted_for() == 0);
    c.crash(1);
    c.restart(1);
    CHECK(c.node(1).current_term() == 1);
    CHECK(c.node(1).voted_for() == (forget ? kNoNode : 0));
  }
}

TEST_CASE("forget_vote: the double vote is caught, and `expect violation` passes only on that violation") {
  const std::string body =
      "nodes 3\nseed 2\nnoop off\nforget_vote on\ncut s1 s3\ntimeout s1\nrun 100ms\nexpect leader s1\n"
      "crash s2\nrestart s2\ntimeout s3\nrun 100ms\n";
  auto run = [](const std::string& text) {
    Scenario sc;
    REQUIRE_FALSE(parse_scenario(text, "t.raft", sc).has_value());
    return run_scenario(sc);
  };
  const ScenarioResult expected = run(body + "expect violation One vote per term\nexpect role s3 candidate\n");
  CHECK(expected.ok);
  CHECK(expected.violation_expected == "One vote per term");
  CHECK(expected.checks_passed == 3);

  const ScenarioResult unexpected = run(body + "expect role s3 candidate\n");
  CHECK_FALSE(unexpected.ok);
  CHECK(unexpected.kind == ScenarioResult::Failure::Invariant);
  CHECK(unexpected.property == "One vote per term");
  CHECK(unexpected.line == 12);

  const ScenarioResult other = run(body + "expect violation Election Safety\n");
  CHECK_FALSE(other.ok);
  CHECK(other.kind == ScenarioResult::Failure::Check);

  const ScenarioResult action_after = run(body + "expect violation One vote per term\nrun 1s\n");
  CHECK_FALSE(action_after.ok);
  CHECK(action_after.failure.find("only checks can follow") != std::string::npos);

  std::string off = body;
  off.replace(off.find("forget_vote on"), 14, "forget_vote off");
  const ScenarioResult safe = run(off + "expect violation One vote per term\n");
  CHECK_FALSE(safe.ok);
  CHECK(safe.failure.find("no violation") != std::string::npos);
}

TEST_CASE("Trace: PreVote, PreVoteResponse, TimeoutNow and transfer records in JSONL; switches in the timing record") {
  ClusterConfig cfg;
  cfg.nodes = 3;
  Cluster c(cfg);
  Timing t = cfg.timing;
  t.prevote = true;
  c.set_timing(t);
  c.timeout(0);
  c.run_for(100'000);
  REQUIRE(c.leader() == 0);
  c.transfer(2);
  c.run_for(200'000);
  CHECK(c.leader() == 2);
  const std::string jsonl = c.trace().to_jsonl(c.client_ops());
  CHECK(jsonl.find("\"noop\":true,\"prevote\":true}") != std::string::npos);
  CHECK(jsonl.find("\"checkquorum\"") == std::string::npos);  // off: not written
  CHECK(jsonl.find("\"type\":\"PreVote\",\"term\":1,\"lastLogIndex\":0,\"lastLogTerm\":0}") != std::string::npos);
  CHECK(jsonl.find("\"type\":\"PreVoteResponse\",\"term\":1,\"voteGranted\":true}") != std::string::npos);
  CHECK(jsonl.find("\"ev\":\"transfer\",\"node\":\"s1\",\"to\":\"s3\"}") != std::string::npos);
  CHECK(jsonl.find("\"type\":\"TimeoutNow\",\"term\":1}") != std::string::npos);
  CHECK(jsonl.find("\"transfer\":true") != std::string::npos);
  // The pre-vote round of term 1 left no vote event before s1's own vote in term 1.
  CHECK(jsonl.find("\"ev\":\"vote\"") > jsonl.find("\"type\":\"PreVoteResponse\""));
  CHECK(c.metrics().sent[static_cast<size_t>(MessageType::PreVote)] >= 2);
  CHECK(c.metrics().sent[static_cast<size_t>(MessageType::TimeoutNow)] == 1);
}

TEST_CASE("Election statements: parse, print back, and refuse what cannot apply") {
  for (const char* line : {"prevote on", "prevote off", "checkquorum on", "forget_vote on", "transfer s3",
                           "expect violation Election Safety"}) {
    Statement s;
    REQUIRE_FALSE(parse_statement(line, 5, s).has_value());
    CHECK(format_statement(s) == line);
  }
  CHECK(make::set_switch(0, true) == make::set_prevote(true));
  CHECK(make::set_switch(1, false) == make::set_check_quorum(false));
  CHECK(make::set_switch(2, true) == make::set_forget_vote(true));
  Statement s;
  CHECK(parse_statement("prevote maybe", 5, s).has_value());
  CHECK(parse_statement("transfer", 5, s).has_value());
  CHECK(parse_statement("expect violation", 5, s).has_value());

  ClusterConfig cfg;
  cfg.nodes = 3;
  Cluster c(cfg);
  std::string error;
  CHECK_FALSE(can_apply(c, make::transfer(1), &error));
  CHECK(error == "cannot transfer leadership to s2: there is no leader at 0.000s");
  c.timeout(0);
  c.run_for(100'000);
  REQUIRE(c.leader() == 0);
  CHECK_FALSE(can_apply(c, make::transfer(0), &error));
  CHECK(error == "cannot transfer leadership to s1: it is already the leader");
  c.crash(2);
  CHECK_FALSE(can_apply(c, make::transfer(2), &error));
  CHECK(error == "cannot transfer leadership to s3: it is down");
  CHECK(apply_statement(c, make::transfer(1), &error));
  CHECK_FALSE(can_apply(c, make::transfer(1), &error));
  CHECK(error.find("is still handing leadership to s2") != std::string::npos);
  c.run_for(200'000);
  CHECK(c.leader() == 1);
  CHECK(c.node(1).current_term() == 2);

  // The switches reach the header only when on, and the trace's timing record carries them.
  ClusterConfig on = cfg;
  on.timing.prevote = true;
  CHECK(format_header(cfg).find("prevote") == std::string::npos);
  CHECK(format_header(on).find("prevote on") != std::string::npos);
}

}  // namespace
}  // namespace raft::sim
