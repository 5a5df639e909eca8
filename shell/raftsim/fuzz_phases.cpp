// raftsim fuzz: the liveness phase appended to every run, and the shrinker that makes a failing
// run small enough to read.
#include <algorithm>
#include <string>
#include <vector>

#include "core/sim/make.h"
#include "shell/raftsim/fuzz_phases.h"

namespace raftsim {

using raft::NodeId;
using raft::Time;
using raft::sim::Scenario;
using raft::sim::ScenarioResult;
using raft::sim::Statement;
namespace make = raft::sim::make;

constexpr Time kLeaderBound_us = 5'000'000;     // liveness: a leader within this after the heal
constexpr Time kProgressBound_us = 5'000'000;   // liveness: a client put applied within this
constexpr int kShrinkRunsMax = 400;             // a limit on the shrinker's work per failure

namespace {

bool same_failure(const ScenarioResult& a, const ScenarioResult& b) {
  return !b.ok && a.kind == b.kind && a.property == b.property;
}

Scenario with_liveness(Scenario safety, uint64_t index) {
  for (Statement& s : liveness_phase(safety, index)) safety.statements.push_back(std::move(s));
  return safety;
}

// After the shrinker dropped statements: an `add` is kept only if it still names the next new
// server (ids are never reused, so dropping `add s4` invalidates a later `add s5`), and a statement
// that names a server the cluster no longer starts is dropped, so that the reproducer parses. The
// generator's rules stay true too: a server is removed only while up, and never crashed after.
void drop_unknown_servers(Scenario& sc) {
  int servers = sc.config.nodes;
  raft::NodeMask down = 0;
  raft::NodeMask remove_named = 0;
  std::vector<Statement> kept;
  for (Statement& st : sc.statements) {
    if (const auto* c = st.as<raft::sim::stmt::Crash>()) {
      if (raft::has_node(remove_named, c->node)) continue;
      down |= raft::node_bit(c->node);
    }
    if (const auto* r = st.as<raft::sim::stmt::Restart>()) down &= ~raft::node_bit(r->node);
    if (const auto* d = st.as<raft::sim::stmt::RemoveServer>()) {
      if (raft::has_node(down, d->node)) continue;
      remove_named |= raft::node_bit(d->node);
    }
    if (const auto* a = st.as<raft::sim::stmt::AddServer>()) {
      if (a->node != servers) continue;
      ++servers;
      kept.push_back(std::move(st));
      continue;
    }
    Statement reparsed;
    if (raft::sim::parse_statement(raft::sim::format_statement(st), servers, reparsed)) continue;  // an error
    kept.push_back(std::move(st));
  }
  sc.statements = std::move(kept);
}

}  // namespace

// The liveness phase that follows a safety phase: every fault removed (heal, restart whatever is
// down at that point, loss and duplication 0), then bounded waits for a leader and for progress.
// Which servers are down is worked out from the statements, so the shrinker can drop safety
// statements freely and rebuild this phase.
// A server named by a `remove` is left as it is: it may have been shut down for good (gone).
std::vector<Statement> liveness_phase(const Scenario& safety, uint64_t index) {
  std::vector<Statement> out;
  std::vector<bool> up(static_cast<size_t>(raft::kNodesMax), true);
  std::vector<bool> removed(static_cast<size_t>(raft::kNodesMax), false);
  int servers = safety.config.nodes;
  bool membership = false;
  bool removals = false;
  uint32_t chunk_bytes = safety.config.timing.snapshot_chunk_bytes;
  std::vector<bool> drifted(static_cast<size_t>(raft::kNodesMax), false);
  for (const Statement& s : safety.statements) {
    if (const auto* k = s.as<raft::sim::stmt::SnapshotChunk>()) chunk_bytes = k->bytes;
    if (const auto* d = s.as<raft::sim::stmt::ClockDrift>()) drifted[static_cast<size_t>(d->node)] = d->rate_permille != 1000;
    removals = removals || s.is<raft::sim::stmt::RemoveServer>();
    if (const auto* c = s.as<raft::sim::stmt::Crash>()) up[static_cast<size_t>(c->node)] = false;
    if (const auto* r = s.as<raft::sim::stmt::Restart>()) up[static_cast<size_t>(r->node)] = true;
    if (const auto* a = s.as<raft::sim::stmt::AddServer>()) servers = std::max(servers, a->node + 1);
    if (const auto* d = s.as<raft::sim::stmt::RemoveServer>()) removed[static_cast<size_t>(d->node)] = true;
    membership = membership || s.is<raft::sim::stmt::AddServer>() || s.is<raft::sim::stmt::RemoveServer>();
  }
  out.push_back(make::heal());
  for (NodeId n = 0; n < servers; ++n) {
    if (!up[static_cast<size_t>(n)] && !removed[static_cast<size_t>(n)]) out.push_back(make::restart(n));
  }
  out.push_back(make::set_loss(0));
  out.push_back(make::set_duplicate(0));
  // A removed server that never learned of its removal campaigns for ever (§4.2.3). Servers that
  // have the new configuration ignore it while they hear from a leader, but a voter still catching
  // up counts it as a voter and lets its higher term depose every leader. With tiny snapshot chunks
  // such a voter may never catch up (each new leader restarts the transfer), and without leader
  // stickiness (checkquorum) Raft then has no leader for ever: a real livelock, not a bug, and so
  // no finding. Like healing the network, the liveness phase gives snapshots a realistic chunk.
  // Raft's timing requirement (§5.6, broadcastTime << electionTimeout << MTBF) holds only while
  // clocks agree: a follower whose timers run twice as fast times out between heartbeats now and
  // then and deposes a healthy leader, possibly just as the probe is read. The liveness phase sets
  // every clock right, as it heals the network.
  for (NodeId n = 0; n < servers; ++n) {
    if (drifted[static_cast<size_t>(n)]) out.push_back(make::clock_drift(n, 1000));
  }
  if (removals && chunk_bytes < raft::kSnapshotChunkBytesDefault) out.push_back(make::set_snapshot_chunk(raft::kSnapshotChunkBytesDefault));
  out.push_back(make::run(kLeaderBound_us));
  out.push_back(make::expect_leader());
  raft::Command put;
  put.op = raft::Op::Put;
  put.key = "probe";
  put.value = std::to_string(index);
  if (!membership) {
    out.push_back(make::client_op(std::move(put)));
  } else {
    // With membership changes, a server started by an `add` that the leader's log then lost
    // (truncated with its term, §4.1) is in no configuration: nobody contacts it again, and it names
    // the leader of its day to clients for ever. A client that starts there spends part of the
    // bound failing over. So the probe goes to every server ever started, each through its own
    // client (one sent to a server shut down after its removal fails over like any client): the
    // cluster is live if one of them commits it. Which removals took effect is not known here
    // (a removal may roll back), so none is left out.
    for (NodeId n = 0; n < servers; ++n) out.push_back(make::client_op(put, n));
  }
  out.push_back(make::run(kProgressBound_us));
  out.push_back(make::expect_value("probe", std::to_string(index)));
  return out;
}

// Greedy shrinking (delta debugging over the safety phase's statements): drop chunks, halving the
// chunk size, while the run still fails the same way; the liveness phase is rebuilt each time.
Scenario shrink(const RunOutcome& failing, uint64_t index, int& runs_used, size_t& safety_statements) {
  Scenario best = failing.scenario;
  best.statements.resize(failing.safety_end);
  runs_used = 0;
  size_t chunk = std::max<size_t>(1, best.statements.size() / 2);
  while (runs_used < kShrinkRunsMax && !best.statements.empty()) {
    bool removed = false;
    for (size_t start = 0; start < best.statements.size() && runs_used < kShrinkRunsMax;) {
      Scenario candidate = best;
      const size_t end = std::min(start + chunk, candidate.statements.size());
      candidate.statements.erase(candidate.statements.begin() + static_cast<std::ptrdiff_t>(start),
                                 candidate.statements.begin() + static_cast<std::ptrdiff_t>(end));
      drop_unknown_servers(candidate);
      ++runs_used;
      if (same_failure(failing.result, raft::sim::run_scenario(with_liveness(candidate, index)))) {
        best = std::move(candidate);
        removed = true;
      } else {
        start += chunk;
      }
    }
    if (chunk == 1 && !removed) break;
    if (!removed) chunk = std::max<size_t>(1, chunk / 2);
  }
  // Consecutive runs merge into one (`run 1s` + `run 500ms` = `run 1500ms`: the same events happen).
  std::vector<Statement> merged;
  for (const Statement& st : best.statements) {
    auto* last = merged.empty() ? nullptr : merged.back().as<raft::sim::stmt::Run>();
    if (st.is<raft::sim::stmt::Run>() && last != nullptr) {
      last->duration_us += st.as<raft::sim::stmt::Run>()->duration_us;
    } else {
      merged.push_back(st);
    }
  }
  best.statements = std::move(merged);
  safety_statements = best.statements.size();
  return with_liveness(best, index);
}

}  // namespace raftsim
