// Running statements: the applier (user input is validated here, once, in words, before a Cluster
// command is called; Cluster's commands assert their preconditions) and the runner that stops at
// the first failed action, failed check or safety violation. The checks are in scenario_check.cpp.
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/sim/scenario.h"

namespace raft::sim {

std::string lease_needs_check_quorum(const Timing& t) {
  if (t.read_mode != ReadMode::Lease || t.check_quorum) return {};
  return "a lease is safe only if followers refuse to vote while they hear from the leader, which is "
         "what CheckQuorum's leader stickiness does (dissertation section 6.4.1)";
}

namespace {

KvOpKind kv_kind(Op op) {
  switch (op) {
    case Op::Put: return KvOpKind::Put;
    case Op::Append: return KvOpKind::Append;
    case Op::Cas: return KvOpKind::Cas;
    case Op::Delete: return KvOpKind::Delete;
    case Op::Get:
    case Op::Noop:
    case Op::Preset:
    case Op::Config: break;
  }
  return KvOpKind::Get;
}

// One case per statement kind: std::visit does not compile if a kind is missing. Each case checks
// that the action can apply now and says why not, then calls the cluster.
class Applier {
 public:
  // With `target` null this is a dry run: it only checks that the statement can apply to `c` now.
  Applier(const Cluster& c, Cluster* target, std::string* error) : c_(c), target_(target), error_(error) {}

  // Header statements are folded into the config by the parser; checks change nothing.
  bool operator()(const stmt::Nodes&) { return true; }
  bool operator()(const stmt::Seed&) { return true; }

  bool operator()(const stmt::ElectionTimeout& s) {
    if (s.min_us <= 0 || s.min_us > s.max_us) return fail("the election timeout's minimum must be above 0 and at most its maximum");
    return set_timing([&](Timing& t) {
      t.election_timeout_min_us = s.min_us;
      t.election_timeout_max_us = s.max_us;
    });
  }
  bool operator()(const stmt::Heartbeat& s) {
    if (s.interval_us <= 0) return fail("the heartbeat interval must be longer than 0");
    return set_timing([&](Timing& t) { t.heartbeat_interval_us = s.interval_us; });
  }
  bool operator()(const stmt::Noop& s) {
    return set_timing([&](Timing& t) { t.noop_on_election = s.on; });
  }
  template <int I>
  bool operator()(const stmt::Switch<I>& s) {
    Timing next = c_.config().timing;
    next.*(stmt::Switch<I>::spec().field) = s.on;
    if (const std::string why = lease_needs_check_quorum(next); !why.empty()) {
      return fail("cannot turn checkquorum off while reads use a lease: " + why);
    }
    return set_timing([&](Timing& t) { t = next; });
  }
  bool operator()(const stmt::AppendMax& s) {
    if (s.entries < 1) return fail("append_max must be at least 1");
    return set_timing([&](Timing& t) { t.append_entries_max = s.entries; });
  }
  bool operator()(const stmt::SnapshotEvery& s) {
    return set_timing([&](Timing& t) { t.snapshot_every = s.entries; });
  }
  bool operator()(const stmt::SnapshotChunk& s) {
    if (s.bytes < 1) return fail("snapshot_chunk must be at least 1 byte");
    return set_timing([&](Timing& t) { t.snapshot_chunk_bytes = s.bytes; });
  }
  bool operator()(const stmt::ReadModeSetting& s) {
    Timing next = c_.config().timing;
    next.read_mode = s.mode;
    if (const std::string why = lease_needs_check_quorum(next); !why.empty()) {
      return fail("'read_mode lease' needs 'checkquorum on' first: " + why);
    }
    return set_timing([&](Timing& t) { t.read_mode = s.mode; });
  }
  bool operator()(const stmt::Latency& s) {
    if (s.min_us < 0 || s.min_us > s.max_us) return fail("the latency's minimum is above its maximum");
    return set_network([&](NetworkConfig& net) {
      net.latency_min_us = s.min_us;
      net.latency_max_us = s.max_us;
    });
  }
  bool operator()(const stmt::DiskLatency& s) {
    if (s.min_us < 0 || s.min_us > s.max_us) return fail("the disk latency's minimum is above its maximum");
    return then([&](Cluster& c) { c.set_disk(DiskConfig{s.min_us, s.max_us}); });
  }
  bool operator()(const stmt::Loss& s) {
    if (!(s.probability >= 0 && s.probability <= 1)) return fail("a probability is between 0 and 1");
    return set_network([&](NetworkConfig& net) { net.loss = s.probability; });
  }
  bool operator()(const stmt::Duplicate& s) {
    if (!(s.probability >= 0 && s.probability <= 1)) return fail("a probability is between 0 and 1");
    return set_network([&](NetworkConfig& net) { net.duplicate = s.probability; });
  }

  // The initial state goes to the Cluster's constructor (initial_disks), never to a running cluster.
  bool operator()(const stmt::PresetTerm&) { return initial_state(); }
  bool operator()(const stmt::PresetLog&) { return initial_state(); }
  bool operator()(const stmt::PresetVote&) { return initial_state(); }

  bool operator()(const stmt::Run& s) {
    if (s.duration_us < 0) return fail("cannot run for a negative time");
    return then([&](Cluster& c) { c.run_for(s.duration_us); });
  }
  bool operator()(const stmt::Crash& s) {
    if (!known(s.node)) return false;
    if (c_.gone(s.node)) return fail(gone_text(s.node));
    if (!c_.up(s.node)) return fail("cannot crash " + node_name(s.node) + ": it is already down");
    return then([&](Cluster& c) { c.crash(s.node); });
  }
  bool operator()(const stmt::CrashLeader&) {
    const NodeId l = c_.leader();
    if (l == kNoNode) return fail("cannot crash the leader: there is no leader at " + format_time(c_.now()));
    return then([&](Cluster& c) { c.crash(l); });
  }
  bool operator()(const stmt::Restart& s) {
    if (!known(s.node)) return false;
    if (c_.gone(s.node)) return fail("cannot restart " + node_name(s.node) + ": " + gone_text(s.node));
    if (c_.up(s.node)) return fail("cannot restart " + node_name(s.node) + ": it is up (crash it first)");
    return then([&](Cluster& c) { c.restart(s.node); });
  }
  bool operator()(const stmt::Timeout& s) {
    if (!known(s.node)) return false;
    if (!c_.up(s.node)) return fail("cannot time out " + node_name(s.node) + ": it is down");
    if (c_.node(s.node).role() == Role::Leader) {
      return fail("cannot time out " + node_name(s.node) + ": it is the leader, and a leader has no election timer");
    }
    if (!c_.node(s.node).configuration().is_voter(s.node)) {
      return fail("cannot time out " + node_name(s.node) + ": it is not a voter in its configuration, so it never campaigns (§4.2.1)");
    }
    return then([&](Cluster& c) { c.timeout(s.node); });
  }
  // §3.10 (Leadership transfer).
  bool operator()(const stmt::Transfer& s) {
    if (!known(s.node)) return false;
    const std::string to = "cannot transfer leadership to " + node_name(s.node);
    const NodeId l = c_.leader();
    if (l == kNoNode) return fail(to + ": there is no leader at " + format_time(c_.now()));
    if (s.node == l) return fail(to + ": it is already the leader");
    if (!c_.up(s.node)) return fail(to + ": it is down");
    const NodeId busy = c_.node(l).transfer_target();
    if (busy != kNoNode) {
      return fail(to + ": the leader " + node_name(l) + " is still handing leadership to " + node_name(busy) +
                  " (it gives up at " + format_time(c_.node(l).transfer_deadline()) + ")");
    }
    return then([&](Cluster& c) { c.transfer(s.node); });
  }
  bool operator()(const stmt::Partition& s) {
    uint32_t seen = 0;
    for (const auto& group : s.groups) {
      for (NodeId n : group) {
        if (!known(n)) return false;
        if (seen & (1u << n)) return fail(node_name(n) + " appears twice in the partition");
        seen |= 1u << n;
      }
    }
    return then([&](Cluster& c) { c.partition(s.groups); });
  }
  bool operator()(const stmt::Cut& s) {
    if (!known(s.from) || !known(s.to)) return false;
    if (s.from == s.to) return fail("cannot cut a node from itself");
    return then([&](Cluster& c) { c.cut(s.from, s.to, s.one_way); });
  }
  bool operator()(const stmt::Uncut& s) {
    if (!known(s.from) || !known(s.to)) return false;
    if (s.from == s.to) return fail("cannot restore a link from a node to itself");
    return then([&](Cluster& c) { c.uncut(s.from, s.to, s.one_way); });
  }
  bool operator()(const stmt::Heal&) {
    return then([&](Cluster& c) { c.heal(); });
  }
  bool operator()(const stmt::ClientOp& s) {
    if (s.via != kNoNode && !known(s.via)) return false;
    return then([&](Cluster& c) { c.submit(s.cmd, s.via); });
  }
  bool operator()(const stmt::Clients& s) {
    Workload w = s.workload;
    w.until_us = s.for_us == kTimeNever || s.for_us > kTimeNever - c_.now() ? kTimeNever : c_.now() + s.for_us;
    return then([&](Cluster& c) { c.set_workload(w); });
  }
  bool operator()(const stmt::DropMessage& s) {
    if (!in_flight(s.id, "drop")) return false;
    return then([&](Cluster& c) { c.drop_message(s.id); });
  }
  bool operator()(const stmt::DuplicateMessage& s) {
    if (!in_flight(s.id, "duplicate")) return false;
    return then([&](Cluster& c) { c.duplicate_message(s.id); });
  }
  bool operator()(const stmt::DelayMessage& s) {
    if (s.extra_us < 0) return fail("cannot delay a message by a negative time");
    if (!in_flight(s.id, "delay")) return false;
    return then([&](Cluster& c) { c.delay_message(s.id, s.extra_us); });
  }

  bool operator()(const stmt::ClockDrift& s) {
    if (!known(s.node)) return false;
    if (s.rate_permille < kClockRateMinPermille || s.rate_permille > kClockRateMaxPermille) {
      return fail("a clock runs from 0.1 to 10 times as fast as real time");
    }
    return then([&](Cluster& c) { c.set_clock_rate(s.node, s.rate_permille); });
  }

  bool operator()(const stmt::OpenAt&) { return true; }  // only where the lab opens the run
  bool operator()(const stmt::Pause&) { return true; }   // only where the lab stops playing
  bool operator()(const stmt::TakeSnapshot& s) {
    if (!known(s.node)) return false;
    if (!c_.up(s.node)) return fail("cannot snapshot " + node_name(s.node) + ": it is down");
    const Node& n = c_.node(s.node);
    if (n.last_applied() <= n.log().snapshot_index()) {
      return fail("nothing to snapshot on " + node_name(s.node) + ": it has applied nothing since its snapshot through index " +
                  std::to_string(n.log().snapshot_index()) + " (lastApplied " + std::to_string(n.last_applied()) + ")");
    }
    return then([&](Cluster& c) { c.take_snapshot(s.node); });
  }

  bool operator()(const stmt::AddServer& s) {
    if (c_.size() >= kNodesMax) {
      return fail("cannot add " + node_name(s.node) + ": a cluster has at most " + std::to_string(kNodesMax) + " servers, and ids are never reused");
    }
    if (s.node != c_.size()) {
      return fail("cannot add " + node_name(s.node) + ": the next new server is " + node_name(c_.size()) +
                  " (servers are numbered in the order they join; a removed server's id is never reused)");
    }
    if (!change_possible("add " + node_name(s.node))) return false;
    return then([&](Cluster& c) { c.add_server(); });
  }
  bool operator()(const stmt::RemoveServer& s) {
    if (!known(s.node)) return false;
    const std::string what = "remove " + node_name(s.node);
    if (c_.gone(s.node)) return fail("cannot " + what + ": " + gone_text(s.node));
    if (!change_possible(what)) return false;
    const Configuration& conf = c_.node(c_.leader()).configuration();
    if (!conf.is_member(s.node)) return fail("cannot " + what + ": it is not in the leader's configuration");
    if (conf.voters == node_bit(s.node)) return fail("cannot " + what + ": it is the last voter, and a cluster needs at least one");
    return then([&](Cluster& c) { c.remove_server(s.node); });
  }

  // Checks change nothing here (evaluate_check evaluates them); listed one by one so that a new
  // action cannot be left out silently.
  bool operator()(const stmt::ExpectLeader&) { return true; }
  bool operator()(const stmt::ExpectLeaderIs&) { return true; }
  bool operator()(const stmt::ExpectNoLeader&) { return true; }
  bool operator()(const stmt::ExpectTerm&) { return true; }
  bool operator()(const stmt::ExpectCommit&) { return true; }
  bool operator()(const stmt::ExpectLog&) { return true; }
  bool operator()(const stmt::ExpectValue&) { return true; }
  bool operator()(const stmt::ExpectRole&) { return true; }
  bool operator()(const stmt::ExpectDown&) { return true; }
  bool operator()(const stmt::ExpectUp&) { return true; }
  bool operator()(const stmt::ExpectVoters&) { return true; }
  bool operator()(const stmt::ExpectLearners&) { return true; }
  bool operator()(const stmt::ExpectViolation&) { return true; }
  bool operator()(const stmt::ExpectSnapshot&) { return true; }

 private:
  static std::string gone_text(NodeId n) {
    return node_name(n) + " was removed from the cluster and shut down (a removed server's id is never reused)";
  }
  // A configuration change goes to the leader, one at a time (dissertation §4.1).
  bool change_possible(const std::string& what) {
    const NodeId l = c_.leader();
    if (l == kNoNode) return fail("cannot " + what + ": there is no leader at " + format_time(c_.now()) + " to change the configuration");
    const Node& leader = c_.node(l);
    if (!leader.configuration_committed() || leader.deferred_configuration()) {
      return fail("cannot " + what + ": the leader " + node_name(l) +
                  " has a configuration change pending (one change at a time: the last one must commit first)");
    }
    return true;
  }
  bool fail(std::string message) {
    if (error_) *error_ = std::move(message);
    return false;
  }
  bool known(NodeId n) {
    if (n >= 0 && n < c_.size()) return true;
    return fail("unknown node " + node_name(n) + " (the cluster has " + std::to_string(c_.size()) + " nodes)");
  }
  bool initial_state() { return fail("the initial state (term, log, voted) is set when the cluster is built, before time starts"); }
  template <class Change>
  bool set_timing(Change change) {
    Timing t = c_.config().timing;
    change(t);
    return then([&](Cluster& c) { c.set_timing(t); });
  }
  template <class Change>
  bool set_network(Change change) {
    NetworkConfig net = c_.network().config();
    change(net);
    return then([&](Cluster& c) { c.set_network(net); });
  }
  bool in_flight(uint64_t id, const char* verb) {
    if (c_.network().find(id) != nullptr) return true;
    return fail(std::string("cannot ") + verb + " message " + std::to_string(id) + ": it is not in flight");
  }
  // The statement can apply: do it, unless this is a dry run.
  template <class Do>
  bool then(Do apply) {
    if (target_ != nullptr) apply(*target_);
    return true;
  }

  const Cluster& c_;
  Cluster* target_;
  std::string* error_;
};

// One case per check; actions are "not a check".

}  // namespace

bool apply_statement(Cluster& cluster, const Statement& s, std::string* error) {
  return std::visit(Applier(cluster, &cluster, error), s.v);
}

bool can_apply(const Cluster& cluster, const Statement& s, std::string* error) {
  return std::visit(Applier(cluster, nullptr, error), s.v);
}

std::vector<InitialDisk> initial_disks(const Scenario& scenario) {
  std::vector<InitialDisk> disks;
  for (const Statement& s : scenario.statements) {
    if (!is_initial_state(s)) continue;
    disks.resize(static_cast<size_t>(scenario.config.nodes));
    // The parser checked the node numbers.
    if (const auto* t = s.as<stmt::PresetTerm>()) disks[static_cast<size_t>(t->node)].term = t->term;
    if (const auto* v = s.as<stmt::PresetVote>()) disks[static_cast<size_t>(v->node)].voted_for = v->candidate;
    if (const auto* l = s.as<stmt::PresetLog>()) disks[static_cast<size_t>(l->node)].log = l->terms;
  }
  return disks;
}

std::vector<HistoryOp> client_history(const ClientOps& ops) {
  std::vector<HistoryOp> history;
  history.reserve(ops.size());
  for (const ClientOpRecord& r : ops) {
    if (r.returned && !r.ok && r.definite) continue;  // surely never applied: not part of the history
    HistoryOp h;
    h.client = r.client;
    h.req = r.req;
    h.kind = kv_kind(r.cmd->op);
    h.key = r.cmd->key;
    h.value = r.cmd->value;
    h.expect = r.cmd->expect;
    h.invoke_us = r.invoke_us;
    h.returned = r.returned && r.ok;  // a failed, indefinite op may or may not have taken effect
    if (h.returned) {
      h.return_us = r.return_us;
      h.result = r.value;
      h.cas_swapped = r.cas_swapped;
    }
    history.push_back(std::move(h));
  }
  return history;
}

ScenarioRunner::ScenarioRunner(const ClusterConfig& config, std::string file, std::optional<Cluster>* keep,
                               const std::vector<InitialDisk>& disks)
    : file_(std::move(file)), slot_(keep ? keep : &local_) {
  slot_->emplace(config, disks);
}

void ScenarioRunner::fail(ScenarioResult::Failure kind, int line, std::string property, const std::string& message) {
  result_.ok = false;
  result_.kind = kind;
  result_.line = line;
  result_.property = std::move(property);
  result_.failure = file_ + ":" + std::to_string(line) + ": " + message;
}

void ScenarioRunner::violated(int line) {
  const Violation& v = cluster().checker().violation();
  fail(ScenarioResult::Failure::Invariant, line, v.property, v.property + " violated at " + format_time(v.t) + ": " + v.message);
}

bool ScenarioRunner::apply(const Statement& s, bool violation_expected_next) {
  if (!result_.ok) return false;
  Cluster& c = cluster();
  if (is_initial_state(s)) return true;  // already on the disks the cluster was built from
  const bool expects_violation = s.is<stmt::ExpectViolation>();
  if (!c.ok() && result_.violation_expected.empty() && !expects_violation) {
    violated(last_line_);  // an action stopped the run and the next statement did not expect it
    return false;
  }
  if (!result_.violation_expected.empty() && !is_check(s)) {
    fail(ScenarioResult::Failure::Action, s.line, "",
         "the run stopped at the expected violation of " + result_.violation_expected + "; only checks can follow it");
    return false;
  }
  if (!expects_violation) last_line_ = s.line;
  std::string error;
  if (!apply_statement(c, s, &error)) {
    fail(ScenarioResult::Failure::Action, s.line, "", error);
    return false;
  }
  if (!c.ok() && result_.violation_expected.empty() && !expects_violation) {
    if (violation_expected_next) return true;  // the next statement, `expect violation`, judges it
    violated(s.line);
    return false;
  }
  if (is_check(s)) {
    std::string found;
    if (!evaluate_check(c, s, found)) {
      const std::string what = format_statement(s).substr(7);  // without "expect "
      fail(ScenarioResult::Failure::Check, s.line, what, "expected " + what + ", found " + found + " (at " + format_time(c.now()) + ")");
      return false;
    }
    ++result_.checks_passed;
    if (expects_violation) result_.violation_expected = s.as<stmt::ExpectViolation>()->property;
  }
  return true;
}

const ScenarioResult& ScenarioRunner::finish(uint64_t states_max) {
  // A run stopped at an expected violation is judged by its checks: it broke safety on purpose,
  // so its client history need not be linearizable.
  if (!result_.ok || !result_.violation_expected.empty()) return result_;
  const Cluster& c = cluster();
  if (!c.ok()) {
    violated(last_line_);
    return result_;
  }
  const std::vector<HistoryOp> history = client_history(c.client_ops());
  result_.ops_checked = history.size();
  judge_linearizability(check_linearizable(history, states_max));
  return result_;
}

void ScenarioRunner::judge_linearizability(const LinearizabilityResult& lin) {
  if (!result_.ok) return;
  result_.linearizability = lin.verdict;
  // A refuted key fails the run whatever the other keys gave (an undecided key proves nothing).
  if (lin.refuted()) {
    std::string also;
    if (!lin.undecided_keys.empty()) {
      also = " (the search also hit its budget on key";
      also += lin.undecided_keys.size() > 1 ? "s" : "";
      for (const std::string& k : lin.undecided_keys) also += " " + k;
      also += ")";
    }
    fail(ScenarioResult::Failure::Linearizability, last_line_, "Linearizability",
         "the client history is not linearizable (key " + lin.key + "): " + lin.explanation + also);
  } else if (lin.undecided()) {
    std::string keys;
    for (const std::string& k : lin.undecided_keys) keys += (keys.empty() ? "" : ", ") + k;
    result_.undecided = "linearizability of the client history is undecided: the search hit its budget on key" +
                        std::string(lin.undecided_keys.size() > 1 ? "s " : " ") + keys +
                        " and refuted no key, so the history was neither proven nor refuted. " + lin.explanation;
  }
}

ScenarioResult run_scenario(const Scenario& scenario, std::optional<Cluster>* keep, uint64_t states_max) {
  ScenarioRunner runner(scenario.config, scenario.file, keep, initial_disks(scenario));
  const std::vector<Statement>& all = scenario.statements;
  for (size_t i = 0; i < all.size(); ++i) {
    const bool violation_expected_next = i + 1 < all.size() && all[i + 1].is<stmt::ExpectViolation>();
    if (!runner.apply(all[i], violation_expected_next)) return runner.result();
  }
  return runner.finish(states_max);
}

}  // namespace raft::sim
