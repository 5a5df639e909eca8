// Statement builders (core/sim/make.h): what each user action becomes, and that it prints as a
// scenario line that parses back to the same statement.
#include "core/sim/make.h"

#include <doctest/doctest.h>

namespace raft::sim {
namespace {

// Each statement prints as a scenario line that parses back to itself.
void round_trips(const Statement& s) {
  const std::string text = "nodes 5\nheal\n" + format_statement(s) + "\n";
  Scenario sc;
  const auto err = parse_scenario(text, "test", sc);
  REQUIRE_MESSAGE(!err, text);
  REQUIRE(sc.statements.size() == 2);
  CHECK_MESSAGE(sc.statements[1] == s, text);
}

TEST_CASE("builders: node actions") {
  CHECK(make::crash(2) == Statement(stmt::Crash{2}));
  CHECK(make::restart(1) == Statement(stmt::Restart{1}));
  CHECK(make::timeout(4) == Statement(stmt::Timeout{4}));
  CHECK(make::crash_leader().is<stmt::CrashLeader>());
  const Statement r = make::client_request(3, 7);
  REQUIRE(r.is<stmt::ClientOp>());
  CHECK(r.as<stmt::ClientOp>()->via == 3);
  CHECK(r.as<stmt::ClientOp>()->cmd.op == Op::Put);
  CHECK(r.as<stmt::ClientOp>()->cmd.key == "u2");
  CHECK(r.as<stmt::ClientOp>()->cmd.value == "7");
  CHECK(format_statement(r) == "put u2 7 via s4");
  for (const auto& s : {make::crash(2), make::restart(1), make::timeout(4), make::crash_leader(), r, make::client_request(kNoNode, 1)}) {
    round_trips(s);
  }
}

TEST_CASE("builders: partitions isolate one node or split a picked group off") {
  const Statement iso = make::isolate(1, 5);
  CHECK(iso == Statement(stmt::Partition{{{1}, {0, 2, 3, 4}}}));
  CHECK(format_statement(iso) == "partition s2 | s1 s3 s4 s5");
  CHECK(make::split_off(0b00110, 5) == Statement(stmt::Partition{{{1, 2}, {0, 3, 4}}}));
  CHECK(make::isolate(0, 1) == Statement(stmt::Partition{{{0}}}));
  CHECK(make::cut(0, 3) == Statement(stmt::Cut{0, 3, false}));
  CHECK(format_statement(make::uncut(0, 3, true)) == "uncut s1 -> s4");
  for (const auto& s : {iso, make::split_off(0b00110, 5), make::cut(0, 3), make::uncut(0, 3, true), make::heal()}) round_trips(s);
}

TEST_CASE("builders: messages and settings, clamped to what the language can say") {
  CHECK(make::drop_message(42) == Statement(stmt::DropMessage{42}));
  CHECK(make::delay_message(9, 250'000) == Statement(stmt::DelayMessage{9, 250'000}));
  CHECK(make::set_latency(30'000, 10'000) == Statement(stmt::Latency{10'000, 30'000}));
  CHECK(make::set_loss(2.0) == Statement(stmt::Loss{1.0}));
  CHECK(make::set_duplicate(0.25) == Statement(stmt::Duplicate{0.25}));
  CHECK(format_statement(make::set_election_timeout(150'000, 300'000)) == "election_timeout 150ms 300ms");
  CHECK(format_statement(make::set_append_max(8)) == "append_max 8");
  for (const auto& s : {make::drop_message(42), make::duplicate_message(42), make::delay_message(9, 250'000),
                        make::set_latency(30'000, 10'000), make::set_loss(0.1), make::set_duplicate(0.25),
                        make::set_heartbeat(20'000), make::set_noop(false), make::set_append_max(8)}) {
    round_trips(s);
  }
}

TEST_CASE("builders: client load on and off") {
  const Statement on = make::client_load(true, 20);
  REQUIRE(on.is<stmt::Clients>());
  CHECK(on.as<stmt::Clients>()->workload.clients == make::clients_for_rate(20));
  CHECK(on.as<stmt::Clients>()->workload.rate_per_s == 20);
  CHECK(on.as<stmt::Clients>()->for_us == kTimeNever);
  CHECK(make::client_load(false, 20).as<stmt::Clients>()->workload.clients == 0);
  CHECK(make::clients_for_rate(0) == 0);
  CHECK(make::clients_for_rate(0.5) == 1);
  CHECK(make::clients_for_rate(1000) == 64);
  round_trips(on);
  round_trips(make::client_load(false, 20));
}

TEST_CASE("builders: checks") {
  CHECK(format_statement(make::expect_leader()) == "expect leader");
  CHECK(format_statement(make::expect_leader_is(2)) == "expect leader s3");
  CHECK(format_statement(make::expect_no_leader()) == "expect no leader");
  CHECK(format_statement(make::expect_value("x", std::nullopt)) == "expect value x none");
  CHECK(is_check(make::expect_value("x", "1")));
  CHECK_FALSE(is_check(make::heal()));
  for (const auto& s : {make::expect_leader(), make::expect_leader_is(2), make::expect_no_leader(), make::expect_value("x", "1")}) {
    round_trips(s);
  }
}

}  // namespace
}  // namespace raft::sim
