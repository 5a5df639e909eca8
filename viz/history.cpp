#include "viz/history.h"

#include <algorithm>

namespace raft::viz {

namespace {
constexpr Time kCommitMarkerMergeUs = 20'000;
}  // namespace

History::History(size_t events_max) {
  events_.set_window(events_max);
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

bool History::Replication::keep(const sim::TraceEvent& e) {
  using sim::TraceKind;
  if (e.kind != TraceKind::Send && e.kind != TraceKind::Deliver) return false;
  if (e.from < 0 || e.to < 0 || e.from >= kNodesMax || e.to >= kNodesMax) return false;
  const MessageType type = e.message_type();
  if (e.kind == TraceKind::Send) return type == MessageType::AppendEntries && e.entry_count() > 0;
  if (type == MessageType::InstallSnapshotResponse && e.installed()) {  // moves matchIndex too (not told here)
    LogIndex& told = match_told[static_cast<size_t>(e.to) * kNodesMax + static_cast<size_t>(e.from)];
    told = std::max(told, e.covered_index());
    return false;
  }
  if (type != MessageType::AppendEntriesResponse) return false;
  if (!e.success()) return true;
  LogIndex& told = match_told[static_cast<size_t>(e.to) * kNodesMax + static_cast<size_t>(e.from)];
  if (e.match_index() <= told) return false;  // a leader's matchIndex only grows (a reordered reply changes nothing)
  told = e.match_index();
  return true;
}

void History::Replication::seed(const sim::Cluster& c) {
  match_told.fill(0);
  for (NodeId l = 0; l < c.size() && l < kNodesMax; ++l) {
    if (!c.up(l) || c.node(l).role() != Role::Leader) continue;
    for (NodeId f = 0; f < c.size() && f < kNodesMax; ++f) {
      if (f != l) match_told[static_cast<size_t>(l) * kNodesMax + static_cast<size_t>(f)] = c.node(l).progress(f).match_index;
    }
  }
}

void History::Replication::new_leader(NodeId n) {
  if (n < 0 || n >= kNodesMax) return;
  std::fill_n(match_told.begin() + static_cast<std::ptrdiff_t>(n) * kNodesMax, kNodesMax, LogIndex{0});
}

void History::reset() {
  replication_ = Replication{};
  events_.start_at(0);
  markers_.clear();
  scanned_ = 0;
  last_raw_ = sim::TraceEvent{};
  end_seen_ = 0;
  commit_max_ = 0;
  role_.fill(Role::Follower);
  close_page();
  ++generation_;
}

void History::load_page(const sim::Lab& lab, Time from, Time to) {
  page_ = sim::TraceEvents{};
  page_.set_window(kPageEventsMax);  // the latest ones, nearest `to`
  std::array<Role, kNodesMax> roles{};
  Replication replication;
  lab.replay_events(
      from, to,
      [&](const sim::Cluster& c) {
        roles.fill(Role::Follower);
        replication.seed(c);
        for (NodeId n = 0; n < c.size() && n < kNodesMax; ++n) roles[static_cast<size_t>(n)] = c.node(n).role();
      },
      [&](const sim::TraceEvent& e, const sim::Cluster& c) {
        if (e.kind == sim::TraceKind::Role && e.node >= 0 && e.node < kNodesMax) roles[static_cast<size_t>(e.node)] = e.role();
        if (e.kind == sim::TraceKind::Role && e.role() == Role::Leader) replication.new_leader(e.node);
        if (keeps(e.kind) || replication.keep(e)) page_.push_back(with_origin(e, roles));
        if (e.kind == sim::TraceKind::Invoke || e.kind == sim::TraceKind::Return) page_ops_ = c.client_ops();  // a pointer per chunk
      });
  paged_ = true;
  page_from_ = page_.first() > 0 ? page_.front().t : from;
  page_to_ = std::min(to, lab.computed_until());
  ++generation_;
}

void History::close_page() {
  if (!paged_) return;
  paged_ = false;
  page_ = sim::TraceEvents{};
  page_ops_ = sim::ClientOps{};
  ++generation_;
}

sim::TraceEvent History::with_origin(const sim::TraceEvent& e, const std::array<Role, kNodesMax>& roles) {
  if (e.kind != sim::TraceKind::Commit) return e;
  const bool by_leader = e.node >= 0 && e.node < kNodesMax && roles[static_cast<size_t>(e.node)] == Role::Leader;
  return sim::TraceEvent::commit(e.t, e.node, e.index(), by_leader);
}

void History::update(const sim::Lab& lab) {
  const auto& ev = lab.cluster().trace().events();
  if (lab.end_time() < end_seen_ ||
      (scanned_ > ev.first() && ev.size() >= scanned_ && ev[scanned_ - 1] != last_raw_)) {
    resync(lab);
  }
  end_seen_ = lab.end_time();
  if (ev.size() <= scanned_) return;
  // Events older than the trace's window are gone: the front end reads the trace often enough
  // (every frame, and between slices of a long move) that this does not happen.
  for (size_t i = std::max(scanned_, ev.first()); i < ev.size(); ++i) add(ev[i]);
  scanned_ = ev.size();
  last_raw_ = ev.empty() ? sim::TraceEvent{} : ev.back();
}

void History::resync(const sim::Lab& lab) {
  const Time t = lab.cluster().now();
  truncate_from(t);
  // Roles as the cluster has them now (the kept events may not reach back to every election).
  const sim::Cluster& c = lab.cluster();
  for (NodeId n = 0; n < c.size() && n < kNodesMax; ++n) role_[static_cast<size_t>(n)] = c.node(n).role();
  const auto& ev = lab.cluster().trace().events();
  auto it = std::lower_bound(ev.begin(), ev.end(), t, [](const sim::TraceEvent& e, Time v) { return e.t < v; });
  scanned_ = ev.first() + static_cast<size_t>(it - ev.begin());
  last_raw_ = scanned_ > ev.first() ? ev[scanned_ - 1] : sim::TraceEvent{};
  end_seen_ = lab.end_time();
  close_page();
  ++generation_;
}

void History::truncate_from(Time t) {
  // Re-read from t: acceptances are told again from scratch (at worst one line twice, never one missing).
  replication_ = Replication{};
  auto e = std::lower_bound(events_.begin(), events_.end(), t, [](const sim::TraceEvent& x, Time v) { return x.t < v; });
  events_.resize_down(events_.first() + static_cast<size_t>(e - events_.begin()));
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
  e = with_origin(e, role_);
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
  if (e.kind == TraceKind::Role && e.role() == Role::Leader) replication_.new_leader(e.node);  // its matchIndex[] starts at 0
  if (!keeps(e.kind) && !replication_.keep(e)) return;
  const size_t first = events_.first();
  events_.push_back(e);
  if (events_.first() != first) ++generation_;  // the oldest chunk went: derived indexes rebuild
}

}  // namespace raft::viz
