// raftsim: the headless simulator CLI. Subcommands live in their own files; this header holds what
// they share (argument parsing, files, exit codes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sim/scenario.h"

namespace raftsim {

// Exit codes: 0 every check held; 1 a check, an invariant or linearizability failed; 2 bad input;
// 3 nothing failed, but the linearizability search hit its budget, so the client history was
// neither proven nor refuted (not a pass: a script that only tests for 0 treats it as a failure).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUndecided = 3;

// Flags of one subcommand: `--name value` or `--name=value`; anything else is positional.
class Args {
 public:
  // `valued` lists the flags that take a value; `switches` those that do not.
  bool parse(const std::vector<std::string>& argv, const std::vector<std::string_view>& valued,
             const std::vector<std::string_view>& switches, std::string& error);
  const std::vector<std::string>& positional() const { return positional_; }
  bool has(std::string_view name) const;
  std::optional<std::string> get(std::string_view name) const;

  // Typed getters: return false with `error` set if the flag is present but malformed.
  bool get_u64(std::string_view name, uint64_t& out, std::string& error) const;
  bool get_double(std::string_view name, double& out, double lo, double hi, std::string& error) const;
  bool get_duration(std::string_view name, raft::Time& out, std::string& error) const;

 private:
  std::vector<std::pair<std::string, std::string>> flags_;
  std::vector<std::string> positional_;
};

bool read_file(const std::string& path, std::string& out, std::string& error);
bool write_file(const std::string& path, std::string_view text, std::string& error);

// Heap allocations so far (a counting global operator new, alloc_count.cpp).
uint64_t allocations();

std::string format_number(double v);

int cmd_fuzz(const std::vector<std::string>& argv);
int cmd_bench(const std::vector<std::string>& argv);
int cmd_bench_time_travel(uint64_t seed);  // bench_time_travel.cpp
int cmd_experiment(const std::vector<std::string>& argv);  // experiment.cpp

}  // namespace raftsim
