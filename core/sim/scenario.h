// Scenario files (assets/scenarios/*.raft): a line-based text format for users, tests and the page.
// The grammar is in README.md ("Scenario files"); the statements are in core/sim/statement.h.
// Parsing rejects any malformed line with the file, the line number and the reason, before
// anything runs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sim/cluster.h"
#include "core/sim/linearizability.h"
#include "core/sim/statement.h"
#include "core/sim/text.h"

namespace raft::sim {

struct Scenario {
  std::string file;                 // for error messages
  std::string title;                // from a leading `# title: ...` comment, else the file name
  std::string description;          // the other leading comment lines, joined
  ClusterConfig config;             // header statements applied
  std::vector<Statement> statements;  // initial state, actions and checks, in order
};

struct ParseError {
  std::string file;
  int line = 0;                     // 0: about the file as a whole
  std::string message;
  std::string to_string() const;    // "file:line: message" ("file: message" for line 0)
};

// Parses a whole scenario. On error returns the first malformed line; nothing is run.
std::optional<ParseError> parse_scenario(std::string_view text, std::string_view file, Scenario& out);
// Parses one line that must hold a single statement of the given class (for the JS API's propose()
// and for command-line tools); `nodes` bounds the node names. On error returns the reason.
std::optional<std::string> parse_statement(std::string_view line, int nodes, Statement& out);

// Empty when `t` is a valid combination; else why a lease needs CheckQuorum (§6.4.1).
std::string lease_needs_check_quorum(const Timing& t);

// Renders the header lines for a config (nodes, seed, timing, network).
std::string format_header(const ClusterConfig& config);
// Renders a whole scenario (title and description comments, header, statements); parses back to
// the same scenario.
std::string format_scenario(const Scenario& scenario);

// ---- running (scenario_run.cpp) ----

// The initial-state statements (term, voted, log) as the servers' disks: empty if there are none.
std::vector<InitialDisk> initial_disks(const Scenario& scenario);

// Applies one action or setting to a cluster (checks and headers are ignored; the initial state
// is refused: it goes to the Cluster's constructor).
// User input is validated here, once: returns false with `error` set, in words, when the action
// cannot apply (a node out of range, crashing a node that is down, ...); the cluster is unchanged.
bool apply_statement(Cluster& cluster, const Statement& s, std::string* error = nullptr);
// Whether apply_statement would succeed now, with the same error in words; changes nothing.
bool can_apply(const Cluster& cluster, const Statement& s, std::string* error = nullptr);

// Evaluates a check. On failure, `found` describes what was found instead.
bool evaluate_check(const Cluster& cluster, const Statement& s, std::string& found);

struct ScenarioResult {
  // What stopped the run: an action that could not apply (e.g. `crash leader` with no leader), a
  // failed check, a safety violation found by the checker, or a non-linearizable client history.
  enum class Failure : uint8_t { None, Action, Check, Invariant, Linearizability };
  bool ok = true;
  Failure kind = Failure::None;
  int line = 0;                     // the statement's line (the last statement's for Linearizability)
  std::string property;             // Invariant: the property ("Election Safety", ...); Check: the check's text
  std::string failure;              // "file:line: expected ..., found ..." or the violated property
  int checks_passed = 0;
  size_t ops_checked = 0;           // client operations checked for linearizability at the end
  // The end-of-run linearizability verdict. Refuted always fails the run (kind Linearizability).
  // Undecided (the search hit its budget on some key and no key was refuted) leaves ok == true,
  // since nothing was found wrong, but it is not a pass: callers report it as undecided, with
  // `undecided` saying which key and why (raftsim run exits 3, raftsim fuzz counts such runs).
  LinearizabilityVerdict linearizability = LinearizabilityVerdict::Linearizable;
  std::string undecided;            // Undecided: a sentence naming the key(s), else empty
  bool undecided_only() const { return ok && linearizability == LinearizabilityVerdict::Undecided; }
  // Set when the run stopped, as the scenario said it would (`expect violation P`), at a violation
  // of this property: the run passes if its checks do.
  std::string violation_expected;
};

// The simulator's client operations as a history for check_linearizable: an op that failed
// definitely (surely not applied) is left out; one that failed indefinitely or never returned
// counts as pending (it may have taken effect at any time after its invoke).
std::vector<HistoryOp> client_history(const ClientOps& ops);

// Runs a scenario from the start: builds the cluster, applies statements in order, evaluates
// checks, and stops at the first failed action, failed check or safety violation. At the end the
// client history must be linearizable (searched with at most `states_max` states per key).
ScenarioResult run_scenario(const Scenario& scenario, std::optional<Cluster>* keep = nullptr,
                            uint64_t states_max = kLinearizabilityStatesMax);

// run_scenario one statement at a time, for drivers that choose the next statement by looking at
// the cluster (raftsim fuzz). Feeding a scenario's statements to apply() and then calling finish()
// gives exactly run_scenario's result.
class ScenarioRunner {
 public:
  // `keep`, if given, holds the cluster (and outlives the runner); otherwise the runner owns it.
  // `disks` is the initial state; apply() skips initial-state statements.
  ScenarioRunner(const ClusterConfig& config, std::string file, std::optional<Cluster>* keep = nullptr,
                 const std::vector<InitialDisk>& disks = {});
  ScenarioRunner(const ScenarioRunner&) = delete;
  ScenarioRunner& operator=(const ScenarioRunner&) = delete;

  // Applies an action or initial-state statement, or evaluates a check, then looks for a safety
  // violation. Returns false once the run has failed (later calls do nothing).
  // `violation_expected_next`: the next statement is `expect violation`, so a violation this
  // statement causes is left for it to judge instead of failing the run.
  bool apply(const Statement& s, bool violation_expected_next = false);
  // Ends the run: a last safety look and the linearizability of the client history, searched with
  // at most `states_max` states per key.
  const ScenarioResult& finish(uint64_t states_max = kLinearizabilityStatesMax);
  // Records a linearizability verdict in the result: Refuted fails the run (also when other keys
  // were undecided), Undecided is kept as such (ok stays true, `undecided` says why).
  void judge_linearizability(const LinearizabilityResult& lin);

  bool failed() const { return !result_.ok; }
  const ScenarioResult& result() const { return result_; }
  Cluster& cluster() { return **slot_; }
  const Cluster& cluster() const { return **slot_; }

 private:
  void fail(ScenarioResult::Failure kind, int line, std::string property, const std::string& message);
  void violated(int line);

  std::string file_;
  std::optional<Cluster> local_;
  std::optional<Cluster>* slot_;
  ScenarioResult result_;
  int last_line_ = 0;
};

}  // namespace raft::sim
