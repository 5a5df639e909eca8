// Evaluating scenario checks (`expect ...`): each says, in words, what it found instead.
#include <optional>
#include <string>
#include <variant>

#include "core/sim/scenario.h"

namespace raft::sim {
namespace {

bool compare(uint64_t a, Cmp c, uint64_t b) { return c == Cmp::Eq ? a == b : c == Cmp::Ge ? a >= b : a <= b; }

std::string log_text(const Log& log) {
  if (log.last_index() == 0) return "empty";
  std::string s;
  if (log.snapshot_index() > 0) {
    s = "[snapshot through " + std::to_string(log.snapshot_index()) + ", term " + std::to_string(log.snapshot_term()) + "]";
  }
  for (LogIndex i = log.first_index(); i <= log.last_index(); ++i) {
    if (!s.empty()) s += ' ';
    s += std::to_string(log.at(i).term);
  }
  return s;
}

// "s1 follower in term 3, s2 down, ..." for checks about leadership.
std::string roles_text(const Cluster& cluster) {
  std::string s;
  for (NodeId n = 0; n < cluster.size(); ++n) {
    if (!s.empty()) s += ", ";
    s += node_name(n);
    if (cluster.gone(n)) {
      s += " removed";
      continue;
    }
    if (!cluster.up(n)) {
      s += " down";
      continue;
    }
    s += std::string(" ") + role_name(cluster.node(n).role()) + " in term " + std::to_string(cluster.node(n).current_term());
  }
  return s;
}

std::string value_text(const std::optional<std::string>& v) { return v ? *v : "none"; }


class CheckEvaluator {
 public:
  CheckEvaluator(const Cluster& c, std::string& found) : c_(c), found_(found), leader_(c.leader()) {}

  bool operator()(const stmt::ExpectLeader&) {
    if (leader_ != kNoNode) return true;
    return fail("no leader (" + roles_text(c_) + ")");
  }
  bool operator()(const stmt::ExpectLeaderIs& s) {
    if (!valid(s.node)) return false;
    if (leader_ == s.node) return true;
    return fail(leader_ == kNoNode ? "no leader (" + roles_text(c_) + ")"
                                   : node_name(leader_) + " is leader in term " + std::to_string(c_.node(leader_).current_term()) +
                                         " (" + roles_text(c_) + ")");
  }
  bool operator()(const stmt::ExpectNoLeader&) {
    if (leader_ == kNoNode) return true;
    return fail(node_name(leader_) + " is leader in term " + std::to_string(c_.node(leader_).current_term()));
  }
  bool operator()(const stmt::ExpectTerm& s) {
    if (!valid(s.node)) return false;
    const Term t = c_.node(s.node).current_term();
    if (compare(t, s.cmp, s.term)) return true;
    return fail(node_name(s.node) + "'s term is " + std::to_string(t));
  }
  bool operator()(const stmt::ExpectCommit& s) {
    if (!valid(s.node)) return false;
    const LogIndex ci = c_.node(s.node).commit_index();
    if (compare(ci, s.cmp, s.index)) return true;
    return fail(node_name(s.node) + "'s commitIndex is " + std::to_string(ci) + (c_.up(s.node) ? "" : " (it is down)"));
  }
  bool operator()(const stmt::ExpectLog& s) {
    if (!valid(s.node)) return false;
    const Log& log = c_.node(s.node).log();
    bool equal = log.last_index() == s.terms.size();
    // §7: the terms of compacted entries are gone, except the snapshot's last one.
    for (LogIndex i = log.snapshot_index(); equal && i <= log.last_index(); ++i) {
      equal = i == 0 || log.term_at(i) == s.terms[to_size(i - 1)];
    }
    if (equal) return true;
    return fail(node_name(s.node) + "'s log is " + log_text(log));
  }
  bool operator()(const stmt::ExpectValue& s) {
    if (leader_ == kNoNode) return fail("no leader to read " + s.key + " from (" + roles_text(c_) + ")");
    const std::optional<std::string> v = c_.node(leader_).kv().get(s.key);
    if (v == s.value) return true;
    return fail(s.key + " = " + value_text(v) + " on the leader " + node_name(leader_));
  }
  bool operator()(const stmt::ExpectRole& s) {
    if (!valid(s.node)) return false;
    if (!c_.up(s.node)) return fail(node_name(s.node) + " is down");
    const Node& n = c_.node(s.node);
    if (n.role() == s.role) return true;
    return fail(node_name(s.node) + " is " + role_name(n.role()) + " in term " + std::to_string(n.current_term()));
  }
  bool operator()(const stmt::ExpectSnapshot& s) {
    if (!valid(s.node)) return false;
    const Log& log = c_.node(s.node).log();
    if (compare(log.snapshot_index(), s.cmp, s.index)) return true;
    return fail(node_name(s.node) + "'s snapshot ends at index " + std::to_string(log.snapshot_index()) +
                (log.snapshot_index() == 0 ? " (it has none)" : "") + (c_.up(s.node) ? "" : " (it is down)"));
  }
  bool operator()(const stmt::ExpectDown& s) { return up_is(s.node, false); }
  bool operator()(const stmt::ExpectUp& s) { return up_is(s.node, true); }
  bool operator()(const stmt::ExpectVoters& s) { return node_set_is(s.nodes, true); }
  bool operator()(const stmt::ExpectLearners& s) { return node_set_is(s.nodes, false); }
  bool operator()(const stmt::ExpectViolation& s) {
    if (c_.ok()) return fail("no violation: every property the checker watches still holds");
    const Violation& v = c_.checker().violation();
    if (v.property == s.property) return true;
    return fail("a violation of " + v.property + " instead: " + v.message);
  }

  template <class NotACheck>
  bool operator()(const NotACheck&) { return fail("not a check"); }

 private:
  bool fail(std::string message) {
    found_ = std::move(message);
    return false;
  }
  bool valid(NodeId n) {
    if (n >= 0 && n < c_.size()) return true;
    return fail("no node " + node_name(n) + " (the cluster has " + std::to_string(c_.size()) + " nodes)");
  }
  // The leader's configuration (§4.1: the latest in its log, committed or not).
  bool node_set_is(const std::vector<NodeId>& want, bool voters) {
    if (leader_ == kNoNode) return fail("no leader whose configuration to read (" + roles_text(c_) + ")");
    const Configuration& conf = c_.node(leader_).configuration();
    const NodeMask have = voters ? conf.voters : conf.learners;
    NodeMask m = 0;
    for (NodeId n : want) m |= node_bit(n);
    if (m == have) return true;
    std::string s;
    for_each_node(have, [&](NodeId n) { s += (s.empty() ? "" : " ") + node_name(n); });
    return fail(std::string(voters ? "voters " : "learners ") + (s.empty() ? "none" : s) + " in the leader " + node_name(leader_) +
                "'s configuration");
  }
  bool up_is(NodeId n, bool want_up) {
    if (!valid(n)) return false;
    if (c_.up(n) == want_up) return true;
    return fail(node_name(n) + " is " + (c_.up(n) ? "up" : "down"));
  }

  const Cluster& c_;
  std::string& found_;
  NodeId leader_;
};

}  // namespace

bool evaluate_check(const Cluster& cluster, const Statement& s, std::string& found) {
  return std::visit(CheckEvaluator(cluster, found), s.v);
}

}  // namespace raft::sim
