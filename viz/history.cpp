#include "viz/history.h"

#include <algorithm>

namespace raft::viz {

namespace {
constexpr Time kCommitMarkerMergeUs = 20'000;
}  // namespace

History::History() {
  events_.reserve(1 << 14);
  markers_.reserve(1 << 12);
}

bool History::keeps(sim::TraceKind k) {
  using sim::TraceKind;
  switch (k) {
    case TraceKind::Send:
    case TraceKind::Deliver:
    case TraceKind::Append:
    case TraceKind::Apply: return false;
    default: return true;
  }
}

void History::reset() {
  events_.clear();
  markers_.clear();
  scanned_ = 0;
  last_raw_ = sim::TraceEvent{};
  end_seen_ = 0;
  commit_max_ = 0;
  role_.fill(Role::Follower);
  forgotten_ = 0;
  ++generation_;
}

void History::update(const sim::Lab& lab) {
  const auto& ev = lab.cluster().trace().events();
  if (lab.end_time() < end_seen_ || (scanned_ > 0 && ev.size() >= scanned_ && ev[scanned_ - 1] != last_raw_)) {
    resync(lab);
  }
  end_seen_ = lab.end_time();
  if (ev.size() <= scanned_) return;
  for (size_t i = scanned_; i < ev.size(); ++i) add(ev[i]);
  scanned_ = ev.size();
  last_raw_ = ev.back();
}

void History::resync(const sim::Lab& lab) {
  const Time t = lab.cluster().now();
  truncate_from(t);
  const auto& ev = lab.cluster().trace().events();
  auto it = std::lower_bound(ev.begin(), ev.end(), t, [](const sim::TraceEvent& e, Time v) { return e.t < v; });
  scanned_ = static_cast<size_t>(it - ev.begin());
  last_raw_ = scanned_ > 0 ? ev[scanned_ - 1] : sim::TraceEvent{};
  end_seen_ = lab.end_time();
  ++generation_;
}

void History::truncate_from(Time t) {
  auto e = std::lower_bound(events_.begin(), events_.end(), t, [](const sim::TraceEvent& x, Time v) { return x.t < v; });
  events_.erase(e, events_.end());
  auto m = std::lower_bound(markers_.begin(), markers_.end(), t, [](const Marker& x, Time v) { return x.t < v; });
  markers_.erase(m, markers_.end());
  role_.fill(Role::Follower);
  for (const sim::TraceEvent& x : events_) {
    if (x.kind == sim::TraceKind::Role && x.node >= 0 && x.node < kNodesMax) role_[static_cast<size_t>(x.node)] = x.role();
  }
  commit_max_ = 0;
  for (const Marker& k : markers_) {
    if (k.kind == MarkerKind::Commit) commit_max_ = std::max<LogIndex>(commit_max_, k.value);
  }
}

void History::add(sim::TraceEvent e) {
  using sim::TraceKind;
  if (e.kind == TraceKind::Role && e.node >= 0 && e.node < kNodesMax) role_[static_cast<size_t>(e.node)] = e.role();
  if (e.kind == TraceKind::Commit) {
    const bool by_leader = e.node >= 0 && e.node < kNodesMax && role_[static_cast<size_t>(e.node)] == Role::Leader;
    e = sim::TraceEvent::commit(e.t, e.node, e.index(), by_leader);
  }
  Marker m;
  m.t = e.t;
  m.node = e.node;
  bool marker = true;
  switch (e.kind) {
    case TraceKind::Role:
      if (e.role() == Role::Leader) {
        m.kind = MarkerKind::Leader;
        m.value = e.term;
      } else if (e.role() == Role::Candidate) {
        m.kind = MarkerKind::Candidate;
        m.value = e.term;
      } else {
        marker = false;
      }
      break;
    case TraceKind::Crash: m.kind = MarkerKind::Crash; break;
    case TraceKind::Restart: m.kind = MarkerKind::Restart; break;
    case TraceKind::Partition:
    case TraceKind::Cut: m.kind = MarkerKind::Partition; break;
    case TraceKind::Heal:
    case TraceKind::Uncut: m.kind = MarkerKind::Heal; break;
    case TraceKind::Drop:
      m.kind = MarkerKind::Drop;
      m.node = e.from;
      marker = e.drop_reason() == sim::DropReason::User;
      break;
    case TraceKind::Commit:
      marker = false;
      if (e.index() > commit_max_) {
        commit_max_ = e.index();
        // One marker per burst of commits; on long runs, bursts widen so the timeline keeps a few
        // thousand commit markers at most.
        const Time merge = std::max<Time>(kCommitMarkerMergeUs, e.t / 4000);
        if (!markers_.empty() && markers_.back().kind == MarkerKind::Commit && e.t - markers_.back().t < merge) {
          markers_.back().value = e.index();
        } else {
          m.kind = MarkerKind::Commit;
          m.value = e.index();
          marker = true;
        }
      }
      break;
    default: marker = false; break;
  }
  if (marker) markers_.push_back(m);
  if (!keeps(e.kind)) return;
  if (events_.size() >= kEventsMax) {
    const size_t half = events_.size() / 2;
    events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(half));
    forgotten_ += half;
    ++generation_;
  }
  events_.push_back(e);
}

}  // namespace raft::viz
