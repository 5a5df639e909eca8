// The trace's chunked event store and its JSON rendering.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/sim/trace.h"

using namespace raft;
using namespace raft::sim;

TEST_CASE("trace events: chunked storage indexes, rewinds across chunk boundaries and searches like a vector") {
  constexpr size_t k = TraceEvents::kChunkEvents;
  TraceEvents ev;
  auto event = [](size_t i) {
    TraceEvent e;
    e.t = static_cast<Time>(i * 10);
    e.id = i;
    return e;
  };
  for (size_t i = 0; i < 2 * k + 5; ++i) ev.push_back(event(i));
  CHECK(ev.size() == 2 * k + 5);
  CHECK(ev[k].id == k);
  CHECK(ev.back().id == 2 * k + 4);
  auto it = std::lower_bound(ev.begin(), ev.end(), static_cast<Time>((k + 3) * 10), [](const TraceEvent& e, Time v) { return e.t < v; });
  CHECK(it - ev.begin() == static_cast<std::ptrdiff_t>(k + 3));
  for (size_t n : {2 * k, k + 1, k, size_t{1}, size_t{0}}) {
    CAPTURE(n);
    ev.resize_down(n);
    CHECK(ev.size() == n);
    ev.push_back(event(n));
    CHECK(ev.size() == n + 1);
    CHECK(ev[n].id == n);
    if (n > 0) CHECK(ev[n - 1].id == n - 1);
    ev.resize_down(n);
  }
  size_t count = 0;
  for (const TraceEvent& e : ev) count += e.id == 0 ? 1 : 0;
  CHECK(count == 0);  // empty after the last resize
}

TEST_CASE("trace: rewinding to a mark restores the events, the command table and the hash") {
  Trace t;
  Command c;
  c.op = Op::Put;
  c.key = "x";
  c.value = "1";
  TraceEvent e;
  e.kind = TraceKind::Append;
  e.ref = t.intern_command(1, 1, c);
  t.add(e);
  const Trace::Mark m = t.mark();
  const uint64_t h = t.hash();
  for (int i = 0; i < 40000; ++i) t.add(e);
  c.value = "2";
  CHECK(t.intern_command(2, 1, c) == 1);
  t.rewind(m);
  CHECK(t.size() == 1);
  CHECK(t.hash() == h);
  CHECK(t.intern_command(2, 1, c) == 1);  // the table was cut back too
  std::string out;
  t.write_event(out, t.events()[0], {});
  CHECK(out == "{\"t\":0,\"ev\":\"append\",\"node\":\"none\",\"index\":0,\"term\":0,\"cmd\":{\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"client\":\"c0\",\"seq\":0}}\n");
}
