// Tests for core/sim/scenario: every kind of malformed line is rejected with its line number and a
// reason; statements print and parse back unchanged; every shipped scenario passes; and a
// deterministic parser fuzz (mutated shipped scenarios) never crashes and always points at a line of
// its input. Runs natively and as wasm under node (NODERAWFS reads assets/scenarios from disk).
#include "core/sim/scenario.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "core/raft/rng.h"
#include "tests/core/test_files.h"

namespace raft::sim {
namespace {

const std::string kScenarioDir = std::string(RAFTLAB_SOURCE_DIR) + "/assets/scenarios";

std::string read_text(const std::string& path) { return test::read_file(path).value_or(""); }

struct ScenarioFile {
  std::string name;
  std::string text;
};

std::vector<ScenarioFile> shipped_scenarios() {
  std::vector<ScenarioFile> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(kScenarioDir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::filesystem::path p = it->path();
    if (p.extension() == ".raft") files.push_back({p.filename().string(), read_text(p.string())});
  }
  std::sort(files.begin(), files.end(), [](const ScenarioFile& a, const ScenarioFile& b) { return a.name < b.name; });
  return files;
}

size_t line_count(std::string_view text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1; }

bool same_statement(const Statement& a, const Statement& b) { return a == b; }

bool same_scenario(const Scenario& a, const Scenario& b) {
  if (!(a.config == b.config) || a.title != b.title || a.description != b.description) return false;
  if (a.statements.size() != b.statements.size()) return false;
  for (size_t i = 0; i < a.statements.size(); ++i) {
    if (!same_statement(a.statements[i], b.statements[i])) return false;
  }
  return true;
}

// Parses `text`, which must fail at `line` with a message containing `phrase`.
void check_error(const std::string& text, int line, const std::string& phrase) {
  CAPTURE(text);
  Scenario sc;
  const std::optional<ParseError> e = parse_scenario(text, "bad.raft", sc);
  REQUIRE(e.has_value());
  CAPTURE(e->to_string());
  CHECK(e->line == line);
  CHECK(e->file == "bad.raft");
  CHECK(e->message.find(phrase) != std::string::npos);
  CHECK(e->to_string().rfind("bad.raft:" + std::to_string(line) + ": ", 0) == 0);
}

Scenario parse_ok(const std::string& text) {
  CAPTURE(text);
  Scenario sc;
  const std::optional<ParseError> e = parse_scenario(text, "ok.raft", sc);
  if (e) FAIL_CHECK(e->to_string());
  return sc;
}

}  // namespace

TEST_CASE("scenario parser: every kind of malformed line names its line and the reason") {
  // Statements and arguments.
  check_error("nodes 5\nfrobnicate 3", 2, "unknown statement 'frobnicate'");
  check_error("nodes 5\nrun 1s\ncrash s9", 3, "unknown node s9 (this scenario has 5 nodes: s1..s5)");
  check_error("nodes 1\nrun 1s\ncrash s2", 3, "(this scenario has 1 node: s1)");
  check_error("crash s0", 1, "unknown node s0");
  check_error("crash x1", 1, "expected a node name like s1, got 'x1'");
  check_error("crash", 1, "expected a node name like s1 after 'crash'");
  check_error("run 2x", 1, "expected a duration like 2s, 150ms or 500us, got '2x'");
  check_error("run", 1, "expected a duration like 2s, 150ms or 500us after 'run'");
  check_error("run 2", 1, "add a unit: s, ms or us");
  check_error("run 1.5us", 1, "not a whole number of microseconds");
  check_error("run 1..5s", 1, "expected a duration");
  check_error("run .5s", 1, "expected a duration");
  check_error("run 100000s", 1, "limited to 24h");
  check_error("run 99999999999999999999s", 1, "limited to 24h");
  check_error("heal now", 1, "unexpected 'now' after 'heal'");
  check_error("run 1s 2s", 1, "unexpected '2s'");
  // Header.
  check_error("nodes 16", 1, "a number of nodes must be in 1..15");
  check_error("nodes five", 1, "expected a number of nodes");
  check_error("seed -3", 1, "expected a seed");
  check_error("election_timeout 300ms 150ms", 1, "above its maximum");
  check_error("election_timeout 0ms 150ms", 1, "longer than 0");
  check_error("heartbeat 0s", 1, "longer than 0");
  check_error("latency 20ms 10ms", 1, "above its maximum");
  check_error("loss 1.5", 1, "expected a probability between 0 and 1 like 0.1, got '1.5'");
  check_error("loss -0.1", 1, "expected a probability");
  check_error("duplicate 1e-3", 1, "expected a probability");
  check_error("noop maybe", 1, "expected 'on' or 'off' after 'noop', got 'maybe'");
  check_error("append_max 0", 1, "entries per AppendEntries must be in 1..");
  // Order: header, then initial state, then actions and checks.
  check_error("run 1s\nseed 3", 2, "'seed' is a header statement: it must come before the first action or check (line 1)");
  check_error("expect no leader\nnodes 3", 2, "must come before the first action or check");
  check_error("term s1 2\nnodes 3", 2, "'nodes' must come before every line that names a node (line 1 does)");
  check_error("run 1s\nterm s1 2", 2, "initial state ('term') must come before the first action or check");
  // Initial state must be a state Raft can reach.
  check_error("log s1 1 2\nrun 1s", 1, "s1's log ends with an entry of term 2 but its term is 0");
  check_error("log s1 1 2\nterm s1 1", 2, "its term is 1");
  check_error("term s1 5\nlog s1 1 3 2", 2, "log terms never decrease along a Raft log, but term 2 at index 3 follows term 3");
  check_error("term s1 5\nlog s1 1 0", 2, "log terms are 1..");
  check_error("term s1 5\nlog s1 1 x", 2, "expected a term (a whole number) in the log, got 'x'");
  check_error("term s1 3\nterm s2 3\nlog s1 1 2 3\nlog s2 1 1 3\nrun 1s", 4, "Log Matching Property");
  check_error("voted s1 s2", 1, "s1 cannot have voted in term 0");
  check_error("term s1 abc", 1, "expected a term");
  // Actions.
  check_error("partition s1 s2 | | s3", 1, "empty group in the partition");
  check_error("partition s1 s2 |", 1, "empty group in the partition");
  check_error("partition", 1, "expected groups of nodes after 'partition'");
  check_error("partition s1 s2 | s3 s1", 1, "s1 appears twice in the partition");
  check_error("cut s1 s1", 1, "cannot cut s1 from itself");
  check_error("cut s1 ->", 1, "expected a node name like s1 after 'cut'");
  check_error("cut s1 => s2", 1, "expected a node name like s1, got '=>'");
  check_error("put x", 1, "expected a value (like 'put x 1')");
  check_error("put", 1, "expected a key (like 'put x 1')");
  check_error("put x none", 1, "'none' means an absent value");
  check_error("cas x 1", 1, "expected a value (like 'cas x 1 2' (from 1 to 2))");
  check_error("get x y", 1, "unexpected 'y' after 'get x'");
  check_error("nodes 5\nput x 1 via s7", 2, "unknown node s7");
  check_error("put x 1 via", 1, "expected a node name like s1 after 'via'");
  check_error(std::string("put x a\x01" "b"), 1, "contains a control character");
  check_error("put " + std::string(100, 'k') + " 1", 1, "is too long (at most 64 characters)");
  check_error("clients 3 rate fast", 1, "expected a rate like 50/s, got 'fast'");
  check_error("clients 3 speed 5", 1, "unexpected 'speed' in 'clients'");
  check_error("clients 3 rate 5/s rate 6/s", 1, "unexpected 'rate'");
  check_error("clients 3 for 2x", 1, "expected a duration like 2s, 150ms or 500us, got '2x'");
  check_error("clients 5000", 1, "a number of clients must be in 0..1000");
  check_error("drop x", 1, "expected a message id (a whole number 1..");
  check_error("drop 0", 1, "a message id must be in 1..");
  check_error("delay 3", 1, "expected a duration like 2s, 150ms or 500us after 'delay'");
  check_error("run 1s\nloss 2", 2, "expected a probability");
  check_error("run 1s\nlatency 5ms", 2, "after 'latency'");
  // Checks.
  check_error("expect", 1, "expected a check after 'expect'");
  check_error("expect leadr", 1, "unknown check 'leadr'");
  check_error("open at", 1, "expected a duration like 2s, 150ms or 500us after 'open at'");
  check_error("open at 1s 2s", 1, "unexpected '2s' after the moment");
  check_error("open 1s", 1, "expected 'open at', got '1s'");
  check_error("expect leader s1 s2", 1, "unexpected 's2'");
  check_error("expect no leadr", 1, "expected 'expect no leader', got 'leadr'");
  check_error("expect term s1 > 3", 1, "expected a comparison (=, >= or <=), got '>'");
  check_error("expect term s1 >=", 1, "expected a term (a whole number");
  check_error("expect commit s1 = -1", 1, "expected a log index");
  check_error("expect role s1 boss", 1, "expected a role (follower, candidate or leader), got 'boss'");
  check_error("expect value x", 1, "expected a value (like 'expect value x 1' or 'expect value x none')");
  check_error("expect down", 1, "expected a node name like s1 after 'expect down'");
  check_error("expect log s1 1 x", 1, "expected a term (a whole number) in the log, got 'x'");
  // Lines and files.
  check_error("run 1s\n" + std::string(5000, 'x'), 2, "the line is too long");
  check_error("# title: t\n\nrun 1s\n\n  \n\t crash  s1 s2", 6, "unexpected 's2'");
  check_error("run 1s\r\nfoo\r\n", 2, "unknown statement 'foo'");
  check_error("\x7f", 1, "unknown statement '\\x7f'");
}

TEST_CASE("scenario parser: comments, title, description and tolerated layout") {
  const Scenario sc = parse_ok(
      "# title:  Hello, Raft  \n# line one\n#   line two  \n#\n# para two\n\n# not part of it\n"
      "nodes 3   # trailing comment\r\n\n  run\t1.5s\nexpect term s3 == 0\n");
  CHECK(sc.title == "Hello, Raft");
  CHECK(sc.description == "line one line two\n\npara two");
  CHECK(sc.config.nodes == 3);
  REQUIRE(sc.statements.size() == 2);
  CHECK(sc.statements[0] == Statement(stmt::Run{1'500'000}));
  CHECK(sc.statements[0].line == 10);
  CHECK(sc.statements[1] == Statement(stmt::ExpectTerm{2, Cmp::Eq, 0}));

  Scenario untitled;
  CHECK_FALSE(parse_scenario("run 1ms", "dir/some-name.raft", untitled));
  CHECK(untitled.title == "some-name");
  CHECK(untitled.description.empty());

  Scenario empty;
  CHECK_FALSE(parse_scenario("", "empty.raft", empty));
  CHECK(empty.statements.empty());
  CHECK(empty.config == ClusterConfig{});
}

TEST_CASE("scenario parser: header statements fill the config; later network lines become actions") {
  const Scenario sc = parse_ok(
      "nodes 7\nseed 42\nelection_timeout 1s 2s\nheartbeat 100ms\nlatency 1ms 3ms\nloss 0.1\nduplicate 0.05\n"
      "noop off\nappend_max 8\nlog s2 1 1 2\nterm s2 2\nvoted s2 s7\nrun 300us\nlatency 0us 5ms\nloss 0.25\nduplicate 1\n");
  const ClusterConfig& c = sc.config;
  CHECK(c.nodes == 7);
  CHECK(c.seed == 42);
  CHECK(c.timing.election_timeout_min_us == 1'000'000);
  CHECK(c.timing.election_timeout_max_us == 2'000'000);
  CHECK(c.timing.heartbeat_interval_us == 100'000);
  CHECK(c.network.latency_min_us == 1'000);
  CHECK(c.network.latency_max_us == 3'000);
  CHECK(c.network.loss == 0.1);
  CHECK(c.network.duplicate == 0.05);
  CHECK_FALSE(c.timing.noop_on_election);
  CHECK(c.timing.append_entries_max == 8);
  REQUIRE(sc.statements.size() == 7);
  CHECK(sc.statements[0] == Statement(stmt::PresetLog{1, {1, 1, 2}}));
  CHECK(sc.statements[2] == Statement(stmt::PresetVote{1, 6}));
  CHECK(sc.statements[4] == Statement(stmt::Latency{0, 5'000}));
  CHECK(sc.statements[5] == Statement(stmt::Loss{0.25}));
  CHECK(sc.statements[6] == Statement(stmt::Duplicate{1.0}));
  CHECK(statement_class(sc.statements[4]) == StatementClass::Setting);
  CHECK(statement_class(sc.statements[0]) == StatementClass::Initial);
}

TEST_CASE("scenario format: statements print and parse back unchanged") {
  // Each line is already in the printer's canonical form.
  const std::vector<std::string> lines = {
      "run 2s", "run 150ms", "run 1500ms", "run 7us", "run 0s", "crash s1", "crash leader", "restart s5",
      "partition s1 s2 | s3 s4 s5", "partition s3", "partition s1 | s2 | s3", "cut s1 s2", "cut s2 -> s1", "heal",
      "timeout s3", "put x 1", "get x", "append x a", "cas x 1 2", "delete x", "put key-9 v.1 via s4", "get x via s2",
      "clients 3 rate 50/s for 10s", "clients 0 rate 0/s", "clients 2 rate 0.5/s for 1500ms keys 7", "drop 17", "dup 17",
      "delay 17 50ms", "open at 1500ms", "latency 10ms 20ms", "loss 0.1", "duplicate 0.05", "loss 0", "duplicate 1", "expect leader",
      "expect leader s3", "expect no leader", "expect term s1 >= 4", "expect term s1 = 4", "expect commit s1 <= 3",
      "expect log s2 1 1 4", "expect log s2", "expect value x 1", "expect value x none", "expect role s2 follower",
      "expect role s2 candidate", "expect role s2 leader", "expect down s5", "expect up s5"};
  for (const std::string& line : lines) {
    CAPTURE(line);
    // After `heal` (an action), network lines are actions rather than header lines.
    const Scenario a = parse_ok("nodes 5\nheal\n" + line);
    REQUIRE(a.statements.size() == 2);
    const Statement& s = a.statements[1];
    CHECK(format_statement(s) == line);
    const Scenario b = parse_ok("nodes 5\nheal\n" + format_statement(s));
    REQUIRE(b.statements.size() == 2);
    CHECK(same_statement(s, b.statements[1]));
  }
  // Initial state.
  for (const char* line : {"term s2 6", "log s2 1 1 1 4 4 5 5 6 6 6", "voted s4 s3", "log s1"}) {
    CAPTURE(line);
    const Scenario a = parse_ok(std::string("term s2 6\nterm s4 6\n") + line);
    const Statement& s = a.statements.back();
    CHECK(format_statement(s) == line);
  }
  // Header statements print as headers too.
  CHECK(format_statement(stmt::Noop{false}) == "noop off");
  CHECK(format_statement(stmt::ElectionTimeout{150'000, 1'000'000}) == "election_timeout 150ms 1s");
}

TEST_CASE("scenario format: randomized statements and configs round-trip") {
  Rng rng(2024);
  const int nodes = 9;
  for (int i = 0; i < 3000; ++i) {
    Statement s;
    auto node = [&] { return static_cast<NodeId>(rng.uniform(0, nodes - 1)); };
    auto dur = [&] {
      static constexpr Time kScale[] = {1, 1000, 1'000'000, 1};
      return rng.uniform(0, 5000) * kScale[rng.uniform(0, 3)];
    };
    switch (rng.uniform(0, 12)) {
      case 0: s = stmt::Run{std::min<Time>(dur(), 86'400'000'000)}; break;
      case 1: s = stmt::Crash{node()}; break;
      case 2: {
        const NodeId a = node();
        s = stmt::Cut{a, static_cast<NodeId>((a + rng.uniform(1, nodes - 1)) % nodes), rng.chance(0.5)};
        break;
      }
      case 3: {
        stmt::Partition p;
        std::vector<NodeId> all;
        for (NodeId n = 0; n < nodes; ++n) {
          if (rng.chance(0.8)) all.push_back(n);
        }
        if (all.empty()) all.push_back(0);
        p.groups.emplace_back();
        for (NodeId n : all) {
          if (!p.groups.back().empty() && rng.chance(0.3)) p.groups.emplace_back();
          p.groups.back().push_back(n);
        }
        s = std::move(p);
        break;
      }
      case 4: {
        stmt::ClientOp c;
        static constexpr Op kOps[] = {Op::Put, Op::Get, Op::Append, Op::Cas, Op::Delete};
        c.cmd.op = kOps[rng.uniform(0, 4)];
        c.cmd.key = "k" + std::to_string(rng.uniform(0, 99));
        if (c.cmd.op == Op::Put || c.cmd.op == Op::Append || c.cmd.op == Op::Cas) c.cmd.value = std::to_string(rng.uniform(0, 999));
        if (c.cmd.op == Op::Cas) c.cmd.expect = "v" + std::to_string(rng.uniform(0, 9));
        if (rng.chance(0.5)) c.via = node();
        s = std::move(c);
        break;
      }
      case 5: {
        stmt::Clients c;
        c.workload.clients = static_cast<int>(rng.uniform(0, 20));
        c.workload.rate_per_s = static_cast<double>(rng.uniform(0, 100000)) / 100.0;
        c.workload.keys = static_cast<int>(rng.uniform(1, 9));
        c.for_us = rng.chance(0.3) ? kTimeNever : dur();
        s = c;
        break;
      }
      case 6: s = stmt::DelayMessage{rng.next() | 1, dur()}; break;
      case 7: s = stmt::Loss{static_cast<double>(rng.uniform(0, 1000)) / 1000.0}; break;
      case 8: {
        const Time lo = dur();
        s = stmt::Latency{lo, lo + dur()};
        break;
      }
      case 9: {
        const NodeId n = node();
        const auto cmp = static_cast<Cmp>(rng.uniform(0, 2));
        const auto v = static_cast<uint64_t>(rng.uniform(0, 1'000'000));
        if (rng.chance(0.5)) s = stmt::ExpectTerm{n, cmp, v};
        else s = stmt::ExpectCommit{n, cmp, v};
        break;
      }
      case 10: {
        stmt::ExpectLog e{node(), {}};
        for (int k = 0, n = static_cast<int>(rng.uniform(0, 12)); k < n; ++k) e.terms.push_back(static_cast<Term>(rng.uniform(1, 9)));
        s = std::move(e);
        break;
      }
      case 11: {
        stmt::ExpectValue e{"k" + std::to_string(rng.uniform(0, 9)), std::nullopt};
        if (rng.chance(0.7)) e.value = std::to_string(rng.uniform(0, 99));
        s = std::move(e);
        break;
      }
      default: s = stmt::ExpectRole{node(), static_cast<Role>(rng.uniform(0, 2))}; break;
    }
    const std::string line = format_statement(s);
    CAPTURE(line);
    const Scenario back = parse_ok("nodes 9\nheal\n" + line);
    REQUIRE(back.statements.size() == 2);
    CHECK(same_statement(s, back.statements[1]));
  }
  // Configs through format_header.
  for (int i = 0; i < 500; ++i) {
    ClusterConfig c;
    c.nodes = static_cast<int>(rng.uniform(1, kNodesMax));
    c.seed = rng.next();
    c.timing.election_timeout_min_us = rng.uniform(1, 2'000'000);
    c.timing.election_timeout_max_us = c.timing.election_timeout_min_us + rng.uniform(0, 2'000'000);
    c.timing.heartbeat_interval_us = rng.uniform(1, 500'000);
    c.network.latency_min_us = rng.uniform(0, 100'000);
    c.network.latency_max_us = c.network.latency_min_us + rng.uniform(0, 100'000);
    c.network.loss = static_cast<double>(rng.uniform(0, 10'000)) / 10'000.0;
    c.network.duplicate = static_cast<double>(rng.uniform(0, 100)) / 100.0;
    c.timing.noop_on_election = rng.chance(0.5);
    c.timing.append_entries_max = static_cast<uint32_t>(rng.uniform(1, 1000));
    const std::string text = format_header(c);
    CAPTURE(text);
    CHECK(parse_ok(text).config == c);
  }
}

TEST_CASE("shipped scenarios: all parse, round-trip through format_scenario, and pass") {
  const std::vector<ScenarioFile> files = shipped_scenarios();
  MESSAGE("scenarios in " << kScenarioDir << ": " << files.size());
  // The issue's list, plus the page's start scenario and the key-value tour.
  for (const char* required : {"figure7-a.raft", "figure7-b.raft", "figure7-c.raft", "figure7-d.raft", "figure7-e.raft",
                               "figure7-f.raft", "figure8-noop-off.raft", "figure8-noop-on.raft", "split-vote.raft",
                               "leader-crash.raft", "partitioned-leader.raft", "walkthrough-divergent-follower.raft",
                               "walkthrough-stale-leader.raft", "default.raft", "kv-basics.raft"}) {
    CAPTURE(required);
    CHECK(std::any_of(files.begin(), files.end(), [&](const ScenarioFile& f) { return f.name == required; }));
  }
  for (const ScenarioFile& f : files) {
    CAPTURE(f.name);
    Scenario sc;
    const std::optional<ParseError> e = parse_scenario(f.text, f.name, sc);
    REQUIRE_MESSAGE(!e, (e ? e->to_string() : std::string()));
    // Shown in the UI menu: a title and a description for students.
    CHECK(f.text.rfind("# title: ", 0) == 0);
    CHECK(sc.description.size() > 80);
    Scenario again;
    REQUIRE_FALSE(parse_scenario(format_scenario(sc), f.name, again));
    CHECK(same_scenario(sc, again));
    const ScenarioResult r = run_scenario(sc);
    CHECK_MESSAGE(r.ok, r.failure);
    CHECK_MESSAGE(r.linearizability == LinearizabilityVerdict::Linearizable, r.undecided);
    CHECK(r.checks_passed > 0);
  }
}

TEST_CASE("scenario runs: a refuted key fails the run whatever other keys gave; undecided is reported, not passed") {
  // Key a: 100 sequential puts, over a 10-state budget. Key b: a stale read, refuted at once.
  std::vector<HistoryOp> history;
  auto add = [&](const std::string& key, KvOpKind kind, const std::string& value, int64_t t) {
    HistoryOp op;
    op.req = history.size() + 1;
    op.client = 1;
    op.kind = kind;
    op.key = key;
    op.value = kind == KvOpKind::Get ? "" : value;
    op.invoke_us = t;
    op.returned = true;
    op.return_us = t + 5;
    op.result = value;
    history.push_back(op);
  };
  for (int i = 0; i < 100; ++i) add("a", KvOpKind::Put, std::to_string(i), 10 * int64_t{i});
  const std::vector<HistoryOp> undecided_only = history;
  add("b", KvOpKind::Put, "1", 0);
  add("b", KvOpKind::Put, "2", 10);
  add("b", KvOpKind::Get, "1", 20);
  ClusterConfig config;
  config.nodes = 3;

  SUBCASE("a over budget, b refuted: the run fails") {
    ScenarioRunner runner(config, "t.raft");
    runner.judge_linearizability(check_linearizable(history, 10));
    const ScenarioResult& r = runner.result();
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.undecided_only());
    CHECK(r.kind == ScenarioResult::Failure::Linearizability);
    CHECK(r.property == "Linearizability");
    CHECK(r.linearizability == LinearizabilityVerdict::Refuted);
    CHECK(r.failure.rfind("t.raft:0: the client history is not linearizable (key b): Key \"b\" is not linearizable: get(b) returned \"1\" (req 103", 0) == 0);
    CHECK(r.failure.ends_with(" (the search also hit its budget on key a)"));
  }
  SUBCASE("a over budget alone: undecided, reported, not a failure and not a pass") {
    ScenarioRunner runner(config, "t.raft");
    runner.judge_linearizability(check_linearizable(undecided_only, 10));
    const ScenarioResult& r = runner.result();
    CHECK(r.ok);  // nothing was found wrong...
    CHECK(r.undecided_only());  // ...and nothing was proven
    CHECK(r.linearizability == LinearizabilityVerdict::Undecided);
    CHECK(r.undecided ==
          "linearizability of the client history is undecided: the search hit its budget on key a and refuted no key, so the "
          "history was neither proven nor refuted. Key \"a\": gave up after exploring 10 states, so linearizability was neither "
          "proven nor refuted (raise states_max).");
  }
  SUBCASE("a scenario run with a tiny budget is undecided end to end") {
    Scenario sc;
    REQUIRE_FALSE(parse_scenario("nodes 3\ntimeout s1\nrun 300ms\nput x 1\nput x 2\nrun 300ms\nexpect value x 2\n", "t.raft", sc));
    const ScenarioResult r = run_scenario(sc, nullptr, 1);
    CHECK(r.ok);
    CHECK(r.checks_passed == 1);
    CHECK(r.undecided_only());
    CHECK(r.undecided.find("on key x and refuted no key") != std::string::npos);
    CHECK(run_scenario(sc).linearizability == LinearizabilityVerdict::Linearizable);
  }
}

TEST_CASE("scenario runs: failures name the file, the line, what was expected and what was found") {
  Scenario sc;
  REQUIRE_FALSE(parse_scenario("nodes 3\ntimeout s1\nrun 1s\nexpect leader s2\nexpect leader s1\n", "t.raft", sc));
  ScenarioResult r = run_scenario(sc);
  CHECK_FALSE(r.ok);
  CHECK(r.kind == ScenarioResult::Failure::Check);
  CHECK(r.line == 4);
  CHECK(r.failure.rfind("t.raft:4: expected leader s2, found s1 is leader in term 1", 0) == 0);

  REQUIRE_FALSE(parse_scenario("nodes 3\nrun 10ms\ncrash leader\n", "t.raft", sc));
  r = run_scenario(sc);
  CHECK(r.kind == ScenarioResult::Failure::Action);
  CHECK(r.failure == "t.raft:3: cannot crash the leader: there is no leader at 0.010s");

  REQUIRE_FALSE(parse_scenario("nodes 3\nrun 10ms\nexpect value x 1\n", "t.raft", sc));
  r = run_scenario(sc);
  CHECK(r.failure.find("t.raft:3: expected value x 1, found no leader to read x from") == 0);

  REQUIRE_FALSE(parse_scenario("nodes 3\ntimeout s2\nrun 1s\nput x 1\nrun 1s\nexpect value x 2\n", "t.raft", sc));
  r = run_scenario(sc);
  CHECK(r.failure.find("t.raft:6: expected value x 2, found x = 1 on the leader s2") == 0);

  REQUIRE_FALSE(parse_scenario("nodes 3\nrun 1s\ncrash s1\nexpect up s1\n", "t.raft", sc));
  r = run_scenario(sc);
  CHECK(r.failure.find("t.raft:4: expected up s1, found s1 is down") == 0);

  REQUIRE_FALSE(parse_scenario("nodes 3\ncrash s1\nrestart s1\nrestart s1\n", "t.raft", sc));
  r = run_scenario(sc);
  CHECK(r.failure == "t.raft:4: cannot restart s1: it is up (crash it first)");

  REQUIRE_FALSE(parse_scenario("nodes 3\ntimeout s1\nrun 1s\ntimeout s1\n", "t.raft", sc));
  r = run_scenario(sc);
  CHECK(r.failure.find("t.raft:4: cannot time out s1: it is the leader") == 0);

  REQUIRE_FALSE(parse_scenario("nodes 3\nrun 1s\ndrop 999999\n", "t.raft", sc));
  r = run_scenario(sc);
  CHECK(r.failure == "t.raft:3: cannot drop message 999999: it is not in flight");
}

TEST_CASE("scenario runs: same scenario and seed give the same trace and state") {
  const std::vector<ScenarioFile> files = shipped_scenarios();
  for (const ScenarioFile& f : files) {
    if (f.name != "default.raft" && f.name != "partitioned-leader.raft") continue;
    CAPTURE(f.name);
    Scenario sc;
    REQUIRE_FALSE(parse_scenario(f.text, f.name, sc));
    std::optional<Cluster> a, b;
    run_scenario(sc, &a);
    run_scenario(sc, &b);
    CHECK(a->trace().hash() == b->trace().hash());
    CHECK(a->state_hash() == b->state_hash());
    CHECK(a->trace().size() > 0);
  }
}

// Mutates shipped scenarios (byte flips, insertions of bytes and keywords, deletions, line shuffles
// and duplications) with a seeded generator. The parser must never crash; a rejected input must
// point at one of its own lines; an accepted input must print and parse back to the same scenario.
TEST_CASE("scenario parser fuzz: mutated scenarios never crash and errors point inside the input") {
  const std::vector<ScenarioFile> files = shipped_scenarios();
  REQUIRE_FALSE(files.empty());
  static constexpr const char* kTokens[] = {
      "nodes", "seed", "election_timeout", "heartbeat", "latency", "loss", "duplicate", "noop", "append_max", "term",
      "log", "voted", "run", "crash", "leader", "restart", "partition", "|", "cut", "->", "heal", "timeout", "put", "get",
      "append", "cas", "delete", "via", "clients", "rate", "for", "keys", "drop", "dup", "delay", "expect", "no", "value",
      "none", "role", "follower", "candidate", "down", "up", "commit", ">=", "<=", "=", "s1", "s3", "s15", "s0", "s99",
      "0", "1", "7", "0.5", "1.5", "2s", "150ms", "1.5s", "500us", "9999999999999999999999", "50/s", "#", "# title: x",
      "\n", "\r\n", "\t", " ", "\x01", "\xff", "on", "off"};
  Rng rng(0x5ce7a210);
  size_t inputs = 0, accepted = 0;
  constexpr size_t kInputs = 24'000;
  for (size_t iter = 0; iter < kInputs; ++iter) {
    std::string text = files[rng.uniform(0, static_cast<int64_t>(files.size()) - 1)].text;
    const int mutations = static_cast<int>(rng.uniform(1, 6));
    for (int m = 0; m < mutations; ++m) {
      const size_t pos = text.empty() ? 0 : static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(text.size())));
      switch (rng.uniform(0, 6)) {
        case 0:  // flip a byte
          if (!text.empty()) text[std::min(pos, text.size() - 1)] ^= static_cast<char>(1u << rng.uniform(0, 7));
          break;
        case 1:  // insert a random byte
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(pos), static_cast<char>(rng.uniform(0, 255)));
          break;
        case 2:  // insert a token of the language
          text.insert(pos, std::string(" ") + kTokens[rng.uniform(0, std::size(kTokens) - 1)] + " ");
          break;
        case 3:  // delete a range
          text.erase(pos, static_cast<size_t>(rng.uniform(1, 40)));
          break;
        case 4:  // replace a digit run's digit
          if (!text.empty()) text[std::min(pos, text.size() - 1)] = static_cast<char>('0' + rng.uniform(0, 9));
          break;
        default: {  // shuffle or duplicate lines
          std::vector<std::string> lines;
          size_t start = 0;
          for (size_t i = 0; i <= text.size(); ++i) {
            if (i == text.size() || text[i] == '\n') {
              lines.push_back(text.substr(start, i - start));
              start = i + 1;
            }
          }
          const size_t a = static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(lines.size()) - 1));
          const size_t b = static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(lines.size()) - 1));
          if (rng.chance(0.5)) std::swap(lines[a], lines[b]);
          else lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(a), lines[b]);
          text.clear();
          for (size_t i = 0; i < lines.size(); ++i) text += (i ? "\n" : "") + lines[i];
          break;
        }
      }
    }
    ++inputs;
    Scenario sc;
    const std::optional<ParseError> e = parse_scenario(text, "fuzz.raft", sc);
    if (e) {
      if (e->line < 1 || static_cast<size_t>(e->line) > line_count(text) || e->message.empty()) {
        CAPTURE(text);
        FAIL_CHECK("error outside the input: " << e->to_string());
      }
      continue;
    }
    ++accepted;
    const std::string printed = format_scenario(sc);
    Scenario again;
    const std::optional<ParseError> e2 = parse_scenario(printed, "fuzz.raft", again);
    if (e2 || !same_scenario(sc, again)) {
      CAPTURE(text);
      CAPTURE(printed);
      FAIL_CHECK("accepted input does not round-trip" << (e2 ? ": " + e2->to_string() : std::string()));
    }
  }
  MESSAGE("parser fuzz: " << inputs << " inputs, " << accepted << " accepted");
  CHECK(inputs >= 20'000);
  CHECK(accepted > 100);
}

}  // namespace raft::sim

TEST_CASE("timing changes and single-link restores are actions that round-trip") {
  const std::string text =
      "nodes 3\nrun 1s\nheartbeat 20ms\nelection_timeout 400ms 800ms\nnoop off\nappend_max 8\n"
      "cut s1 -> s2\nuncut s1 -> s2\ncut s2 s3\nuncut s2 s3\n";
  raft::sim::Scenario sc;
  const auto err = raft::sim::parse_scenario(text, "t.raft", sc);
  REQUIRE_FALSE(err.has_value());
  namespace stmt = raft::sim::stmt;
  REQUIRE(sc.statements.size() == 9);
  CHECK(sc.statements[1] == raft::sim::Statement(stmt::Heartbeat{20'000}));
  CHECK(sc.statements[2] == raft::sim::Statement(stmt::ElectionTimeout{400'000, 800'000}));
  CHECK(sc.statements[3] == raft::sim::Statement(stmt::Noop{false}));
  CHECK(sc.statements[4] == raft::sim::Statement(stmt::AppendMax{8}));
  CHECK(sc.statements[6] == raft::sim::Statement(stmt::Uncut{0, 1, true}));
  CHECK(raft::sim::format_statement(sc.statements[1]) == "heartbeat 20ms");
  CHECK(raft::sim::format_statement(sc.statements[2]) == "election_timeout 400ms 800ms");
  CHECK(raft::sim::format_statement(sc.statements[3]) == "noop off");
  CHECK(raft::sim::format_statement(sc.statements[6]) == "uncut s1 -> s2");
  raft::sim::Cluster c(sc.config);
  for (const auto& s : sc.statements) {
    std::string why;
    CHECK_MESSAGE(raft::sim::apply_statement(c, s, &why), why);
  }
  CHECK(c.config().timing.heartbeat_interval_us == 20'000);
  CHECK(c.config().timing.election_timeout_min_us == 400'000);
  CHECK_FALSE(c.config().timing.noop_on_election);
  CHECK(c.config().timing.append_entries_max == 8);
  CHECK(c.network().link_up(0, 1));
  CHECK(c.network().link_up(1, 2));
  CHECK(c.network().link_up(2, 1));
}

TEST_CASE("parse_statement: one line for the JS API, bounded by the cluster's real size") {
  raft::sim::Statement s;
  CHECK_FALSE(raft::sim::parse_statement("put x 1 via s3", 3, s).has_value());
  CHECK(raft::sim::format_statement(s) == "put x 1 via s3");
  CHECK(raft::sim::parse_statement("put x 1 via s4", 3, s).value() == "unknown node s4 (this scenario has 3 nodes: s1..s3)");
  CHECK(raft::sim::parse_statement("nodes 5", 3, s).value() == "'nodes' can only stand at the start of a scenario");
  CHECK(raft::sim::parse_statement("term s1 2", 3, s).value() == "'term' can only stand at the start of a scenario");
  CHECK(raft::sim::parse_statement("frob", 3, s).value() == "unknown statement 'frob'");
  CHECK(raft::sim::parse_statement("  # only a comment", 3, s).value() == "expected a statement such as 'put x 1' or 'crash s2'");
}
