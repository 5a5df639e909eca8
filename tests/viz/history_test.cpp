// The UI's record of the run: markers for the timeline, events for the event log, and how both
// follow time travel (seeking back keeps them; a fork cuts them at the fork's moment).
#include "viz/history.h"

#include <doctest/doctest.h>

#include "viz/commands.h"
#include "viz/words.h"

namespace raft::viz {
namespace {

size_t count(const History& h, MarkerKind k) {
  size_t n = 0;
  for (const Marker& m : h.markers()) n += m.kind == k ? 1 : 0;
  return n;
}

TEST_CASE("markers record elections, crashes, partitions and commits; no sends or appends are kept") {
  sim::Lab lab(default_config());
  lab.apply(sim::make::client_load(true, 20));
  History h;
  lab.run_for(2'000'000);
  h.update(lab);
  CHECK(count(h, MarkerKind::Leader) >= 1);
  CHECK(count(h, MarkerKind::Commit) >= 1);
  lab.apply(sim::make::crash_leader());
  lab.apply(sim::make::isolate(0, 5));
  lab.run_for(1'000'000);
  lab.apply(sim::make::heal());
  lab.run_for(100'000);
  h.update(lab);
  CHECK(count(h, MarkerKind::Crash) == 1);
  CHECK(count(h, MarkerKind::Partition) == 1);
  CHECK(count(h, MarkerKind::Heal) == 1);
  for (const sim::TraceEvent& e : h.events()) {
    CHECK(History::keeps(e.kind));
    CHECK(e.kind != sim::TraceKind::Send);
  }
  // Markers are in time order.
  for (size_t i = 1; i < h.markers().size(); ++i) CHECK(h.markers()[i - 1].t <= h.markers()[i].t);
  // Every kept event reads as a sentence.
  char buf[320];
  for (const sim::TraceEvent& e : h.events()) {
    CHECK(describe_event(buf, sizeof buf, e, lab.cluster().trace(), lab.cluster().client_ops()) > 5);
  }
}

TEST_CASE("seeking back keeps the whole history; a fork cuts it at the fork") {
  sim::Lab lab(default_config());
  lab.apply(sim::make::client_load(true, 20));
  History h;
  lab.run_for(1'000'000);
  lab.apply(sim::make::crash(2));
  lab.run_for(2'000'000);
  h.update(lab);
  const size_t events = h.events().size();
  REQUIRE(count(h, MarkerKind::Crash) == 1);

  lab.seek(500'000);
  h.update(lab);
  CHECK(h.events().size() == events);  // the future is still shown on the timeline
  CHECK(count(h, MarkerKind::Crash) == 1);

  // Replaying forward does not duplicate anything.
  lab.seek(lab.end_time());
  h.update(lab);
  CHECK(h.events().size() == events);

  // A command in the past forks: the recorded crash at 1 s is gone, the new heal is there.
  lab.seek(500'000);
  const uint64_t gen = h.generation();
  lab.apply(sim::make::heal());
  h.update(lab);  // notices the fork by itself (the recorded future shrank)
  CHECK(h.generation() != gen);
  CHECK(count(h, MarkerKind::Crash) == 0);
  CHECK(count(h, MarkerKind::Heal) == 1);
  for (const sim::TraceEvent& e : h.events()) CHECK(e.t <= 500'000);
  lab.run_for(1'000'000);
  h.update(lab);
  CHECK(h.events().back().t > 500'000);
  CHECK(count(h, MarkerKind::Crash) == 0);
}

TEST_CASE("every trace event kind has words") {
  sim::Lab lab(default_config());
  lab.apply(sim::make::client_load(true, 50));
  lab.run_for(1'500'000);
  lab.apply(sim::make::cut(0, 1));
  lab.apply(sim::make::set_latency(5'000, 30'000));
  lab.apply(sim::make::timeout(lab.cluster().leader() == 0 ? 1 : 0));
  lab.apply(sim::make::crash(3));
  lab.run_for(500'000);
  lab.apply(sim::make::restart(3));
  lab.run_for(500'000);
  bool seen[32] = {};
  char buf[320];
  for (const sim::TraceEvent& e : lab.cluster().trace().events()) {
    seen[static_cast<int>(e.kind)] = true;
    const int n = describe_event(buf, sizeof buf, e, lab.cluster().trace(), lab.cluster().client_ops());
    CHECK(n > 5);
    CHECK(event_category(e) != 0);
  }
  for (sim::TraceKind k : {sim::TraceKind::Role, sim::TraceKind::Term, sim::TraceKind::Vote, sim::TraceKind::Send,
                           sim::TraceKind::Deliver, sim::TraceKind::Append, sim::TraceKind::Commit,
                           sim::TraceKind::Apply, sim::TraceKind::Crash, sim::TraceKind::Restart,
                           sim::TraceKind::Invoke, sim::TraceKind::Return, sim::TraceKind::Cut,
                           sim::TraceKind::Timeout, sim::TraceKind::Network}) {
    CHECK_MESSAGE(seen[static_cast<int>(k)], sim::trace_kind_name(k));
  }
}

}  // namespace
}  // namespace raft::viz
