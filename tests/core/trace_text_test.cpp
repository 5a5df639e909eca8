// The readable trace (core/sim/trace_text.h) of hand-made records: one exact line per kind, with
// the columns at fixed offsets (time 10 wide, who at 12, event at 22, details at 32; for messages
// the type at 39 and the fields at 61). A value wider than its column takes the room it needs and
// the next column starts where it can.
#include "core/sim/trace_text.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace raft;
using namespace raft::sim;

namespace {

Command command(Op op, ClientId client, RequestSeq seq, std::string key, std::string value = "", std::string expect = "") {
  Command c;
  c.op = op;
  c.client = client;
  c.seq = seq;
  c.key = std::move(key);
  c.value = std::move(value);
  c.expect = std::move(expect);
  return c;
}

Message message(MessageType type, NodeId from, NodeId to, Term term) {
  Message m;
  m.reset(type, from, to, term);
  return m;
}

std::string line(const Trace& trace, const TraceEvent& e, const ClientOps& ops = {}) {
  std::string out;
  write_event_text(out, trace, e, ops);
  return out;
}

}  // namespace

TEST_CASE("trace text: server state changes, in the paper's names") {
  Trace t;
  CHECK(line(t, TraceEvent::role(0, 0, Role::Follower, 1)) ==
        "     0.000  s1        role      follower  term=1\n");
  CHECK(line(t, TraceEvent::timeout(1'500, 0)) == "     1.500  s1        timeout   (forced)\n");
  CHECK(line(t, TraceEvent::new_term(1'500, 0, 2)) == "     1.500  s1        term      currentTerm=2\n");
  CHECK(line(t, TraceEvent::vote(1'500, 0, 2, 0)) == "     1.500  s1        vote      votedFor=s1 term=2\n");
  CHECK(line(t, TraceEvent::role(1'501, 0, Role::Candidate, 2)) ==
        "     1.501  s1        role      candidate term=2\n");
  CHECK(line(t, TraceEvent::role(12'345, 0, Role::Leader, 2)) ==
        "    12.345  s1        role      leader    term=2\n");
  CHECK(line(t, TraceEvent::truncate(20'000, 1, 4)) == "    20.000  s2        truncate  fromIndex=4\n");
  CHECK(line(t, TraceEvent::commit(20'001, 0, 5, true)) ==
        "    20.001  s1        commit    commitIndex=5 (majority)\n");
  CHECK(line(t, TraceEvent::commit(20'002, 1, 5, false)) ==
        "    20.002  s2        commit    commitIndex=5 (leaderCommit)\n");
  CHECK(line(t, TraceEvent::crash(1'234'567'890, 11)) == "1234567.890  s12       crash\n");  // wider: pushed right
  CHECK(line(t, TraceEvent::restart(2'000'000, 2)) == "  2000.000  s3        restart\n");
}

TEST_CASE("trace text: messages show ends, id, type and the fields of Figure 2") {
  Trace t;
  Message rv = message(MessageType::RequestVote, 0, 1, 2);
  rv.last_log_index = 3;
  rv.last_log_term = 1;
  CHECK(line(t, TraceEvent::send(1'500, 1, rv)) ==
        "     1.500  s1->s2    send      #1     RequestVote           term=2 lastLogIndex=3 lastLogTerm=1\n");

  Message granted = message(MessageType::RequestVoteResponse, 1, 0, 2);
  granted.vote_granted = true;
  CHECK(line(t, TraceEvent::deliver(9'001, 2, granted)) ==
        "     9.001  s2->s1    deliver   #2     RequestVoteResponse   term=2 voteGranted=true\n");

  Message ae = message(MessageType::AppendEntries, 0, 2, 2);
  ae.prev_log_index = 3;
  ae.prev_log_term = 1;
  ae.entries = {Entry{2, {}}, Entry{2, command(Op::Put, 1, 7, "x", "1")}};
  ae.leader_commit = 3;
  CHECK(line(t, TraceEvent::send(10'000, 3, ae, true)) ==
        "    10.000  s1->s3    send      #3     AppendEntries         term=2 prevLogIndex=3 prevLogTerm=1 "
        "entries=[4..5] leaderCommit=3 (network duplicate)\n");
  ae.entries.resize(1);
  CHECK(line(t, TraceEvent::send(10'000, 4, ae)) ==
        "    10.000  s1->s3    send      #4     AppendEntries         term=2 prevLogIndex=3 prevLogTerm=1 "
        "entries=[4] leaderCommit=3\n");
  ae.entries.clear();
  CHECK(line(t, TraceEvent::drop(10'500, 123456, ae, DropReason::Partition)) ==
        "    10.500  s1->s3    drop      #123456 AppendEntries        term=2 prevLogIndex=3 prevLogTerm=1 "
        "entries=[] leaderCommit=3 reason=partition\n");

  Message refused = message(MessageType::AppendEntriesResponse, 2, 0, 2);
  refused.conflict_term = 1;
  refused.conflict_index = 2;
  refused.rejected_index = 3;
  CHECK(line(t, TraceEvent::deliver(30'000, 5, refused)) ==
        "    30.000  s3->s1    deliver   #5     AppendEntriesResponse term=2 success=false conflictTerm=1 "
        "conflictIndex=2 rejectedIndex=3\n");
  Message accepted = message(MessageType::AppendEntriesResponse, 2, 0, 2);
  accepted.success = true;
  accepted.match_index = 5;
  CHECK(line(t, TraceEvent::drop(31'000, 6, accepted, DropReason::Down)) ==
        "    31.000  s3->s1    drop      #6     AppendEntriesResponse term=2 success=true matchIndex=5 reason=down\n");
}

TEST_CASE("trace text: log entries carry their command as the scenario language writes it") {
  Trace t;
  const uint32_t put = t.intern_command(4, 2, command(Op::Put, 1, 7, "x", "1"));
  const uint32_t noop = t.intern_command(3, 2, Command{});
  const uint32_t preset = t.intern_command(1, 1, command(Op::Preset, 0, 0, ""));
  // Keys and values that are not one plain word are quoted, so they cannot run into their neighbours.
  const uint32_t cas = t.intern_command(5, 2, command(Op::Cas, 2, 1, "a b", "2", ""));
  CHECK(line(t, TraceEvent::append(40'000, 1, 4, 2, put)) ==
        "    40.000  s2        append    index=4 term=2 put x 1 (c1 seq 7)\n");
  CHECK(line(t, TraceEvent::append(40'000, 1, 3, 2, noop)) == "    40.000  s2        append    index=3 term=2 no-op\n");
  CHECK(line(t, TraceEvent::append(0, 0, 1, 1, preset)) == "     0.000  s1        append    index=1 term=1 preset\n");
  CHECK(line(t, TraceEvent::apply(50'000, 0, 5, 2, cas)) ==
        "    50.000  s1        apply     index=5 term=2 cas \"a b\" \"\" 2 (c2 seq 1)\n");
}

TEST_CASE("trace text: client operations, named by client, with their outcome") {
  Trace t;
  ClientOps ops;
  ops.resize(4);
  ops.mut(0).req = 1;
  ops.mut(0).client = 1;
  ops.mut(0).cmd = command(Op::Get, 1, 1, "x");
  ops.mut(0).value = "3";
  ops.mut(1).req = 2;
  ops.mut(1).client = 2;
  ops.mut(1).cmd = command(Op::Cas, 2, 1, "x", "4", "3");
  ops.mut(1).cas_swapped = true;
  ops.mut(1).value = "4";
  ops.mut(2).req = 3;
  ops.mut(2).client = 1;
  ops.mut(2).cmd = command(Op::Delete, 1, 2, "y");
  ops.mut(3).req = 4;
  ops.mut(3).client = 3;
  ops.mut(3).cmd = command(Op::Append, 3, 1, "x", "(none)");
  CHECK(line(t, TraceEvent::invoke(60'000, 0, 1, kNoNode), ops) == "    60.000  c1        invoke    req=1 get x\n");
  CHECK(line(t, TraceEvent::invoke(60'000, 1, 2, 2), ops) == "    60.000  c2        invoke    req=2 cas x 3 4 via=s3\n");
  CHECK(line(t, TraceEvent::invoke(60'000, 3, 4, kNoNode), ops) ==
        "    60.000  c3        invoke    req=4 append x \"(none)\"\n");
  CHECK(line(t, TraceEvent::returned(70'000, 0, 1, true), ops) == "    70.000  c1        return    req=1 ok value=3\n");
  CHECK(line(t, TraceEvent::returned(70'000, 1, 2, true), ops) ==
        "    70.000  c2        return    req=2 ok value=4 swapped=true\n");
  CHECK(line(t, TraceEvent::returned(70'000, 2, 3, true), ops) ==
        "    70.000  c1        return    req=3 ok value=(none)\n");
  CHECK(line(t, TraceEvent::returned(80'000, 2, 3, false, true), ops) ==
        "    80.000  c1        return    req=3 failed (surely not applied)\n");
  CHECK(line(t, TraceEvent::returned(80'000, 3, 4, false), ops) ==
        "    80.000  c3        return    req=4 failed (outcome unknown)\n");
}

TEST_CASE("trace text: faults and settings") {
  Trace t;
  PartitionGroups groups;
  groups.nodes = 5;
  groups.group_of = {0, 1, 0, 1, 2};
  CHECK(line(t, TraceEvent::partition(100'000, groups)) == "   100.000            partition {s1 s3} {s2 s4} {s5}\n");
  CHECK(line(t, TraceEvent::cut(100'000, 0, 1, true)) == "   100.000  s1->s2    cut\n");
  CHECK(line(t, TraceEvent::uncut(100'000, 13, 14, false)) == "   100.000  s14<->s15 uncut\n");
  CHECK(line(t, TraceEvent::heal(200'000)) == "   200.000            heal\n");
  CHECK(line(t, TraceEvent::note(200'000)) == "   200.000            note\n");
  NetworkConfig net;
  net.latency_min_us = 5'000;
  net.latency_max_us = 40'000;
  net.loss = 0.1;
  CHECK(line(t, TraceEvent::network(300'000, net)) ==
        "   300.000            network   latency=5ms..40ms loss=0.1 duplicate=0\n");
  Timing timing;
  timing.heartbeat_interval_us = 1'500;
  timing.noop_on_election = false;
  CHECK(line(t, TraceEvent::timing(300'000, timing)) ==
        "   300.000            timing    electionTimeout=150ms..300ms heartbeat=1500us appendMax=64 noop=off\n");
}

TEST_CASE("trace text: a whole trace opens with the column header and says when it hit its limit") {
  Trace t;
  t.set_limit(2);
  t.add(TraceEvent::role(0, 0, Role::Follower, 0));
  t.add(TraceEvent::timeout(0, 0));
  t.add(TraceEvent::crash(1'000, 0));
  t.add(TraceEvent::restart(2'000, 0));
  CHECK(to_text(t, {}) ==
        "   time ms  who       event     details\n"
        "     0.000  s1        role      follower  term=0\n"
        "     0.000  s1        timeout   (forced)\n"
        "(trace limit reached: 2 later events not recorded)\n");
}
