// Helpers for hand-stepped tests of one Node (etcd's in-memory style: craft a message, step it,
// inspect what the node sends back).
#pragma once

#include <doctest/doctest.h>

#include <vector>

#include "core/raft/node.h"

namespace raft::test {

inline Config config(NodeId id, int n = 3, bool noop = false) {
  Config c;
  c.id = id;
  c.cluster_size = n;
  c.seed = 1000 + static_cast<uint64_t>(id);
  c.timing.noop_on_election = noop;
  return c;
}

inline Storage disk(Term term, const std::vector<Term>& log_terms, NodeId voted = kNoNode) {
  Storage d;
  d.current_term = term;
  d.voted_for = voted;
  LogIndex i = 0;
  for (Term t : log_terms) {
    Command c;
    c.op = Op::Put;
    c.key = "k";
    c.value = std::to_string(++i) + "@" + std::to_string(t);
    d.log.append(Entry{t, c});
  }
  return d;
}

inline std::vector<Term> terms_of(const Log& log) {
  std::vector<Term> v;
  for (LogIndex i = 1; i <= log.last_index(); ++i) v.push_back(log.at(i).term);
  return v;
}

// Takes the node's outputs (messages copied out) and clears them.
inline std::vector<Message> take(Node& n) {
  std::vector<Message> out(n.messages().begin(), n.messages().end());
  n.clear_output();
  return out;
}

inline Message request_vote(NodeId from, NodeId to, Term term, LogIndex last_index, Term last_term) {
  Message m;
  m.reset(MessageType::RequestVote, from, to, term);
  m.last_log_index = last_index;
  m.last_log_term = last_term;
  return m;
}

inline Message append_entries(NodeId from, NodeId to, Term term, LogIndex prev_index, Term prev_term,
                              const std::vector<Term>& entry_terms, LogIndex leader_commit) {
  Message m;
  m.reset(MessageType::AppendEntries, from, to, term);
  m.prev_log_index = prev_index;
  m.prev_log_term = prev_term;
  m.leader_commit = leader_commit;
  LogIndex i = prev_index;
  for (Term t : entry_terms) {
    Command c;
    c.op = Op::Put;
    c.key = "k";
    c.value = std::to_string(++i) + "@" + std::to_string(t);
    m.entries.push_back(Entry{t, c});
  }
  return m;
}

inline Message vote_response(NodeId from, NodeId to, Term term, bool granted) {
  Message m;
  m.reset(MessageType::RequestVoteResponse, from, to, term);
  m.vote_granted = granted;
  return m;
}

inline Message append_response(NodeId from, NodeId to, Term term, bool success, LogIndex match_or_rejected,
                               Term conflict_term = 0, LogIndex conflict_index = 0) {
  Message m;
  m.reset(MessageType::AppendEntriesResponse, from, to, term);
  m.success = success;
  if (success) m.match_index = match_or_rejected;
  else m.rejected_index = match_or_rejected;
  m.conflict_term = conflict_term;
  m.conflict_index = conflict_index;
  return m;
}

// Every input of a hand-stepped test goes through these, which check the node's own invariants
// afterwards (LogCabin runs checkAll after every test step). A failure prints the sentence.
inline void check_invariants(const Node& n) { CHECK(n.check_invariants() == std::string()); }
inline void step(Node& n, Time now, const Message& m) {
  n.step(now, m);
  check_invariants(n);
}
inline void tick(Node& n, Time now) {
  n.tick(now);
  check_invariants(n);
}
inline void timeout_now(Node& n, Time now) {
  n.timeout_now(now);
  check_invariants(n);
}
inline ProposeResult propose(Node& n, Time now, Command cmd) {
  ProposeResult r = n.propose(now, std::move(cmd));
  check_invariants(n);
  return r;
}

// Makes node `id` leader of `term` in an n-node cluster by stepping granted votes into it.
inline Node make_leader(NodeId id, int n, Term term_before, const std::vector<Term>& log_terms, bool noop = false) {
  Node node(config(id, n, noop), disk(term_before, log_terms), 0);
  timeout_now(node, 0);
  node.clear_output();
  for (NodeId p = 0; p < n && node.role() != Role::Leader; ++p) {
    if (p != id) step(node, 0, vote_response(p, id, node.current_term(), true));
  }
  REQUIRE(node.role() == Role::Leader);
  node.clear_output();
  return node;
}

}  // namespace raft::test
