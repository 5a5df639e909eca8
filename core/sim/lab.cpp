#include "core/sim/lab.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace raft::sim {

Lab::Lab(const ClusterConfig& config) { reset(config); }

void Lab::reset(const ClusterConfig& config) {
  attached_ = false;
  recording_.clear();
  config_ = config;
  open_at_.reset();
  initial_ = Scenario{};
  initial_.config = config;
  log_.clear();
  start(Cluster(config));
}

void Lab::start(Cluster&& c) {
  cluster_.emplace(std::move(c));
  cluster_->mutable_trace().set_window(trace_window_);
  cluster_->set_history_window(trace_window_ != 0 ? history_window_ : 0);
  checkpoints_.clear();
  spacing_us_ = checkpoint_interval_us_;
  log_applied_ = 0;
  end_time_ = 0;
  computed_until_ = 0;
  maybe_checkpoint();
}

namespace {
Time add_saturating(Time a, Time b) { return b > kTimeNever - a ? kTimeNever : a + b; }
}  // namespace

uint64_t Lab::estimate_log_entries(const Scenario& sc) {
  constexpr double kClosedLoopPerClient = 50;
  double ops = 0, rate = 0;
  Time t = 0, until = kTimeNever;
  bool compacting = sc.config.timing.snapshot_every > 0;
  for (const Statement& s : sc.statements) {
    if (const auto* every = s.as<stmt::SnapshotEvery>()) {
      compacting = every->entries > 0;
    } else if (const auto* c = s.as<stmt::Clients>()) {
      const Workload& w = c->workload;
      rate = w.clients == 0 ? 0 : w.rate_per_s > 0 ? w.rate_per_s : kClosedLoopPerClient * w.clients;
      until = c->for_us == kTimeNever ? kTimeNever : t + c->for_us;
    } else if (const auto* run = s.as<stmt::Run>()) {
      const Time end = add_saturating(t, run->duration_us);
      if (until > t && !compacting) ops += rate * static_cast<double>(std::min(end, until) - t) / 1e6;
      t = end;
    }
  }
  return ops >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(ops);
}

std::optional<ParseError> Lab::load_scenario(std::string_view text, std::string_view file, const Limits& limits) {
  Scenario sc;
  if (auto err = parse_scenario(text, file, sc)) return err;
  Time total = 0;
  for (const Statement& s : sc.statements) {
    if (const auto* run = s.as<stmt::Run>()) total = add_saturating(total, run->duration_us);
  }
  char why[240];
  if (total > limits.run_us) {
    std::snprintf(why, sizeof why,
                  "its runs add up to %.1f hours of virtual time, more than the %.1f this lab holds; shorten the run, "
                  "or run it with raftsim",
                  static_cast<double>(total) / 3.6e9, static_cast<double>(limits.run_us) / 3.6e9);
    return ParseError{std::string(file), 0, why};
  }
  if (const uint64_t ops = estimate_log_entries(sc); ops > limits.log_entries) {
    std::snprintf(why, sizeof why,
                  "its client load leaves about %llu entries in every log, more than the %llu this lab holds without log "
                  "compaction; turn snapshots on (snapshot_every 1000), lower the rate, or shorten the run",
                  static_cast<unsigned long long>(ops), static_cast<unsigned long long>(limits.log_entries));
    return ParseError{std::string(file), 0, why};
  }
  attached_ = false;
  recording_.clear();
  config_ = sc.config;
  open_at_.reset();
  initial_ = sc;
  initial_.statements.clear();
  log_.clear();
  Time t = 0;
  for (const Statement& s : sc.statements) {
    if (const auto* run = s.as<stmt::Run>()) {
      t += run->duration_us;
      continue;
    }
    if (const auto* open = s.as<stmt::OpenAt>()) {
      open_at_ = open->t_us;
      continue;
    }
    switch (statement_class(s)) {
      case StatementClass::Initial: initial_.statements.push_back(s); break;
      case StatementClass::Action:
      case StatementClass::Setting: log_.push_back(TimedStatement{t, s}); break;
      case StatementClass::Header:
      case StatementClass::Check: break;  // checks are not commands
    }
  }
  start(Cluster(config_, initial_disks(initial_)));
  // The scenario's actions are the recorded future: the lab starts at t=0 and plays along them.
  end_time_ = t;
  return std::nullopt;
}

void Lab::maybe_checkpoint() {
  const Cluster& c = *cluster_;
  if (!checkpoints_.empty() && c.now() < checkpoints_.back().t + spacing_us_) return;
  checkpoints_.push_back(Checkpoint{c.now(), log_applied_, c.trace().mark(), c, 0});
  if (c.trace().window() != 0) checkpoints_.back().cluster.trim_history(kCheckpointHistoryOps);
  checkpoints_.back().bytes = estimate_bytes(checkpoints_.back().cluster);
  // Over the count or the memory budget: keep every other checkpoint (the first always stays) and
  // double the spacing. Checkpoints stay evenly spread over the whole run, so a seek anywhere in
  // it replays at most one spacing, and their number and memory stay bounded however long it runs.
  while (checkpoints_.size() > 2 && (checkpoints_.size() > checkpoints_max_ || checkpoint_bytes() > checkpoint_bytes_max_)) {
    size_t kept = 1;  // the first stays where it is (no self-move)
    for (size_t i = 2; i < checkpoints_.size(); i += 2) checkpoints_[kept++] = std::move(checkpoints_[i]);
    checkpoints_.erase(checkpoints_.begin() + static_cast<std::ptrdiff_t>(kept), checkpoints_.end());
    spacing_us_ *= 2;
  }
}

void Lab::attach(int servers) {
  RAFT_ASSERT(servers >= 1 && servers <= kNodesMax);
  config_ = ClusterConfig{};
  config_.nodes = servers;
  open_at_.reset();
  initial_ = Scenario{};
  initial_.config = config_;
  log_.clear();
  recording_.clear();
  recording_full_ = false;
  problems_.clear();
  problems_seen_upto_ = 0;
  attached_ = true;
  start(Cluster(config_));
}

void Lab::record(std::vector<Observed> records, Time until) {
  RAFT_ASSERT(attached_);
  for (Observed& o : records) {
    if (recording_.size() >= kRecordsMax) {
      recording_full_ = true;
      break;
    }
    RAFT_ASSERT(recording_.empty() || o.e.t >= recording_.back().e.t);
    until = std::max(until, o.e.t);
    recording_.push_back(std::move(o));
  }
  if (!recording_full_) end_time_ = std::max(end_time_, until);
  computed_until_ = end_time_;
}

void Lab::observe_record(Cluster& c, size_t i) {
  ObserveProblem problem;
  if (!c.observe(recording_[i], &problem) && i >= problems_seen_upto_ && problems_.size() < kProblemsKept) problems_.push_back(problem);
}

void Lab::replay_recorded_to(Time t) {
  Cluster& c = *cluster_;
  for (; log_applied_ < recording_.size() && recording_[log_applied_].e.t <= t; ++log_applied_) {
    observe_record(c, log_applied_);
    problems_seen_upto_ = std::max(problems_seen_upto_, log_applied_ + 1);
    maybe_checkpoint();
  }
  c.observe_until(t);
  maybe_checkpoint();
}

void Lab::replay_to(Time t) {
  if (attached_) {
    replay_recorded_to(std::min(t, end_time_));
    return;
  }
  Cluster& c = *cluster_;
  while (c.ok()) {
    const Time next_cmd = log_applied_ < log_.size() ? log_[log_applied_].t : kTimeNever;
    const Time next_cp = checkpoints_.empty() ? c.now() : checkpoints_.back().t + spacing_us_;
    const Time target = std::min({t, next_cmd, std::max(next_cp, c.now())});
    c.run_until(target);
    if (!c.ok()) break;
    if (next_cmd <= t && c.now() >= next_cmd) {
      apply_statement(c, log_[log_applied_].s);
      ++log_applied_;
      continue;
    }
    maybe_checkpoint();
    if (c.now() >= t) break;
  }
  end_time_ = std::max(end_time_, c.now());
  computed_until_ = std::max(computed_until_, c.now());
}

const Lab::Checkpoint& Lab::checkpoint_before(Time t) const {
  // Strictly before t (the first one for t == 0): replaying from it processes the events at t, so
  // the trace then holds them (the history re-reads them after a fork at t).
  auto it = std::lower_bound(checkpoints_.begin(), checkpoints_.end(), t,
                             [](const Checkpoint& cp, Time v) { return cp.t < v; });
  return it == checkpoints_.begin() ? *it : *std::prev(it);
}

void Lab::restore_before(Time t) {
  const Checkpoint& cp = checkpoint_before(t);
  cluster_.emplace(cp.cluster);
  cluster_->mutable_trace().rewind(cp.mark);
  log_applied_ = cp.log_size;
}

void Lab::seek(Time t) { seek_toward(t, kTimeNever); }

bool Lab::seek_toward(Time t, Time budget_us) {
  t = std::clamp<Time>(t, 0, end_time_);
  // Back, or forward to a checkpoint between now and t (already computed). Not forward without a
  // trace window: the trace would miss the events jumped over.
  const bool jump = cluster_->trace().window() != 0 && checkpoint_before(t).t > cluster_->now();
  if (t < cluster_->now() || (!cluster_->ok() && !attached_) || jump) restore_before(t);
  const Time now = cluster_->now();
  replay_to(budget_us >= t - now ? t : now + budget_us);
  return cluster_->now() >= t || !cluster_->ok();
}

void Lab::set_trace_window(size_t events) {
  trace_window_ = events;
  cluster_->mutable_trace().set_window(events);  // shared with every checkpoint
  cluster_->set_history_window(events != 0 ? history_window_ : 0);
}

void Lab::set_history_window(size_t ops) {
  history_window_ = ops;
  cluster_->set_history_window(trace_window_ != 0 ? ops : 0);
}

void Lab::replay_events(Time from, Time to, const ClusterSink& start, const EventSink& sink) const {
  to = std::min(to, computed_until_);
  if (from >= to) return;
  const Checkpoint& cp = checkpoint_before(from);
  Cluster c = cp.cluster;
  c.use_own_trace(cluster_->trace().branch(cp.mark));
  size_t applied = cp.log_size;
  size_t handed = std::numeric_limits<size_t>::max();  // nothing handed before start()
  if (attached_) {
    // The records up to each moment, then the moment (the recording's replay_to()).
    const auto hand = [&]() {
      const TraceEvents& ev = c.trace().events();
      for (; handed < ev.size(); ++handed) {
        if (ev[handed].t >= from && ev[handed].t < to) sink(ev[handed], c);
      }
      c.mutable_trace().drop_held();
    };
    for (; applied < recording_.size() && recording_[applied].e.t < from; ++applied) c.observe(recording_[applied]);
    c.observe_until(from > 0 ? from - 1 : 0);
    c.mutable_trace().drop_held();
    start(c);
    handed = c.trace().size();
    for (; applied < recording_.size() && recording_[applied].e.t < to; ++applied) {
      c.observe(recording_[applied]);
      hand();
    }
    return;
  }
  // As replay_to(), without checkpoints: events up to each command's time, then the command. A
  // command at `until` itself is applied only when `with_last`; the events handed on are let go,
  // so the side trace holds one step's events at a time.
  const auto replay = [&](Time until, bool with_last) {
    while (c.ok()) {
      const Time next_cmd = applied < log_.size() ? log_[applied].t : kTimeNever;
      if (c.now() >= until && !(with_last && next_cmd <= until)) break;
      c.run_until(std::min(until, next_cmd));
      if (c.ok() && next_cmd <= c.now() && (next_cmd < until || with_last)) apply_statement(c, log_[applied++].s);
      const TraceEvents& ev = c.trace().events();
      for (; handed < ev.size(); ++handed) {
        if (ev[handed].t >= from && ev[handed].t < to) sink(ev[handed], c);
      }
      c.mutable_trace().drop_held();
    }
  };
  if (from > cp.t) replay(from - 1, true);  // everything before `from`, commands at from - 1 too
  start(c);
  handed = c.trace().size();
  replay(to, false);
}

bool Lab::step_back() {
  const Time now = cluster_->now();
  if (now == 0) return false;
  const auto& ev = cluster_->trace().events();
  if (ev.empty() || ev[ev.first()].t >= now || (cluster_->trace().full() && ev.back().t < now)) {
    // The event before now is not held (it is older than the trace's window, or past its limit):
    // replay from the checkpoint before now, one event time at a time, and stop at the last one
    // before now.
    restore_before(now - 1);
    for (Time t = next_moment(); t < now && (cluster_->ok() || attached_); t = next_moment()) replay_to(t);
    return true;
  }
  // The previous moment something happened: the last trace event before now.
  auto it = std::lower_bound(ev.begin(), ev.end(), now, [](const TraceEvent& e, Time v) { return e.t < v; });
  const Time target = it == ev.begin() ? 0 : std::prev(it)->t;
  seek(target);
  return true;
}

void Lab::fork() {
  if (attached_) return;  // a live cluster's recording has one future: what happened
  // Discard the recorded future after now: later commands, later checkpoints.
  const Time now = cluster_->now();
  log_.resize(log_applied_);
  while (!checkpoints_.empty() && checkpoints_.back().t > now) checkpoints_.pop_back();
  // The trace keeps no commands of the discarded future: its last rewind forgot them.
  end_time_ = now;
  computed_until_ = now;
}

bool Lab::apply(const Statement& s, std::string* error) {
  if (const auto* run = s.as<stmt::Run>()) {
    run_for(run->duration_us);
    return true;
  }
  if (attached_) {
    if (error) *error = "attached to a live cluster: commands go to its servers, not to the recording";
    return false;
  }
  const StatementClass cls = statement_class(s);
  if (cls != StatementClass::Action && cls != StatementClass::Setting) {
    if (error) *error = "only actions can be applied to a running cluster";
    return false;
  }
  if (!cluster_->ok()) {
    if (error) *error = "the run stopped at a safety violation; seek back before it to continue";
    return false;
  }
  // Checked before the fork: a command that cannot apply leaves the recorded future as it was.
  if (!can_apply(*cluster_, s, error)) return false;
  if (in_past()) fork();
  const bool applied = apply_statement(*cluster_, s, error);
  RAFT_ASSERT(applied);
  log_.push_back(TimedStatement{cluster_->now(), s});
  ++log_applied_;
  return true;
}

void Lab::run_for(Time d) {
  if (d <= 0) return;
  replay_to(cluster_->now() + d);
}

Time Lab::next_moment() const {
  if (attached_) {
    for (size_t i = log_applied_; i < recording_.size(); ++i) {
      if (recording_[i].e.t > cluster_->now()) return recording_[i].e.t;
    }
    return kTimeNever;
  }
  const Time next_cmd = log_applied_ < log_.size() ? log_[log_applied_].t : kTimeNever;
  return std::min(cluster_->next_event_time(), next_cmd);
}

Time Lab::step() {
  const Time t = next_moment();
  if (t == kTimeNever) return cluster_->now();
  replay_to(t);
  return cluster_->now();
}

std::string Lab::to_scenario() const {
  Scenario sc = initial_;  // title, description, header and initial state
  sc.config = config_;
  Time t = 0;
  for (const TimedStatement& ts : log_) {
    if (ts.t > t) {
      sc.statements.push_back(stmt::Run{ts.t - t});
      t = ts.t;
    }
    sc.statements.push_back(ts.s);
  }
  if (end_time_ > t) sc.statements.push_back(stmt::Run{end_time_ - t});
  if (in_past()) sc.statements.push_back(stmt::OpenAt{cluster_->now()});
  return format_scenario(sc);
}

size_t Lab::checkpoint_bytes() const {
  size_t bytes = 0;
  for (const Checkpoint& cp : checkpoints_) bytes += cp.bytes;
  return bytes;
}

Time Lab::checkpoint_gap_max() const {
  Time gap = 0;
  for (size_t i = 1; i < checkpoints_.size(); ++i) gap = std::max(gap, checkpoints_[i].t - checkpoints_[i - 1].t);
  return std::max(gap, computed_until_ - (checkpoints_.empty() ? 0 : checkpoints_.back().t));
}

size_t Lab::estimate_bytes(const Cluster& c) {
  // A checkpoint shares every chunked table with the live cluster (copy-on-write): what it holds
  // alone is its pointers to the chunks, the last chunk of each table (cloned when the live cluster
  // writes to it next), and the state that is copied whole (key-value maps, messages in flight).
  // A prefix let go of in the live cluster (a compacted log, the checker below its floor, the
  // client history beyond its window) is no longer shared: what this copy holds of it, it holds
  // alone once the live cluster lets go of it too. A command is shared by the logs that hold it.
  constexpr size_t kCommandBytes = sizeof(Command) + 32;  // make_shared's block, allocator slack
  size_t bytes = sizeof(Checkpoint);
  size_t commands = 0;
  for (NodeId n = 0; n < c.size(); ++n) {
    const Node& node = c.node(n);
    const size_t entries = to_size(node.log().last_index());
    const size_t held = to_size(node.log().last_index() - node.log().snapshot_index());
    if (node.log().snapshot_index() == 0) {
      bytes += entries / 64 * 16 + 64 * sizeof(Entry);            // the node's log
    } else {
      bytes += held * sizeof(Entry);
      commands = std::max(commands, held);
    }
    bytes += node.snapshot().size_bytes();
    bytes += node.kv().data().size() * 96;
  }
  const size_t floor = to_size(c.checker().floor());
  const size_t committed = to_size(c.checker().committed_index());
  if (floor == 0) {
    bytes += committed / 256 * 16 * (3 + static_cast<size_t>(c.size())) + 256 * 48;  // shadow chains, committed chain, commit terms, entry chains
  } else {
    bytes += (committed - std::min(floor, committed)) * (8 * (3 + static_cast<size_t>(c.size())) + 40);
  }
  const ClientOps& ops = c.client_ops();
  if (ops.first() == 0) {
    bytes += ops.size() / 64 * 16 + 64 * sizeof(ClientOpRecord);
  } else {
    bytes += (ops.size() - ops.first()) * sizeof(ClientOpRecord);
    commands += ops.size() - ops.first();
  }
  bytes += commands * kCommandBytes;
  bytes += c.network().in_flight() * sizeof(InFlight);
  return bytes;
}

}  // namespace raft::sim
