// The election-time experiment of the Raft paper's §9.3 (Figure 16 of the extended version):
// how long a five-server cluster is without a leader after its leader crashes, for several
// election-timeout ranges. Deterministic: each trial is a function of the seed, the range and
// the trial's number, so raftsim and the page (a few trials per frame) get the same figures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/raft/types.h"

namespace raft::sim {

struct TimeoutRange {
  Time min_us = 0, max_us = 0;
  bool operator==(const TimeoutRange&) const = default;
};

struct ElectionExperiment {
  int nodes = 5;
  std::vector<TimeoutRange> ranges;  // empty: the paper's, kPaperRanges
  int trials = 1000;
  // The network and the disk. The defaults are the configuration found to reproduce all four of
  // the paper's published figures within 1.15x at 1000 trials (a grid over one-way latencies of
  // 0.1 to 5 ms and disk writes of 0 to 10 ms): 1-2 ms one way, and 1-2 ms per disk write, which
  // a server makes before it sends a RequestVote (its own vote) or answers one.
  Time latency_min_us = 1'000, latency_max_us = 2'000;
  Time disk_min_us = 1'000, disk_max_us = 2'000;
  bool varied_logs = true;  // some followers lack the leader's last entry, so not every candidate can win
  uint64_t seed = 1;
  Time give_up_us = 10'000'000;  // a trial with no leader this long after the crash counts as "none"
};

// The ranges of the paper's Figure 16, in its order.
std::vector<TimeoutRange> paper_ranges();

// What the paper reports for a range, in words, or "" when it gives no number for it.
std::string paper_figure(const TimeoutRange& r);

// Parses "150-150,150-155,12-24" (milliseconds) into ranges; an error names the bad item.
std::optional<std::string> parse_ranges(std::string_view text, std::vector<TimeoutRange>& out);
std::string format_range(const TimeoutRange& r);  // "150-155" (milliseconds; "0.5" for fractions)

// One trial: a cluster elects a leader (warm-up), the timeouts are set to the range, the leader
// sends a heartbeat to all (the synchronized heartbeat), appends an entry that only some followers
// get (varied logs), and crashes at a uniformly random point within its heartbeat interval (half
// the minimum election timeout). The result is the time from the crash until a new leader exists,
// or nothing if none did within give_up_us. `set_up` (if given) says whether the trial got as
// far as the crash; a trial that did not (no leader in the warm-up, or the leader deposed before
// its crash) is not a result, and callers count it apart.
std::optional<Time> election_trial(const ElectionExperiment& e, const TimeoutRange& range, int trial, bool* set_up = nullptr);

struct DowntimeSummary {
  int trials = 0;
  int no_leader = 0;  // trials without a leader within give_up_us
  // Over the trials that elected a leader (nearest-rank percentiles), in microseconds.
  Time median_us = 0, p90_us = 0, max_us = 0;
  double mean_us = 0;
};
DowntimeSummary summarize(std::vector<Time> downtimes_us, int no_leader);

}  // namespace raft::sim
