// Command mapping: what each click or key becomes, and that it is a valid scenario statement.
#include "viz/commands.h"

#include <doctest/doctest.h>

#include "viz/words.h"

namespace raft::viz {
namespace {

using K = sim::Statement::Kind;

// Each statement prints as a scenario line that parses back.
void round_trips(const sim::Statement& s) {
  const std::string text = sim::format_header(default_config()) + sim::format_statement(s) + "\n";
  sim::Scenario sc;
  const auto err = sim::parse_scenario(text, "test", sc);
  CHECK_MESSAGE(!err, text);
}

TEST_CASE("node actions") {
  CHECK(sim::make::crash(2).kind == K::Crash);
  CHECK(sim::make::crash(2).node == 2);
  CHECK(sim::make::restart(1).kind == K::Restart);
  CHECK(sim::make::timeout(4).node == 4);
  CHECK(sim::make::crash_leader().kind == K::CrashLeader);
  const sim::Statement r = sim::make::client_request(3, 7);
  CHECK(r.kind == K::ClientOp);
  CHECK(r.via == 3);
  CHECK(r.cmd.op == Op::Put);
  CHECK(r.cmd.value == "7");
  for (const auto& s : {sim::make::crash(2), sim::make::restart(1), sim::make::timeout(4), sim::make::crash_leader(), r, sim::make::client_request(kNoNode, 1)}) round_trips(s);
}

TEST_CASE("partitions: isolate one node, split a picked group off") {
  const sim::Statement iso = sim::make::isolate(1, 5);
  REQUIRE(iso.groups.size() == 2);
  CHECK(iso.groups[0] == std::vector<NodeId>{1});
  CHECK(iso.groups[1] == std::vector<NodeId>{0, 2, 3, 4});
  const sim::Statement split = sim::make::split_off(0b00110, 5);
  REQUIRE(split.groups.size() == 2);
  CHECK(split.groups[0] == std::vector<NodeId>{1, 2});
  CHECK(split.groups[1] == std::vector<NodeId>{0, 3, 4});
  CHECK(sim::make::isolate(0, 1).groups.size() == 1);
  const sim::Statement c = sim::make::cut(0, 3);
  CHECK(c.kind == K::Cut);
  CHECK(c.node == 0);
  CHECK(c.node2 == 3);
  CHECK_FALSE(c.one_way);
  for (const auto& s : {iso, split, c, sim::make::heal()}) round_trips(s);
}

TEST_CASE("message and network actions") {
  CHECK(sim::make::drop_message(42).number == 42);
  CHECK(sim::make::duplicate_message(42).kind == K::DuplicateMessage);
  const sim::Statement d = sim::make::delay_message(9, 250'000);
  CHECK(d.kind == K::DelayMessage);
  CHECK(d.us == 250'000);
  const sim::Statement l = sim::make::set_latency(30'000, 10'000);
  CHECK(l.us == 10'000);
  CHECK(l.us2 == 30'000);
  CHECK(sim::make::set_loss(2.0).prob == 1.0);
  CHECK(sim::make::set_duplicate(0.25).prob == doctest::Approx(0.25));
  for (const auto& s : {sim::make::drop_message(42), sim::make::duplicate_message(42), d, l, sim::make::set_loss(0.1), sim::make::set_duplicate(0.25)}) round_trips(s);
}

TEST_CASE("client load on and off") {
  const sim::Statement on = sim::make::client_load(true, 20);
  CHECK(on.kind == K::Clients);
  CHECK(on.workload.clients == sim::make::clients_for_rate(20));
  CHECK(on.workload.rate_per_s == 20);
  CHECK(on.us == kTimeNever);
  const sim::Statement off = sim::make::client_load(false, 20);
  CHECK(off.workload.clients == 0);
  CHECK(sim::make::clients_for_rate(0) == 0);
  CHECK(sim::make::clients_for_rate(0.5) == 1);
  round_trips(on);
  round_trips(off);
}

TEST_CASE("rejections in words") {
  char buf[400];
  VoteRejection v;
  CHECK(describe_vote_rejection(buf, sizeof buf, v) == 0);
  v.reason = VoteRejection::Reason::LogNotUpToDate;
  v.candidate = 2;
  v.term = 5;
  v.their_last_index = 3;
  v.their_last_term = 2;
  v.our_last_index = 4;
  v.our_last_term = 3;
  describe_vote_rejection(buf, sizeof buf, v);
  CHECK(std::string(buf).find("s3") != std::string::npos);
  CHECK(std::string(buf).find("up-to-date") != std::string::npos);
  v.reason = VoteRejection::Reason::AlreadyVoted;
  v.voted_for = 0;
  describe_vote_rejection(buf, sizeof buf, v);
  CHECK(std::string(buf).find("already voted for s1") != std::string::npos);
  AppendRejection a;
  a.reason = AppendRejection::Reason::TermMismatch;
  a.leader = 0;
  a.prev_log_index = 7;
  a.prev_log_term = 3;
  a.our_term_there = 2;
  describe_append_rejection(buf, sizeof buf, a);
  CHECK(std::string(buf).find("prevLogIndex 7") != std::string::npos);
  // Truncation never overflows.
  char tiny[8];
  describe_append_rejection(tiny, sizeof tiny, a);
  CHECK(std::string(tiny).size() == 7);
}

TEST_CASE("times and durations") {
  char b[32];
  format_time(b, sizeof b, 12'345'678);
  CHECK(std::string(b) == "12.345 s");
  format_duration(b, sizeof b, 150'000);
  CHECK(std::string(b) == "150 ms");
  format_duration(b, sizeof b, 800);
  CHECK(std::string(b) == "800 us");
}

}  // namespace
}  // namespace raft::viz
