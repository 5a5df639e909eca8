// raftsim fuzz, shared between fuzz.cpp (generating and running) and fuzz_phases.cpp (the
// liveness phase and the shrinker).
#pragma once

#include <cstdint>
#include <vector>

#include "core/sim/scenario.h"

namespace raftsim {

// One fuzz run: the scenario it generated (a reproducer when it failed) and its verdict.
struct RunOutcome {
  raft::sim::Scenario scenario;          // header and every statement applied, liveness phase included
  size_t safety_end = 0;      // statements [0, safety_end) are the safety phase
  raft::sim::ScenarioResult result;
  raft::Time virtual_us = 0;
  uint64_t events = 0;
};

// The liveness phase that follows a safety phase (see fuzz_phases.cpp).
std::vector<raft::sim::Statement> liveness_phase(const raft::sim::Scenario& safety, uint64_t index);

// A smaller scenario that fails the same way as `failing` (its safety phase shrunk; the liveness
// phase rebuilt); counts the runs it used and how many safety statements are left.
raft::sim::Scenario shrink(const RunOutcome& failing, uint64_t index, int& runs_used, size_t& safety_statements);

}  // namespace raftsim
