// raftsim experiment elections: the Raft paper's §9.3 election-time experiment (core/sim/experiment.h),
// printed next to the paper's published figures. Wall-clock time is read here only for the progress
// line and the run time; the figures depend on the seed alone.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/sim/experiment.h"
#include "core/sim/text.h"
#include "shell/raftsim/raftsim.h"

namespace raftsim {

namespace {

constexpr const char* kExperimentUsage =
    "usage: raftsim experiment elections [--timeouts 150-150,150-155,...] [--trials N] [--seed S]\n"
    "                                    [--latency MIN MAX] [--disk-latency MIN MAX] [--logs varied|equal]\n"
    "  timeouts in milliseconds; latencies are durations like 0.1ms, 150us, 5ms (one-way network\n"
    "  latency, and the time of each disk write). The defaults reproduce the paper's figures.\n";

int fail_usage(const std::string& why) {
  std::fprintf(stderr, "raftsim experiment: %s\n%s", why.c_str(), kExperimentUsage);
  return kExitUsage;
}

std::string ms(double us) { return raft::sim::format_number(static_cast<double>(static_cast<long long>(us / 100.0 + 0.5)) / 10.0) + " ms"; }

}  // namespace

int cmd_experiment(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] != "elections") return fail_usage(argv.empty() ? "which experiment? (elections)" : "unknown experiment '" + argv[0] + "'");
  raft::sim::ElectionExperiment e;
  e.ranges = raft::sim::paper_ranges();
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& flag = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argv.size()) return false;
      out = argv[++i];
      return true;
    };
    auto duration_pair = [&](raft::Time& lo, raft::Time& hi) -> std::string {
      std::string a, b, why;
      if (!value(a) || !value(b)) return flag + " takes two durations, like " + flag + " 5ms 10ms";
      if (!raft::sim::parse_duration(a, lo, &why) || !raft::sim::parse_duration(b, hi, &why)) return flag + ": " + why;
      if (lo > hi) return flag + ": the minimum (" + a + ") is above the maximum (" + b + ")";
      return "";
    };
    std::string v;
    if (flag == "--timeouts") {
      if (!value(v)) return fail_usage("--timeouts takes a list like 150-150,150-155");
      if (auto err = raft::sim::parse_ranges(v, e.ranges)) return fail_usage("--timeouts: " + *err);
    } else if (flag == "--trials" || flag == "--seed") {
      if (!value(v)) return fail_usage(flag + " takes a number");
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || (flag == "--trials" && (n < 1 || n > 1'000'000))) {
        return fail_usage(flag + ": '" + v + "' is not " + (flag == "--trials" ? "a number of trials from 1 to 1000000" : "a seed"));
      }
      if (flag == "--trials") e.trials = static_cast<int>(n);
      else e.seed = n;
    } else if (flag == "--latency") {
      if (std::string err = duration_pair(e.latency_min_us, e.latency_max_us); !err.empty()) return fail_usage(err);
    } else if (flag == "--disk-latency") {
      if (std::string err = duration_pair(e.disk_min_us, e.disk_max_us); !err.empty()) return fail_usage(err);
    } else if (flag == "--logs") {
      if (!value(v) || (v != "varied" && v != "equal")) return fail_usage("--logs is 'varied' or 'equal'");
      e.varied_logs = v == "varied";
    } else {
      return fail_usage("unknown option '" + flag + "'");
    }
  }

  std::printf("raftsim experiment elections: the Raft paper's section 9.3 (Figure 16), %d servers, %d trials per range, seed %llu\n",
              e.nodes, e.trials, static_cast<unsigned long long>(e.seed));
  std::printf("network one-way %s to %s, each disk write %s to %s, %s logs; the leader crashes at a uniformly random\n"
              "point of its heartbeat interval (half the minimum election timeout) after a heartbeat to all\n\n",
              raft::sim::format_duration(e.latency_min_us).c_str(), raft::sim::format_duration(e.latency_max_us).c_str(),
              raft::sim::format_duration(e.disk_min_us).c_str(), raft::sim::format_duration(e.disk_max_us).c_str(),
              e.varied_logs ? "varied" : "equal");
  std::printf("%-10s %10s %10s %10s %10s  %-20s %s\n", "timeouts", "median", "mean", "p90", "max", "no leader in 10 s", "paper");
  const auto start = std::chrono::steady_clock::now();
  for (size_t r = 0; r < e.ranges.size(); ++r) {
    std::vector<raft::Time> downtimes;
    downtimes.reserve(static_cast<size_t>(e.trials));
    int none = 0, not_set_up = 0;
    for (int t = 0; t < e.trials; ++t) {
      if (t % 100 == 0) {
        std::fprintf(stderr, "\r  range %zu/%zu (%s ms), trial %d/%d ", r + 1, e.ranges.size(), raft::sim::format_range(e.ranges[r]).c_str(), t, e.trials);
        std::fflush(stderr);
      }
      bool set_up = false;
      const auto d = raft::sim::election_trial(e, e.ranges[r], t, &set_up);
      if (!set_up) ++not_set_up;
      else if (d) downtimes.push_back(*d);
      else ++none;
    }
    std::fprintf(stderr, "\r%60s\r", "");
    const raft::sim::DowntimeSummary s = raft::sim::summarize(std::move(downtimes), none);
    const bool any = s.no_leader < s.trials;
    std::printf("%-10s %10s %10s %10s %10s  %-20d %s\n", (raft::sim::format_range(e.ranges[r]) + " ms").c_str(),
                any ? ms(static_cast<double>(s.median_us)).c_str() : "-", any ? ms(s.mean_us).c_str() : "-",
                any ? ms(static_cast<double>(s.p90_us)).c_str() : "-", any ? ms(static_cast<double>(s.max_us)).c_str() : "-", s.no_leader,
                raft::sim::paper_figure(e.ranges[r]).c_str());
    if (not_set_up > 0) std::printf("           (%d trials left out: the leader was deposed before its crash, or none was elected to start with)\n", not_set_up);
    std::fflush(stdout);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nwhole experiment: %.1f s wall\n", wall);
  return kExitOk;
}

}  // namespace raftsim
