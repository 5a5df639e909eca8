// Statements of the scenario language (assets/scenarios/*.raft; grammar in README "Scenario files"):
// one small struct per kind, each field with one meaning, held in a std::variant so that the
// compiler checks that the applier and the printer handle every kind. The same Statement is the
// command log of an interactive session (core/sim/lab.h) and what every user action becomes.
//
// Adding a statement kind: a struct here (and in the variant), a row in the table
// (statement_table.cpp: keyword, class, parse, print), a case in the applier (scenario_run.cpp), and
// a test. Build statements in code through core/sim/make.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/raft/command.h"
#include "core/sim/cluster.h"

namespace raft::sim {

enum class Cmp : uint8_t { Eq, Ge, Le };

namespace stmt {

// ---- header: before the first action only ----
struct Nodes { int count = 5; bool operator==(const Nodes&) const = default; };
struct Seed { uint64_t seed = 1; bool operator==(const Seed&) const = default; };

// ---- settings: in the header they set the starting configuration; after the first action they
// change the running cluster (the lab's Settings panel) ----
struct ElectionTimeout { Time min_us = 0, max_us = 0; bool operator==(const ElectionTimeout&) const = default; };
struct Heartbeat { Time interval_us = 0; bool operator==(const Heartbeat&) const = default; };
struct Latency { Time min_us = 0, max_us = 0; bool operator==(const Latency&) const = default; };
struct Loss { double probability = 0; bool operator==(const Loss&) const = default; };
struct Duplicate { double probability = 0; bool operator==(const Duplicate&) const = default; };
struct Noop { bool on = true; bool operator==(const Noop&) const = default; };
struct AppendMax { uint32_t entries = 64; bool operator==(const AppendMax&) const = default; };
// `prevote on`, `checkquorum off`, `forget_vote on`: kTimingSwitches[I] (core/raft/timing.h). A new
// switch is a row there, an alias here, an alternative in the variant and a row in the table.
template <int I>
struct Switch {
  static_assert(I >= 0 && I < kTimingSwitchCount);
  static constexpr const TimingSwitch& spec() { return kTimingSwitches[I]; }
  bool on = false;
  bool operator==(const Switch&) const = default;
};
using PreVote = Switch<0>;
using CheckQuorum = Switch<1>;
using ForgetVote = Switch<2>;
using MembershipBug2015 = Switch<3>;
// §7 (Log compaction): snapshot once this many entries were applied since the last one (0: off),
// and send snapshots in InstallSnapshot chunks of this many bytes.
struct SnapshotEvery { uint32_t entries = 0; bool operator==(const SnapshotEvery&) const = default; };
struct SnapshotChunk { uint32_t bytes = kSnapshotChunkBytesDefault; bool operator==(const SnapshotChunk&) const = default; };
struct ReadModeSetting { ReadMode mode = ReadMode::Log; bool operator==(const ReadModeSetting&) const = default; };
// `disk_latency 5ms 10ms`: each write to a server's disk takes a time uniform in [min, max]
// (DiskConfig); `disk_latency 0 0` makes writes instant again.
struct DiskLatency { Time min_us = 0, max_us = 0; bool operator==(const DiskLatency&) const = default; };

// ---- initial state: what is on a node's disk at time 0 ----
struct PresetTerm { NodeId node = kNoNode; Term term = 0; bool operator==(const PresetTerm&) const = default; };
struct PresetLog { NodeId node = kNoNode; std::vector<Term> terms; bool operator==(const PresetLog&) const = default; };
struct PresetVote { NodeId node = kNoNode; NodeId candidate = kNoNode; bool operator==(const PresetVote&) const = default; };

// ---- actions: happen at the current virtual time; only Run advances it ----
struct Run { Time duration_us = 0; bool operator==(const Run&) const = default; };
struct Crash { NodeId node = kNoNode; bool operator==(const Crash&) const = default; };
struct CrashLeader { bool operator==(const CrashLeader&) const = default; };
struct Restart { NodeId node = kNoNode; bool operator==(const Restart&) const = default; };
struct Timeout { NodeId node = kNoNode; bool operator==(const Timeout&) const = default; };
// §3.10: the leader hands leadership to `node`.
struct Transfer { NodeId node = kNoNode; bool operator==(const Transfer&) const = default; };
// Groups of nodes that reach each other; a node in no group is isolated.
struct Partition { std::vector<std::vector<NodeId>> groups; bool operator==(const Partition&) const = default; };
struct Cut { NodeId from = kNoNode, to = kNoNode; bool one_way = false; bool operator==(const Cut&) const = default; };
struct Uncut { NodeId from = kNoNode, to = kNoNode; bool one_way = false; bool operator==(const Uncut&) const = default; };
struct Heal { bool operator==(const Heal&) const = default; };
// A scripted client's operation (client id and sequence number are assigned by the cluster), sent
// to `via` or to the leader the client believes in.
struct ClientOp { Command cmd; NodeId via = kNoNode; bool operator==(const ClientOp&) const = default; };
// Background client load for `for_us` (kTimeNever: until changed); the workload's until_us is
// ignored (it is now + for_us when applied).
struct Clients { Workload workload; Time for_us = kTimeNever; bool operator==(const Clients&) const = default; };
struct DropMessage { uint64_t id = 0; bool operator==(const DropMessage&) const = default; };
struct DuplicateMessage { uint64_t id = 0; bool operator==(const DuplicateMessage&) const = default; };
struct DelayMessage { uint64_t id = 0; Time extra_us = 0; bool operator==(const DelayMessage&) const = default; };
// Where the lab opens a shared run: paused at virtual time `t_us` (the moment the sharer was viewing).
// Changes nothing in the cluster.
// Clock drift: the node's timers run `rate_permille`/1000 as fast as real time (1200: 1.2x fast).
struct ClockDrift { NodeId node = kNoNode; int rate_permille = 1000; bool operator==(const ClockDrift&) const = default; };
struct OpenAt { Time t_us = 0; bool operator==(const OpenAt&) const = default; };
// `pause @logs @s2 The leader backs up ...`: a marked moment. The lab stops playing here and shows
// the text, with the named panels (cluster, logs, inspector, events, timeline, status) and servers
// highlighted; the tour's steps are a chapter's pauses (core/sim/tour.h). Changes nothing in the
// cluster. The moment is the pause's time with every action at that time applied, so a pause is
// written after them.
struct Pause {
  std::vector<std::string> highlights;  // panel names and server names, as written after '@'
  std::string text;
  bool operator==(const Pause&) const = default;
};
// Membership changes (dissertation ch. 4): `add` starts the next new server (ids are never reused)
// and the leader adds it as a learner, promoted to voter once caught up; `remove` asks the leader
// to take a server out (shut down once the removal commits).
struct AddServer { NodeId node = kNoNode; bool operator==(const AddServer&) const = default; };
struct RemoveServer { NodeId node = kNoNode; bool operator==(const RemoveServer&) const = default; };
// §7: `node` snapshots its state machine at lastApplied now and drops its log up to there.
struct TakeSnapshot { NodeId node = kNoNode; bool operator==(const TakeSnapshot&) const = default; };

// ---- checks: evaluated at the current virtual time ----
struct ExpectLeader { bool operator==(const ExpectLeader&) const = default; };
struct ExpectLeaderIs { NodeId node = kNoNode; bool operator==(const ExpectLeaderIs&) const = default; };
struct ExpectNoLeader { bool operator==(const ExpectNoLeader&) const = default; };
struct ExpectTerm { NodeId node = kNoNode; Cmp cmp = Cmp::Eq; Term term = 0; bool operator==(const ExpectTerm&) const = default; };
struct ExpectCommit { NodeId node = kNoNode; Cmp cmp = Cmp::Eq; LogIndex index = 0; bool operator==(const ExpectCommit&) const = default; };
struct ExpectLog { NodeId node = kNoNode; std::vector<Term> terms; bool operator==(const ExpectLog&) const = default; };
// The leader's state machine holds `value` at `key` (nullopt: the key is absent).
struct ExpectValue { std::string key; std::optional<std::string> value; bool operator==(const ExpectValue&) const = default; };
struct ExpectRole { NodeId node = kNoNode; Role role = Role::Follower; bool operator==(const ExpectRole&) const = default; };
struct ExpectDown { NodeId node = kNoNode; bool operator==(const ExpectDown&) const = default; };
struct ExpectUp { NodeId node = kNoNode; bool operator==(const ExpectUp&) const = default; };
// The leader's configuration has exactly these voters (learners); in increasing id order.
struct ExpectVoters { std::vector<NodeId> nodes; bool operator==(const ExpectVoters&) const = default; };
struct ExpectLearners { std::vector<NodeId> nodes; bool operator==(const ExpectLearners&) const = default; };
// The run has stopped at a violation of `property` ("Election Safety", "One vote per term", ...):
// for scenarios that break safety on purpose (the unsafe switches). Must follow the action that
// caused it; only checks may come after it.
struct ExpectViolation { std::string property; bool operator==(const ExpectViolation&) const = default; };
// The node's snapshot covers the log up to lastIncludedIndex `index` (compared by `cmp`).
struct ExpectSnapshot { NodeId node = kNoNode; Cmp cmp = Cmp::Ge; LogIndex index = 0; bool operator==(const ExpectSnapshot&) const = default; };

}  // namespace stmt

struct Statement {
  // The order of the alternatives is the order of the table's rows (statement_table.cpp).
  using Variant = std::variant<
      stmt::Nodes, stmt::Seed,
      stmt::ElectionTimeout, stmt::Heartbeat, stmt::Latency, stmt::Loss, stmt::Duplicate, stmt::Noop, stmt::AppendMax,
      stmt::PreVote, stmt::CheckQuorum, stmt::ForgetVote,
      stmt::MembershipBug2015, stmt::SnapshotEvery, stmt::SnapshotChunk,
      stmt::ReadModeSetting, stmt::DiskLatency,
      stmt::PresetTerm, stmt::PresetLog, stmt::PresetVote,
      stmt::Run, stmt::Crash, stmt::CrashLeader, stmt::Restart, stmt::Timeout, stmt::Transfer, stmt::Partition, stmt::Cut,
      stmt::Uncut, stmt::Heal, stmt::ClientOp, stmt::Clients, stmt::DropMessage, stmt::DuplicateMessage,
      stmt::DelayMessage, stmt::ClockDrift, stmt::OpenAt, stmt::Pause, stmt::AddServer, stmt::RemoveServer, stmt::TakeSnapshot,
      stmt::ExpectLeader, stmt::ExpectLeaderIs, stmt::ExpectNoLeader, stmt::ExpectTerm, stmt::ExpectCommit,
      stmt::ExpectLog, stmt::ExpectValue, stmt::ExpectRole, stmt::ExpectDown, stmt::ExpectUp,
      stmt::ExpectVoters, stmt::ExpectLearners, stmt::ExpectViolation, stmt::ExpectSnapshot>;

  Variant v = stmt::Run{};
  int line = 0;  // 1-based line in the source; 0 for statements made in code

  Statement() = default;
  template <class T>
  Statement(T s, int at_line = 0) : v(std::move(s)), line(at_line) {}  // NOLINT: implicit by design

  template <class T> bool is() const { return std::holds_alternative<T>(v); }
  template <class T> const T* as() const { return std::get_if<T>(&v); }
  template <class T> T* as() { return std::get_if<T>(&v); }
  // The alternative the caller knows this statement holds (a table row's own kind); a wrong T is a
  // bug and aborts.
  template <class T> const T& get() const { return std::get<T>(v); }
  bool operator==(const Statement& o) const { return v == o.v; }  // the line is where, not what
};

// Where a statement may stand, and what it does (the parser enforces: header and initial state
// before the first action or check).
enum class StatementClass : uint8_t {
  Header,   // before the first action only; folded into the scenario's config
  Setting,  // in the header: folded into the config; after the first action: changes the running cluster
  Initial,  // before the first action only; the disks the nodes start from
  Action,   // changes the cluster at the current time
  Check,    // evaluated at the current time; changes nothing
};

StatementClass statement_class(const Statement& s);
const char* statement_keyword(const Statement& s);  // "crash", "expect leader", ...
inline bool is_check(const Statement& s) { return statement_class(s) == StatementClass::Check; }
inline bool is_initial_state(const Statement& s) { return statement_class(s) == StatementClass::Initial; }

// Renders a statement as a line of the scenario language; parsing it gives back the statement.
std::string format_statement(const Statement& s);

}  // namespace raft::sim
