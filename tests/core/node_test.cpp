// Hand-stepped tests for every rule of Figure 2, one message at a time.
#include "tests/core/raft_test_util.h"

using namespace raft;
using namespace raft::test;

TEST_CASE("RequestVote: the vote table (Figure 2, RequestVote receiver implementation)") {
  // The receiver s2 (id 1) is at term 3 with log [1 1 2].
  struct Row {
    const char* name;
    Term req_term;
    LogIndex last_index;
    Term last_term;
    NodeId voted_for;
    bool granted;
    Term reply_term;
  };
  const Row rows[] = {
      {"stale term is refused", 2, 9, 9, kNoNode, false, 3},
      {"same term, not voted, log equal", 3, 3, 2, kNoNode, true, 3},
      {"same term, already voted for someone else", 3, 3, 2, 2, false, 3},
      {"same term, already voted for this candidate (retry)", 3, 3, 2, 0, true, 3},
      {"higher last term wins even if shorter", 3, 1, 3, kNoNode, true, 3},
      {"equal last term but shorter log loses", 3, 2, 2, kNoNode, false, 3},
      {"lower last term loses even if longer", 3, 9, 1, kNoNode, false, 3},
      {"higher term clears an old vote and grants", 4, 3, 2, 2, true, 4},
      {"higher term adopted even when the log is behind", 5, 1, 1, kNoNode, false, 5},
  };
  for (const Row& r : rows) {
    CAPTURE(r.name);
    Node n(config(1), disk(3, {1, 1, 2}, r.voted_for), 0);
    step(n, 10, request_vote(0, 1, r.req_term, r.last_index, r.last_term));
    auto out = take(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0].type == MessageType::RequestVoteResponse);
    CHECK(out[0].to == 0);
    CHECK(out[0].vote_granted == r.granted);
    CHECK(out[0].term == r.reply_term);
    CHECK(n.current_term() == r.reply_term);
    if (r.granted) CHECK(n.voted_for() == 0);
  }
}

TEST_CASE("RequestVote: granting a vote resets the election timer; refusing does not") {
  Node n(config(1), disk(3, {1}), 0);
  const Time before = n.deadline();
  step(n, 100'000, request_vote(0, 1, 3, 1, 1));
  CHECK(take(n)[0].vote_granted);
  CHECK(n.deadline() >= 100'000 + n.config().timing.election_timeout_min_us);
  const Time after_grant = n.deadline();
  CHECK(after_grant != before);
  step(n, 120'000, request_vote(2, 1, 3, 1, 1));  // already voted for s1 in term 3
  CHECK_FALSE(take(n)[0].vote_granted);
  CHECK(n.deadline() == after_grant);
  CHECK(n.last_vote_rejection().reason == VoteRejection::Reason::AlreadyVoted);
  CHECK(n.last_vote_rejection().voted_for == 0);
}

TEST_CASE("RequestVote: a log that is not up to date is refused with the reason recorded") {
  Node n(config(1), disk(3, {1, 2, 3}), 0);
  step(n, 1, request_vote(0, 1, 4, 5, 2));
  CHECK_FALSE(take(n)[0].vote_granted);
  const VoteRejection& why = n.last_vote_rejection();
  CHECK(why.reason == VoteRejection::Reason::LogNotUpToDate);
  CHECK(why.their_last_term == 2);
  CHECK(why.our_last_term == 3);
  CHECK(n.current_term() == 4);       // the higher term was still adopted (§5.1)
  CHECK(n.voted_for() == kNoNode);
}

TEST_CASE("Election: a follower times out, becomes candidate, votes for itself and asks everyone") {
  Node n(config(0, 5), disk(2, {1, 2}), 0);
  CHECK(n.role() == Role::Follower);
  const Time d = n.deadline();
  CHECK(d >= 150'000);
  CHECK(d <= 300'000);
  tick(n, d - 1);  // not yet due
  CHECK(take(n).empty());
  tick(n, d);
  CHECK(n.role() == Role::Candidate);
  CHECK(n.current_term() == 3);
  CHECK(n.voted_for() == 0);
  auto out = take(n);
  REQUIRE(out.size() == 4);
  for (const Message& m : out) {
    CHECK(m.type == MessageType::RequestVote);
    CHECK(m.term == 3);
    CHECK(m.last_log_index == 2);
    CHECK(m.last_log_term == 2);
  }
}

TEST_CASE("Election: votes from a majority make a leader; a split vote times out into a new term") {
  SUBCASE("majority") {
    Node n(config(0, 5, true), disk(1, {1}), 0);
    timeout_now(n, 0);
    take(n);
    step(n, 1, vote_response(1, 0, 2, true));
    CHECK(n.role() == Role::Candidate);
    step(n, 2, vote_response(2, 0, 2, false));
    CHECK(n.role() == Role::Candidate);
    CHECK(n.votes_rejected_mask() == (1u << 2));
    step(n, 3, vote_response(3, 0, 2, true));
    CHECK(n.role() == Role::Leader);
    CHECK(n.leader_id() == 0);
    CHECK(n.votes_granted_mask() == 0);  // the tallies belong to the election, which is over
    CHECK(n.votes_rejected_mask() == 0);
    // No-op entry of the new term (§8), sent at once with the first heartbeat.
    CHECK(terms_of(n.log()) == std::vector<Term>{1, 2});
    CHECK(n.log().at(2).cmd->op == Op::Noop);
    auto out = take(n);
    REQUIRE(out.size() == 4);
    CHECK(out[0].type == MessageType::AppendEntries);
    CHECK(out[0].prev_log_index == 1);
    CHECK(out[0].entries.size() == 1);
  }
  SUBCASE("split vote") {
    Node n(config(0, 4), disk(1, {}), 0);
    timeout_now(n, 0);
    take(n);
    step(n, 1, vote_response(1, 0, 2, true));
    step(n, 2, vote_response(2, 0, 2, false));
    step(n, 3, vote_response(3, 0, 2, false));
    CHECK(n.role() == Role::Candidate);  // 2 of 4 is not a majority
    tick(n, n.deadline());
    CHECK(n.role() == Role::Candidate);
    CHECK(n.current_term() == 3);
    CHECK(n.votes_granted_mask() == 1u);
  }
  SUBCASE("stale vote responses are ignored") {
    Node n(config(0, 3), disk(5, {}), 0);
    timeout_now(n, 0);  // term 6
    take(n);
    step(n, 1, vote_response(1, 0, 5, true));
    CHECK(n.role() == Role::Candidate);
  }
  SUBCASE("a higher term in a vote response makes the candidate step down") {
    Node n(config(0, 3), disk(5, {}), 0);
    timeout_now(n, 0);
    take(n);
    step(n, 1, vote_response(1, 0, 9, false));
    CHECK(n.role() == Role::Follower);
    CHECK(n.current_term() == 9);
    CHECK(n.voted_for() == kNoNode);
  }
}

TEST_CASE("A one-node cluster elects itself and commits proposals at once") {
  Node n(config(0, 1), disk(0, {}), 0);
  tick(n, n.deadline());
  CHECK(n.role() == Role::Leader);
  Command c;
  c.op = Op::Put;
  c.client = 1;
  c.seq = 1;
  c.key = "x";
  c.value = "1";
  ProposeResult r = propose(n, 10, c);
  CHECK(r.accepted);
  CHECK(r.index == 1);
  CHECK(n.commit_index() == 1);
  CHECK(n.last_applied() == 1);
  CHECK(n.kv().get("x") == std::optional<std::string>("1"));
  REQUIRE(n.replies().size() == 1);
  CHECK(n.replies()[0].client == 1);
  CHECK(n.replies()[0].result.value == std::optional<std::string>("1"));
}

TEST_CASE("AppendEntries receiver: the five steps of Figure 2") {
  SUBCASE("1. stale term is refused and does not reset the timer") {
    Node n(config(1), disk(5, {1, 1}), 0);
    const Time d = n.deadline();
    step(n, 50, append_entries(0, 1, 4, 2, 1, {4}, 2));
    auto out = take(n);
    REQUIRE(out.size() == 1);
    CHECK_FALSE(out[0].success);
    CHECK(out[0].term == 5);
    CHECK(n.deadline() == d);
    CHECK(n.last_append_rejection().reason == AppendRejection::Reason::StaleTerm);
    CHECK(terms_of(n.log()) == std::vector<Term>{1, 1});
  }
  SUBCASE("2a. missing entry at prevLogIndex: hint is the end of our log") {
    Node n(config(1), disk(2, {1, 1}), 0);
    step(n, 50, append_entries(0, 1, 2, 5, 2, {2}, 0));
    auto out = take(n);
    CHECK_FALSE(out[0].success);
    CHECK(out[0].rejected_index == 5);
    CHECK(out[0].conflict_term == 0);
    CHECK(out[0].conflict_index == 3);
    CHECK(n.leader_id() == 0);  // still a valid leader: timer reset, leader known
    CHECK(n.deadline() >= 50 + n.config().timing.election_timeout_min_us);
  }
  SUBCASE("2b. term mismatch at prevLogIndex: hint is the first index of that term") {
    Node n(config(1), disk(3, {1, 2, 2, 2}), 0);
    step(n, 50, append_entries(0, 1, 3, 4, 3, {3}, 0));
    auto out = take(n);
    CHECK_FALSE(out[0].success);
    CHECK(out[0].conflict_term == 2);
    CHECK(out[0].conflict_index == 2);
    CHECK(n.last_append_rejection().reason == AppendRejection::Reason::TermMismatch);
    CHECK(n.last_append_rejection().our_term_there == 2);
  }
  SUBCASE("3+4. a conflicting suffix is deleted and the new entries appended (walk-through)") {
    // Follower [1:1][2:1][3:1][4:1]; leader of term 2 has [1:1][2:1][3:2].
    Node n(config(1), disk(1, {1, 1, 1, 1}), 0);
    step(n, 50, append_entries(0, 1, 2, 2, 1, {2}, 0));
    auto events = n.events();
    auto out = take(n);
    CHECK(out[0].success);
    CHECK(out[0].match_index == 3);
    CHECK(terms_of(n.log()) == std::vector<Term>{1, 1, 2});
    bool truncated_at_3 = false;
    for (const NodeEvent& e : events) truncated_at_3 |= e.kind == NodeEvent::Kind::Truncate && e.index == 3;
    CHECK(truncated_at_3);
  }
  SUBCASE("4. a delayed, shorter AppendEntries never truncates matching entries") {
    Node n(config(1), disk(2, {1}), 0);
    step(n, 50, append_entries(0, 1, 2, 1, 1, {2, 2, 2}, 0));
    take(n);
    step(n, 60, append_entries(0, 1, 2, 1, 1, {2}, 0));  // an older message arriving late
    auto out = take(n);
    CHECK(out[0].success);
    CHECK(out[0].match_index == 2);
    CHECK(terms_of(n.log()) == std::vector<Term>{1, 2, 2, 2});
  }
  SUBCASE("5. commitIndex = min(leaderCommit, index of last new entry)") {
    Node n(config(1), disk(2, {1, 1, 1, 1, 1}), 0);
    step(n, 50, append_entries(0, 1, 2, 1, 1, {1}, 4));  // heartbeat-ish: last new entry is 2
    take(n);
    CHECK(n.commit_index() == 2);
    CHECK(n.last_applied() == 2);
    step(n, 60, append_entries(0, 1, 2, 5, 1, {}, 4));
    take(n);
    CHECK(n.commit_index() == 4);
    step(n, 70, append_entries(0, 1, 2, 5, 1, {}, 3));  // never goes back
    take(n);
    CHECK(n.commit_index() == 4);
  }
  SUBCASE("a candidate that hears from a leader of its term becomes a follower") {
    Node n(config(1), disk(4, {}), 0);
    timeout_now(n, 0);
    take(n);
    CHECK(n.current_term() == 5);
    step(n, 5, append_entries(0, 1, 5, 0, 0, {}, 0));
    CHECK(n.role() == Role::Follower);
    CHECK(n.current_term() == 5);
    CHECK(n.voted_for() == 1);  // its own vote in term 5 stays on disk
    CHECK(take(n)[0].success);
  }
  SUBCASE("a higher term makes a leader step down (walk-through: stale leader)") {
    Node leader = make_leader(0, 3, 1, {1});
    CHECK(leader.current_term() == 2);
    step(leader, 10, append_response(1, 0, 3, false, 1));
    CHECK(leader.role() == Role::Follower);
    CHECK(leader.current_term() == 3);
    CHECK(leader.voted_for() == kNoNode);
  }
}

TEST_CASE("A deposed leader starts a full election timeout, not its pending heartbeat deadline") {
  Node leader = make_leader(0, 3, 1, {1});
  CHECK(leader.deadline() == leader.config().timing.heartbeat_interval_us);
  step(leader, 10'000, append_response(1, 0, 5, false, 1));
  CHECK(leader.role() == Role::Follower);
  CHECK(leader.deadline() >= 10'000 + leader.config().timing.election_timeout_min_us);
  CHECK(leader.deadline() <= 10'000 + leader.config().timing.election_timeout_max_us);
  tick(leader, leader.config().timing.heartbeat_interval_us);  // the old heartbeat deadline: nothing happens
  CHECK(leader.role() == Role::Follower);
  CHECK(leader.current_term() == 5);
}

TEST_CASE("Leader: nextIndex backs up a term at a time using the conflict hint") {
  // Leader log (term 8): 1 1 1 4 4 5 5 6 6 6 (Figure 7). Follower (f): 1 1 1 2 2 2 3 3 3 3 3.
  Node leader = make_leader(0, 3, 7, {1, 1, 1, 4, 4, 5, 5, 6, 6, 6});
  CHECK(leader.current_term() == 8);
  CHECK(leader.progress(1).next_index == 11);
  // Follower rejects prev=10: its entry 10 has term 3, which starts at index 7.
  step(leader, 1, append_response(1, 0, 8, false, 10, 3, 7));
  auto out = take(leader);
  REQUIRE(out.size() == 1);
  // The leader has no entry of term 3, so it jumps to the follower's first index of term 3.
  CHECK(out[0].prev_log_index == 6);
  CHECK(leader.progress(1).next_index == 7);
  // Next rejection: entry 6 is term 2 there (starts at 4); the leader has no term 2 either.
  step(leader, 2, append_response(1, 0, 8, false, 6, 2, 4));
  out = take(leader);
  CHECK(out[0].prev_log_index == 3);
  CHECK(out[0].entries.size() == 7);
  step(leader, 3, append_response(1, 0, 8, true, 10));
  CHECK(leader.progress(1).match_index == 10);
  CHECK(leader.progress(1).next_index == 11);
  CHECK(leader.progress(1).mode == Progress::Mode::Replicate);
}

TEST_CASE("Leader: a follower that has the conflicting term lets the leader skip to its last entry of that term") {
  Node leader = make_leader(0, 3, 7, {1, 1, 1, 4, 4, 5, 5, 6, 6, 6});
  // Follower (c) has 1 1 1 4 4 5 5 6 6 6 6: prev=10 term 6 matches... use prev=10 mismatch with term 6 hint:
  step(leader, 1, append_response(1, 0, 8, false, 10, 5, 6));
  auto out = take(leader);
  CHECK(out[0].prev_log_index == 7);  // leader's last term-5 entry is 7 -> next = 8
}

TEST_CASE("Leader: reordered and stale responses are ignored") {
  Node leader = make_leader(0, 3, 1, {1, 1});
  Command c;
  c.op = Op::Put;
  c.key = "x";
  for (int i = 0; i < 3; ++i) propose(leader, 0, c);  // log: 1 1 2 2 2
  take(leader);
  step(leader, 1, append_response(1, 0, 2, true, 5));
  CHECK(leader.progress(1).match_index == 5);
  step(leader, 2, append_response(1, 0, 2, true, 3));  // an older success arriving late
  CHECK(leader.progress(1).match_index == 5);
  step(leader, 3, append_response(1, 0, 2, false, 2, 0, 3));  // a stale rejection
  CHECK(leader.progress(1).match_index == 5);
  CHECK(leader.progress(1).mode == Progress::Mode::Replicate);
  step(leader, 4, append_response(1, 0, 1, false, 4));  // from an older term
  CHECK(leader.role() == Role::Leader);
}

TEST_CASE("Leader: commits only entries of its own term by counting replicas (Figure 8)") {
  // s1 leads term 4 with log [1 2]; entry 2 (term 2) is on a majority but must not be committed
  // by counting; only once an entry of term 4 is on a majority does commitIndex jump to it.
  Node leader = make_leader(0, 3, 3, {1, 2}, /*noop=*/false);
  CHECK(leader.current_term() == 4);
  step(leader, 1, append_response(1, 0, 4, true, 2));
  CHECK(leader.progress(1).match_index == 2);
  CHECK(leader.commit_index() == 0);
  Command c;
  c.op = Op::Put;
  c.key = "x";
  propose(leader, 2, c);  // index 3, term 4
  take(leader);
  step(leader, 3, append_response(1, 0, 4, true, 3));
  CHECK(leader.commit_index() == 3);
  CHECK(leader.last_applied() == 3);
}

TEST_CASE("Leader: heartbeats every heartbeat interval carry leaderCommit") {
  Node leader = make_leader(0, 3, 1, {1});
  const Time d = leader.deadline();
  CHECK(d == leader.config().timing.heartbeat_interval_us);
  tick(leader, d);
  auto out = take(leader);
  REQUIRE(out.size() == 2);
  CHECK(out[0].type == MessageType::AppendEntries);
  CHECK(out[0].leader_commit == leader.commit_index());
  CHECK(leader.deadline() == d + leader.config().timing.heartbeat_interval_us);
}

TEST_CASE("Leader: entries are batched up to append_entries_max") {
  Config cfg = config(0, 3);
  cfg.timing.append_entries_max = 4;
  Node n(cfg, disk(1, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}), 0);
  timeout_now(n, 0);
  take(n);
  step(n, 1, vote_response(1, 0, 2, true));
  REQUIRE(n.role() == Role::Leader);
  take(n);
  step(n, 2, append_response(1, 0, 2, false, 10, 0, 1));  // follower is empty
  auto out = take(n);
  REQUIRE(out.size() == 1);
  CHECK(out[0].prev_log_index == 0);
  CHECK(out[0].entries.size() == 4);
}

TEST_CASE("Leader: append_entries_bytes_max caps a batch by its commands' bytes, never below one entry") {
  for (const auto& [cap, expected] : {std::pair<uint64_t, size_t>{10, 2}, {1, 1}, {0, 10}}) {
    Config cfg = config(0, 3);
    cfg.timing.append_entries_bytes_max = cap;  // entries 1..9 are "k" and "I@1": 4 bytes each
    Node n(cfg, disk(1, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}), 0);
    timeout_now(n, 0);
    take(n);
    step(n, 1, vote_response(1, 0, 2, true));
    REQUIRE(n.role() == Role::Leader);
    take(n);
    step(n, 2, append_response(1, 0, 2, false, 10, 0, 1));  // follower is empty
    auto out = take(n);
    REQUIRE(out.size() == 1);
    CHECK(out[0].prev_log_index == 0);
    CHECK(out[0].entries.size() == expected);
  }
}

TEST_CASE("Restart keeps currentTerm, votedFor and the log, and nothing else") {
  Node n(config(1), disk(3, {1, 2, 3}), 0);
  step(n, 5, append_entries(0, 1, 3, 3, 3, {}, 3));
  take(n);
  CHECK(n.commit_index() == 3);
  Node restarted(n.config(), n.disk(), 100);
  CHECK(restarted.current_term() == 3);
  CHECK(terms_of(restarted.log()) == std::vector<Term>{1, 2, 3});
  CHECK(restarted.commit_index() == 0);
  CHECK(restarted.last_applied() == 0);
  CHECK(restarted.kv().data().empty());
  CHECK(restarted.role() == Role::Follower);
  CHECK(restarted.leader_id() == kNoNode);
}

TEST_CASE("Proposals to a follower are refused with the leader it knows") {
  Node n(config(1), disk(2, {}), 0);
  step(n, 1, append_entries(2, 1, 2, 0, 0, {}, 0));
  take(n);
  ProposeResult r = propose(n, 2, Command{});
  CHECK_FALSE(r.accepted);
  CHECK(r.leader_hint == 2);
}

TEST_CASE("check_invariants names the broken invariant of a node's own state") {
  SUBCASE("a log entry from a term later than currentTerm") {
    Node n(config(1), disk(2, {1, 5}), 0);
    CHECK(n.check_invariants() == "s2: the last log entry has term 5, later than currentTerm 2");
  }
  SUBCASE("votedFor names no server of the cluster") {
    Node n(config(1), disk(2, {1}, 20), 0);
    CHECK(n.check_invariants() == "s2: votedFor is 20, which is not a server of this cluster");
  }
  SUBCASE("a node restarted from a sound disk holds every invariant") {
    Node n(config(1), disk(3, {1, 2, 3}, 1), 0);
    CHECK(n.check_invariants().empty());
  }
}
