// A cluster configuration (dissertation ch. 4, Cluster membership changes): which servers vote and
// which only receive entries (learners, "non-voting members", §4.2.1 Catching up new servers).
// Sets of servers are bitmasks over ids 0..kNodesMax-1: copying is free and nothing allocates.
#pragma once

#include <bit>
#include <cstdint>
#include <string>

#include "core/raft/quorum.h"
#include "core/raft/types.h"

namespace raft {

using NodeMask = uint32_t;  // bit i set: server i (s(i+1)) is in the set

constexpr NodeMask node_bit(NodeId id) { return NodeMask{1} << id; }
constexpr bool has_node(NodeMask m, NodeId id) { return id >= 0 && id < kNodesMax && (m & node_bit(id)) != 0; }
constexpr int node_count(NodeMask m) { return std::popcount(m); }

// Calls f(id) for every server in `m`, in increasing id order (deterministic).
template <class F>
constexpr void for_each_node(NodeMask m, F f) {
  while (m != 0) {
    const NodeId id = std::countr_zero(m);
    m &= m - 1;
    f(id);
  }
}

struct Configuration {
  // Invariant: voters and learners are disjoint. A configuration in use has at least one voter,
  // except the empty one of a server that has not joined yet (§4.2.1: it waits to be contacted).
  NodeMask voters = 0;
  NodeMask learners = 0;

  // The configuration a cluster of `n` servers is bootstrapped with: s1..sn all vote.
  static constexpr Configuration initial(int n) {
    return Configuration{n >= kNodesMax ? (node_bit(kNodesMax) - 1) : node_bit(n) - 1, 0};
  }

  NodeMask members() const { return voters | learners; }
  bool is_voter(NodeId id) const { return has_node(voters, id); }
  bool is_learner(NodeId id) const { return has_node(learners, id); }
  bool is_member(NodeId id) const { return has_node(members(), id); }
  int voter_count() const { return node_count(voters); }
  bool empty() const { return members() == 0; }

  // §4.1 (Safety): decisions (commitment, elections) need a majority of the voters of the
  // configuration in use; learners never count.
  int quorum() const { return quorum_size(voter_count()); }
  bool has_quorum(NodeMask granted) const { return node_count(granted & voters) >= quorum(); }

  // The highest index stored on a majority of the voters; match[id] is what server id holds.
  // Precondition: at least one voter.
  LogIndex majority_match_index(const LogIndex* match) const {
    std::array<LogIndex, kNodesMax> v{};
    int k = 0;
    for_each_node(voters, [&](NodeId id) { v[static_cast<size_t>(k++)] = match[id]; });
    return raft::majority_match_index(v.data(), k);
  }

  bool operator==(const Configuration&) const = default;
};

// "s1 s2 s3", or "none": for people (the UI, messages); traces have their own format.
inline std::string node_names(NodeMask m) {
  std::string out;
  for_each_node(m, [&](NodeId id) {
    if (!out.empty()) out += ' ';
    out += node_name(id);
  });
  return out.empty() ? std::string("none") : out;
}

}  // namespace raft
