// raftsim: the headless Raft Lab simulator.
//
//   raftsim run FILE.raft [--seed N] [--trace out.jsonl] [--golden out.txt] [--lin-states-max N]
//                                                          run a scenario; exit 0 ok, 1 failed, 2 bad input,
//                                                          3 linearizability undecided (search budget hit)
//   raftsim hash FILE.raft [--seed N]                      trace hash and state hash (native vs wasm)
//   raftsim fuzz --runs N [...]                             random faults + client load, see fuzz.cpp
//   raftsim bench [--seconds-virtual N] [--order 5,3,9]     throughput figures, cold and warm, see bench.cpp
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "core/sim/trace_text.h"
#include "shell/raftsim/raftsim.h"

namespace raftsim {

using raft::sim::Cluster;
using raft::sim::ParseError;
using raft::sim::Scenario;
using raft::sim::ScenarioResult;

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  raftsim run FILE.raft [--seed N] [--trace out.jsonl] [--golden out.txt] [--lin-states-max N]\n"
    "  raftsim hash FILE.raft [--seed N]\n"
    "  raftsim fuzz --runs N [--seed S] [--nodes K] [--duration 30s] [--loss P] [--crash-rate R]\n"
    "               [--partition-rate R] [--clients C] [--trace-dir DIR] [--jobs J] [--features all]\n"
    "  raftsim bench [--seconds-virtual N] [--seed S] [--snapshot-every N] [--order 5,3,9] [--warm-runs N] [--no-trace]\n"
    "  raftsim bench --time-travel [--seed S]\n"
    "  raftsim experiment elections [--timeouts 150-150,150-155,...] [--trials N] [--seed S]\n"
    "               [--latency MIN MAX] [--disk-latency MIN MAX] [--logs varied|equal]\n";

int usage(const std::string& error) {
  if (!error.empty()) std::fprintf(stderr, "raftsim: %s\n", error.c_str());
  std::fputs(kUsage, stderr);
  return kExitUsage;
}

// Reads and parses FILE with an optional --seed override. Returns kExitOk or the exit code to use.
int load(const Args& args, Scenario& scenario) {
  std::string error;
  if (args.positional().size() != 1) return usage("expected exactly one scenario file");
  const std::string& path = args.positional()[0];
  std::string text;
  if (!read_file(path, text, error)) {
    std::fprintf(stderr, "raftsim: %s\n", error.c_str());
    return kExitUsage;
  }
  if (std::optional<ParseError> e = raft::sim::parse_scenario(text, path, scenario)) {
    std::fprintf(stderr, "%s\n", e->to_string().c_str());
    return kExitUsage;
  }
  uint64_t seed = 0;
  if (!args.get_u64("seed", seed, error)) return usage(error);
  if (args.has("seed")) scenario.config.seed = seed;
  return kExitOk;
}

int cmd_run(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!args.parse(argv, {"seed", "trace", "golden", "lin-states-max"}, {}, error)) return usage(error);
  Scenario scenario;
  if (int rc = load(args, scenario); rc != kExitOk) return rc;
  uint64_t states_max = raft::sim::kLinearizabilityStatesMax;
  if (!args.get_u64("lin-states-max", states_max, error)) return usage(error);
  if (states_max < 1) return usage("option '--lin-states-max' must be at least 1");
  std::optional<Cluster> cluster;
  const ScenarioResult r = raft::sim::run_scenario(scenario, &cluster, states_max);
  // --trace: JSON Lines for tools; --golden: the readable transcript that tests/golden holds.
  const raft::sim::Trace& trace = cluster->trace();
  const auto& ops = cluster->client_ops();
  const std::optional<std::string> trace_path = args.get("trace"), golden_path = args.get("golden");
  if ((trace_path && !write_file(*trace_path, trace.to_jsonl(ops), error)) ||
      (golden_path && !write_file(*golden_path, raft::sim::to_text(trace, ops), error))) {
    std::fprintf(stderr, "raftsim: %s\n", error.c_str());
    return kExitUsage;
  }
  if (!r.ok) {
    std::fprintf(stderr, "%s\n", r.failure.c_str());
    std::printf("FAILED %s (seed %" PRIu64 ", %d checks passed before)\n", scenario.file.c_str(), scenario.config.seed,
                r.checks_passed);
    return kExitFailed;
  }
  if (!r.violation_expected.empty()) {
    const raft::sim::Violation& v = cluster->checker().violation();
    std::printf("ok %s: %d checks; stopped, as expected, at a violation of %s at %s: %s\n", scenario.file.c_str(),
                r.checks_passed, v.property.c_str(), raft::sim::format_time(v.t).c_str(), v.message.c_str());
    return kExitOk;
  }
  if (r.undecided_only()) {
    std::fprintf(stderr, "%s\n", r.undecided.c_str());
    std::printf("UNDECIDED %s (seed %" PRIu64 "): %d checks passed, linearizability of %zu client ops undecided, %s virtual\n",
                scenario.file.c_str(), scenario.config.seed, r.checks_passed, r.ops_checked,
                raft::sim::format_time(cluster->now()).c_str());
    return kExitUndecided;
  }
  std::printf("ok %s: %d checks, %zu client ops linearizable, %s virtual\n", scenario.file.c_str(), r.checks_passed,
              r.ops_checked, raft::sim::format_time(cluster->now()).c_str());
  return kExitOk;
}

int cmd_hash(const std::vector<std::string>& argv) {
  Args args;
  std::string error;
  if (!args.parse(argv, {"seed"}, {}, error)) return usage(error);
  Scenario scenario;
  if (int rc = load(args, scenario); rc != kExitOk) return rc;
  std::optional<Cluster> cluster;
  const ScenarioResult r = raft::sim::run_scenario(scenario, &cluster);
  std::printf("trace_hash %016" PRIx64 "\nstate_hash %016" PRIx64 "\nevents %zu\nvirtual_us %" PRId64 "\n",
              cluster->trace().hash(), cluster->state_hash(), cluster->trace().size(), cluster->now());
  if (!r.ok) {
    std::fprintf(stderr, "%s\n", r.failure.c_str());
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

// ---- shared helpers ----

bool Args::parse(const std::vector<std::string>& argv, const std::vector<std::string_view>& valued,
                 const std::vector<std::string_view>& switches, std::string& error) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() < 2 || a[0] != '-' || a[1] != '-') {
      if (!a.empty() && a[0] == '-' && a.size() > 1) {
        error = "unknown option '" + a + "'";
        return false;
      }
      positional_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    const size_t eq = name.find('=');
    bool has_value = false;
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    bool known_valued = false, known_switch = false;
    for (std::string_view v : valued) known_valued |= v == name;
    for (std::string_view v : switches) known_switch |= v == name;
    if (!known_valued && !known_switch) {
      error = "unknown option '--" + name + "'";
      return false;
    }
    if (known_valued && !has_value) {
      if (i + 1 >= argv.size()) {
        error = "option '--" + name + "' needs a value";
        return false;
      }
      value = argv[++i];
    }
    if (known_switch && has_value) {
      error = "option '--" + name + "' takes no value";
      return false;
    }
    flags_.emplace_back(name, value);
  }
  return true;
}

bool Args::has(std::string_view name) const {
  for (const auto& f : flags_) {
    if (f.first == name) return true;
  }
  return false;
}

std::optional<std::string> Args::get(std::string_view name) const {
  std::optional<std::string> v;
  for (const auto& f : flags_) {
    if (f.first == name) v = f.second;  // the last one wins
  }
  return v;
}

bool Args::get_u64(std::string_view name, uint64_t& out, std::string& error) const {
  const std::optional<std::string> v = get(name);
  if (!v) return true;
  const char* first = v->data();
  const char* last = first + v->size();
  const auto [end, ec] = std::from_chars(first, last, out);
  if (v->empty() || ec != std::errc() || end != last) {
    error = "option '--" + std::string(name) + "' expects a whole number, got '" + *v + "'";
    return false;
  }
  return true;
}

bool Args::get_double(std::string_view name, double& out, double lo, double hi, std::string& error) const {
  const std::optional<std::string> v = get(name);
  if (!v) return true;
  if (!raft::sim::parse_number(*v, out)) {
    error = "option '--" + std::string(name) + "' expects a number like 0.1, got '" + *v + "'";
    return false;
  }
  if (out < lo || out > hi) {
    error = "option '--" + std::string(name) + "' must be between " + format_number(lo) + " and " + format_number(hi) +
            ", got '" + *v + "'";
    return false;
  }
  return true;
}

bool Args::get_duration(std::string_view name, raft::Time& out, std::string& error) const {
  const std::optional<std::string> v = get(name);
  if (!v) return true;
  std::string why;
  if (!raft::sim::parse_duration(*v, out, &why)) {
    error = "option '--" + std::string(name) + "': " + why;
    return false;
  }
  return true;
}

std::string format_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

bool read_file(const std::string& path, std::string& out, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = "cannot read '" + path + "': no such file or not readable";
    return false;
  }
  out.clear();
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) {
    error = "cannot read '" + path + "' (is it a directory?)";
    return false;
  }
  return true;
}

bool write_file(const std::string& path, std::string_view text, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    error = "cannot write '" + path + "'";
    return false;
  }
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !ok) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}


}  // namespace raftsim

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return raftsim::usage("");
  const std::string cmd = args.front();
  args.erase(args.begin());
  if (cmd == "run") return raftsim::cmd_run(args);
  if (cmd == "hash") return raftsim::cmd_hash(args);
  if (cmd == "fuzz") return raftsim::cmd_fuzz(args);
  if (cmd == "bench") return raftsim::cmd_bench(args);
  if (cmd == "experiment") return raftsim::cmd_experiment(args);
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fputs(raftsim::kUsage, stdout);
    return raftsim::kExitOk;
  }
  return raftsim::usage("unknown subcommand '" + cmd + "'");
}
