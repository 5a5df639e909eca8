// Log compaction and InstallSnapshot (§7, Figures 12 and 13): the snapshot bytes (KvStore codec,
// fuzzed), the compacted Log, and hand-stepped follower and leader rules.
#include <doctest/doctest.h>

#include "core/raft/rng.h"
#include "core/sim/cow_vector.h"
#include "tests/core/raft_test_util.h"

namespace raft::test {
namespace {

Command cmd(Op op, ClientId client, RequestSeq seq, std::string key, std::string value = "", std::string expect = "") {
  Command c;
  c.op = op;
  c.client = client;
  c.seq = seq;
  c.key = std::move(key);
  c.value = std::move(value);
  c.expect = std::move(expect);
  return c;
}

KvStore sample_kv() {
  KvStore kv;
  kv.apply(cmd(Op::Put, 1, 1, "a", "1"));
  kv.apply(cmd(Op::Append, 2, 1, "b", "x"));
  kv.apply(cmd(Op::Append, 2, 2, "b", "y"));
  kv.apply(cmd(Op::Cas, 3, 1, "a", "2", "1"));
  kv.apply(cmd(Op::Get, 4, 7, "zzz"));
  kv.apply(cmd(Op::Put, 0, 0, "plain", std::string("\0\xff", 2)));
  return kv;
}

Message chunk(NodeId from, NodeId to, Term term, LogIndex index, Term last_term, const std::string& data, size_t offset,
              size_t n) {
  Message m;
  m.reset(MessageType::InstallSnapshot, from, to, term);
  m.last_included_index = index;
  m.last_included_term = last_term;
  m.offset = offset;
  m.data = data.substr(offset, n);
  m.done = offset + n >= data.size();
  m.snapshot_bytes = data.size();
  return m;
}

}  // namespace

TEST_CASE("KvStore snapshot bytes: round trip, deterministic, sessions kept") {
  const KvStore kv = sample_kv();
  const std::string bytes = kv.encode();
  CHECK(bytes == sample_kv().encode());
  KvStore back;
  std::string error;
  REQUIRE(KvStore::decode(bytes, back, error));
  CHECK(back == kv);
  CHECK(back.get("b") == std::optional<std::string>("xy"));
  CHECK(back.session_count() == 4);
  // The restored sessions still deduplicate a retried request (§8).
  const ApplyResult again = back.apply(cmd(Op::Append, 2, 2, "b", "y"));
  CHECK(again.duplicate);
  CHECK(back.get("b") == std::optional<std::string>("xy"));
  KvStore empty;
  REQUIRE(KvStore::decode(KvStore{}.encode(), empty, error));
  CHECK(empty == KvStore{});
}

TEST_CASE("KvStore::decode refuses malformed bytes with a sentence and never crashes") {
  const std::string good = sample_kv().encode();
  KvStore out = sample_kv();
  std::string error;
  // Every strict prefix is truncated.
  for (size_t n = 0; n < good.size(); ++n) {
    error.clear();
    CHECK_FALSE(KvStore::decode(good.substr(0, n), out, error));
    CHECK(error.find("snapshot data:") == 0);
  }
  CHECK(out == sample_kv());  // untouched by failures
  CHECK_FALSE(KvStore::decode(good + "!", out, error));
  CHECK(error.find("trailing") != std::string::npos);
  CHECK_FALSE(KvStore::decode("XKV1" + good.substr(4), out, error));
  CHECK(error == "snapshot data: the format tag is not RKV1");
  // Random flips and random bytes: either refused, or a canonical encoding of what was read.
  Rng rng(42);
  for (int i = 0; i < 3000; ++i) {
    std::string b = good;
    if (i % 3 == 0) {
      b.assign(static_cast<size_t>(rng.uniform(0, 80)), '\0');
      for (char& c : b) c = static_cast<char>(rng.uniform(0, 255));
      if (rng.chance(0.5) && b.size() >= 4) b.replace(0, 4, "RKV1");
    } else {
      const int flips = static_cast<int>(rng.uniform(1, 3));
      for (int f = 0; f < flips; ++f) {
        b[static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(b.size()) - 1))] = static_cast<char>(rng.uniform(0, 255));
      }
    }
    KvStore k;
    if (KvStore::decode(b, k, error)) {
      CHECK(k.encode() == b);
    } else {
      CHECK(!error.empty());
    }
  }
}

TEST_CASE("Log: compaction keeps indexes, lastIncludedTerm and copy-on-write") {
  Storage d = disk(1, std::vector<Term>(600, 1));
  Log& log = d.log;
  log.append(Entry{2, Command{}});  // 601
  const Log before = log;
  log.compact_to(300, 1);
  CHECK(log.first_index() == 301);
  CHECK(log.snapshot_index() == 300);
  CHECK(log.term_at(300) == 1);
  CHECK(log.at(301) == before.at(301));
  CHECK(log.last_index() == 601);
  CHECK(log.last_term() == 2);
  CHECK(before.first_index() == 1);       // the copy is untouched
  CHECK(before.at(1).term == 1);
  log.truncate_from(400);
  CHECK(log.last_index() == 399);
  for (int i = 0; i < 300; ++i) log.append(Entry{3, Command{}});
  CHECK(log.last_index() == 699);
  CHECK(log.at(699).term == 3);
  CHECK(log.last_index_of_term(1, 450) == 399);
  CHECK(log.last_index_of_term(1, 300) == 300);  // the snapshot's last entry
  CHECK(log.first_index_of_term(1, 350) == 301);
  log.compact_to(699, 3);
  CHECK(log.first_index() == 700);
  CHECK(log.last_index() == 699);
  CHECK(log.last_term() == 3);
  log.append(Entry{4, Command{}});
  CHECK(log.at(700).term == 4);
  log.reset_to_snapshot(900, 5);
  CHECK(log.first_index() == 901);
  CHECK(log.last_index() == 900);
  CHECK(log.last_term() == 5);
  std::vector<Entry> out;
  log.append(Entry{5, Command{}});
  log.copy_range(901, 1, out);
  CHECK(out.size() == 1);
}

TEST_CASE("A follower snapshots at lastApplied and restarts from its snapshot") {
  Node f(config(1), disk(1, {1, 1, 1, 1, 1}), 0);
  step(f, 1, append_entries(0, 1, 1, 5, 1, {}, 4));
  CHECK(f.last_applied() == 4);
  take(f);
  REQUIRE(f.take_snapshot());
  check_invariants(f);
  CHECK_FALSE(f.take_snapshot());  // nothing new applied
  CHECK(f.snapshot().last_included_index == 4);
  CHECK(f.log().first_index() == 5);
  CHECK(f.events().back().kind == NodeEvent::Kind::Snapshot);
  // An AppendEntries from before the snapshot point is accepted for its entries after it.
  f.clear_output();
  step(f, 2, append_entries(0, 1, 1, 2, 1, {1, 1, 1, 1}, 6));
  std::vector<Message> out = take(f);
  REQUIRE(out.size() == 1);
  CHECK(out[0].success);
  CHECK(out[0].match_index == 6);
  CHECK(f.commit_index() == 6);
  Node restarted(config(1), f.disk(), 10);
  check_invariants(restarted);
  CHECK(restarted.last_applied() == 4);
  CHECK(restarted.commit_index() == 4);
  KvStore expect;
  std::string error;
  REQUIRE(KvStore::decode(*f.snapshot().data, expect, error));
  CHECK(restarted.kv() == expect);
}

TEST_CASE("InstallSnapshot in chunks: duplicates and wrong offsets, then Figure 13 rule 6 keeps the suffix") {
  const std::string data = sample_kv().encode();
  // s2's log matches the snapshot's last entry (index 3, term 1) and has two more entries.
  Node f(config(1), disk(2, {1, 1, 1, 2, 2}), 0);
  step(f, 1, chunk(0, 1, 2, 3, 1, data, 0, 10));
  std::vector<Message> out = take(f);
  REQUIRE(out.size() == 1);
  CHECK(out[0].type == MessageType::InstallSnapshotResponse);
  CHECK(out[0].next_offset == 10);
  CHECK_FALSE(out[0].installed);
  CHECK(f.incoming_snapshot_bytes() == 10);
  SUBCASE("a stale duplicate of the first chunk changes nothing") {
    step(f, 2, chunk(0, 1, 2, 3, 1, data, 0, 10));
    out = take(f);
    CHECK(out[0].next_offset == 10);
    CHECK(f.incoming_snapshot_bytes() == 10);
  }
  SUBCASE("a chunk that skips bytes is refused with the expected offset") {
    step(f, 2, chunk(0, 1, 2, 3, 1, data, 20, 10));
    out = take(f);
    CHECK(out[0].next_offset == 10);
    CHECK(f.incoming_snapshot_bytes() == 10);
  }
  step(f, 3, chunk(0, 1, 2, 3, 1, data, 10, data.size()));
  out = take(f);
  REQUIRE(out.size() == 1);
  CHECK(out[0].installed);
  CHECK(out[0].match_index == 3);
  CHECK(f.log().first_index() == 4);
  CHECK(f.log().last_index() == 5);  // rule 6: entries after the snapshot kept
  CHECK(f.commit_index() == 3);
  CHECK(f.kv() == sample_kv());
  // A late duplicate of the last chunk is covered: answered, not installed again.
  step(f, 4, chunk(0, 1, 2, 3, 1, data, 10, data.size()));
  out = take(f);
  CHECK(out[0].installed);
  CHECK(f.log().last_index() == 5);
}

TEST_CASE("InstallSnapshot rule 7: a log that does not match the snapshot is discarded") {
  const std::string data = sample_kv().encode();
  Node f(config(1), disk(3, {1, 1, 2, 2}), 0);
  step(f, 1, chunk(0, 1, 3, 3, 3, data, 0, data.size()));
  const std::vector<Message> out = take(f);
  CHECK(out[0].installed);
  CHECK(f.log().last_index() == 3);
  CHECK(f.log().last_term() == 3);
  CHECK(f.snapshot().last_included_term == 3);
}

TEST_CASE("A leader sends its snapshot one chunk at a time while heartbeating, then probes") {
  Config c = config(0, 3, true);
  c.timing.snapshot_chunk_bytes = 8;
  Node l(c, disk(1, {1, 1, 1, 1}), 0);
  timeout_now(l, 0);
  step(l, 0, vote_response(1, 0, 2, true));
  REQUIRE(l.role() == Role::Leader);
  take(l);
  step(l, 1, append_response(1, 0, 2, true, 5));  // s2 has the no-op: index 5 commits
  REQUIRE(l.commit_index() == 5);
  take(l);
  REQUIRE(l.take_snapshot());
  take(l);
  // s3 has nothing: after its rejection, the entries it needs are compacted, so a snapshot goes.
  step(l, 2, append_response(2, 0, 2, false, 4, 0, 1));
  std::vector<Message> out = take(l);
  REQUIRE(out.size() == 1);
  CHECK(out[0].type == MessageType::InstallSnapshot);
  CHECK(out[0].offset == 0);
  CHECK(out[0].data.size() == 8);
  CHECK(l.progress(2).mode == Progress::Mode::Snapshot);
  const uint64_t size = out[0].snapshot_bytes;
  // A heartbeat goes on; the chunk in flight is not sent again yet.
  tick(l, l.deadline());
  out = take(l);
  size_t chunks = 0;
  for (const Message& m : out) chunks += m.to == 2 && m.type == MessageType::InstallSnapshot;
  CHECK(chunks == 0);
  // The answer to chunk 0 brings chunk 1; a stale answer to chunk 0 brings nothing.
  Message ack;
  ack.reset(MessageType::InstallSnapshotResponse, 2, 0, 2);
  ack.last_included_index = 5;
  ack.offset = 0;
  ack.next_offset = 8;
  step(l, 3, ack);
  out = take(l);
  REQUIRE(out.size() == 1);
  CHECK(out[0].offset == 8);
  step(l, 4, ack);
  CHECK(take(l).empty());
  // Installed: replication resumes after the snapshot.
  Message done = ack;
  done.offset = size - 1;
  done.installed = true;
  done.match_index = 5;
  step(l, 5, done);
  CHECK(l.progress(2).mode != Progress::Mode::Snapshot);
  CHECK(l.progress(2).match_index == 5);
  CHECK(l.progress(2).next_index == 6);
}

}  // namespace raft::test

#include "core/sim/make.h"
#include "core/sim/scenario.h"

namespace raft::test {

TEST_CASE("Snapshot statements: parse, print back, and refuse bad input in words") {
  using sim::Statement;
  for (const char* line : {"snapshot_every 40", "snapshot_every 0", "snapshot_chunk 7", "snapshot s2",
                           "expect snapshot s2 >= 40", "expect snapshot s1 = 0"}) {
    Statement s;
    REQUIRE_MESSAGE(!sim::parse_statement(line, 3, s), line);
    CHECK(sim::format_statement(s) == line);
  }
  Statement s;
  CHECK(sim::parse_statement("snapshot_chunk 0", 3, s).has_value());
  CHECK(sim::parse_statement("snapshot_every -1", 3, s).has_value());
  CHECK(sim::parse_statement("snapshot s9", 3, s).has_value());
  CHECK(sim::parse_statement("expect snapshot s1 >=", 3, s).has_value());
  // The dry run refuses a snapshot with nothing new applied, and one on a down server.
  sim::ClusterConfig config;
  config.nodes = 3;
  sim::Cluster cluster(config);
  std::string error;
  CHECK_FALSE(sim::can_apply(cluster, sim::make::take_snapshot(0), &error));
  CHECK(error.find("nothing to snapshot on s1") == 0);
  cluster.crash(1);
  CHECK_FALSE(sim::can_apply(cluster, sim::make::take_snapshot(1), &error));
  CHECK(error == "cannot snapshot s2: it is down");
  // With compaction on, a snapshot is taken on its own and the check sees it.
  cluster.restart(1);
  REQUIRE(sim::apply_statement(cluster, sim::make::set_snapshot_every(5), &error));
  sim::Workload w;
  w.clients = 2;
  w.rate_per_s = 50;
  cluster.set_workload(w);
  cluster.run_for(3'000'000);
  REQUIRE(cluster.ok());
  std::string found;
  CHECK(sim::evaluate_check(cluster, sim::make::expect_snapshot(0, sim::Cmp::Ge, 5), found));
  CHECK_FALSE(sim::evaluate_check(cluster, sim::make::expect_snapshot(0, sim::Cmp::Ge, 100000), found));
  CHECK(found.find("s1's snapshot ends at index") == 0);
}

TEST_CASE("CowVector: release_below lets a prefix go from one copy only; assign_prefix shares chunks") {
  sim::CowVector<int, 4> v;
  for (int i = 0; i < 10; ++i) v.push_back(i);
  const sim::CowVector<int, 4> checkpoint = v;
  v.release_below(9);  // 0..8 are no longer held; the chunks of 0..7 are freed
  CHECK(v.first() == 9);
  CHECK_FALSE(v.held(8));
  CHECK(v.held(9));
  CHECK(v.size() == 10);
  CHECK(v[9] == 9);
  CHECK(*v.begin() == 9);
  v.push_back(10);
  CHECK(v[10] == 10);
  CHECK(checkpoint.first() == 0);
  CHECK(checkpoint[0] == 0);   // the other copy keeps its chunks
  CHECK(checkpoint.size() == 10);
  sim::CowVector<int, 4> prefix;
  prefix.assign_prefix(v, 10);
  CHECK(prefix.first() == 9);
  CHECK(prefix.size() == 10);
  CHECK(prefix[9] == 9);
  prefix.push_back(42);
  CHECK(prefix[10] == 42);
  CHECK(v[10] == 10);  // the shared last chunk was cloned before the write
  v.release_below(2);  // never goes back
  CHECK(v.first() == 9);
  // Truncating below what is held: nothing held, and the next element takes index n.
  v.truncate(6);
  CHECK(v.size() == 6);
  CHECK_FALSE(v.held(5));
  v.push_back(60);
  CHECK(v[6] == 60);
  CHECK(v.first() == 6);
}

// Three servers snapshotting every 20 entries under two clients at 50 requests a second.
sim::Cluster compacting_under_load() {
  sim::ClusterConfig config;
  config.nodes = 3;
  config.timing.snapshot_every = 20;
  sim::Cluster cluster(config);
  sim::Workload w;
  w.clients = 2;
  w.rate_per_s = 50;
  cluster.set_workload(w);
  return cluster;
}

TEST_CASE("The checker's floor follows the lowest snapshot, a down server's and a disk's included (issue 8)") {
  sim::Cluster cluster = compacting_under_load();
  auto lowest = [&] {
    LogIndex m = UINT64_MAX;
    for (NodeId n = 0; n < cluster.size(); ++n) m = std::min(m, cluster.node(n).log().snapshot_index());
    return m;
  };
  cluster.run_for(5'000'000);
  REQUIRE(cluster.ok());
  CHECK(cluster.checker().floor() >= 100);
  CHECK(cluster.checker().floor() == lowest());
  // A down server holds the floor at its snapshot however far the others go.
  cluster.crash(2);
  const LogIndex held = cluster.node(2).log().snapshot_index();
  cluster.run_for(5'000'000);
  REQUIRE(cluster.ok());
  CHECK(cluster.node(0).log().snapshot_index() > held + 100);
  CHECK(cluster.checker().floor() == held);
  // What the session holds grows meanwhile (the page's limit counts it), though every live log is short.
  CHECK(cluster.node(0).log().last_index() - cluster.node(0).log().snapshot_index() < 60);
  CHECK(cluster.log_entries_held() == cluster.checker().committed_index() - held);
  // Back, it catches up by InstallSnapshot, and the floor follows.
  cluster.restart(2);
  cluster.run_for(3'000'000);
  REQUIRE(cluster.ok());
  CHECK(cluster.checker().floor() > held + 100);
  CHECK(cluster.checker().floor() == lowest());
  // With disk latency a server's disk may lag its memory: the floor waits for the disk.
  REQUIRE(sim::apply_statement(cluster, sim::make::set_disk_latency(20'000, 40'000), nullptr));
  cluster.run_for(5'000'000);
  REQUIRE(cluster.ok());
  CHECK(cluster.checker().floor() <= lowest());
  CHECK(cluster.checker().floor() > held + 200);
}

TEST_CASE("A server added after the checker's floor rose, crashed while its snapshot is being written, comes back checked") {
  // Review finding (issue 8): the new server's disk is empty; it installs the leader's snapshot,
  // and a crash before that write completes takes it back to the empty disk, below the floor.
  sim::Cluster cluster = compacting_under_load();
  cluster.run_for(5'000'000);
  REQUIRE(cluster.ok());
  REQUIRE(cluster.checker().floor() >= 100);
  REQUIRE(sim::apply_statement(cluster, sim::make::set_disk_latency(20'000, 40'000), nullptr));
  REQUIRE(sim::apply_statement(cluster, sim::make::add_server(3), nullptr));
  bool caught = false;
  for (int ms = 0; ms < 20'000 && !caught; ++ms) {
    cluster.run_for(1'000);
    REQUIRE(cluster.ok());
    if (cluster.size() > 3 && cluster.up(3) && cluster.node(3).log().snapshot_index() > 0 && cluster.writes_pending(3) > 0) {
      cluster.crash(3);
      caught = true;
    }
  }
  REQUIRE(caught);
  CHECK(cluster.node(3).log().snapshot_index() == 0);  // back to its empty first disk
  cluster.restart(3);
  cluster.run_for(5'000'000);
  REQUIRE(cluster.ok());
  CHECK(cluster.node(3).log().snapshot_index() > 0);  // installed again, and checked
}

}  // namespace raft::test
