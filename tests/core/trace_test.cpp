// The trace's chunked event store and its JSON rendering.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/sim/trace.h"

using namespace raft;
using namespace raft::sim;

TEST_CASE("trace events: chunked storage indexes, rewinds across chunk boundaries and searches like a vector") {
  constexpr size_t k = TraceEvents::kChunkEvents;
  TraceEvents ev;
  auto event = [](size_t i) {
    TraceEvent e;
    e.t = static_cast<Time>(i * 10);
    e.id = i;
    return e;
  };
  for (size_t i = 0; i < 2 * k + 5; ++i) ev.push_back(event(i));
  CHECK(ev.size() == 2 * k + 5);
  CHECK(ev[k].id == k);
  CHECK(ev.back().id == 2 * k + 4);
  auto it = std::lower_bound(ev.begin(), ev.end(), static_cast<Time>((k + 3) * 10), [](const TraceEvent& e, Time v) { return e.t < v; });
  CHECK(it - ev.begin() == static_cast<std::ptrdiff_t>(k + 3));
  for (size_t n : {2 * k, k + 1, k, size_t{1}, size_t{0}}) {
    CAPTURE(n);
    ev.resize_down(n);
    CHECK(ev.size() == n);
    ev.push_back(event(n));
    CHECK(ev.size() == n + 1);
    CHECK(ev[n].id == n);
    if (n > 0) CHECK(ev[n - 1].id == n - 1);
    ev.resize_down(n);
  }
  size_t count = 0;
  for (const TraceEvent& e : ev) count += e.id == 0 ? 1 : 0;
  CHECK(count == 0);  // empty after the last resize
}

TEST_CASE("trace: rewinding to a mark restores the events and the hash; a fork forgets the later commands") {
  Trace t;
  Command c;
  c.op = Op::Put;
  c.key = "x";
  c.value = "1";
  const TraceEvent e = TraceEvent::append(0, 0, 1, 1, t.intern_command(1, 1, c));
  t.add(e);
  const Trace::Mark m = t.mark();
  const uint64_t h = t.hash();
  for (int i = 0; i < 40000; ++i) t.add(e);
  c.value = "2";
  CHECK(t.intern_command(2, 1, c) == 1);
  const Trace::Mark later = t.mark();
  CHECK(later.commands == 2);
  t.rewind(m);
  CHECK(t.size() == 1);
  CHECK(t.hash() == h);
  CHECK(t.mark().commands == 1);
  std::string out;
  t.write_event(out, t.events()[0], {});
  CHECK(out == "{\"t\":0,\"ev\":\"append\",\"node\":\"s1\",\"index\":1,\"term\":1,\"cmd\":{\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"client\":\"c0\",\"seq\":0}}\n");
  CHECK(t.intern_command(2, 1, c) == 1);  // a replay finds the same slot
  CHECK(t.mark().commands == 2);
  // Forward to a later mark (a checkpoint ahead of the moment shown): nothing held, indexes go on.
  t.rewind(later);
  CHECK(t.size() == 40001);
  CHECK(t.events().held() == 0);
  CHECK(t.hash() == later.hash);
  // A fork at m: the rewind forgot the commands interned after it, so the slot is reused.
  t.rewind(m);
  c.value = "3";
  CHECK(t.intern_command(2, 1, c) == 1);
  t.rewind(m);
  CHECK(t.events().first() == 1);  // event 0 went with the forward jump: a Lab replays it if needed
  CHECK(t.events().held() == 0);
}

TEST_CASE("trace: with a window, commands no held event names are let go of, never the one just interned") {
  Trace t;
  t.set_window(TraceEvents::kChunkEvents);
  Command c;
  c.op = Op::Put;
  c.key = "x";
  uint32_t ref = 0;
  for (LogIndex i = 1; i < 4096; ++i) {
    c.value = std::to_string(i);
    ref = t.intern_command(i, 1, c);
    t.add(TraceEvent::append(0, 0, i, 1, ref));
  }
  CHECK(ref == 4094);
  // Then only events that name no command, until none of the appends is held.
  for (int i = 0; i < 3 * static_cast<int>(TraceEvents::kChunkEvents); ++i) t.add(TraceEvent::crash(1, 0));
  c.value = "last";
  ref = t.intern_command(4096, 1, c);  // slot 4095: the 4096th, when the release runs
  CHECK(ref == 4095);
  CHECK(t.commands_first() == 4095);   // every earlier one let go of
  CHECK(t.has_command(ref));
  CHECK(t.command(ref).value == "last");
  CHECK_FALSE(t.has_command(100));
  // A replay interning a let-go entry again gets its slot back, with the command.
  c.value = "100";
  CHECK(t.intern_command(100, 1, c) == 99);
  CHECK(t.has_command(99));
  CHECK(t.command(99).value == "100");
}

TEST_CASE("trace: a branch holds what it records after its mark, whatever the mark's index") {
  Trace t;
  t.set_limit(5);
  const TraceEvent e = TraceEvent::note(1);
  t.add(e);
  Trace::Mark m = t.mark();
  m.events = 10'000'000;  // far past the limit (a checkpoint late in a long run)
  Trace b = t.branch(m);
  for (int i = 0; i < 3; ++i) b.add(e);
  CHECK(b.size() == 10'000'003);
  CHECK(b.events().held() == 3);
  CHECK_FALSE(b.full());
  b.drop_held();
  CHECK(b.events().held() == 0);
  CHECK(b.size() == 10'000'003);
}

TEST_CASE("trace records: each named constructor reads back through its accessors") {
  CHECK(TraceEvent::role(5, 2, Role::Candidate, 7).role() == Role::Candidate);
  const TraceEvent vote = TraceEvent::vote(5, 1, 3, 4);
  CHECK(vote.voted_for() == 4);
  CHECK(vote.term == 3);

  Message rv;
  rv.reset(MessageType::RequestVote, 0, 2, 6);
  rv.last_log_index = 9;
  rv.last_log_term = 5;
  const TraceEvent sent = TraceEvent::send(10, 77, rv, true);
  CHECK(sent.kind == TraceKind::Send);
  CHECK(sent.id == 77);
  CHECK(sent.from == 0);
  CHECK(sent.to == 2);
  CHECK(sent.term == 6);
  CHECK(sent.network_duplicate());
  CHECK(sent.message_type() == MessageType::RequestVote);
  CHECK(sent.last_log_index() == 9);
  CHECK(sent.last_log_term() == 5);

  Message ae;
  ae.reset(MessageType::AppendEntries, 1, 0, 4);
  ae.prev_log_index = 12;
  ae.prev_log_term = 3;
  ae.entries.resize(2);
  ae.leader_commit = 11;
  const TraceEvent delivered = TraceEvent::deliver(20, 8, ae);
  CHECK(delivered.prev_log_index() == 12);
  CHECK(delivered.prev_log_term() == 3);
  CHECK(delivered.entry_count() == 2);
  CHECK(delivered.leader_commit() == 11);

  Message refused;
  refused.reset(MessageType::AppendEntriesResponse, 0, 1, 4);
  refused.conflict_term = 2;
  refused.conflict_index = 6;
  refused.rejected_index = 12;
  const TraceEvent dropped = TraceEvent::drop(30, 9, refused, DropReason::Partition);
  CHECK(dropped.drop_reason() == DropReason::Partition);
  CHECK_FALSE(dropped.success());
  CHECK(dropped.conflict_term() == 2);
  CHECK(dropped.conflict_index() == 6);
  CHECK(dropped.rejected_index() == 12);
  Message accepted = refused;
  accepted.success = true;
  accepted.match_index = 14;
  CHECK(TraceEvent::deliver(31, 10, accepted).match_index() == 14);

  const TraceEvent append = TraceEvent::append(40, 3, 15, 4, 21);
  CHECK(append.index() == 15);
  CHECK(append.term == 4);
  CHECK(append.command_ref() == 21);
  CHECK(TraceEvent::apply(40, 3, 15, 4, 21).kind == TraceKind::Apply);
  CHECK(TraceEvent::truncate(41, 3, 13).index() == 13);
  CHECK(TraceEvent::commit(42, 0, 15, true).by_leader());
  CHECK_FALSE(TraceEvent::commit(42, 1, 15, false).by_leader());

  const TraceEvent invoke = TraceEvent::invoke(50, 6, 31, 2);
  CHECK(invoke.op_ref() == 6);
  CHECK(invoke.id == 31);
  CHECK(invoke.via() == 2);
  CHECK(TraceEvent::invoke(50, 6, 31, kNoNode).via() == kNoNode);
  const TraceEvent ret = TraceEvent::returned(60, 6, 31, false, true);
  CHECK_FALSE(ret.ok());
  CHECK(ret.definite());

  PartitionGroups groups;
  groups.nodes = 5;
  groups.group_of = {0, 1, 0, 2, 15};
  const PartitionGroups back = TraceEvent::partition(70, groups).partition_groups();
  CHECK(back.nodes == 5);
  CHECK(back.group_of == groups.group_of);
  const TraceEvent cut = TraceEvent::cut(71, 1, 4, true);
  CHECK(cut.from == 1);
  CHECK(cut.to == 4);
  CHECK(cut.one_way());
  CHECK(TraceEvent::uncut(72, 1, 4, false).kind == TraceKind::Uncut);

  NetworkConfig net;
  net.latency_min_us = 3'000;
  net.latency_max_us = 9'000;
  net.loss = 0.125;
  net.duplicate = 0.5;
  CHECK(TraceEvent::network(80, net).network() == net);
  Timing timing;
  timing.election_timeout_min_us = 400'000;
  timing.election_timeout_max_us = 800'000;
  timing.heartbeat_interval_us = 20'000;
  timing.append_entries_max = 8;
  timing.noop_on_election = false;
  CHECK(TraceEvent::timing(90, timing).timing() == timing);
}

TEST_CASE("trace records: settings and partitions as JSON lines, and the hash over the packed records") {
  Trace t;
  PartitionGroups groups;
  groups.nodes = 3;
  groups.group_of = {0, 1, 0};
  t.add(TraceEvent::partition(1'000, groups));
  NetworkConfig net;
  net.latency_min_us = 1'000;
  net.latency_max_us = 5'000;
  net.loss = 0.25;
  t.add(TraceEvent::network(2'000, net));
  Timing timing;
  timing.append_entries_max = 8;
  timing.noop_on_election = false;
  t.add(TraceEvent::timing(3'000, timing));
  CHECK(t.to_jsonl({}) ==
        "{\"t\":1000,\"ev\":\"partition\",\"groups\":[[\"s1\",\"s3\"],[\"s2\"]]}\n"
        "{\"t\":2000,\"ev\":\"network\",\"latencyMinUs\":1000,\"latencyMaxUs\":5000,\"loss\":0.25,\"duplicate\":0}\n"
        "{\"t\":3000,\"ev\":\"timing\",\"electionTimeoutMinUs\":150000,\"electionTimeoutMaxUs\":300000,"
        "\"heartbeatUs\":50000,\"appendMax\":8,\"noop\":false}\n");
  // The hash covers every packed word: a change to the packing shows up here (and in every trace
  // hash). The value is the one the records had before the named constructors existed.
  CHECK(t.hash() == 9583295584483831892ULL);
}
