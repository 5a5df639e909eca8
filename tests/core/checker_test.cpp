// The online checker's direct rule checks: each test feeds an event sequence that breaks one rule
// and checks the exact property name and the sentence's key facts (nodes, terms, indexes).
#include "core/sim/checker.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/core/raft_test_util.h"

namespace raft::sim {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A cluster of shadow nodes whose logs are given as terms; the checker starts from them (preset).
struct Fixture {
  std::vector<Node> nodes;
  Checker checker;

  Fixture(Term term, const std::vector<std::vector<Term>>& logs) : checker(static_cast<int>(logs.size())) {
    for (size_t i = 0; i < logs.size(); ++i) {
      const NodeId id = static_cast<NodeId>(i);
      nodes.emplace_back(test::config(id, static_cast<int>(logs.size())), test::disk(term, logs[i]), 0);
      checker.preset(id, nodes.back().disk());
    }
  }
  bool event(NodeEvent::Kind kind, NodeId n, Term term = 0, LogIndex index = 0, Role role = Role::Follower) {
    NodeEvent e{kind, n, term, index};
    e.role = role;
    return checker.observe(1000, nodes[static_cast<size_t>(n)], e);
  }
  bool leader(NodeId n, Term term) { return event(NodeEvent::Kind::Role, n, term, 0, Role::Leader); }
  bool commit(NodeId n, LogIndex index) { return event(NodeEvent::Kind::Commit, n, 0, index); }
  bool apply(NodeId n, LogIndex index) { return event(NodeEvent::Kind::Apply, n, 0, index); }
  bool truncate(NodeId n, LogIndex index) { return event(NodeEvent::Kind::Truncate, n, 0, index); }
  const Violation& v() const { return checker.violation(); }
};

TEST_CASE("checker: a leader that commits an earlier term's entry by counting (Figure 8)") {
  // s1 leads term 4; entry 2 (term 2) sits on s1 and s2, a majority of three. Counting it is the bug.
  Fixture f(4, {{1, 2}, {1, 2}, {1}});
  REQUIRE(f.leader(0, 4));
  CHECK_FALSE(f.commit(0, 2));
  CHECK(f.v().property == "Commit only current-term entries by counting");
  INFO(f.v().message);
  CHECK(contains(f.v().message, "s1, leader of term 4, advanced its commitIndex to 2, an entry of term 2."));
  CHECK(contains(f.v().message, "Figure 8"));
}

TEST_CASE("checker: a leader that commits an entry of its term held by a minority") {
  Fixture f(2, {{1, 2}, {1}, {1}});
  REQUIRE(f.leader(0, 2));
  CHECK_FALSE(f.commit(0, 2));
  CHECK(f.v().property == "Commit only what a majority holds");
  CHECK(contains(f.v().message, "s1, leader of term 2, advanced its commitIndex to 2 but only 1 of 3 servers hold that entry"));

  SUBCASE("with a majority it passes") {
    Fixture ok(2, {{1, 2}, {1, 2}, {1}});
    REQUIRE(ok.leader(0, 2));
    CHECK(ok.commit(0, 2));
    CHECK(ok.checker.committed_index() == 2);
  }
}

TEST_CASE("checker: applies come in order, at or below commitIndex, with the committed entry") {
  SUBCASE("out of order") {
    Fixture f(1, {{1, 1}, {1, 1}, {1, 1}});
    REQUIRE(f.commit(1, 2));
    CHECK_FALSE(f.apply(1, 2));
    CHECK(f.v().property == "Apply in order");
    CHECK(contains(f.v().message, "s2 applied entry 2 right after entry 0."));
  }
  SUBCASE("beyond commitIndex") {
    Fixture f(1, {{1, 1}, {1, 1}, {1, 1}});
    REQUIRE(f.commit(1, 1));
    REQUIRE(f.apply(1, 1));
    CHECK_FALSE(f.apply(1, 2));
    CHECK(f.v().property == "Apply only committed entries");
    CHECK(contains(f.v().message, "s2 applied entry 2 but its commitIndex is 1."));
  }
  SUBCASE("not the committed entry: the node's log changed without an event") {
    Fixture f(1, {{1, 1}, {1, 1}, {1, 1}});
    REQUIRE(f.commit(2, 2));
    // s3's real log now holds something else at index 2 (term 1, another command).
    Storage other = test::disk(1, {1});
    Command c;
    c.op = Op::Put;
    c.key = "k";
    c.value = "not what was committed";
    other.log.append(Entry{1, c});
    f.nodes[2] = Node(test::config(2, 3), other, 0);
    REQUIRE(f.apply(2, 1));
    CHECK_FALSE(f.apply(2, 2));
    CHECK(f.v().property == "Apply the committed entry");
    CHECK(contains(f.v().message, "s3 applied entry 2 (term 1) but that is not the entry committed at index 2."));
  }
  SUBCASE("a restart starts lastApplied from 0 again") {
    Fixture f(1, {{1}, {1}, {1}});
    REQUIRE(f.commit(0, 1));
    REQUIRE(f.apply(0, 1));
    f.checker.on_restart(0, 0);
    REQUIRE(f.commit(0, 1));
    CHECK(f.apply(0, 1));
  }
}

TEST_CASE("checker: no node truncates an entry committed anywhere") {
  // s1 committed index 2; s3 (which has not learned it: its commitIndex is 0) drops entry 2.
  Fixture f(1, {{1, 1}, {1, 1}, {1, 1}});
  REQUIRE(f.commit(0, 2));
  CHECK_FALSE(f.truncate(2, 2));
  CHECK(f.v().property == "Never truncate a committed entry");
  CHECK(contains(f.v().message, "s3 deleted its entries from index 2, but the entry it held there is committed (a server committed up to index 2)."));

  SUBCASE("dropping a stale, different entry at a committed index is fine") {
    Fixture g(2, {{1, 2}, {1, 2}, {1, 1}});
    REQUIRE(g.leader(0, 2));
    REQUIRE(g.commit(0, 2));
    CHECK(g.truncate(2, 2));
  }
}

TEST_CASE("checker: Leader Completeness for an entry committed after a later leader was elected") {
  // s1 won term 2 with log [1]. s2, a deposed leader of term 1 that has not heard, then commits
  // entry 2 (term 1) on s2 and s3: a majority, in its own term. A leader of term 2 lacking an entry
  // committed in term 1 breaks Leader Completeness (it could only happen with a broken vote rule).
  Fixture f(1, {{1}, {1, 1}, {1, 1}});
  REQUIRE(f.event(NodeEvent::Kind::NewTerm, 0, 2));
  f.nodes[0] = Node(test::config(0, 3), test::disk(2, {1}), 0);
  REQUIRE(f.leader(0, 2));
  REQUIRE(f.leader(1, 1));
  CHECK_FALSE(f.commit(1, 2));
  CHECK(f.v().property == "Leader Completeness");
  CHECK(contains(f.v().message, "s1 is leader of term 2 but lacks the entries up to index 2, which were just committed in term 1 or earlier (its log has 1 entries)."));
}

TEST_CASE("checker: a raised floor lets go of the tables below it and still checks above it (issue 8)") {
  // Three servers with 600 entries of term 3, all committed in term 3; every snapshot then covers
  // 1..520 (the Cluster raises the floor when snapshots say so).
  const std::vector<Term> full(600, 3);
  std::vector<Term> short_log(590, 3);
  Fixture f(3, {full, full, short_log});
  REQUIRE(f.leader(0, 3));
  REQUIRE(f.commit(0, 590));
  f.checker.raise_floor(520);
  CHECK(f.checker.floor() == 520);
  f.checker.raise_floor(100);  // never goes down
  CHECK(f.checker.floor() == 520);
  CHECK(f.checker.committed_index() == 590);

  SUBCASE("a follower truncating a committed entry above the floor is caught") {
    CHECK_FALSE(f.truncate(2, 530));
    CHECK(f.v().property == "Never truncate a committed entry");
    CHECK(contains(f.v().message, "s3 deleted its entries from index 530"));
  }
  SUBCASE("a new leader lacking committed entries above the floor is caught") {
    REQUIRE(f.commit(0, 600));
    CHECK_FALSE(f.leader(2, 4));
    CHECK(f.v().property == "Leader Completeness");
    CHECK(contains(f.v().message, "entries committed up to index 600 (its log has 590 entries)"));
  }
  SUBCASE("a leader holding them passes, and commits go on above the floor") {
    REQUIRE(f.commit(0, 600));
    CHECK(f.leader(1, 4));
    CHECK(f.commit(2, 560));
    CHECK(f.checker.ok());
  }
}

}  // namespace
}  // namespace raft::sim
