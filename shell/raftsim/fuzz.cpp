// raftsim fuzz: random faults under client load, VOPR style.
//
// Each run is a generated scenario, a pure function of (seed, run index):
//   header    3, 5 or 7 nodes (or --nodes), a derived cluster seed, latency, loss, duplication,
//             batch size, no-op on or off, normal or tight election timeouts
//   safety    `clients C rate R/s for D`, then random `run` gaps with crashes (half of them of the
//             leader), restarts, partitions (some cutting the leader off with a minority), one-way
//             and two-way cuts, heals, forced election timeouts and loss changes, for --duration
//   features  with --features all, each safe extension on or off at random (choose_features) and
//             their actions (leadership transfers) among the faults; unsafe switches never
//   liveness  heal, restart every down server, loss 0, duplicate 0; then a leader must exist within
//             kLeaderBound and a client put must be applied within kProgressBound
// Faults are chosen while the run executes (ScenarioRunner), by looking at the cluster, but written
// down as explicit statements, so the scenario replays the run exactly. The safety properties are
// checked after every event and the whole client history must be linearizable at the end. A
// failing run is shrunk (statements dropped greedily while it still fails the same way) and written
// out as a scenario file that `raftsim run` reproduces.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>
#ifndef __EMSCRIPTEN__
#include <thread>
#endif

#include "core/raft/rng.h"
#include "core/sim/make.h"
#include "shell/raftsim/fuzz_phases.h"
#include "shell/raftsim/raftsim.h"

namespace raftsim {

using raft::NodeId;
using raft::Rng;
using raft::Time;
using raft::sim::Scenario;
using raft::sim::ScenarioResult;
using raft::sim::Statement;
namespace make = raft::sim::make;

namespace {

constexpr Time kGapMin_us = 20'000, kGapMax_us = 1'000'000;
constexpr Time kDowntimeMean_us = 2'000'000;    // a crashed server restarts after about this long
constexpr Time kPartitionMean_us = 3'000'000;   // a partition heals after about this long
constexpr int kFailuresWrittenMax = 10;

struct FuzzOptions {
  uint64_t runs = 0;
  uint64_t seed = 1;
  int nodes = 0;                 // 0: each run picks 3, 5 or 7 (small clusters find bugs sooner)
  Time duration_us = 30'000'000;
  double loss = 0.05;
  double crash_rate = 0.1;       // crashes per virtual second
  double partition_rate = 0.1;   // partitions or cuts per virtual second
  int clients = 3;
  std::string trace_dir;
  int jobs = 2;
  std::optional<uint64_t> show_run;  // --show-run I: print run I's scenario and exit
  bool all_features = false;     // --features all: safe extensions on at random per run
};

// What --features all turned on for one run, beyond its header's switches.
struct RunFeatures {
  bool transfers = false;        // §3.10: `transfer sN` actions among the faults
  bool membership = false;       // ch. 4: `add` / `remove` actions among the faults
  bool clock_drift = false;      // `clock_drift sN F` actions: within the lease's bound when reads use a lease
};

// Sub-seed stream of the feature choices: separate from the run's own stream, so that a run
// without --features draws exactly the numbers it always drew.
constexpr uint64_t kStreamFeatures = 0xfea7;

// The one place where --features all chooses a run's extensions. Each SAFE extension is on with
// probability 1/2 (a new one adds its line here); unsafe switches (kTimingSwitches[i].unsafe,
// e.g. forget_vote) are never turned on: they break safety on purpose.
RunFeatures choose_features(raft::sim::ClusterConfig& c, Rng& rng) {
  RunFeatures f;
  c.timing.prevote = rng.chance(0.5);        // §9.6
  c.timing.check_quorum = rng.chance(0.5);   // §6.2, with leader stickiness
  f.transfers = rng.chance(0.5);             // §3.10
  // §7 (Log compaction): frequent snapshots and small chunks, so that transfers span many
  // messages and meet crashes, partitions and leader changes.
  if (rng.chance(0.5)) {
    static constexpr uint32_t kEvery[] = {1, 3, 5, 10, 40};
    static constexpr uint32_t kChunk[] = {1, 7, 16, 64, 300};
    c.timing.snapshot_every = kEvery[rng.uniform(0, 4)];
    c.timing.snapshot_chunk_bytes = kChunk[rng.uniform(0, 4)];
  }
  // §6.4: reads through the log, ReadIndex, or a lease (which needs CheckQuorum's stickiness).
  const auto reads = rng.uniform(0, 2);
  c.timing.read_mode = reads == 0 ? raft::ReadMode::Log : reads == 1 || !c.timing.check_quorum ? raft::ReadMode::ReadIndex : raft::ReadMode::Lease;
  f.clock_drift = rng.chance(0.5);
  f.membership = rng.chance(0.5);            // dissertation ch. 4, single-server changes
  // Disk write latency (issue 11): outputs wait for writes, and crashes lose the writes in
  // flight. Drawn last, so the choices above stay what they were for a given seed.
  if (rng.chance(0.5)) {
    static constexpr Time kDisk[][2] = {{1'000, 5'000}, {5'000, 10'000}, {0, 20'000}};
    const auto& d = kDisk[rng.uniform(0, 2)];
    c.disk = raft::sim::DiskConfig{d[0], d[1]};
  }
  for (const raft::TimingSwitch& sw : raft::kTimingSwitches) {
    RAFT_ASSERT_MSG(!(sw.unsafe && c.timing.*(sw.field)), "the fuzzer never turns an unsafe switch on");
  }
  return f;
}



double chance_in(double rate_per_s, Time gap_us) {
  return std::min(1.0, rate_per_s * static_cast<double>(gap_us) / 1e6);
}

// A probability rounded to hundredths, so it prints and parses back exactly.
double hundredths(Rng& rng, double max) {
  const int64_t top = static_cast<int64_t>(max * 100 + 0.5);
  return static_cast<double>(rng.uniform(0, std::max<int64_t>(top, 0))) / 100.0;
}


// The header of run `index`.
raft::sim::ClusterConfig generate_config(const FuzzOptions& o, Rng& rng) {
  raft::sim::ClusterConfig c;
  static constexpr int kSizes[] = {3, 5, 5, 7};
  c.nodes = o.nodes > 0 ? o.nodes : kSizes[rng.uniform(0, 3)];
  c.seed = rng.next();
  static constexpr Time kLatencies[][2] = {{10'000, 20'000}, {1'000, 5'000}, {5'000, 50'000}, {20'000, 40'000}};
  const auto& lat = kLatencies[rng.uniform(0, 3)];
  c.network.latency_min_us = lat[0];
  c.network.latency_max_us = lat[1];
  c.network.loss = o.loss;
  c.network.duplicate = rng.chance(0.3) ? 0.02 : 0.0;
  static constexpr uint32_t kBatches[] = {64, 1, 4};
  c.timing.append_entries_max = kBatches[rng.uniform(0, 2)];
  c.timing.noop_on_election = !rng.chance(0.25);
  if (lat[1] <= 20'000 && rng.chance(0.3)) {
    // Tight timeouts: more elections, more churn (still several round trips, so leaders do emerge).
    c.timing.election_timeout_min_us = 100'000;
    c.timing.election_timeout_max_us = 200'000;
  }
  c.trace = false;  // the repro re-run records a trace; the search itself does not need one
  return c;
}

// Generates run `index` and runs it in one pass: each fault is chosen by looking at the live
// cluster (crash the leader, cut the leader off with a minority, force a follower's election timeout)
// and written down as an explicit statement (`crash s3`, not `crash leader`), so the scenario replays
// the same run and stays valid while the shrinker drops statements. A pure function of (options, index).
RunOutcome generate_and_run(const FuzzOptions& o, uint64_t index, bool show = false) {
  Rng rng(Rng::derive(o.seed, index));
  RunOutcome r;
  Scenario& sc = r.scenario;
  sc.file = "fuzz-seed" + std::to_string(o.seed) + "-run" + std::to_string(index) + ".raft";
  sc.title = "fuzz seed " + std::to_string(o.seed) + " run " + std::to_string(index);
  sc.config = generate_config(o, rng);
  Rng feature_rng(Rng::derive(Rng::derive(o.seed, index), kStreamFeatures));
  const RunFeatures features = o.all_features ? choose_features(sc.config, feature_rng) : RunFeatures{};
  int nodes = sc.config.nodes;  // grows with `add` (membership changes)
  std::optional<raft::sim::Cluster> kept;
  raft::sim::ScenarioRunner runner(sc.config, sc.file, &kept);
  raft::sim::Cluster& cluster = runner.cluster();
  auto emit = [&](Statement s) {
    s.line = static_cast<int>(sc.statements.size()) + 1;  // renumbered when written to a file
    sc.statements.push_back(s);
    return runner.apply(sc.statements.back()) || show;
  };
  auto random_node = [&](auto&& pred) {
    std::vector<NodeId> pick;
    for (NodeId n = 0; n < cluster.size(); ++n) {
      if (pred(n)) pick.push_back(n);
    }
    return pick.empty() ? raft::kNoNode : pick[static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(pick.size()) - 1))];
  };

  bool ok = true;
  if (o.clients > 0) {
    static constexpr double kRates[] = {10, 30, 100, 0};
    raft::sim::Workload w;
    w.clients = o.clients;
    w.rate_per_s = kRates[rng.uniform(0, 3)];
    ok = emit(make::clients(w, o.duration_us));
  }
  bool split = false;
  raft::NodeMask remove_named = 0;  // servers named by a `remove` so far
  Time t = 0;
  while (ok && t < o.duration_us) {
    const Time gap_us = std::min(o.duration_us - t, rng.uniform(kGapMin_us / 1000, kGapMax_us / 1000) * 1000);
    t += gap_us;
    if (!(ok = emit(make::run(gap_us))) || t >= o.duration_us) break;
    nodes = cluster.size();
    const NodeId leader = cluster.leader();
    for (NodeId n = 0; ok && n < nodes; ++n) {
      if (!cluster.up(n) && !cluster.gone(n) && rng.chance(chance_in(1e6 / kDowntimeMean_us, gap_us))) ok = emit(make::restart(n));
    }
    if (ok && rng.chance(chance_in(o.crash_rate, gap_us))) {
      // Half the crashes hit the leader: leadership changes with entries in flight are where
      // Raft's subtle cases (Figure 8) live.
      // A server named by a `remove` is never crashed: its removal may yet be rolled back (§4.1),
      // leaving it a voter that the liveness phase would not know to restart.
      NodeId n = leader != raft::kNoNode && cluster.up(leader) && !raft::has_node(remove_named, leader) && rng.chance(0.5) ? leader : raft::kNoNode;
      if (n == raft::kNoNode) n = random_node([&](NodeId k) { return cluster.up(k) && !raft::has_node(remove_named, k); });
      if (n != raft::kNoNode) ok = emit(make::crash(n));
    }
    if (ok && split && rng.chance(chance_in(1e6 / kPartitionMean_us, gap_us))) {
      split = false;
      ok = emit(make::heal());
    }
    if (ok && nodes >= 2 && rng.chance(chance_in(o.partition_rate, gap_us))) {
      split = true;
      const double kind = rng.unit();
      if (kind < 0.35 && leader != raft::kNoNode) {
        // The leader with a minority on one side, the majority on the other.
        std::vector<std::vector<NodeId>> groups(2);
        const int minority = static_cast<int>(rng.uniform(1, (nodes - 1) / 2 > 0 ? (nodes - 1) / 2 : 1));
        std::vector<NodeId> others;
        for (NodeId n = 0; n < nodes; ++n) {
          if (n != leader) others.push_back(n);
        }
        groups[0].push_back(leader);
        for (int k = 1; k < minority && !others.empty(); ++k) {
          const size_t at = static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(others.size()) - 1));
          groups[0].push_back(others[at]);
          others.erase(others.begin() + static_cast<std::ptrdiff_t>(at));
        }
        std::sort(groups[0].begin(), groups[0].end());
        groups[1] = others;
        std::erase_if(groups, [](const std::vector<NodeId>& g) { return g.empty(); });
        ok = emit(make::partition(std::move(groups)));
      } else if (kind < 0.7) {
        const int count = nodes >= 3 && rng.chance(0.25) ? 3 : 2;
        std::vector<std::vector<NodeId>> groups(static_cast<size_t>(count));
        for (NodeId n = 0; n < nodes; ++n) groups[static_cast<size_t>(rng.uniform(0, count - 1))].push_back(n);
        std::erase_if(groups, [](const std::vector<NodeId>& g) { return g.empty(); });
        ok = emit(make::partition(std::move(groups)));
      } else {
        const auto a = static_cast<NodeId>(rng.uniform(0, nodes - 1));
        const auto b = static_cast<NodeId>((a + rng.uniform(1, nodes - 1)) % nodes);
        ok = emit(make::cut(a, b, rng.chance(0.5)));
      }
    }
    if (ok && rng.chance(chance_in(0.3, gap_us))) {
      // A follower's election timer fires now: a competing candidacy, often with a stale log.
      const NodeId n = random_node([&](NodeId k) { return cluster.up(k) && cluster.node(k).role() != raft::Role::Leader &&
                                                     cluster.node(k).configuration().is_voter(k); });
      if (n != raft::kNoNode) ok = emit(make::timeout(n));
    }
    if (ok && rng.chance(chance_in(0.05, gap_us))) {
      ok = emit(make::set_loss(hundredths(rng, std::min(1.0, 2 * o.loss + 0.05))));
    }
    if (ok && features.transfers && feature_rng.chance(chance_in(0.3, gap_us))) {
      // §3.10: hand leadership to a random other server (often a lagging one), if it can apply now.
      const NodeId target = random_node([&](NodeId k) { return cluster.up(k) && k != cluster.leader(); });
      if (target != raft::kNoNode && raft::sim::can_apply(cluster, make::transfer(target))) ok = emit(make::transfer(target));
    }
    if (ok && features.clock_drift && feature_rng.chance(chance_in(0.2, gap_us))) {
      // A lease tolerates clocks that differ by its drift bound (raft::kLeaseDriftBoundPermille);
      // other reads do not depend on clocks at all, so their runs may drift much further.
      const bool lease = cluster.config().timing.read_mode == raft::ReadMode::Lease;
      const auto n = static_cast<NodeId>(feature_rng.uniform(0, nodes - 1));
      const auto rate = static_cast<int>(lease ? feature_rng.uniform(960, 1040) : feature_rng.uniform(500, 2000));
      ok = emit(make::clock_drift(n, rate));
    }
    if (ok && features.membership && feature_rng.chance(chance_in(0.5, gap_us))) {
      // A membership change (dissertation ch. 4): add the next server, or remove a random member
      // (a crashed one is never removed, so the liveness phase can restart every server still in).
      const NodeId leader_now = cluster.leader();
      Statement change = make::add_server(cluster.size());
      if (leader_now != raft::kNoNode && feature_rng.chance(0.5)) {
        const raft::Configuration& conf = cluster.node(leader_now).configuration();
        const NodeId n = random_node([&](NodeId k) { return cluster.up(k) && conf.is_member(k) && conf.voter_count() > 2; });
        if (n != raft::kNoNode) change = make::remove_server(n);
      }
      if (raft::sim::can_apply(cluster, change)) {
        if (const auto* d = change.as<raft::sim::stmt::RemoveServer>()) remove_named |= raft::node_bit(d->node);
        ok = emit(change);
      }
    }
  }
  r.safety_end = sc.statements.size();
  if (ok) {
    for (const Statement& s : liveness_phase(sc, index)) {
      if (!(ok = emit(s))) break;
    }
  }
  r.result = runner.finish();
  r.virtual_us = cluster.now();
  r.events = cluster.metrics().events;
  return r;
}


bool parse_options(const std::vector<std::string>& argv, FuzzOptions& o, std::string& error) {
  Args args;
  if (!args.parse(argv, {"runs", "seed", "nodes", "duration", "loss", "crash-rate", "partition-rate", "clients", "trace-dir", "jobs", "show-run",
                   "features"},
                  {}, error)) {
    return false;
  }
  if (!args.positional().empty()) {
    error = "unexpected argument '" + args.positional()[0] + "'";
    return false;
  }
  if (!args.has("runs")) {
    error = "fuzz needs --runs N";
    return false;
  }
  uint64_t v = 0;
  if (!args.get_u64("runs", o.runs, error) || !args.get_u64("seed", o.seed, error)) return false;
  if (o.runs > 100'000'000) {
    error = "--runs is limited to 100000000";
    return false;
  }
  v = static_cast<uint64_t>(o.nodes);
  if (!args.get_u64("nodes", v, error)) return false;
  if (args.has("nodes") && (v < 1 || v > static_cast<uint64_t>(raft::kNodesMax))) {
    error = "--nodes must be 1.." + std::to_string(raft::kNodesMax);
    return false;
  }
  o.nodes = static_cast<int>(v);
  if (!args.get_duration("duration", o.duration_us, error)) return false;
  if (o.duration_us < 1'000) {
    error = "--duration must be at least 1ms";
    return false;
  }
  if (!args.get_double("loss", o.loss, 0, 1, error) || !args.get_double("crash-rate", o.crash_rate, 0, 1000, error) ||
      !args.get_double("partition-rate", o.partition_rate, 0, 1000, error)) {
    return false;
  }
  v = static_cast<uint64_t>(o.clients);
  if (!args.get_u64("clients", v, error)) return false;
  if (v > 100) {
    error = "--clients must be 0..100";
    return false;
  }
  o.clients = static_cast<int>(v);
  v = static_cast<uint64_t>(o.jobs);
  if (!args.get_u64("jobs", v, error)) return false;
  if (v < 1 || v > 64) {
    error = "--jobs must be 1..64";
    return false;
  }
  o.jobs = static_cast<int>(v);
#ifdef __EMSCRIPTEN__
  o.jobs = 1;  // no threads in the wasm build
#endif
  if (std::optional<std::string> d = args.get("trace-dir")) o.trace_dir = *d;
  if (std::optional<std::string> f = args.get("features")) {
    if (*f != "all" && *f != "none") {
      error = "--features must be 'all' (every safe extension on at random per run) or 'none', got '" + *f + "'";
      return false;
    }
    o.all_features = *f == "all";
  }
  if (args.has("show-run")) {
    if (!args.get_u64("show-run", v, error)) return false;
    o.show_run = v;
  }
  return true;
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

int cmd_fuzz(const std::vector<std::string>& argv) {
  FuzzOptions o;
  std::string error;
  if (!parse_options(argv, o, error)) {
    std::fprintf(stderr, "raftsim fuzz: %s\n", error.c_str());
    std::fprintf(stderr, "usage: raftsim fuzz --runs N [--seed S] [--nodes K] [--duration 30s] [--loss P] [--crash-rate R]\n"
                         "                    [--partition-rate R] [--clients C] [--trace-dir DIR] [--jobs J] [--features all|none]\n");
    return kExitUsage;
  }
  if (o.show_run) {
    std::fputs(raft::sim::format_scenario(generate_and_run(o, *o.show_run, true).scenario).c_str(), stdout);
    return kExitOk;
  }
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();

  // Sums are order-independent and failures are sorted by run index, so nothing printed depends
  // on --jobs or on thread timing (except the progress lines' wall times).
  std::atomic<uint64_t> next{0}, done{0}, failed{0}, events{0}, ops{0};
  std::atomic<int64_t> virtual_us{0};
  std::mutex mutex;
  std::vector<std::pair<uint64_t, RunOutcome>> failures;
  // Runs that failed nothing but whose linearizability search hit its budget: not passes, not
  // failures; counted and listed apart (run index, the sentence naming the keys).
  std::vector<std::pair<uint64_t, std::string>> undecided;
  const uint64_t step = std::max<uint64_t>(1, o.runs / 10);
  auto worker = [&] {
    for (uint64_t i = next.fetch_add(1); i < o.runs; i = next.fetch_add(1)) {
      RunOutcome r = generate_and_run(o, i);
      events.fetch_add(r.events);
      ops.fetch_add(r.result.ops_checked);
      virtual_us.fetch_add(r.virtual_us);
      if (!r.result.ok) {
        failed.fetch_add(1);
        std::lock_guard<std::mutex> lock(mutex);
        failures.emplace_back(i, std::move(r));
      } else if (r.result.undecided_only()) {
        std::lock_guard<std::mutex> lock(mutex);
        undecided.emplace_back(i, r.result.undecided);
      }
      const uint64_t d = done.fetch_add(1) + 1;
      if (o.runs >= 20 && d % step == 0 && d < o.runs) {
        const double wall_s = std::chrono::duration<double>(Clock::now() - start).count();
        std::lock_guard<std::mutex> lock(mutex);
        std::fprintf(stderr, "fuzz: %" PRIu64 "/%" PRIu64 " runs, %" PRIu64 " failed, %.1fs\n", d, o.runs, failed.load(), wall_s);
      }
    }
  };
#ifdef __EMSCRIPTEN__
  worker();
#else
  std::vector<std::thread> threads;
  for (int j = 1; j < o.jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
#endif
  const double wall_s = std::max(1e-9, std::chrono::duration<double>(Clock::now() - start).count());
  std::sort(failures.begin(), failures.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::sort(undecided.begin(), undecided.end());
  for (const auto& [i, why] : undecided) {
    std::printf("UNDECIDED run %" PRIu64 " of seed %" PRIu64 ": %s (the same options plus --show-run %" PRIu64 " print its scenario)\n", i, o.seed,
                why.c_str(), i);
  }

  int written = 0;
  for (const auto& [i, run] : failures) {
    const ScenarioResult& result = run.result;
    // The message without its "file:line: " prefix: the line numbers refer to the unshrunk run.
    const size_t colon = result.failure.find(": ");
    const std::string what = colon == std::string::npos ? result.failure : result.failure.substr(colon + 2);
    std::printf("FAILED run %" PRIu64 " of seed %" PRIu64 ": %s\n", i, o.seed, what.c_str());
    if (written >= kFailuresWrittenMax) continue;
    ++written;
    // Shrink the first failures and write reproducing scenario files (with a trace if asked).
    const Scenario& original = run.scenario;
    int shrink_runs = 0;
    size_t small_safety = 0;
    Scenario small = shrink(run, i, shrink_runs, small_safety);
    const std::string path = join_path(o.trace_dir, original.file);
    // Print, parse back and run the file itself, so its line numbers and its run are what a user gets.
    Scenario written_sc;
    small.description = "Found by raftsim fuzz --seed " + std::to_string(o.seed) + " (run " + std::to_string(i) +
                        "); its fault phase shrunk from " + std::to_string(run.safety_end) + " to " +
                        std::to_string(small_safety) + " statements, followed by the liveness phase (heal, restart, wait).";
    if (auto e = raft::sim::parse_scenario(raft::sim::format_scenario(small), path, written_sc)) {
      std::printf("  (internal error: the repro does not parse: %s)\n", e->to_string().c_str());
      continue;
    }
    std::optional<raft::sim::Cluster> cluster;
    written_sc.config.trace = true;
    const ScenarioResult again = raft::sim::run_scenario(written_sc, &cluster);
    if (!write_file(path, raft::sim::format_scenario(written_sc), error)) {
      std::fprintf(stderr, "raftsim fuzz: %s\n", error.c_str());
      continue;
    }
    std::printf("  fault phase shrunk from %zu to %zu statements (%d shrink runs); reproduce with: raftsim run %s\n  it fails with: %s\n",
                run.safety_end, small_safety, shrink_runs, path.c_str(), again.ok ? "(nothing: not reproducible!)" : again.failure.c_str());
    if (!o.trace_dir.empty()) {
      const std::string trace_path = path.substr(0, path.size() - 5) + ".jsonl";
      if (!write_file(trace_path, cluster->trace().to_jsonl(cluster->client_ops()), error)) {
        std::fprintf(stderr, "raftsim fuzz: %s\n", error.c_str());
      } else {
        std::printf("  trace: %s\n", trace_path.c_str());
      }
    }
  }
  const std::string sizes = o.nodes > 0 ? std::to_string(o.nodes) + " nodes" : "3/5/7 nodes";
  std::printf("fuzz: %" PRIu64 " runs, %zu failures, %zu undecided, seed %" PRIu64 ", %s, %s safety phase, jobs %d%s\n", o.runs,
              failures.size(), undecided.size(), o.seed, sizes.c_str(), raft::sim::format_duration(o.duration_us).c_str(), o.jobs,
              o.all_features ? ", features all" : "");
  std::printf("fuzz: %.0f histories/min (%.2fs wall), %.0fs virtual in total, %" PRIu64 " events, %" PRIu64 " client ops checked\n",
              static_cast<double>(o.runs) * 60.0 / wall_s, wall_s, static_cast<double>(virtual_us.load()) / 1e6, events.load(), ops.load());
  return failures.empty() ? kExitOk : kExitFailed;
}

}  // namespace raftsim
