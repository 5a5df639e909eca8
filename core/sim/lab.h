// An interactive session over a Cluster, as the browser and desktop front ends use it: a log of
// user commands (scenario statements stamped with the virtual time they were applied at),
// periodic checkpoints, and time travel by restoring a checkpoint and replaying the log.
//
// The recorded future: after seek() into the past, run_for() and step() replay the recorded
// commands exactly (the run is deterministic), moving towards end_time(). Applying a new command
// in the past, or calling fork(), discards the recorded future after now() first.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/sim/cluster.h"
#include "core/sim/scenario.h"

namespace raft::sim {

struct TimedStatement {
  Time t = 0;
  Statement s;
};

// What a lab session holds (Lab::load_scenario refuses a longer script).
struct LabLimits {
  Time run_us = kTimeNever;
  // Entries a server's log may hold: without log compaction (§7) every request leaves one in
  // every log for good; with snapshots on, a log holds about snapshot_every of them.
  uint64_t log_entries = UINT64_MAX;
};

class Lab {
 public:
  explicit Lab(const ClusterConfig& config = ClusterConfig{});

  // Starts over from a scenario's header and initial state; its actions become the command log
  // (at the times they happen when the scenario is played), and the lab plays to the scenario's end.
  // Returns an error (and changes nothing) when the text does not parse.
  // A script longer than the limits is refused the same way, with a sentence: its runs must add
  // up to at most `run_us`, and the requests its client load makes while log compaction is off
  // must leave at most about `log_entries` entries in the logs (estimate_log_entries).
  using Limits = LabLimits;
  std::optional<ParseError> load_scenario(std::string_view text, std::string_view file = "scenario",
                                          const Limits& limits = {});
  // The log entries a script's background load leaves while snapshots are off, estimated from its
  // rates and run times, one per request (a closed-loop client counts as 50 requests a second).
  // Scripted requests are few and not counted; with snapshots on, the logs are compacted.
  static uint64_t estimate_log_entries(const Scenario& sc);
  void reset(const ClusterConfig& config);   // fresh cluster, empty log

  // Applies a user command now. If the lab is in the past (now() < end_time()), the future is
  // discarded first (fork). Returns false with `error` set if the command cannot apply.
  bool apply(const Statement& s, std::string* error = nullptr);

  // Advances by d; in the past this replays the recorded future, past end_time() it extends it.
  void run_for(Time d);
  Time step();                                // to the next event time (replaying in the past)
  // Discards the recorded future after now(): later commands and checkpoints.
  void fork();

  // Time travel. seek() never changes the recorded future; it only changes what is shown.
  void seek(Time t);                          // clamps to [0, end_time()]
  // seek() in slices, for a front end that must not block a frame (issue 8): restores the latest
  // checkpoint at or before t when t is behind now() or that checkpoint is ahead of now() (a
  // seek within the computed run replays at most checkpoint_interval()), then replays at most `budget_us` of virtual
  // time towards t. Returns true once now() has reached t (clamped) or the run stopped at a
  // violation. Every slice ends at a whole instant, so stopping between slices leaves a state that
  // an unsliced seek to the same time gives too: the result never depends on the slicing.
  bool seek_toward(Time t, Time budget_us);
  bool step_back();                           // to the previous event time
  bool in_past() const { return cluster_->now() < end_time_; }
  Time end_time() const { return end_time_; }
  // How far the run has been simulated. A loaded scenario or share link has its end_time() (the
  // script's end) before it is computed; a seek there computes it.
  Time computed_until() const { return computed_until_; }

  // ---- attached to a live cluster (issue 10) ----
  // A session over a recording instead of a simulation: the cluster mirrors `servers` real
  // servers (Cluster::observe) from the records handed to record(). Time moves along them as it
  // moves along a simulated run (seek, step, step_back, checkpoints, replay_events), but nothing is
  // simulated and apply() refuses commands: the front end sends them to the real cluster, whose
  // records then come back.
  void attach(int servers);
  bool attached() const { return attached_; }
  // Appends records (in time order, none before the last one) and makes `until` the present
  // (end_time()): a live stream's time goes on while nothing happens. Past kRecordsMax records the
  // recording is full: later records are not kept (recording_full()).
  void record(std::vector<Observed> records, Time until);
  static constexpr size_t kRecordsMax = 4'000'000;
  bool recording_full() const { return recording_full_; }
  const std::vector<Observed>& recording() const { return recording_; }
  // The records that did not fit the mirror (skipped), the first kProblemsKept of them.
  static constexpr size_t kProblemsKept = 64;
  const std::vector<ObserveProblem>& problems() const { return problems_; }

  const Cluster& cluster() const { return *cluster_; }
  const std::vector<TimedStatement>& log() const { return log_; }
  const ClusterConfig& config() const { return config_; }
  const Scenario& initial() const { return initial_; }  // header + initial-state statements

  // The whole session as a scenario file (title, description, header, initial state, then `run` and
  // the commands up to end_time()), whatever moment is shown; in the past it ends with `open at`
  // the moment shown, so a share link opens there.
  std::string to_scenario() const;
  // Where the loaded scenario asks to be opened (its `open at`), if it does; the front end seeks there.
  std::optional<Time> open_at() const { return open_at_; }
  // The trace holds only the latest events (a window, Trace::set_window), so memory does not grow
  // with the run; older ones are regenerated on demand by replay_events(). For this session and the
  // next ones; the default suits the page.
  static constexpr size_t kTraceWindowEvents = 65536;
  // The client operations held the same way (ClientPool::set_history_window): as many as the
  // event log's kept events (viz::History, 65,536 of the kinds it lists, some 7 per request under
  // load, about 15 with its replication lines) can refer to, so that its requests read in full.
  // About 300 bytes each with the command.
  static constexpr size_t kHistoryWindowOps = 16384;
  // For this session and the next ones (with a trace window; without one every operation is held).
  void set_history_window(size_t ops);
  // A checkpoint keeps fewer: replaying from it needs only the operations outstanding, and a
  // restored session describes the latest ones before it (the event log's lines near the moment).
  static constexpr size_t kCheckpointHistoryOps = 256;
  void set_trace_window(size_t events);
  // Regenerates the trace events with from <= t < to (clamped to what is computed) by replaying a
  // copy of the checkpoint before `from` on the side. `start` sees that copy just before `from`
  // (every event before it processed); `sink` then gets each event in order, with the copy as it
  // is at that event or a little later (the trace and client history that describe it). The
  // session does not move. Costs a replay from that checkpoint: at most checkpoint_interval() plus
  // the stretch asked for.
  using ClusterSink = std::function<void(const Cluster&)>;
  using EventSink = std::function<void(const TraceEvent&, const Cluster&)>;
  void replay_events(Time from, Time to, const ClusterSink& start, const EventSink& sink) const;
  // Memory held by checkpoints, for the benchmark and the status bar.
  size_t checkpoint_bytes() const;
  size_t checkpoints() const { return checkpoints_.size(); }
  // Virtual time between checkpoints now: 2 s at first, doubled each time the run outgrows the
  // checkpoints' count or memory budget. A seek within the computed run replays at most this much.
  Time checkpoint_interval() const { return spacing_us_; }
  // The widest gap between two checkpoints, and from the last one to computed_until() (for tests).
  Time checkpoint_gap_max() const;

 private:
  struct Checkpoint {
    Time t;
    size_t log_size;  // commands with index < log_size are included
    Trace::Mark mark; // the shared trace's position when the checkpoint was taken
    Cluster cluster;
    size_t bytes = 0; // estimated memory held by this copy
  };
  static size_t estimate_bytes(const Cluster& c);
  // A new session's cluster at t = 0, with its first checkpoint (the command log is set apart).
  void start(Cluster&& c);
  void maybe_checkpoint();
  const Checkpoint& checkpoint_before(Time t) const;  // the latest before t (the first for t == 0)
  void restore_before(Time t);
  void replay_to(Time t);
  // The next time something happens: a network or timer event, or a recorded command.
  Time next_moment() const;
  // Attached: applies the recorded records up to t (log_applied_ counts records).
  void replay_recorded_to(Time t);
  void observe_record(Cluster& c, size_t i);

  ClusterConfig config_;
  Scenario initial_;
  std::optional<Cluster> cluster_;
  std::vector<TimedStatement> log_;
  std::vector<Checkpoint> checkpoints_;
  size_t log_applied_ = 0;    // commands of log_ applied to cluster_
  Time end_time_ = 0;         // the present: latest time reached, or the loaded script's end
  Time computed_until_ = 0;   // latest time simulated in this session (<= end_time_)
  std::optional<Time> open_at_;  // from the loaded scenario's `open at`
  size_t trace_window_ = kTraceWindowEvents;
  size_t history_window_ = kHistoryWindowOps;
  Time checkpoint_interval_us_ = 2'000'000;  // the spacing a session starts with
  Time spacing_us_ = checkpoint_interval_us_;
  size_t checkpoints_max_ = 256;
  bool attached_ = false;
  std::vector<Observed> recording_;
  bool recording_full_ = false;
  std::vector<ObserveProblem> problems_;
  size_t problems_seen_upto_ = 0;  // records below this index were applied once already
  // A checkpoint shares the logs and the growing tables with the live cluster (copy-on-write), and
  // holds alone what changed since (estimate_bytes): tens of kilobytes under load.
  size_t checkpoint_bytes_max_ = 8u << 20;
};

}  // namespace raft::sim
