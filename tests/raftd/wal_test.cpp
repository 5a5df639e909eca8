// raftd's write-ahead log (shell/raftd/wal.h) on a real file system: three Raft nodes exchange
// messages in memory, each writing every step to its own log; reopening a log gives back exactly
// the node's disk state (term, vote, log, snapshot) through elections, truncations of a deposed
// leader's entries and snapshots. A log cut mid-record recovers to the last whole record; a changed
// byte in a whole record is refused with the file and offset, and the file is left as it was.
#include "shell/raftd/wal.h"

#include <doctest/doctest.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace raft::raftd {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "raftlab-wal-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}
void spit(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << bytes;
}

// Three nodes, messages delivered in order, time moved to the next deadline; every step's
// changes go to the node's WAL before its messages leave (persist before send).
struct Trio {
  static constexpr int kN = 3;
  TempDir dir;
  std::vector<std::unique_ptr<Node>> nodes;
  std::vector<std::unique_ptr<Wal>> wals;
  std::deque<Message> wire;
  Time now = 0;
  uint32_t isolated = 0;  // a node whose messages, in and out, are lost
  uint64_t seq = 0;

  explicit Trio(uint32_t snapshot_every) {
    for (int i = 0; i < kN; ++i) {
      Config c;
      c.id = i;
      c.cluster_size = kN;
      c.seed = 100 + static_cast<uint64_t>(i);
      c.timing.snapshot_every = snapshot_every;
      auto w = std::make_unique<Wal>();
      Storage s;
      REQUIRE(w->open(node_dir(i), s) == "");
      nodes.push_back(std::make_unique<Node>(c, std::move(s), now));
      wals.push_back(std::move(w));
    }
  }
  std::string node_dir(int i) const { return (dir.path / ("s" + std::to_string(i + 1))).string(); }
  bool cut(NodeId n) const { return (isolated >> n) & 1u; }

  void after(int i) {
    Node& n = *nodes[static_cast<size_t>(i)];
    wals[static_cast<size_t>(i)]->record(n, n.events());
    REQUIRE(wals[static_cast<size_t>(i)]->sync() == "");
    for (const Message& m : n.messages()) {
      if (!cut(m.from) && !cut(m.to)) wire.push_back(m);
    }
    n.clear_output();
  }
  void run_for(Time d) {
    const Time end = now + d;
    for (;;) {
      while (!wire.empty()) {
        const Message m = wire.front();
        wire.pop_front();
        nodes[static_cast<size_t>(m.to)]->step(now, m);
        after(m.to);
      }
      Time next = end + 1;
      for (const auto& n : nodes) next = std::min(next, n->deadline());
      if (next > end) break;
      now = std::max(now, next);
      for (int i = 0; i < kN; ++i) {
        if (nodes[static_cast<size_t>(i)]->deadline() <= now) {
          nodes[static_cast<size_t>(i)]->tick(now);
          after(i);
        }
      }
    }
    now = end;
  }
  NodeId leader() const {
    for (int i = 0; i < kN; ++i) {
      if (!cut(i) && nodes[static_cast<size_t>(i)]->role() == Role::Leader) return i;
    }
    return kNoNode;
  }
  void propose(NodeId at, int count) {
    for (int k = 0; k < count; ++k) {
      Command c;
      c.op = Op::Put;
      c.client = 1;
      c.seq = ++seq;
      c.key = "k" + std::to_string(seq % 7);
      c.value = std::to_string(seq);
      nodes[static_cast<size_t>(at)]->propose(now, CommandRef(std::move(c)));
      after(at);
    }
  }
  // What a fresh open of each node's log gives back.
  void check_recovery() {
    for (int i = 0; i < kN; ++i) {
      INFO("s" << i + 1);
      Wal w;
      Storage s;
      REQUIRE(w.open(node_dir(i), s) == "");
      const Storage& disk = nodes[static_cast<size_t>(i)]->disk();
      CHECK(s.current_term == disk.current_term);
      CHECK(s.voted_for == disk.voted_for);
      CHECK(s.log.snapshot_index() == disk.log.snapshot_index());
      CHECK(s.log.last_index() == disk.log.last_index());
      CHECK(s == disk);
    }
  }
};

TEST_CASE("WAL: reopening gives back each node's disk through elections, a deposed leader's truncation and snapshots") {
  Trio t(/*snapshot_every=*/20);
  t.run_for(1'000'000);
  const NodeId first = t.leader();
  REQUIRE(first != kNoNode);
  t.propose(first, 10);
  t.run_for(200'000);
  t.check_recovery();
  // The leader is cut off and keeps appending entries nobody gets; the others elect a new leader
  // and commit fewer entries of their own; healed, the old leader steps down and its log is cut
  // back to the new leader's, shorter than the tail it drops.
  t.isolated = 1u << first;
  t.propose(first, 20);
  t.run_for(1'000'000);
  const NodeId second = t.leader();
  REQUIRE(second != kNoNode);
  REQUIRE(second != first);
  t.propose(second, 3);
  t.run_for(300'000);
  const LogIndex before = t.nodes[static_cast<size_t>(first)]->log().last_index();
  t.isolated = 0;
  t.run_for(300'000);
  const Node& old = *t.nodes[static_cast<size_t>(first)];
  CHECK(old.role() == Role::Follower);
  CHECK(old.log().last_index() < before);  // truncated, not only overwritten
  CHECK(old.log().snapshot_index() == 0);  // no snapshot yet to rewrite the log
  t.check_recovery();
  // Snapshots (every 20 applied entries) rewrite the logs.
  t.propose(t.leader(), 30);
  t.run_for(500'000);
  CHECK(old.log().snapshot_index() >= 40);
  t.check_recovery();
  // A node rebuilt from its recovered log rejoins and catches up.
  const Config c = old.config();
  t.wals[static_cast<size_t>(first)] = std::make_unique<Wal>();
  Storage again;
  REQUIRE(t.wals[static_cast<size_t>(first)]->open(t.node_dir(first), again) == "");
  t.nodes[static_cast<size_t>(first)] = std::make_unique<Node>(c, std::move(again), t.now);
  t.propose(t.leader(), 3);
  t.run_for(500'000);
  CHECK(t.nodes[static_cast<size_t>(first)]->commit_index() == t.nodes[static_cast<size_t>(t.leader())]->commit_index());
  t.check_recovery();
}

// A log of a few records written through a node's steps: term/vote and appends.
std::string write_small_log(const std::string& dir, int entries) {
  Trio t(0);
  t.run_for(1'000'000);
  t.propose(t.leader(), entries);
  t.run_for(200'000);
  const std::string path = t.node_dir(t.leader()) + "/wal";
  fs::create_directories(dir);
  fs::copy_file(path, dir + "/wal", fs::copy_options::overwrite_existing);
  return slurp(dir + "/wal");
}

// The byte offsets where records start.
std::vector<size_t> record_starts(const std::string& bytes) {
  std::vector<size_t> starts;
  for (size_t pos = 0; pos + 12 <= bytes.size();) {
    starts.push_back(pos);
    uint32_t len = 0;
    for (size_t i = 0; i < 4; ++i) len |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[pos + i])) << (8 * i);
    pos += 12 + len;
  }
  return starts;
}

TEST_CASE("WAL: a record cut short by a crash is cut off; the log recovers to the record before it") {
  TempDir d;
  const std::string dir = d.path.string();
  const std::string bytes = write_small_log(dir, 5);
  const std::vector<size_t> starts = record_starts(bytes);
  REQUIRE(starts.size() >= 6);
  Wal full_wal;
  Storage full;
  WalRecovery whole;
  REQUIRE(full_wal.open(dir, full, &whole) == "");
  CHECK(whole.records == starts.size());
  CHECK(whole.torn_bytes == 0);
  const size_t last = starts.back();
  for (size_t cut = last + 1; cut < bytes.size(); cut += 3) {
    spit(dir + "/wal", bytes.substr(0, cut));
    Wal w;
    Storage s;
    WalRecovery r;
    REQUIRE(w.open(dir, s, &r) == "");
    CHECK(r.records == starts.size() - 1);
    CHECK(r.torn_bytes == cut - last);
    CHECK(fs::file_size(dir + "/wal") == last);  // the torn tail is gone from the disk too
    CHECK(s.log.last_index() == full.log.last_index() - 1);
  }
}

TEST_CASE("WAL: a changed byte in a whole record is refused with the file and offset; the file stays as it was") {
  TempDir d;
  const std::string dir = d.path.string();
  const std::string bytes = write_small_log(dir, 5);
  const std::vector<size_t> starts = record_starts(bytes);
  for (size_t k : {size_t{2}, starts.size() - 1}) {  // one in the middle, and the last one
    std::string bad = bytes;
    bad[starts[k] + 14] ^= 0x01;  // in the body
    spit(dir + "/wal", bad);
    Wal w;
    Storage s;
    const std::string err = w.open(dir, s);
    CHECK(err == dir + "/wal, byte " + std::to_string(starts[k]) +
                     ": the record's checksum does not match (the file is damaged; nothing was changed)");
    CHECK(slurp(dir + "/wal") == bad);
  }
  // A damaged length is caught by the header's checksum, not taken for a torn tail (which would
  // cut every record after it).
  for (char b : {char{0x7f}, char{0x01}}) {
    std::string bad = bytes;
    bad[starts[1] + 3] = b;
    spit(dir + "/wal", bad);
    Wal w;
    Storage s;
    CHECK(w.open(dir, s) == dir + "/wal, byte " + std::to_string(starts[1]) +
                                ": the record's header is damaged (its checksum does not match; nothing was changed)");
    CHECK(slurp(dir + "/wal") == bad);
  }
}

}  // namespace
}  // namespace raft::raftd
