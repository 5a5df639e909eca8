#include "core/sim/experiment.h"

#include <algorithm>

#include "core/raft/rng.h"
#include "core/sim/cluster.h"
#include "core/sim/text.h"

namespace raft::sim {

std::vector<TimeoutRange> paper_ranges() {
  return {{150'000, 150'000}, {150'000, 151'000}, {150'000, 155'000}, {150'000, 175'000},
          {150'000, 200'000}, {150'000, 300'000}, {12'000, 24'000}};
}

std::string paper_figure(const TimeoutRange& r) {
  if (r == TimeoutRange{150'000, 150'000}) return "more than 10 s (repeated split votes)";
  if (r == TimeoutRange{150'000, 155'000}) return "median 287 ms";
  if (r == TimeoutRange{150'000, 200'000}) return "max 513 ms (1000 trials)";
  if (r == TimeoutRange{12'000, 24'000}) return "mean 35 ms, max 152 ms";
  return "";
}

namespace {
bool parse_ms(std::string_view s, Time& us) {
  // Milliseconds, as the duration parser reads them ("0.5" is 500 us); no sign, no unit.
  if (s.empty() || s.find_first_not_of("0123456789.") != std::string_view::npos) return false;
  return parse_duration(std::string(s) + "ms", us) && us <= 3'600'000'000LL;
}
}  // namespace

std::optional<std::string> parse_ranges(std::string_view text, std::vector<TimeoutRange>& out) {
  out.clear();
  size_t p = 0;
  while (p <= text.size()) {
    size_t q = text.find(',', p);
    if (q == std::string_view::npos) q = text.size();
    const std::string_view item = text.substr(p, q - p);
    const size_t dash = item.find('-');
    TimeoutRange r;
    if (dash == std::string_view::npos || !parse_ms(item.substr(0, dash), r.min_us) || !parse_ms(item.substr(dash + 1), r.max_us)) {
      return "'" + std::string(item) + "' is not a range of milliseconds like 150-300";
    }
    if (r.min_us < 2 || r.min_us > r.max_us) return "'" + std::string(item) + "': the minimum must be above 0 and at most the maximum";
    out.push_back(r);
    p = q + 1;
  }
  return std::nullopt;
}

std::string format_range(const TimeoutRange& r) {
  auto ms = [](Time us) { return format_number(static_cast<double>(us) / 1000.0); };
  return ms(r.min_us) + "-" + ms(r.max_us);
}

namespace {

bool step_until(Cluster& c, Time limit, const auto& pred) {
  while (!pred()) {
    if (!c.ok() || c.next_event_time() > limit) return false;
    c.step();
  }
  return true;
}

}  // namespace

std::optional<Time> election_trial(const ElectionExperiment& e, const TimeoutRange& range, int trial, bool* set_up) {
  if (set_up) *set_up = false;
  const uint64_t trial_seed = Rng::derive(Rng::derive(e.seed, static_cast<uint64_t>(range.min_us) * 1'000'003 + static_cast<uint64_t>(range.max_us)),
                                          static_cast<uint64_t>(trial));
  Rng rng(trial_seed);
  const Time heartbeat = std::max<Time>(1, range.min_us / 2);
  ClusterConfig cfg;
  cfg.nodes = e.nodes;
  cfg.seed = trial_seed;
  cfg.trace = false;
  cfg.network.latency_min_us = e.latency_min_us;
  cfg.network.latency_max_us = e.latency_max_us;
  cfg.disk = DiskConfig{e.disk_min_us, e.disk_max_us};
  // Warm-up with randomized timeouts (a fixed range may never elect anyone from a cold start).
  cfg.timing.election_timeout_min_us = range.min_us;
  cfg.timing.election_timeout_max_us = std::max(range.max_us, 2 * range.min_us);
  cfg.timing.heartbeat_interval_us = heartbeat;
  Cluster c(cfg);
  const Time warm_limit = 60'000'000;
  NodeId l = kNoNode;
  if (!step_until(c, warm_limit, [&] {
        l = c.leader();
        if (l == kNoNode || c.node(l).commit_index() != c.node(l).log().last_index() || c.writes_pending(l) != 0) return false;
        // Every follower has the leader's log (none is still being probed), so the entry below
        // reaches exactly the followers it is meant to.
        const LogIndex last = c.node(l).log().last_index();
        for (NodeId n = 0; n < c.size(); ++n) {
          if (c.node(n).log().last_index() != last || c.writes_pending(n) != 0) return false;
          if (n != l && c.node(l).progress(n).match_index != last) return false;  // acknowledged: not probing
        }
        return true;
      })) {
    return std::nullopt;  // not reached with sane settings: a cluster with randomized timeouts elects a leader
  }
  // The experiment's timeouts, taken up by each follower at its next heartbeat.
  Timing t = cfg.timing;
  t.election_timeout_min_us = range.min_us;
  t.election_timeout_max_us = range.max_us;
  c.set_timing(t);
  c.run_until(c.node(l).deadline());  // a heartbeat round with the new timing
  step_until(c, warm_limit, [&] { return c.writes_pending(l) == 0; });
  NodeMask lagging = 0;
  if (e.varied_logs) {
    // The leader appends an entry that half its followers (rounded down) never get, so they can be
    // out-voted: not every candidate can win. Their replies to the leader are cut (it keeps
    // believing they have it and sends them empty heartbeats, which still reset their timers),
    // and the AppendEntries carrying the entry to them are dropped once the leader's write lets
    // them leave. If the leader crashes before that write completes, no one has the entry.
    std::vector<NodeId> followers;
    for (NodeId n = 0; n < c.size(); ++n) {
      if (n != l) followers.push_back(n);
    }
    for (size_t k = 0; k + 1 < followers.size(); ++k) {
      std::swap(followers[k], followers[k + static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(followers.size() - k - 1)))]);
    }
    for (size_t k = 0; k < followers.size() / 2; ++k) {
      lagging |= node_bit(followers[k]);
      c.cut(followers[k], l, true);
    }
    Command cmd;
    cmd.op = Op::Put;
    cmd.key = "k";
    cmd.value = std::to_string(trial);
    c.submit(std::move(cmd), l);
  }
  // The synchronized heartbeat: the leader's next heartbeat goes to every follower at once; the
  // leader crashes at a uniformly random point of the heartbeat interval that follows.
  const Time t0 = c.node(l).deadline();
  const Time crash_at = t0 + rng.uniform(0, heartbeat - 1);
  // Until the crash, every AppendEntries that carries entries to a lagging follower is dropped
  // (the leader may resend the entry with a heartbeat); empty heartbeats still reach them.
  auto drop_entries = [&] {
    std::vector<MessageId> drop;
    c.network().for_each_in_flight([&](const InFlight& f) {
      if (f.msg.from == l && has_node(lagging, f.msg.to) && f.msg.type == MessageType::AppendEntries && !f.msg.entries.empty()) drop.push_back(f.id);
    });
    for (MessageId id : drop) c.drop_message(id);
  };
  while (lagging != 0 && c.ok() && c.next_event_time() <= crash_at) {
    c.step();
    drop_entries();
  }
  c.run_until(crash_at);
  if (c.leader() != l) return std::nullopt;  // deposed before the crash: not a trial of this procedure
  if (set_up) *set_up = true;
  c.crash(l);
  c.heal();
  const Time crash = c.now();
  if (!step_until(c, crash + e.give_up_us, [&] { return c.leader() != kNoNode; })) return std::nullopt;
  return c.now() - crash;
}

DowntimeSummary summarize(std::vector<Time> d, int no_leader) {
  DowntimeSummary s;
  s.no_leader = no_leader;
  s.trials = static_cast<int>(d.size()) + no_leader;
  if (d.empty()) return s;
  std::sort(d.begin(), d.end());
  auto rank = [&](double p) { return d[std::clamp<size_t>(static_cast<size_t>(p * static_cast<double>(d.size()) + 0.999999), 1, d.size()) - 1]; };
  s.median_us = rank(0.5);
  s.p90_us = rank(0.9);
  s.max_us = d.back();
  double sum = 0;
  for (Time v : d) sum += static_cast<double>(v);
  s.mean_us = sum / static_cast<double>(d.size());
  return s;
}

}  // namespace raft::sim
