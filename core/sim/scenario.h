// Scenario files (assets/scenarios/*.raft): a line-based text format for users, tests and the page.
// The grammar is in README.md ("Scenario files"). Parsing rejects any malformed line with the file,
// the line number and the reason, before anything runs. The same Statement type is the command
// log of an interactive session (core/sim/lab.h), so a session can be exported as a scenario and
// shared as a URL.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sim/cluster.h"
#include "core/sim/linearizability.h"

namespace raft::sim {

enum class Cmp : uint8_t { Eq, Ge, Le };

struct Statement {
  enum class Kind : uint8_t {
    // Header (before any action): folded into Scenario::config by the parser.
    Nodes, Seed, ElectionTimeout, Heartbeat, Latency, Loss, Duplicate, Noop, AppendMax,
    // Initial state
    PresetTerm, PresetLog, PresetVote,
    // Actions (happen at the current virtual time; only Run advances it)
    Run, Crash, CrashLeader, Restart, Partition, Cut, Heal, Timeout, ClientOp, Clients,
    DropMessage, DuplicateMessage, DelayMessage, SetLatency, SetLoss, SetDuplicate,
    SetElectionTimeout, SetHeartbeat, SetNoop, SetAppendMax, Uncut,
    // Checks (evaluated at the current virtual time)
    ExpectLeader, ExpectLeaderIs, ExpectNoLeader, ExpectTerm, ExpectCommit, ExpectLog, ExpectValue,
    ExpectRole, ExpectDown, ExpectUp,
  };
  Kind kind = Kind::Run;
  int line = 0;                     // 1-based line in the source; 0 for statements made in code
  NodeId node = kNoNode;            // subject node (s1 -> 0)
  NodeId node2 = kNoNode;           // Cut: the other end; PresetVote: the candidate; ExpectLeaderIs: leader
  bool one_way = false;             // Cut: `cut s1 -> s2`
  Time us = 0;                      // Run/Heartbeat/Delay: duration; ElectionTimeout/Latency: min;
                                    // Clients: how long the load lasts (kTimeNever: until changed)
  Time us2 = 0;                     // ElectionTimeout/Latency: max
  double prob = 0;                  // Loss/Duplicate
  uint64_t number = 0;              // Nodes/Seed/AppendMax; Expect{Term,Commit}: value; message id
  bool flag = false;                // Noop: on
  Cmp cmp = Cmp::Eq;
  std::vector<Term> terms;          // PresetLog / ExpectLog
  std::vector<std::vector<NodeId>> groups;  // Partition
  Command cmd;                      // ClientOp (client/seq assigned by the cluster)
  NodeId via = kNoNode;             // ClientOp: `via s1`
  Workload workload;                // Clients (until_us is ignored: it is now + us when applied)
  Role role = Role::Follower;       // ExpectRole
  std::string key;                  // ExpectValue
  std::optional<std::string> value; // ExpectValue: nullopt = `none`
};

// Statement classes (the parser enforces: header, then initial state, then actions and checks).
bool is_header(Statement::Kind k);
bool is_initial_state(Statement::Kind k);
bool is_check(Statement::Kind k);

struct Scenario {
  std::string file;                 // for error messages
  std::string title;                // from a leading `# title: ...` comment, else the file name
  std::string description;          // the other leading comment lines, joined
  ClusterConfig config;             // header statements applied
  std::vector<Statement> statements;  // initial state, actions and checks, in order
};

struct ParseError {
  std::string file;
  int line = 0;
  std::string message;
  std::string to_string() const;    // "file:line: message"
};

// Parses a whole scenario. On error returns the first malformed line; nothing is run.
std::optional<ParseError> parse_scenario(std::string_view text, std::string_view file, Scenario& out);

// The initial-state statements (term, voted, log) as the servers' disks: empty if there are none.
std::vector<InitialDisk> initial_disks(const Scenario& scenario);

// Applies one action to a cluster (checks and headers are ignored; the initial state is refused:
// it goes to the Cluster's constructor).
// Returns false with `error` set when the action cannot apply (e.g. a node number out of range).
bool apply_statement(Cluster& cluster, const Statement& s, std::string* error = nullptr);

// Evaluates a check. On failure, `found` describes what was found instead.
bool evaluate_check(const Cluster& cluster, const Statement& s, std::string& found);

// Renders a statement (action, initial state or check) as a line of the scenario language;
// parse_scenario(format_statement(s)) gives back s.
std::string format_statement(const Statement& s);
// Renders the header lines for a config (nodes, seed, timeouts, network, noop).
std::string format_header(const ClusterConfig& config);
// The language's number rules, for command-line tools too (exact decimals, no locale, same result
// natively and in wasm). parse_duration takes "2s", "1.5s", "150ms", "500us"; parse_number takes
// "12", "0.25".
bool parse_duration(std::string_view text, Time& us, std::string* error = nullptr);
bool parse_number(std::string_view text, double& out);
std::string format_duration(Time us);   // "2s", "150ms", "1500us": the text parse_duration reads back

// Renders a whole scenario (title and description comments, header, statements); parses back to
// the same scenario.
std::string format_scenario(const Scenario& scenario);

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
  bool linearizability_gave_up = false;  // the search hit its budget: neither proven nor refuted
};

// The simulator's client operations as a history for check_linearizable: an op that failed
// definitely (surely not applied) is left out; one that failed indefinitely or never returned
// counts as pending (it may have taken effect at any time after its invoke).
std::vector<HistoryOp> client_history(const std::vector<ClientOpRecord>& ops);

// Runs a scenario from the start: builds the cluster, applies statements in order, evaluates
// checks, and stops at the first failed action, failed check or safety violation. At the end the
// client history must be linearizable.
ScenarioResult run_scenario(const Scenario& scenario, std::optional<Cluster>* keep = nullptr);

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
  bool apply(const Statement& s);
  // Ends the run: a last safety look and the linearizability of the client history.
  const ScenarioResult& finish();

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
