#include "shell/raftd/events.h"

#include <time.h>

#include <vector>

namespace raft::raftd {

using sim::TraceEvent;

EventStream::EventStream() { trace_.set_window(4096); }

Time EventStream::stamp() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<Time>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

void EventStream::add(const TraceEvent& e) {
  trace_.add(e);
  trace_.write_event(pending_, trace_.events().back(), ops_);  // ends the line
}

uint32_t EventStream::intern(LogIndex index, Term term, const CommandRef& cmd) {
  const auto long_text = [](const std::string& t) { return t.size() > kShownBytesMax; };
  if (!long_text(cmd->key) && !long_text(cmd->value) && !long_text(cmd->expect)) return trace_.intern_command(index, term, cmd);
  Command shown = *cmd;
  for (std::string* t : {&shown.key, &shown.value, &shown.expect}) {
    if (long_text(*t)) *t = t->substr(0, 64) + "...(" + std::to_string(t->size()) + " bytes)";
  }
  return trace_.intern_command(index, term, CommandRef(std::move(shown)));
}

void EventStream::node_events(const Node& node) {
  if (!active()) return;
  const Time t = stamp();
  for (const NodeEvent& e : node.events()) {
    switch (e.kind) {
      case NodeEvent::Kind::Role: add(TraceEvent::role(t, e.node, e.role, e.term)); break;
      case NodeEvent::Kind::NewTerm: add(TraceEvent::new_term(t, e.node, e.term)); break;
      case NodeEvent::Kind::Vote: add(TraceEvent::vote(t, e.node, e.term, e.voted_for)); break;
      case NodeEvent::Kind::Append:
      case NodeEvent::Kind::Apply: {
        // An entry applied may have been compacted into a snapshot in the same step.
        const bool held = e.index > node.log().snapshot_index() && e.index <= node.log().last_index();
        const uint32_t ref = intern(e.index, e.term, held ? node.log().at(e.index).cmd : CommandRef());
        add(e.kind == NodeEvent::Kind::Append ? TraceEvent::append(t, e.node, e.index, e.term, ref)
                                              : TraceEvent::apply(t, e.node, e.index, e.term, ref));
        break;
      }
      case NodeEvent::Kind::Truncate: add(TraceEvent::truncate(t, e.node, e.index)); break;
      case NodeEvent::Kind::Commit: add(TraceEvent::commit(t, e.node, e.index, e.role == Role::Leader)); break;
      case NodeEvent::Kind::Config: add(TraceEvent::config(t, e.node, e.index, node.configuration_at(e.index))); break;
      case NodeEvent::Kind::Snapshot: add(TraceEvent::snapshot(t, e.node, e.index, e.term)); break;
      case NodeEvent::Kind::Install: add(TraceEvent::install(t, e.node, e.index, e.term, e.kept_suffix)); break;
    }
  }
}

void EventStream::publish() {
  if (pending_.empty()) return;
  std::string lines;
  lines.swap(pending_);
  // A sink may unsubscribe itself (a reader falling behind): go by handle, not by iterator.
  std::vector<int> handles;
  for (const auto& [handle, sink] : sinks_) handles.push_back(handle);
  for (int h : handles) {
    auto it = sinks_.find(h);
    if (it == sinks_.end()) continue;
    const Sink sink = it->second;  // it may unsubscribe itself while it runs
    sink(lines);
  }
}

int EventStream::subscribe(const Node& node, int cluster_size, Sink sink) {
  publish();  // what came before belongs to the earlier subscribers only
  const Time t = stamp();
  const NodeId n = node.id();
  const Log& log = node.log();
  std::string lines = "{\"t\":" + std::to_string(t) + ",\"ev\":\"hello\",\"node\":\"s" + std::to_string(n + 1) +
                      "\",\"servers\":" + std::to_string(cluster_size) + "}\n";
  std::swap(lines, pending_);
  add(TraceEvent::new_term(t, n, node.current_term()));
  if (node.voted_for() != kNoNode) add(TraceEvent::vote(t, n, node.current_term(), node.voted_for()));
  if (log.snapshot_index() > 0) add(TraceEvent::snapshot(t, n, log.snapshot_index(), log.snapshot_term()));
  add(TraceEvent::config(t, n, node.configuration_index(), node.configuration()));
  for (LogIndex i = log.first_index(); i <= log.last_index(); ++i) {
    add(TraceEvent::append(t, n, i, log.at(i).term, intern(i, log.at(i).term, log.at(i).cmd)));
  }
  add(TraceEvent::commit(t, n, node.commit_index(), node.role() == Role::Leader));
  if (node.last_applied() > log.snapshot_index()) {
    const LogIndex a = node.last_applied();
    add(TraceEvent::apply(t, n, a, log.at(a).term, intern(a, log.at(a).term, log.at(a).cmd)));
  }
  add(TraceEvent::role(t, n, node.role(), node.current_term()));
  std::swap(lines, pending_);
  sink(lines);
  const int h = next_handle_++;
  sinks_.emplace(h, std::move(sink));
  return h;
}

}  // namespace raft::raftd
