// The Cluster as a mirror of a live cluster (issue 10): see Cluster::observe() in cluster.h.
#include <algorithm>
#include <cstdio>

#include "core/sim/cluster.h"

namespace raft::sim {

namespace {

// How long a message in flight is drawn to take: a live stream says when a message was sent and
// when it arrived, not in advance. Loopback takes well under a millisecond.
constexpr Time kMirrorLatencyUs = 1000;

bool node_event_of(const TraceEvent& e, NodeEvent& out) {
  out = NodeEvent{NodeEvent::Kind::Role, e.node};
  switch (e.kind) {
    case TraceKind::Role: out.kind = NodeEvent::Kind::Role; out.term = e.term; out.role = e.role(); return true;
    case TraceKind::Term: out.kind = NodeEvent::Kind::NewTerm; out.term = e.term; return true;
    case TraceKind::Vote: out.kind = NodeEvent::Kind::Vote; out.term = e.term; out.voted_for = e.voted_for(); return true;
    case TraceKind::Append: out.kind = NodeEvent::Kind::Append; out.term = e.term; out.index = e.index(); return true;
    case TraceKind::Apply: out.kind = NodeEvent::Kind::Apply; out.term = e.term; out.index = e.index(); return true;
    case TraceKind::Truncate: out.kind = NodeEvent::Kind::Truncate; out.index = e.index(); return true;
    case TraceKind::Commit:
      out.kind = NodeEvent::Kind::Commit;
      out.index = e.index();
      out.role = e.by_leader() ? Role::Leader : Role::Follower;
      return true;
    case TraceKind::Snapshot: out.kind = NodeEvent::Kind::Snapshot; out.term = e.term; out.index = e.index(); return true;
    case TraceKind::Install:
      out.kind = NodeEvent::Kind::Install;
      out.term = e.term;
      out.index = e.index();
      out.kept_suffix = e.kept_suffix();
      return true;
    case TraceKind::Config: out.kind = NodeEvent::Kind::Config; out.index = e.index(); return true;
    default: return false;
  }
}

std::string misfit(const Node& node, const NodeEvent& e) {
  const Log& log = node.log();
  const std::string who = node_name(node.id());
  const std::string held = " (its log holds " + std::to_string(log.first_index()) + ".." + std::to_string(log.last_index()) + ")";
  switch (e.kind) {
    case NodeEvent::Kind::Append: return who + " appended index " + std::to_string(e.index) + ", which does not extend its log" + held;
    case NodeEvent::Kind::Truncate: return who + " truncated from index " + std::to_string(e.index) + ", outside its log" + held;
    case NodeEvent::Kind::Commit: return who + " committed index " + std::to_string(e.index) + ", beyond its log" + held;
    case NodeEvent::Kind::Apply: return who + " applied index " + std::to_string(e.index) + ", beyond its log" + held;
    default: return who + " took a snapshot through index " + std::to_string(e.index) + " that its log does not hold" + held;
  }
}

}  // namespace

bool Cluster::observe(const Observed& o, ObserveProblem* problem) {
  const TraceEvent& e = o.e;
  now_ = std::max(now_, e.t);
  const auto refuse = [&](std::string why) {
    if (problem) *problem = ObserveProblem{now_, why + ": lines of the stream are missing, so the record was skipped."};
    return false;
  };
  const bool about_node = e.node >= 0 && e.node < size();
  NodeEvent ne;
  if (node_event_of(e, ne)) {
    if (!about_node) return refuse("a record names server " + node_name(e.node) + " of a " + std::to_string(size()) + "-server cluster");
    Node& node = nodes_[e.node];
    if (!node.mirror_fits(ne)) return refuse(misfit(node, ne));
    node.mirror(ne, o.cmd, o.config);
    for (const NodeEvent& done : node.events()) record_node_event(node, done);
    node.clear_output();
    if (e.kind == TraceKind::Role || e.kind == TraceKind::Term) update_leaderless();
    return true;
  }
  switch (e.kind) {
    case TraceKind::Send:
    case TraceKind::Deliver:
    case TraceKind::Drop: {
      if (e.from < 0 || e.from >= size() || e.to < 0 || e.to >= size()) return refuse("a message between servers the cluster does not have");
      const auto type = static_cast<size_t>(e.message_type());
      trace_->add(e);
      if (e.kind == TraceKind::Send) {
        ++metrics_.sent[type];
        if (!up_[e.to]) {
          // The receiver is down: the sender's stream says it sent, and nothing will arrive.
          ++metrics_.dropped;
          trace_->add(TraceEvent::drop(now_, e.id, e.message_summary(), DropReason::Down));
          return true;
        }
        const auto early = std::find(mirror_early_.begin(), mirror_early_.end(), e.id);
        if (early != mirror_early_.end()) {
          mirror_early_.erase(early);  // its deliver (or drop) came first: it is not in flight
          return true;
        }
        network_.push_copy(now_, now_ + kMirrorLatencyUs, e.id, e.message_summary());
        return true;
      }
      if (!network_.remove(e.id)) {
        // The receiver's line came before the sender's (their streams are apart, and a slow
        // sender's batch can come later than the reader holds records back for).
        mirror_early_.push_back(e.id);
        if (mirror_early_.size() > kMirrorEarlyMax) mirror_early_.erase(mirror_early_.begin());
      }
      if (e.kind == TraceKind::Drop) {
        ++metrics_.dropped;
        return true;
      }
      ++metrics_.delivered[type];
      Node& to = nodes_[e.to];
      if (e.message_type() == MessageType::AppendEntries || e.message_type() == MessageType::InstallSnapshot) {
        to.mirror_leader(e.from, e.term);
      } else if (e.message_type() == MessageType::RequestVoteResponse) {
        to.mirror_vote_reply(e.from, e.term, e.vote_granted());
      } else if (e.message_type() == MessageType::AppendEntriesResponse && e.success()) {
        to.mirror_progress(e.from, e.match_index());
      }
      return true;
    }
    case TraceKind::Crash: {
      if (!about_node) return refuse("a crash of a server the cluster does not have");
      if (!up_[e.node]) return true;
      up_[e.node] = false;
      // What it had sent and not yet delivered, and what was on its way to it, is lost with it.
      std::vector<MessageId> lost;
      network_.for_each_in_flight([&](const InFlight& f) {
        if (f.msg.to == e.node || f.msg.from == e.node) lost.push_back(f.id);
      });
      for (MessageId id : lost) network_.remove(id);
      trace_->add(TraceEvent::crash(now_, e.node));
      leader_dirty_ = true;
      update_leaderless();
      return true;
    }
    case TraceKind::Restart: {
      if (!about_node) return refuse("a restart of a server the cluster does not have");
      if (o.state) {
        if (!mirror_live_) {
          // The first hello: a live cluster's streams, each server described by its own hello.
          mirror_live_ = true;
          NodeMask all = 0;
          for (NodeId n = 0; n < size(); ++n) all |= node_bit(n);
          checker_.set_undescribed(all);
        }
        observe_restart(e.node, *o.state, true);
      } else {
        // Back from its own disk: volatile state starts over (Figure 2), from the snapshot if any.
        const Node& was = nodes_[e.node];
        const LogIndex base = was.log().snapshot_index();
        observe_restart(e.node, Node::MirrorState{was.disk(), base, base, Role::Follower}, false);
      }
      return true;
    }
    case TraceKind::Partition: {
      const PartitionGroups g = e.partition_groups();
      for (NodeId a = 0; a < size(); ++a) {
        for (NodeId b = 0; b < size(); ++b) {
          if (a != b) network_.set_link(a, b, a < g.nodes && b < g.nodes && g.group_of[a] == g.group_of[b]);
        }
      }
      trace_->add(e);
      return true;
    }
    case TraceKind::Cut:
    case TraceKind::Uncut:
      if (e.from < 0 || e.from >= size() || e.to < 0 || e.to >= size() || e.from == e.to) return refuse("a link between servers the cluster does not have");
      network_.set_link(e.from, e.to, e.kind == TraceKind::Uncut);
      if (!e.one_way()) network_.set_link(e.to, e.from, e.kind == TraceKind::Uncut);
      trace_->add(e);
      return true;
    case TraceKind::Heal:
      network_.heal_links();
      trace_->add(e);
      return true;
    default:
      // Timeouts, transfers, notes, settings: shown in the event log, nothing to mirror.
      trace_->add(e);
      return true;
  }
}

void Cluster::observe_restart(NodeId n, Node::MirrorState state, bool resync) {
  const Config config = nodes_[n].config();
  const LogIndex commit = state.commit_index, applied = state.last_applied;
  const Role role = state.role;
  nodes_[n] = Node::mirrored(config, std::move(state));
  const Node& node = nodes_[n];
  up_[n] = true;
  if (resync) {
    if (checking_ && !checker_.resync(now_, n, node.disk(), commit, applied, role)) {
      checking_ = false;
      char at[32];
      std::snprintf(at, sizeof at, "%.3f s", static_cast<double>(now_) / 1e6);
      unchecked_why_ = "The checker stopped at " + std::string(at) + ": " + node_name(n) +
                       "'s log starts at a snapshot through index " + std::to_string(node.log().snapshot_index()) +
                       ", of entries committed before the lab attached, so its log cannot be compared with the others'. "
                       "Attach to a cluster from its start to check it all along.";
    }
  } else {
    checker_.on_restart(n, node.commit_index());
  }
  checker_.set_configuration(n, node.configuration_index(), node.configuration());
  metrics_.max_term = std::max(metrics_.max_term, node.current_term());
  trace_->add(TraceEvent::restart(now_, n));
  if (resync) trace_->add(TraceEvent::role(now_, n, node.role(), node.current_term()));
  leader_dirty_ = true;
  update_leaderless();
}

}  // namespace raft::sim
