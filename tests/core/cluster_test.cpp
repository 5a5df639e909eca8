// Cluster tests: the simulator with the checker on, stepped by virtual time only.
#include <doctest/doctest.h>

#include <functional>

#include "core/sim/cluster.h"
#include "core/sim/lab.h"
#include "core/sim/make.h"
#include "core/sim/linearizability.h"

using namespace raft;
using namespace raft::sim;

namespace {

ClusterConfig config(int nodes, uint64_t seed) {
  ClusterConfig c;
  c.nodes = nodes;
  c.seed = seed;
  return c;
}

ClusterConfig lossy(ClusterConfig cfg, double loss, double duplicate) {
  cfg.network.loss = loss;
  cfg.network.duplicate = duplicate;
  return cfg;
}

Workload load(int clients, double rate_per_s) {
  Workload w;
  w.clients = clients;
  w.rate_per_s = rate_per_s;
  return w;
}

// Runs until `pred` holds, checking at every event; false if it did not within `us_max`.
bool step_until(Cluster& c, const std::function<bool()>& pred, Time us_max) {
  const Time end = c.now() + us_max;
  while (c.now() < end && c.ok()) {
    if (pred()) return true;
    if (c.next_event_time() > end) break;
    c.step();
  }
  return pred();
}

Command put(std::string k, std::string v) {
  Command c;
  c.op = Op::Put;
  c.key = std::move(k);
  c.value = std::move(v);
  return c;
}

std::vector<HistoryOp> history(const Cluster& c) {
  std::vector<HistoryOp> h;
  for (const ClientOpRecord& r : c.client_ops()) {
    HistoryOp op;
    op.client = r.client;
    op.req = r.req;
    switch (r.cmd->op) {
      case Op::Put: op.kind = KvOpKind::Put; break;
      case Op::Get: op.kind = KvOpKind::Get; break;
      case Op::Append: op.kind = KvOpKind::Append; break;
      case Op::Cas: op.kind = KvOpKind::Cas; break;
      case Op::Delete: op.kind = KvOpKind::Delete; break;
      default: continue;
    }
    op.key = r.cmd->key;
    op.value = r.cmd->value;
    op.expect = r.cmd->expect;
    op.invoke_us = r.invoke_us;
    op.returned = r.returned && r.ok;
    op.return_us = r.return_us;
    op.result = r.value;
    op.cas_swapped = r.cas_swapped;
    h.push_back(op);
  }
  return h;
}

}  // namespace

TEST_CASE("a 5-node cluster elects exactly one leader, for many seeds") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    CAPTURE(seed);
    Cluster c(config(5, seed));
    CHECK(step_until(c, [&] { return c.leader() != kNoNode; }, 3'000'000));
    c.run_for(1'000'000);
    CHECK_MESSAGE(c.ok(), c.checker().violation().property << ": " << c.checker().violation().message);
    const NodeId l = c.leader();
    REQUIRE(l != kNoNode);
    for (NodeId n = 0; n < 5; ++n) {
      CHECK(c.node(n).current_term() == c.node(l).current_term());
      CHECK(c.node(n).leader_id() == l);
    }
  }
}

TEST_CASE("cluster sizes 1 to 15 elect a leader and commit a write") {
  for (int n : {1, 2, 3, 4, 7, 9, 15}) {
    CAPTURE(n);
    Cluster c(config(n, 3));
    REQUIRE(step_until(c, [&] { return c.leader() != kNoNode; }, 5'000'000));
    c.submit(put("x", "1"));
    c.run_for(1'000'000);
    CHECK_MESSAGE(c.ok(), c.checker().violation().property << ": " << c.checker().violation().message);
    REQUIRE(c.client_ops().size() == 1);
    CHECK(c.client_ops()[0].ok);
    CHECK(c.node(c.leader()).kv().get("x") == std::optional<std::string>("1"));
  }
}

TEST_CASE("crashing the leader elects a new leader with a higher term; restart catches up") {
  Cluster c(config(5, 11));
  REQUIRE(step_until(c, [&] { return c.leader() != kNoNode; }, 3'000'000));
  c.submit(put("a", "1"));
  c.run_for(500'000);
  const NodeId old = c.leader();
  const Term old_term = c.node(old).current_term();
  c.crash(old);
  CHECK_FALSE(c.up(old));
  REQUIRE(step_until(c, [&] { return c.leader() != kNoNode; }, 3'000'000));
  CHECK(c.leader() != old);
  CHECK(c.node(c.leader()).current_term() > old_term);
  c.submit(put("a", "2"));
  c.run_for(500'000);
  c.restart(old);
  c.run_for(1'000'000);
  CHECK_MESSAGE(c.ok(), c.checker().violation().property << ": " << c.checker().violation().message);
  CHECK(c.node(old).role() == Role::Follower);
  CHECK(c.node(old).log() == c.node(c.leader()).log());
  CHECK(c.node(old).kv().get("a") == std::optional<std::string>("2"));
}

TEST_CASE("a partitioned leader cannot commit; the majority can; healing converges every log") {
  Cluster c(config(5, 5));
  REQUIRE(step_until(c, [&] { return c.leader() != kNoNode; }, 3'000'000));
  const NodeId old = c.leader();
  const NodeId buddy = (old + 1) % 5;
  std::vector<NodeId> majority;
  for (NodeId n = 0; n < 5; ++n) {
    if (n != old && n != buddy) majority.push_back(n);
  }
  c.partition({{old, buddy}, majority});
  const LogIndex minority_commit = c.node(old).commit_index();
  c.submit(put("x", "stuck"), old);  // accepted by the old leader, never committed
  REQUIRE(step_until(c, [&] { return c.leader() != kNoNode && c.leader() != old; }, 3'000'000));
  const NodeId fresh = c.leader();
  c.submit(put("x", "new"), fresh);
  c.run_for(200'000);
  CHECK(c.node(fresh).kv().get("x") == std::optional<std::string>("new"));
  c.run_for(800'000);
  CHECK(c.node(old).role() == Role::Leader);  // it does not know yet
  CHECK(c.node(old).commit_index() == minority_commit);
  // The client of "stuck" got no reply within its timeout and retried at another server (§8), so
  // the majority committed it after "new": the client's request was not lost.
  CHECK(c.node(fresh).kv().get("x") == std::optional<std::string>("stuck"));
  CHECK(c.client_ops()[0].ok);
  c.heal();
  c.run_for(2'000'000);
  CHECK_MESSAGE(c.ok(), c.checker().violation().property << ": " << c.checker().violation().message);
  CHECK(c.node(old).role() == Role::Follower);
  for (NodeId n = 0; n < 5; ++n) {
    CHECK(c.node(n).log() == c.node(c.leader()).log());
    CHECK(c.node(n).commit_index() == c.node(c.leader()).commit_index());
  }
}

TEST_CASE("clients whose leader is cut off in a minority find the new leader") {
  Cluster c(config(5, 13));
  Workload w;
  w.clients = 3;
  w.rate_per_s = 60;
  c.set_workload(w);
  REQUIRE(step_until(c, [&] { return c.leader() != kNoNode; }, 3'000'000));
  c.run_for(500'000);
  const NodeId old = c.leader();
  std::vector<NodeId> majority;
  for (NodeId n = 0; n < 5; ++n) {
    if (n != old) majority.push_back(n);
  }
  c.partition({{old}, majority});
  c.run_for(1'000'000);
  const uint64_t ok_before = c.metrics().ops_ok;
  c.run_for(4'000'000);
  CHECK_MESSAGE(c.ok(), c.checker().violation().message);
  // 60 requests/s for 4 s: the background load keeps committing on the majority side.
  CHECK(c.metrics().ops_ok - ok_before > 100);
}

TEST_CASE("determinism: the same seed gives the same trace byte for byte; another seed does not") {
  auto run = [](uint64_t seed) {
    Cluster c(lossy(config(5, seed), 0.05, 0.02));
    c.set_workload(load(3, 40));
    c.run_for(2'000'000);
    c.crash(c.leader() == kNoNode ? 0 : c.leader());
    c.run_for(2'000'000);
    return std::make_tuple(c.trace().hash(), c.state_hash(), c.trace().to_jsonl(c.client_ops()));
  };
  const auto [h1, s1, j1] = run(77);
  const auto [h2, s2, j2] = run(77);
  const auto [h3, s3, j3] = run(78);
  CHECK(h1 == h2);
  CHECK(s1 == s2);
  CHECK(j1 == j2);
  CHECK(h1 != h3);
  CHECK(j1.size() > 10'000);
  MESSAGE("trace hash seed 77: " << h1 << " state hash: " << s1);
}

TEST_CASE("the constructor builds the initial disks: trace, checker and metrics see them before time starts") {
  std::vector<InitialDisk> disks(3);
  disks[0].term = 3;
  disks[0].voted_for = 2;
  disks[0].log = {1, 3};
  disks[2].term = 2;
  disks[2].log = {1};
  const Cluster c(config(3, 4), disks);
  CHECK(c.now() == 0);
  CHECK(c.ok());
  CHECK(c.node(0).current_term() == 3);
  CHECK(c.node(0).voted_for() == 2);
  CHECK(c.node(0).log().last_index() == 2);
  CHECK(c.node(0).log().at(2).term == 3);
  CHECK(c.node(0).log().at(2).cmd->op == Op::Preset);
  CHECK(c.node(1).log().last_index() == 0);
  CHECK(c.metrics().max_term == 3);
  // One role record per server, then one append per preset entry, in server order.
  REQUIRE(c.trace().size() == 6);
  CHECK(c.trace().events()[0].kind == TraceKind::Role);
  CHECK(c.trace().events()[0].term == 3);
  CHECK(c.trace().events()[1].kind == TraceKind::Append);
  CHECK(c.trace().events()[2].index() == 2);
  CHECK(c.trace().events()[3].node == 1);
  CHECK(c.trace().events()[5].kind == TraceKind::Append);
  CHECK(c.trace().events()[5].node == 2);
}

TEST_CASE("the trace opens with the initial state and uses the documented event names") {
  std::vector<InitialDisk> disks(3);
  disks[1].term = 4;
  disks[1].log = {1, 1, 4};
  Cluster c(config(3, 2), disks);
  c.run_for(400'000);
  const std::string j = c.trace().to_jsonl(c.client_ops());
  CHECK(j.rfind("{\"t\":0,\"ev\":\"role\",\"node\":\"s1\",\"term\":0,\"role\":\"follower\"}\n", 0) == 0);
  CHECK(j.find("{\"t\":0,\"ev\":\"role\",\"node\":\"s2\",\"term\":4,\"role\":\"follower\"}") != std::string::npos);
  CHECK(j.find("{\"t\":0,\"ev\":\"append\",\"node\":\"s2\",\"index\":3,\"term\":4,\"cmd\":{\"op\":\"preset\"}}") != std::string::npos);
  CHECK(j.find("\"ev\":\"send\"") != std::string::npos);
  CHECK(j.find("\"type\":\"RequestVote\"") != std::string::npos);
  CHECK(j.find("\"ev\":\"vote\"") != std::string::npos);
}

TEST_CASE("client load under loss and crashes stays linearizable and safe") {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    CAPTURE(seed);
    Cluster c(lossy(config(5, seed), 0.1, 0.05));
    c.set_workload(load(4, 100));
    for (int round = 0; round < 6; ++round) {
      c.run_for(700'000);
      const NodeId victim = static_cast<NodeId>((seed + round) % 5);
      if (c.up(victim)) c.crash(victim); else c.restart(victim);
    }
    for (NodeId n = 0; n < 5; ++n) {
      if (!c.up(n)) c.restart(n);
    }
    c.run_for(3'000'000);
    CHECK_MESSAGE(c.ok(), c.checker().violation().property << ": " << c.checker().violation().message);
    CHECK(c.metrics().ops_ok > 20);
    const LinearizabilityResult r = check_linearizable(history(c));
    CHECK_MESSAGE(r.linearizable(), r.explanation);
  }
}

TEST_CASE("user faults: drop, duplicate and delay a message by id") {
  Cluster c(config(3, 9));
  c.run_for(100'000);
  // Find a message in flight.
  MessageId id = 0;
  c.network().for_each_in_flight([&](const InFlight& f) { if (id == 0) id = f.id; });
  if (id == 0) {
    c.timeout(c.node(0).role() == Role::Leader ? 1 : 0);
    c.network().for_each_in_flight([&](const InFlight& f) { if (id == 0) id = f.id; });
  }
  REQUIRE(id != 0);
  const size_t before = c.network().in_flight();
  CHECK(c.duplicate_message(id));
  CHECK(c.network().in_flight() == before + 1);
  CHECK(c.delay_message(id, 5'000));
  CHECK(c.drop_message(id));
  CHECK(c.network().in_flight() == before);
  CHECK_FALSE(c.drop_message(id));
  const std::string j = c.trace().to_jsonl(c.client_ops());
  CHECK(j.find("\"ev\":\"drop\",\"id\":" + std::to_string(id)) != std::string::npos);
  CHECK(j.find("\"reason\":\"user\"") != std::string::npos);
}

TEST_CASE("the checker reports a broken invariant in words (a corrupted preset log)") {
  // Two servers with the same (index, term) but different earlier entries break Log Matching.
  std::vector<InitialDisk> disks(3);
  disks[0].log = {1, 2};
  disks[1].log = {1, 1, 2};
  disks[2].log = {3, 2};
  Cluster c(config(3, 1), disks);
  c.run_for(10);
  // s1 has (2,2) after (1,1); s3 has (2,2) after (1,3): same index and term, different prefix.
  CHECK_FALSE(c.ok());
  CHECK(c.checker().violation().property == "Log Matching");
  CHECK(c.checker().violation().message.find("index 2 with term 2") != std::string::npos);
}

TEST_CASE("lab: seeking back shows the earlier state exactly; playing forward repeats the recorded future") {
  ClusterConfig cfg = config(5, 21);
  Lab lab(cfg);
  lab.run_for(1'000'000);
  REQUIRE(lab.apply(make::crash_leader()));
  lab.run_for(5'000'000);
  const uint64_t end_hash = lab.cluster().state_hash();
  const Time end = lab.end_time();
  CHECK(end == 6'000'000);
  lab.seek(1'500'000);
  CHECK(lab.cluster().now() == 1'500'000);
  CHECK(lab.in_past());
  // The crashed leader is down in the past too.
  int down = 0;
  for (NodeId n = 0; n < 5; ++n) down += !lab.cluster().up(n);
  CHECK(down == 1);
  const uint64_t mid_hash = lab.cluster().state_hash();
  lab.seek(end);
  CHECK(lab.cluster().state_hash() == end_hash);
  lab.seek(1'500'000);
  CHECK(lab.cluster().state_hash() == mid_hash);
  CHECK(lab.step_back());
  CHECK(lab.cluster().now() < 1'500'000);
  // A command in the past forks: the future is cut.
  lab.seek(3'000'000);
  REQUIRE(lab.apply(make::heal()));
  CHECK(lab.end_time() == 3'000'000);
  CHECK_FALSE(lab.in_past());
  CHECK(lab.log().back().t == 3'000'000);
  CHECK(lab.checkpoints() >= 2);
}

TEST_CASE("lab: a seek in slices ends exactly where an unsliced seek does, whatever the slice size") {
  // A loaded script (a share link) is computed by seeking to its end; the page does it in slices.
  const std::string text = "nodes 5\nseed 8\nclients 3 rate 20/s\nrun 2s\ncrash leader\nrun 3s\nheal\nrun 4s\n";
  Lab whole;
  REQUIRE_FALSE(whole.load_scenario(text).has_value());
  CHECK(whole.computed_until() == 0);  // the script's end is known before it is computed
  CHECK(whole.end_time() == 9'000'000);
  whole.seek(whole.end_time());
  CHECK(whole.computed_until() == 9'000'000);
  const uint64_t state = whole.cluster().state_hash(), trace = whole.cluster().trace().hash();
  whole.seek(4'321'000);
  const uint64_t mid_state = whole.cluster().state_hash(), mid_trace = whole.cluster().trace().hash();
  for (const Time slice : {Time{997}, Time{7'000}, Time{250'000}, Time{3'000'000}}) {
    CAPTURE(slice);
    Lab lab;
    REQUIRE_FALSE(lab.load_scenario(text).has_value());
    Time slices = 0;
    bool each_slice_whole = true;  // every slice moves exactly `slice` forward, all of it computed
    while (!lab.seek_toward(lab.end_time(), slice)) {
      ++slices;
      each_slice_whole = each_slice_whole && lab.cluster().now() == slices * slice && lab.computed_until() == lab.cluster().now();
    }
    CHECK(each_slice_whole);
    CHECK(slices == (9'000'000 - 1) / slice);
    CHECK(lab.cluster().state_hash() == state);
    CHECK(lab.cluster().trace().hash() == trace);
    // Back in time in slices: the first slice restores a checkpoint, the next ones replay.
    bool before = true;
    while (!lab.seek_toward(4'321'000, slice)) before = before && lab.cluster().now() < 4'321'000;
    CHECK(before);
    CHECK(lab.cluster().now() == 4'321'000);
    CHECK(lab.cluster().state_hash() == mid_state);
    CHECK(lab.cluster().trace().hash() == mid_trace);
    CHECK(lab.computed_until() == 9'000'000);
  }
}

TEST_CASE("lab: the trace holds a window of recent events; older ones are regenerated by replay, identical") {
  const std::string text = "nodes 3\nseed 12\nclients 2 rate 20/s\nrun 120s\n";
  Lab full;
  full.set_trace_window(0);  // no window: every event held
  REQUIRE_FALSE(full.load_scenario(text).has_value());
  full.seek(full.end_time());
  const uint64_t state = full.cluster().state_hash(), trace = full.cluster().trace().hash();
  const size_t events = full.cluster().trace().size();
  REQUIRE(full.cluster().trace().events().first() == 0);
  // Without a window, seeking back and forward again keeps every event (no jump over them).
  full.seek(3'000'000);
  full.seek(full.end_time());
  REQUIRE(full.cluster().trace().events().first() == 0);
  REQUIRE(full.cluster().trace().size() == events);
  std::vector<TraceEvent> all(full.cluster().trace().events().begin(), full.cluster().trace().events().end());
  REQUIRE(all.size() == events);
  REQUIRE(events > 3 * TraceEvents::kChunkEvents);

  Lab lab;
  lab.set_trace_window(TraceEvents::kChunkEvents);
  REQUIRE_FALSE(lab.load_scenario(text).has_value());
  lab.seek(lab.end_time());
  const TraceEvents& held = lab.cluster().trace().events();
  CHECK(held.size() == events);                       // indexes stay absolute
  CHECK(held.first() >= events - 2 * TraceEvents::kChunkEvents);  // at most the window and one chunk
  CHECK(held.first() > 0);
  CHECK(held[held.first()] == all[held.first()]);
  CHECK(held.back() == all.back());
  CHECK_FALSE(lab.cluster().trace().full());          // a window never fills up
  CHECK(lab.cluster().state_hash() == state);         // simulated and checked all the same
  CHECK(lab.cluster().trace().hash() == trace);       // the hash covers the dropped events too

  // Regenerated: every event of a stretch before the window, identical and in order.
  const Time from = 1'234'000, to = 2'500'000;
  REQUIRE(all[held.first()].t > to);
  std::vector<TraceEvent> again;
  Time started_at = -1;
  lab.replay_events(from, to, [&](const Cluster& c) { started_at = c.now(); },
                    [&](const TraceEvent& e, const Cluster&) { again.push_back(e); });
  CHECK(started_at == from - 1);
  std::vector<TraceEvent> want;
  for (const TraceEvent& e : all) {
    if (e.t >= from && e.t < to) want.push_back(e);
  }
  REQUIRE(want.size() > 100);
  CHECK(again == want);
  CHECK(lab.cluster().now() == lab.end_time());       // the session did not move

  // Step back from a moment before the window: the previous event time, found by replay.
  const Time at = 2'000'000;
  lab.seek(at);
  lab.seek(lab.end_time());  // the window again holds only the end of the run
  lab.seek(at);
  REQUIRE(lab.step_back());
  auto before = std::lower_bound(all.begin(), all.end(), at, [](const TraceEvent& e, Time v) { return e.t < v; });
  REQUIRE(before != all.begin());
  CHECK(lab.cluster().now() == std::prev(before)->t);
  const Time first_back = lab.cluster().now();
  REQUIRE(lab.step_back());
  before = std::lower_bound(all.begin(), all.end(), first_back, [](const TraceEvent& e, Time v) { return e.t < v; });
  CHECK(lab.cluster().now() == std::prev(before)->t);
  // Forward again: the seek jumps to the last checkpoint before the end and replays from there,
  // and ends exactly where the straight run did.
  const Time near_end = lab.end_time() - 1'000'000;  // a second after a checkpoint
  lab.seek(near_end);
  const TraceEvents& now_held = lab.cluster().trace().events();
  REQUIRE(now_held.held() > 0);
  CHECK(now_held.held() < 2000);  // replayed one second, not the run
  const auto last = std::upper_bound(all.begin(), all.end(), near_end, [](Time v, const TraceEvent& e) { return v < e.t; });
  CHECK(now_held.back() == *std::prev(last));
  CHECK(now_held.size() == static_cast<size_t>(last - all.begin()));
  lab.seek(lab.end_time());
  CHECK(lab.cluster().state_hash() == state);
  CHECK(lab.cluster().trace().hash() == trace);
}

TEST_CASE("commit latencies: a histogram in constant memory, percentiles within 1/16 above the exact value") {
  LatencyHistogram h;
  CHECK(h.percentile(50) == 0);
  for (Time v : {3, 7, 7, 20}) h.add(v);  // exact below 32 us
  CHECK(h.percentile(50) == 7);
  CHECK(h.percentile(100) == 20);
  LatencyHistogram ms;
  std::vector<Time> all;
  for (Time v = 1000; v <= 1'000'000; v += 997) {  // 1 ms .. 1 s
    ms.add(v);
    all.push_back(v);
  }
  CHECK(ms.count() == all.size());
  for (double p : {1.0, 50.0, 90.0, 99.0, 100.0}) {
    const size_t rank = std::clamp<size_t>(static_cast<size_t>(p / 100.0 * static_cast<double>(all.size()) + 0.999999), 1, all.size());
    const Time exact = all[rank - 1];
    const Time got = ms.percentile(p);
    INFO("p" << p << ": exact " << exact << ", histogram " << got);
    CHECK(got >= exact);
    CHECK(static_cast<double>(got) <= static_cast<double>(exact) * (1.0 + 1.0 / 16));
  }
}

TEST_CASE("lab: a long run with snapshots lets go of old commands, client operations and checker tables, and stays identical") {
  // Issue 8: with log compaction on, what a session holds stops growing with the run. Everything
  // let go of comes back, identical, when the user goes back there.
  const std::string text = "nodes 3\nseed 5\nsnapshot_every 20\nclients 3 rate 20/s\nrun 600s\n";
  Lab full;
  full.set_trace_window(0);  // no window: every event, command and operation held
  REQUIRE_FALSE(full.load_scenario(text).has_value());
  full.seek(full.end_time());
  REQUIRE(full.cluster().ok());
  const std::vector<TraceEvent> all(full.cluster().trace().events().begin(), full.cluster().trace().events().end());
  CHECK(full.cluster().trace().commands_first() == 0);
  CHECK(full.cluster().client_ops().first() == 0);

  Lab lab;
  lab.set_trace_window(TraceEvents::kChunkEvents);
  lab.set_history_window(2048);
  REQUIRE_FALSE(lab.load_scenario(text).has_value());
  lab.seek(lab.end_time());
  const Cluster& c = lab.cluster();
  REQUIRE(c.ok());
  CHECK(c.state_hash() == full.cluster().state_hash());
  CHECK(c.trace().hash() == full.cluster().trace().hash());
  // Let go of: the commands no event held refers to, operations beyond the window, checker tables
  // below every snapshot.
  const size_t ops = c.client_ops().size();
  REQUIRE(ops > 4 * 2048);
  CHECK(c.client_ops().first() == ops - 2048);
  CHECK(c.trace().commands_interned() == full.cluster().trace().commands_interned());
  CHECK(c.trace().commands_first() > c.trace().commands_interned() / 2);
  CHECK(c.checker().floor() > c.checker().committed_index() - 200);
  CHECK(c.trace().entries_first() + 200 > c.checker().floor());  // the interned-entry table too

  // Regenerated from the start of the run: the same events, and each one's command and client
  // operation as the full session has them.
  const Time from = 30'000'000, to = 31'000'000;
  size_t appends = 0, invokes = 0;
  std::vector<TraceEvent> again;
  lab.replay_events(from, to, [](const Cluster&) {}, [&](const TraceEvent& e, const Cluster& at) {
    again.push_back(e);
    if (e.kind == TraceKind::Append) {
      ++appends;
      CHECK(at.trace().command(e.command_ref()) == full.cluster().trace().command(e.command_ref()));
    }
    if (e.kind == TraceKind::Invoke) {
      ++invokes;
      REQUIRE(at.client_ops().held(e.op_ref()));
      CHECK(at.client_ops()[e.op_ref()].cmd == full.cluster().client_ops()[e.op_ref()].cmd);
    }
  });
  std::vector<TraceEvent> want;
  for (const TraceEvent& e : all) {
    if (e.t >= from && e.t < to) want.push_back(e);
  }
  CHECK(again == want);
  CHECK(appends > 20);
  CHECK(invokes > 10);

  // Back to the middle and a different future (a fork drops the later commands, below what is
  // held too): the same as a session that never let anything go.
  for (Lab* l : {&full, &lab}) {
    l->seek(300'000'000);
    REQUIRE(l->apply(make::crash(1)));
    l->run_for(120'000'000);
    REQUIRE(l->cluster().ok());
  }
  CHECK(lab.cluster().state_hash() == full.cluster().state_hash());
  CHECK(lab.cluster().trace().hash() == full.cluster().trace().hash());
  CHECK(lab.cluster().trace().commands_interned() == full.cluster().trace().commands_interned());
  // And what the event log shows at the end reads the same.
  const TraceEvents& held = lab.cluster().trace().events();
  for (size_t i = held.size() - 200; i < held.size(); ++i) {
    const TraceEvent& e = held[i];
    if (e.kind == TraceKind::Append || e.kind == TraceKind::Apply) {
      CHECK(lab.cluster().trace().command(e.command_ref()) == full.cluster().trace().command(e.command_ref()));
    }
  }
}

TEST_CASE("lab: checkpoints stay evenly spread and bounded in number however long the run") {
  Lab lab;
  REQUIRE_FALSE(lab.load_scenario("nodes 3\nseed 3\nrun 1200s\n").has_value());
  lab.seek(lab.end_time());
  CHECK(lab.checkpoints() <= 256);
  CHECK(lab.checkpoints() > 64);
  // Thinning doubles the spacing (2 s at first); no gap is wider than the spacing, and together
  // they cover the run.
  const Time spacing = lab.checkpoint_interval();
  CHECK(spacing >= 4'000'000);
  CHECK(spacing % 2'000'000 == 0);
  CHECK(((spacing / 2'000'000) & (spacing / 2'000'000 - 1)) == 0);  // 2 s times a power of two
  CHECK(lab.checkpoint_gap_max() <= spacing);
  CHECK(static_cast<Time>(lab.checkpoints()) * spacing >= 1'200'000'000);
}

TEST_CASE("lab: a share link made while scrubbed back keeps the whole run and opens at the moment viewed") {
  // Partition at 1 s, heal at 3 s, drag back to 0.5 s, share: the report, as a test.
  Lab lab(config(5, 3));
  lab.run_for(1'000'000);
  REQUIRE(lab.apply(make::isolate(0, 5)));
  lab.run_for(2'000'000);
  REQUIRE(lab.apply(make::heal()));
  lab.run_for(1'000'000);
  const uint64_t end_hash = lab.cluster().trace().hash();
  lab.seek(500'000);
  const std::string text = lab.to_scenario();
  CAPTURE(text);
  CHECK(text.find("run 1s\npartition s1 | s2 s3 s4 s5\nrun 2s\nheal\nrun 1s\nopen at 500ms\n") != std::string::npos);

  Lab shared;
  REQUIRE_FALSE(shared.load_scenario(text, "shared link").has_value());
  CHECK(shared.end_time() == 4'000'000);
  REQUIRE(shared.open_at().has_value());
  CHECK(*shared.open_at() == 500'000);
  CHECK(shared.log().size() == 2);
  shared.seek(shared.end_time());
  CHECK(shared.cluster().trace().hash() == end_hash);
  // At the present there is no moment to open at.
  lab.seek(lab.end_time());
  CHECK(lab.to_scenario().find("open at") == std::string::npos);
}

TEST_CASE("lab: a command that cannot apply in the past leaves the recorded future alone") {
  Lab lab(config(5, 4));
  lab.run_for(1'000'000);
  REQUIRE(lab.apply(make::crash(1)));
  lab.run_for(2'000'000);
  lab.seek(1'500'000);
  REQUIRE(lab.in_past());
  std::string error;
  CHECK_FALSE(lab.apply(make::crash(1), &error));
  CHECK(error == "cannot crash s2: it is already down");
  CHECK(lab.end_time() == 3'000'000);
  CHECK(lab.log().size() == 1);
  CHECK(lab.in_past());
  std::string why;
  CHECK_FALSE(can_apply(lab.cluster(), make::drop_message(999'999), &why));
  CHECK(why == "cannot drop message 999999: it is not in flight");
  CHECK(can_apply(lab.cluster(), make::restart(1), &why));
  CHECK_FALSE(lab.cluster().up(1));  // a dry run changes nothing
}
