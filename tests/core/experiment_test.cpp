// The §9.3 election-time experiment (core/sim/experiment.h): deterministic trials, the paper's
// qualitative results at small scale, and the summary's arithmetic.
#include <doctest/doctest.h>

#include "core/sim/experiment.h"

using namespace raft;
using namespace raft::sim;

TEST_CASE("experiment: a trial is a function of the seed, the range and its number") {
  ElectionExperiment e;
  const TimeoutRange r{150'000, 200'000};
  const auto a = election_trial(e, r, 7);
  const auto b = election_trial(e, r, 7);
  REQUIRE(a.has_value());
  CHECK(*a == *b);
  // At least the rest of the heartbeat interval after the crash plus one election round, and
  // within the timeout range's reach of it.
  CHECK(*a > 0);
  CHECK(*a < 2'000'000);
  e.seed = 2;
  const auto c = election_trial(e, r, 7);
  REQUIRE(c.has_value());
  CHECK(*c != *a);
}

TEST_CASE("experiment: without randomness in the timeouts, split votes repeat and no leader is elected") {
  ElectionExperiment e;
  e.give_up_us = 3'000'000;
  for (int t = 0; t < 5; ++t) CHECK(!election_trial(e, TimeoutRange{150'000, 150'000}, t).has_value());
  // With 50 ms of randomness every trial elects a leader, after at least a quarter of the minimum
  // timeout (the crash falls within the first half of it) and within a second.
  for (int t = 0; t < 20; ++t) {
    const auto d = election_trial(e, TimeoutRange{150'000, 200'000}, t);
    REQUIRE(d.has_value());
    CHECK(*d >= 75'000);
    CHECK(*d <= 1'000'000);
  }
}

TEST_CASE("experiment: the summary's percentiles are nearest-rank over the elected trials") {
  const DowntimeSummary s = summarize({40, 10, 30, 20, 50, 60, 70, 80, 90, 100}, 2);
  CHECK(s.trials == 12);
  CHECK(s.no_leader == 2);
  CHECK(s.median_us == 50);
  CHECK(s.p90_us == 90);
  CHECK(s.max_us == 100);
  CHECK(s.mean_us == doctest::Approx(55.0));
  const DowntimeSummary none = summarize({}, 3);
  CHECK(none.trials == 3);
  CHECK(none.max_us == 0);
}

TEST_CASE("experiment: timeout ranges read as milliseconds and say what is wrong") {
  std::vector<TimeoutRange> r;
  REQUIRE(!parse_ranges("150-150,150-155,12-24,0.5-1", r));
  REQUIRE(r.size() == 4);
  CHECK(r[1] == TimeoutRange{150'000, 155'000});
  CHECK(r[3] == TimeoutRange{500, 1'000});
  CHECK(format_range(r[3]) == "0.5-1");
  CHECK(*parse_ranges("150-150,abc", r) == "'abc' is not a range of milliseconds like 150-300");
  CHECK(*parse_ranges("200-150", r) == "'200-150': the minimum must be above 0 and at most the maximum");
  CHECK(*parse_ranges("", r) == "'' is not a range of milliseconds like 150-300");
  CHECK(paper_figure(TimeoutRange{150'000, 155'000}) == "median 287 ms");
  CHECK(paper_ranges().size() == 7);
}
