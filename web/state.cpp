// state(): the session as one plain JS object, for tests and for people in the console. Times are
// virtual microseconds; nodes are named "s1".."sN". A crashed node has role "down": the role it
// had is volatile state the crash lost (what its disk keeps, term, vote and log, is still reported).
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "core/sim/lab.h"
#include "viz/app.h"
#include "viz/history.h"
#include "viz/tour.h"
#include "viz/view_state.h"
#include "web/web.h"

namespace raft::web {

namespace {

using emscripten::val;

val node_or_null(NodeId n) { return n == kNoNode ? val::null() : val(node_name(n)); }
val num(uint64_t v) { return val(static_cast<double>(v)); }

val node_state(const sim::Cluster& c, NodeId i) {
  const Node& n = c.node(i);
  val o = val::object();
  o.set("id", i + 1);
  o.set("name", node_name(i));
  o.set("up", c.up(i));
  o.set("role", c.gone(i) ? std::string("removed") : c.up(i) ? std::string(role_name(n.role())) : std::string("down"));
  // Dissertation ch. 4: the configuration this server uses (the latest in its log, §4.1).
  val voters = val::array(), learners = val::array();
  int v = 0, l = 0;
  for_each_node(n.configuration().voters, [&](NodeId k) { voters.set(v++, node_name(k)); });
  for_each_node(n.configuration().learners, [&](NodeId k) { learners.set(l++, node_name(k)); });
  o.set("voters", voters);
  o.set("learners", learners);
  o.set("configIndex", num(n.configuration_index()));
  o.set("term", num(n.current_term()));
  o.set("votedFor", node_or_null(n.voted_for()));
  o.set("leader", node_or_null(n.leader_id()));
  o.set("commitIndex", num(n.commit_index()));
  o.set("lastApplied", num(n.last_applied()));
  o.set("logLength", num(n.log().last_index()));
  // The terms of the entries the log holds, logFirstIndex..logLength: §7, entries compacted into
  // the snapshot are gone (snapshotIndex and snapshotTerm stand for them), so a long run's state
  // stays small. Without a snapshot logFirstIndex is 1 and log[k - 1] is entry k's term.
  // Embind has no binding for 64-bit integer keys in emcc 3.1.6: index with an unsigned int.
  val terms = val::array();
  const LogIndex first = n.log().first_index();
  for (LogIndex k = first; k <= n.log().last_index(); ++k) terms.set(static_cast<unsigned>(k - first), num(n.log().term_at(k)));
  o.set("log", terms);
  o.set("logFirstIndex", num(first));
  o.set("snapshotIndex", num(n.log().snapshot_index()));
  o.set("snapshotTerm", num(n.log().snapshot_term()));
  o.set("snapshotBytes", num(n.snapshot().size_bytes()));
  return o;
}

val messages_state(const sim::Cluster& c) {
  val messages = val::array();
  int k = 0;
  c.network().for_each_in_flight([&](const sim::InFlight& m) {
    val o = val::object();
    o.set("id", num(m.id));
    o.set("type", std::string(message_type_name(m.msg.type)));
    o.set("from", node_name(m.msg.from));
    o.set("to", node_name(m.msg.to));
    o.set("term", num(m.msg.term));
    o.set("entries", num(m.msg.entries.size()));
    o.set("sentAt", num(static_cast<uint64_t>(m.sent_at)));
    o.set("deliverAt", num(static_cast<uint64_t>(m.deliver_at)));
    o.set("fate", std::string(sim::drop_reason_name(m.fate)));
    messages.set(k++, o);
  });
  return messages;
}

val metrics_state(const sim::Metrics& m) {
  val metrics = val::object();
  metrics.set("elections", num(m.elections));
  metrics.set("maxTerm", num(m.max_term));
  val sent = val::object(), delivered = val::object();
  for (int t = 0; t < kMessageTypes; ++t) {
    const char* name = message_type_name(static_cast<MessageType>(t));
    sent.set(name, num(m.sent[t]));
    delivered.set(name, num(m.delivered[t]));
  }
  metrics.set("sent", sent);
  metrics.set("delivered", delivered);
  metrics.set("dropped", num(m.dropped));
  metrics.set("events", num(m.events));
  metrics.set("opsInvoked", num(m.ops_invoked));
  metrics.set("opsOk", num(m.ops_ok));
  metrics.set("opsFailed", num(m.ops_failed));
  metrics.set("leaderlessUs", num(static_cast<uint64_t>(m.leaderless_us)));
  metrics.set("commitLatencyP50Us", num(static_cast<uint64_t>(m.latency_percentile_us(50))));
  metrics.set("commitLatencyP99Us", num(static_cast<uint64_t>(m.latency_percentile_us(99))));
  return metrics;
}

}  // namespace

std::string trace_hash() {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(app().lab().cluster().trace().hash()));
  return buf;
}

val state() {
  const viz::App& a = app();
  const sim::Lab& lab = a.lab();
  const sim::Cluster& c = lab.cluster();
  val s = val::object();
  s.set("time", num(static_cast<uint64_t>(c.now())));
  s.set("endTime", num(static_cast<uint64_t>(lab.end_time())));
  s.set("computedUntil", num(static_cast<uint64_t>(lab.computed_until())));
  s.set("seeking", a.seeking());
  // Issue 10: a live cluster's session (or a recording's), and whether its connection is open;
  // then checked says whether the checker still runs (it stops on logs it cannot compare).
  s.set("attached", a.attached());
  s.set("attachLive", a.attach_live());
  s.set("recorded", num(a.lab().attached() ? a.lab().recording().size() : 0));
  s.set("checking", c.checking());
  s.set("recordProblems", num(a.lab().attached() ? a.lab().problems().size() : 0));  // records that did not fit
  s.set("eventsDropped", num(app().history().forgotten()));
  s.set("inPast", lab.in_past());
  s.set("paused", a.paused());
  s.set("speed", a.speed());
  s.set("revision", num(a.revision()));
  const NodeId leader = c.leader();
  s.set("leader", node_or_null(leader));
  Term term = 0;
  for (NodeId i = 0; i < c.size(); ++i) term = std::max(term, c.node(i).current_term());
  s.set("term", num(leader != kNoNode ? c.node(leader).current_term() : term));

  val nodes = val::array();
  for (NodeId i = 0; i < c.size(); ++i) nodes.set(i, node_state(c, i));
  s.set("nodes", nodes);
  s.set("messages", messages_state(c));

  val inv = val::object();
  inv.set("ok", c.ok());
  inv.set("property", c.checker().violation().property);
  inv.set("message", c.checker().violation().message);
  s.set("invariants", inv);
  s.set("metrics", metrics_state(c.metrics()));

  // The lab's switches as Settings shows them, and the red banner's text ("" while every unsafe
  // switch is off).
  const Timing& timing = c.config().timing;
  val settings = val::object();
  settings.set("readMode", std::string(read_mode_name(timing.read_mode)));
  for (const TimingSwitch& sw : kTimingSwitches) settings.set(sw.keyword, timing.*(sw.field));
  s.set("settings", settings);
  s.set("unsafeBanner", a.unsafe_banner());

  // Issue 8: what the page holds. The heap grows (never shrinks) to the highest the allocator
  // reached (its top); in use is what is allocated now.
  val memory = val::object();
  memory.set("heapBytes", num(static_cast<uint64_t>(emscripten_get_heap_size())));
  memory.set("heapTopBytes", num(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(sbrk(0)))));
  memory.set("inUseBytes", num(static_cast<uint64_t>(static_cast<unsigned>(mallinfo().uordblks))));
  memory.set("checkpoints", num(lab.checkpoints()));
  memory.set("checkpointIntervalUs", num(static_cast<uint64_t>(lab.checkpoint_interval())));
  memory.set("eventLogKept", num(a.history().events().held()));
  s.set("memory", memory);
  const viz::App::FrameWork fw = a.frame_work();
  val frame = val::object();
  frame.set("p50Ms", fw.p50_ms);
  frame.set("p99Ms", fw.p99_ms);
  frame.set("maxMs", fw.max_ms);
  frame.set("frames", num(fw.frames));
  s.set("frameWork", frame);

  // Issue 11: the timing experiment window, per range as far as it has run.
  const viz::TimingExperimentState& x = a.timing_experiment();
  val experiment = val::object();
  experiment.set("open", x.open);
  experiment.set("running", x.running);
  experiment.set("done", x.done());
  experiment.set("curves", a.timing_experiment_curves());
  val ranges = val::array();
  for (size_t r = 0; r < x.run.ranges.size() && r < x.range; ++r) {
    const sim::DowntimeSummary sum = sim::summarize(x.downtimes[r], x.no_leader[r]);
    val row = val::object();
    row.set("range", sim::format_range(x.run.ranges[r]));
    row.set("trials", sum.trials);
    row.set("noLeader", sum.no_leader);
    row.set("medianUs", num(static_cast<uint64_t>(sum.median_us)));
    row.set("maxUs", num(static_cast<uint64_t>(sum.max_us)));
    ranges.call<void>("push", row);
  }
  experiment.set("ranges", ranges);
  s.set("experiment", experiment);

  s.set("traceHash", trace_hash());
  s.set("traceEvents", num(c.trace().size()));
  s.set("commands", num(lab.log().size()));
  s.set("notice", a.notice());
  s.set("toast", a.toast_text());
  // The text of the scenario's `pause` at the moment shown, where playing stopped ("" if none).
  s.set("moment", viz::pause_text_at(a.lab(), a.lab().cluster().now()));
  return s;
}

}  // namespace raft::web
