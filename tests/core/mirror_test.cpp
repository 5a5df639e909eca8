// The lab attached to a live cluster (issue 10): a recording read back from JSON Lines
// (TraceReader) and mirrored by a Lab (attach, record, seek) must rebuild every server exactly,
// let the checker refute a bad history, and say what is wrong with a bad line, never crash.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/raft/rng.h"
#include "core/sim/lab.h"
#include "core/sim/trace_read.h"

using namespace raft;
using namespace raft::sim;

namespace {

struct ServerView {
  bool up = false;
  Role role = Role::Follower;
  Term term = 0;
  NodeId voted_for = kNoNode;
  LogIndex snapshot = 0, last = 0, commit = 0, applied = 0;
  uint32_t votes = 0;       // a candidate's granted votes
  std::vector<Term> terms;  // of the entries held
  bool operator==(const ServerView&) const = default;
};

ServerView view(const Cluster& c, NodeId n) {
  const Node& node = c.node(n);
  ServerView v{c.up(n), node.role(), node.current_term(), node.voted_for(), node.log().snapshot_index(),
               node.log().last_index(), node.commit_index(), node.last_applied(),
               node.role() == Role::Candidate ? node.votes_granted_mask() : 0, {}};
  for (LogIndex i = node.log().first_index(); i <= node.log().last_index(); ++i) v.terms.push_back(node.log().at(i).term);
  return v;
}

std::string describe(const ServerView& v) {
  std::string s = std::string(v.up ? "up " : "down ") + role_name(v.role) + " term " + std::to_string(v.term) + " vote " +
                  std::to_string(v.voted_for) + " log " + std::to_string(v.snapshot) + ".." + std::to_string(v.last) +
                  " commit " + std::to_string(v.commit) + " applied " + std::to_string(v.applied);
  return s;
}

std::vector<Observed> read_all(const std::string& text, TraceReader& reader) {
  reader.feed(text);
  reader.finish();
  return reader.take(0);
}

}  // namespace

TEST_CASE("A recording of a simulated run, read back, mirrors every server at every moment") {
  // Five servers compacting every 30 entries under load; the leader crashes and comes back (it
  // catches up by InstallSnapshot), a minority is cut off and healed.
  ClusterConfig config;
  config.nodes = 5;
  config.seed = 7;
  config.timing.snapshot_every = 30;
  Cluster sim(config);
  Workload w;
  w.clients = 3;
  w.rate_per_s = 60;
  sim.set_workload(w);
  std::vector<std::pair<Time, std::vector<ServerView>>> seen;
  const auto sample = [&] {
    std::vector<ServerView> v;
    for (NodeId n = 0; n < sim.size(); ++n) v.push_back(view(sim, n));
    seen.emplace_back(sim.now(), v);
  };
  for (int step = 0; step < 40; ++step) {
    sim.run_for(250'000);
    REQUIRE(sim.ok());
    if (step == 8 && sim.leader() != kNoNode) sim.crash(sim.leader());
    if (step == 10) sim.partition({{0, 1, 2}, {3, 4}});
    if (step == 20) sim.heal();
    if (step == 24) {
      for (NodeId n = 0; n < sim.size(); ++n) {
        if (!sim.up(n)) sim.restart(n);
      }
    }
    sample();
  }
  REQUIRE(sim.trace().events_not_recorded() == 0);
  const std::string jsonl = sim.trace().to_jsonl(sim.client_ops());

  TraceReader reader;
  // Fed in pieces that cut lines anywhere, as a WebSocket may deliver them.
  for (size_t at = 0; at < jsonl.size(); at += 4093) reader.feed(std::string_view(jsonl).substr(at, 4093));
  reader.finish();
  CHECK(reader.errors() == 0);
  CHECK(reader.servers() == 5);
  std::vector<Observed> records = reader.take(0);
  REQUIRE(records.size() > 1000);
  Lab lab;
  lab.attach(5);
  lab.record(std::move(records), sim.now());
  CHECK(lab.attached());
  CHECK(lab.end_time() == sim.now());
  // Backwards through the samples (every seek restores a checkpoint), then forwards.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t k = 0; k < seen.size(); ++k) {
      const Time t = seen[pass == 0 ? seen.size() - 1 - k : k].first;
      const std::vector<ServerView>& views = seen[pass == 0 ? seen.size() - 1 - k : k].second;
      lab.seek(t);
      CAPTURE(t);
      REQUIRE(lab.cluster().now() == t);
      for (NodeId n = 0; n < 5; ++n) {
        CAPTURE(n);
        const ServerView mirrored = view(lab.cluster(), n);
        const std::string both = describe(mirrored) + " vs " + describe(views[static_cast<size_t>(n)]);
        CHECK_MESSAGE(mirrored == views[static_cast<size_t>(n)], both);
      }
    }
  }
  CHECK_MESSAGE(lab.cluster().ok(), lab.cluster().checker().violation().message);
  CHECK(lab.cluster().checking());
  CHECK(lab.problems().empty());
  CHECK(lab.cluster().checker().committed_index() == sim.checker().committed_index());
  // Somebody installed a snapshot and the mirror followed (the run exercised it).
  bool installed = false;
  for (const TraceEvent& e : sim.trace().events()) installed = installed || e.kind == TraceKind::Install;
  CHECK(installed);
  // The leader's state machine, applied along the records, is the simulated leader's.
  const NodeId leader = sim.leader();
  REQUIRE(leader != kNoNode);
  CHECK(lab.cluster().leader() == leader);
  // Commands are not applied to the recording.
  std::string error;
  CHECK_FALSE(lab.apply(Statement{stmt::Crash{1}}, &error));
  CHECK(error.find("live cluster") != std::string::npos);
}

namespace {

// raftd's stream for one server: hello, then its state at one instant.
std::string hello(int server, uint64_t t, Term term, int log_entries, LogIndex commit, const char* role, int servers = 3) {
  const std::string s = "\"s" + std::to_string(server) + "\"";
  const std::string at = "{\"t\":" + std::to_string(t);
  std::string out = at + ",\"ev\":\"hello\",\"node\":" + s + ",\"servers\":" + std::to_string(servers) + "}\n";
  out += at + ",\"ev\":\"term\",\"node\":" + s + ",\"term\":" + std::to_string(term) + "}\n";
  out += at + ",\"ev\":\"config\",\"node\":" + s + ",\"index\":0,\"voters\":[\"s1\",\"s2\",\"s3\"],\"learners\":[]}\n";
  for (int i = 1; i <= log_entries; ++i) {
    out += at + ",\"ev\":\"append\",\"node\":" + s + ",\"index\":" + std::to_string(i) + ",\"term\":1,\"cmd\":{\"op\":\"put\",\"key\":\"k\",\"value\":\"" +
           std::to_string(i) + "\",\"client\":\"c1\",\"seq\":" + std::to_string(i) + "}}\n";
  }
  out += at + ",\"ev\":\"commit\",\"node\":" + s + ",\"index\":" + std::to_string(commit) + "}\n";
  out += at + ",\"ev\":\"role\",\"node\":" + s + ",\"term\":" + std::to_string(term) + ",\"role\":\"" + role + "\"}\n";
  return out;
}

}  // namespace

TEST_CASE("Attached: servers' first lines describe them whole, and the checker refutes two leaders in one term") {
  std::string text = "{\"t\":999000,\"ev\":\"attach\",\"servers\":3}\n";
  text += hello(1, 1'000'000, 2, 3, 3, "leader");
  text += hello(2, 1'000'100, 2, 3, 3, "follower");
  text += hello(3, 1'000'200, 2, 2, 2, "follower");
  TraceReader reader;
  std::vector<Observed> records = read_all(text, reader);
  CHECK(reader.errors() == 0);
  REQUIRE(records.size() == 3);
  CHECK(records[0].e.kind == TraceKind::Restart);
  Lab lab;
  lab.attach(reader.servers());
  lab.record(std::move(records), 300);
  lab.seek(lab.end_time());
  const Cluster& c = lab.cluster();
  CHECK(c.node(0).role() == Role::Leader);
  CHECK(c.node(0).current_term() == 2);
  CHECK(c.node(0).log().last_index() == 3);
  CHECK(c.node(0).commit_index() == 3);
  CHECK(c.node(2).log().last_index() == 2);
  CHECK(c.leader() == 0);
  CHECK(c.ok());
  CHECK(c.checker().committed_index() == 3);

  // s3 appends index 3 of term 1: fine. Then s2 claims leadership of term 2 too.
  TraceReader more;
  more.feed("{\"t\":1000000,\"ev\":\"note\"}\n"  // the same clock as above: the base
            "{\"t\":1000400,\"ev\":\"append\",\"node\":\"s3\",\"index\":3,\"term\":1,\"cmd\":{\"op\":\"put\",\"key\":\"k\",\"value\":\"3\",\"client\":\"c1\",\"seq\":3}}\n"
            "{\"t\":1000500,\"ev\":\"append\",\"node\":\"s3\",\"index\":9,\"term\":1,\"cmd\":null}\n"
            "{\"t\":1000600,\"ev\":\"role\",\"node\":\"s2\",\"term\":2,\"role\":\"leader\"}\n");
  more.finish();
  std::vector<Observed> later = more.take(0);
  for (Observed& o : later) o.e.t += 1000;  // after the hellos (at 1000..1200 us)
  lab.record(std::move(later), 2000);
  lab.seek(lab.end_time());
  CHECK(lab.cluster().node(2).log().last_index() == 3);
  REQUIRE(lab.problems().size() == 1);  // the append of index 9 skipped: lines were lost
  CHECK(lab.problems()[0].text.find("s3 appended index 9, which does not extend its log") != std::string::npos);
  CHECK_FALSE(lab.cluster().ok());
  CHECK(lab.cluster().checker().violation().property == "Election Safety");
  CHECK_MESSAGE(lab.cluster().checker().violation().message.find("Two leaders in term 2: s1 and s2.") == 0,
                lab.cluster().checker().violation().message);
  // A seek back shows the moment before, checked and fine; forward again, refuted again.
  lab.seek(1300);
  CHECK(lab.cluster().ok());
  lab.seek(lab.end_time());
  CHECK_FALSE(lab.cluster().ok());
}

TEST_CASE("Attached after servers compacted unseen entries: the checker says it stopped, and why") {
  std::string text = hello(1, 5'000, 3, 0, 0, "follower");
  // s1's log starts at a snapshot through index 500 that the lab never saw committed.
  text.insert(text.find("\"ev\":\"config\"") - 10,
              "{\"t\":5000,\"ev\":\"snapshot\",\"node\":\"s1\",\"index\":500,\"term\":2}\n");
  TraceReader reader;
  std::vector<Observed> records = read_all(text, reader);
  CHECK(reader.errors() == 0);
  Lab lab;
  lab.attach(3);
  lab.record(std::move(records), 10);
  lab.seek(10);
  CHECK(lab.cluster().node(0).log().snapshot_index() == 500);
  CHECK(lab.cluster().node(0).current_term() == 3);
  CHECK_FALSE(lab.cluster().checking());
  CHECK(lab.cluster().unchecked_why().find("s1's log starts at a snapshot through index 500") != std::string::npos);
  CHECK(lab.cluster().ok());  // not refuted: undecided
}

TEST_CASE("Trace lines that are not records give an error naming the line and what is wrong") {
  TraceReader reader;
  reader.feed("not json\n"
              "[1,2]\n"
              "{\"ev\":\"role\"}\n"
              "{\"t\":-5,\"ev\":\"role\"}\n"
              "{\"t\":1,\"ev\":\"role\",\"node\":\"s99\",\"term\":1,\"role\":\"leader\"}\n"
              "{\"t\":1,\"ev\":\"role\",\"node\":\"s1\",\"term\":1,\"role\":\"king\"}\n"
              "{\"t\":1,\"ev\":\"send\",\"id\":1,\"from\":\"s1\",\"to\":\"s2\",\"type\":\"Gossip\",\"term\":1}\n"
              "{\"t\":1,\"ev\":\"append\",\"node\":\"s1\",\"index\":1,\"term\":1,\"cmd\":{\"op\":\"launch\"}}\n"
              "{\"t\":1,\"ev\":\"partition\",\"groups\":[[\"s1\"],[\"s1\",\"s2\"]]}\n"
              "\n"
              "{\"t\":2,\"ev\":\"commit\",\"node\":\"s1\",\"index\":0}\n");
  reader.finish();
  const std::vector<std::string> errors = reader.take_errors();
  REQUIRE(errors.size() == 9);
  CHECK(errors[0] == "line 1: not a JSON object");
  CHECK(errors[1] == "line 2: not a JSON object");
  CHECK(errors[2] == "line 3: \"t\" is missing: want a whole number >= 0");
  CHECK(errors[3] == "line 4: \"t\" is not a whole number >= 0");
  CHECK(errors[4] == "line 5: \"node\" is not a server (s1..s16)");
  CHECK(errors[5] == "line 6: role: \"role\" is not follower, candidate or leader");
  CHECK(errors[6] == "line 7: send: \"type\" is not a message type (RequestVote, AppendEntries, ...)");
  CHECK(errors[7].find("line 8: append: \"cmd\" is not a command whose op is") == 0);
  CHECK(errors[8] == "line 9: partition: \"groups\" is not lists of servers, each server in one");
  CHECK(reader.take(0).size() == 1);  // the commit line
}

TEST_CASE("Records arriving out of order within the hold are handed on in time order; later ones never go back") {
  TraceReader reader;
  reader.feed("{\"t\":1000,\"ev\":\"heal\"}\n{\"t\":1500,\"ev\":\"heal\"}\n{\"t\":1200,\"ev\":\"heal\"}\n");
  CHECK(reader.take(1000).empty());  // the newest is 500 us past the first
  reader.feed("{\"t\":2300,\"ev\":\"heal\"}\n");
  std::vector<Observed> out = reader.take(1000);
  REQUIRE(out.size() == 2);
  CHECK(out[0].e.t == 0);
  CHECK(out[1].e.t == 200);
  reader.feed("{\"t\":1100,\"ev\":\"heal\"}\n");  // too late: put at the last time handed on
  out = reader.take(0);
  REQUIRE(out.size() == 3);
  CHECK(out[0].e.t == 200);
  CHECK(out[1].e.t == 500);
  CHECK(out[2].e.t == 1300);
}

TEST_CASE("Fuzz: mangled recordings never crash the reader or the mirror") {
  ClusterConfig config;
  config.nodes = 3;
  config.timing.snapshot_every = 10;
  Cluster sim(config);
  Workload w;
  w.clients = 2;
  w.rate_per_s = 40;
  sim.set_workload(w);
  sim.run_for(2'000'000);
  sim.crash(sim.leader());
  sim.run_for(1'000'000);
  const std::string jsonl = hello(1, 0, 1, 2, 1, "leader") + sim.trace().to_jsonl(sim.client_ops());
  Rng rng(11);
  for (int run = 0; run < 60; ++run) {
    std::string text = jsonl;
    const int edits = 1 + static_cast<int>(rng.next() % 40);
    for (int k = 0; k < edits; ++k) {
      const size_t at = static_cast<size_t>(rng.next() % text.size());
      switch (rng.next() % 4) {
        case 0: text[at] = static_cast<char>(rng.next() % 256); break;
        case 1: text.erase(at, static_cast<size_t>(rng.next() % 200)); break;
        case 2: text.insert(at, text.substr(static_cast<size_t>(rng.next() % text.size()), 120)); break;
        default: {  // a digit changed: indexes, terms and times that do not fit
          const size_t d = text.find_first_of("0123456789", at);
          if (d != std::string::npos) text[d] = static_cast<char>('0' + rng.next() % 10);
        }
      }
    }
    TraceReader reader;
    std::vector<Observed> records = read_all(text, reader);
    Lab lab;
    lab.attach(std::max(1, std::min(reader.servers(), kNodesMax)));
    const Time end = records.empty() ? 0 : records.back().e.t;
    lab.record(std::move(records), end);
    lab.seek(end);
    lab.seek(end / 2);
    CHECK(lab.cluster().now() == end / 2);
  }
}

TEST_CASE("Attached: a deliver that arrives before its send leaves nothing in flight") {
  const std::string send = "{\"t\":1000,\"ev\":\"send\",\"id\":42,\"from\":\"s1\",\"to\":\"s2\",\"type\":\"RequestVote\",\"term\":2,\"lastLogIndex\":0,\"lastLogTerm\":0}\n";
  std::string deliver = send;
  deliver.replace(deliver.find("send"), 4, "deliver");
  deliver.replace(deliver.find("1000"), 4, "1300");
  TraceReader reader;
  reader.feed("{\"t\":900,\"ev\":\"attach\",\"servers\":3}\n" + deliver);
  Lab lab;
  lab.attach(3);
  lab.record(reader.take(0), 400);  // the receiver's line, handed on at once
  reader.feed(send);                // the sender's, late: put at the last time handed on
  std::vector<Observed> late = reader.take(0);
  REQUIRE(late.size() == 1);
  CHECK(late[0].e.t == 400);
  lab.record(std::move(late), 500);
  lab.seek(500);
  CHECK(lab.cluster().network().in_flight() == 0);
  // In time order, a send then its deliver: in flight between the two.
  TraceReader ordered;
  ordered.feed("{\"t\":900,\"ev\":\"attach\",\"servers\":3}\n" + send + deliver);
  Lab lab2;
  lab2.attach(3);
  lab2.record(ordered.take(0), 500);
  lab2.seek(200);
  CHECK(lab2.cluster().network().in_flight() == 1);
  lab2.seek(400);
  CHECK(lab2.cluster().network().in_flight() == 0);
}

TEST_CASE("Attached: review findings - a leader's commit before the others' hellos, a restart at a snapshot, a bad install") {
  // s1's hello comes first, and it commits a new entry before s2's and s3's hellos arrive: they
  // hold it (their hellos say so), so the checker must not call the commit a minority's.
  std::string text = hello(1, 1'000, 2, 3, 3, "leader");
  text += "{\"t\":1100,\"ev\":\"append\",\"node\":\"s1\",\"index\":4,\"term\":2,\"cmd\":null}\n"
          "{\"t\":1200,\"ev\":\"commit\",\"node\":\"s1\",\"index\":4}\n";
  std::string h2 = hello(2, 1'300, 2, 3, 4, "follower");
  std::string h3 = hello(3, 1'400, 2, 3, 4, "follower");
  // Their 4th entry is the leader's no-op of term 2.
  for (std::string* h : {&h2, &h3}) {
    const std::string tag = h == &h2 ? "s2" : "s3";
    const std::string t = h == &h2 ? "1300" : "1400";
    h->insert(h->find("\"ev\":\"commit\"") - 10 - t.size() + 4,
              "{\"t\":" + t + ",\"ev\":\"append\",\"node\":\"" + tag + "\",\"index\":4,\"term\":2,\"cmd\":null}\n");
  }
  text += h2 + h3;
  TraceReader reader;
  std::vector<Observed> records = read_all(text, reader);
  CHECK(reader.errors() == 0);
  Lab lab;
  lab.attach(3);
  lab.record(std::move(records), 2'000);
  lab.seek(2'000);
  CHECK_MESSAGE(lab.cluster().ok(), lab.cluster().checker().violation().message);
  CHECK(lab.cluster().node(1).log().last_index() == 4);
  CHECK(lab.cluster().checker().committed_index() == 4);
  CHECK(lab.problems().empty());

  // s2 restarts from a snapshot through index 3: its hello names no apply (it stands at the
  // snapshot), and its next apply, of index 4, is in order.
  std::string again = "{\"t\":1000,\"ev\":\"note\"}\n" + hello(2, 3'000, 2, 0, 0, "follower");
  again.insert(again.find("{\"t\":3000,\"ev\":\"config\""),
               "{\"t\":3000,\"ev\":\"snapshot\",\"node\":\"s2\",\"index\":3,\"term\":1}\n"
               "{\"t\":3000,\"ev\":\"append\",\"node\":\"s2\",\"index\":4,\"term\":2,\"cmd\":null}\n");
  again += "{\"t\":3100,\"ev\":\"commit\",\"node\":\"s2\",\"index\":4}\n"
           "{\"t\":3200,\"ev\":\"apply\",\"node\":\"s2\",\"index\":4,\"term\":2,\"cmd\":null}\n"
           "{\"t\":3300,\"ev\":\"install\",\"node\":\"s3\",\"index\":0,\"term\":0,\"keptSuffix\":true}\n";
  TraceReader more;
  std::vector<Observed> later = read_all(again, more);
  CHECK(more.errors() == 0);
  for (Observed& o : later) o.e.t += 2'000;
  lab.record(std::move(later), 6'000);
  lab.seek(6'000);
  CHECK_MESSAGE(lab.cluster().ok(), lab.cluster().checker().violation().message);
  CHECK(lab.cluster().node(1).log().snapshot_index() == 3);
  CHECK(lab.cluster().node(1).last_applied() == 4);
  REQUIRE(lab.problems().size() == 1);  // the install through index 0 does not fit; nothing crashed
}
