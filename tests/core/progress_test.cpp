// Unit tests for Progress, the leader's view of one follower (Figure 2: nextIndex, matchIndex),
// one transition at a time, including the reordered, duplicated and stale replies of a real network.
#include <doctest/doctest.h>

#include "core/raft/progress.h"

using namespace raft;

namespace {

Progress make(LogIndex next, LogIndex match, Progress::Mode mode, bool probe_sent = false) {
  Progress p;
  p.next_index = next;
  p.match_index = match;
  p.mode = mode;
  p.probe_sent = probe_sent;
  return p;
}

void check(const Progress& p, LogIndex next, LogIndex match, Progress::Mode mode, bool probe_sent) {
  CHECK(p.next_index == next);
  CHECK(p.match_index == match);
  CHECK(p.mode == mode);
  CHECK(p.probe_sent == probe_sent);
}

constexpr auto kProbe = Progress::Mode::Probe;
constexpr auto kReplicate = Progress::Mode::Replicate;

}  // namespace

TEST_CASE("progress: a new leader probes every follower from just after its own last entry") {
  check(Progress::for_new_leader(10), 11, 0, kProbe, false);
  check(Progress::for_new_leader(0), 1, 0, kProbe, false);
}

TEST_CASE("progress: sent_entries pauses a probe and moves a stream forward") {
  SUBCASE("probe: one request outstanding, next_index stays") {
    Progress p = make(7, 3, kProbe);
    CHECK_FALSE(p.paused());
    p.sent_entries(4);
    check(p, 7, 3, kProbe, true);
    CHECK(p.paused());
  }
  SUBCASE("replicate: next_index moves past what was sent, never paused") {
    Progress p = make(7, 6, kReplicate);
    p.sent_entries(4);
    check(p, 11, 6, kReplicate, false);
    CHECK_FALSE(p.paused());
    p.sent_entries(0);  // a heartbeat with no entries
    check(p, 11, 6, kReplicate, false);
  }
}

TEST_CASE("progress: maybe_update on a successful reply") {
  SUBCASE("the reply to a probe: matchIndex found, stream from just after it") {
    Progress p = make(11, 0, kProbe, true);
    CHECK(p.maybe_update(10));
    check(p, 11, 10, kReplicate, false);
  }
  SUBCASE("probing, a success from an older, shorter request: matchIndex grows, stream from it") {
    Progress p = make(9, 2, kProbe, true);
    CHECK(p.maybe_update(5));
    check(p, 6, 5, kReplicate, false);
  }
  SUBCASE("streaming: matchIndex grows, next_index already ahead stays") {
    Progress p = make(19, 10, kReplicate);
    CHECK(p.maybe_update(14));
    check(p, 19, 14, kReplicate, false);
  }
  SUBCASE("a reply beyond next_index moves next_index past it") {
    Progress p = make(12, 10, kReplicate);
    CHECK(p.maybe_update(15));
    check(p, 16, 15, kReplicate, false);
  }
  SUBCASE("replies out of order: the older one changes nothing") {
    Progress p = make(11, 10, kReplicate);
    p.sent_entries(4);  // 11..14
    p.sent_entries(4);  // 15..18
    check(p, 19, 10, kReplicate, false);
    CHECK(p.maybe_update(18));
    CHECK_FALSE(p.maybe_update(14));
    check(p, 19, 18, kReplicate, false);
  }
  SUBCASE("a duplicated reply changes nothing") {
    Progress p = make(19, 18, kReplicate);
    CHECK_FALSE(p.maybe_update(18));
    check(p, 19, 18, kReplicate, false);
  }
  SUBCASE("an old success reaching a probing leader still ends the probe, from matchIndex") {
    Progress p = make(9, 5, kProbe, true);
    CHECK_FALSE(p.maybe_update(3));
    check(p, 6, 5, kReplicate, false);
  }
}

TEST_CASE("progress: maybe_decrease_to on a rejection") {
  SUBCASE("the reply to the outstanding probe: next_index goes to the hint, probe again") {
    Progress p = make(11, 0, kProbe, true);
    CHECK(p.maybe_decrease_to(10, 7));
    check(p, 7, 0, kProbe, false);
    CHECK_FALSE(p.paused());
  }
  SUBCASE("the hint is kept above matchIndex") {
    Progress p = make(11, 4, kProbe, true);
    CHECK(p.maybe_decrease_to(10, 2));
    check(p, 5, 4, kProbe, false);
  }
  SUBCASE("the hint is kept at or below the rejected prevLogIndex (at least one step back)") {
    Progress p = make(11, 4, kProbe, true);
    CHECK(p.maybe_decrease_to(10, 15));
    check(p, 10, 4, kProbe, false);
  }
  SUBCASE("probing: a rejection of an earlier probe is stale") {
    Progress p = make(7, 0, kProbe, true);
    CHECK_FALSE(p.maybe_decrease_to(10, 3));  // answers the probe at prev 10, already superseded
    check(p, 7, 0, kProbe, true);
    CHECK_FALSE(p.maybe_decrease_to(4, 3));  // prev 4 was never the outstanding probe (prev 6 is)
    check(p, 7, 0, kProbe, true);
  }
  SUBCASE("a rejection at or below matchIndex is stale") {
    Progress p = make(19, 10, kReplicate);
    CHECK_FALSE(p.maybe_decrease_to(10, 1));
    CHECK_FALSE(p.maybe_decrease_to(3, 1));
    check(p, 19, 10, kReplicate, false);
  }
  SUBCASE("streaming: a fresh rejection falls back to probing") {
    Progress p = make(20, 5, kReplicate);
    CHECK(p.maybe_decrease_to(12, 8));
    check(p, 8, 5, kProbe, false);
  }
}

TEST_CASE("progress: become_probe and become_replicate") {
  Progress p = make(20, 7, kReplicate);
  p.become_probe();
  check(p, 20, 7, kProbe, false);  // next_index kept: it is above matchIndex
  p.sent_entries(3);
  CHECK(p.paused());
  p.become_replicate();
  check(p, 8, 7, kReplicate, false);  // stream from just after matchIndex
}
