// The simulated clients: scripted clients (Cluster::submit) and background clients (a Workload).
// A client has at most one request outstanding and behaves as the Raft client of §8 (Client
// interaction) and the dissertation's §6.2 (Routing requests to the leader):
// - It sends the request to the server it believes is leader. A server that is not the leader
//   refuses and names the leader it knows; the client follows that redirect, unless it names a
//   server this request has just failed on (a follower's stale view of a crashed or cut-off
//   leader would otherwise bounce the client between the two).
// - A server that accepted the request but did not answer within client_timeout_us, one that was
//   down (connection refused), and one that knew no usable leader count as failed for this
//   request; the client then tries another server, chosen at random among those it has not
//   failed on in the current round (once every server has failed, a new round starts).
// - Every failure waits a bounded exponential back-off with jitter, drawn from the client's own
//   random stream (derived from the cluster seed), before the next attempt.
// - It gives up when the request's deadline (client_deadline_us after the invoke) passes, however
//   many attempts that took. A retry keeps the sequence number (§8: the state machine remembers
//   each client's last sequence number, so a retry of a request that already committed is not
//   applied twice).
//
// Polled like the network: the cluster asks next_wake() and, when that time comes, fire_next()
// runs the earliest client (retry, or the next background request).
#pragma once

#include <cstdint>
#include <vector>

#include "core/raft/node.h"
#include "core/raft/rng.h"
#include "core/sim/trace.h"

namespace raft::sim {

struct ClusterConfig;
struct Metrics;

// Background client load: `clients` clients, each with one request outstanding at a time,
// issuing at `rate_per_s` in total (0 = closed loop: next request as soon as the last returns).
struct Workload {
  int clients = 0;
  double rate_per_s = 0;
  Time until_us = kTimeNever;
  int keys = 3;                  // keys k0..k{keys-1}: a small set so that histories conflict
  // Operation mix, in percent (the rest are gets).
  int put_pct = 35, append_pct = 15, cas_pct = 15, delete_pct = 5;
  bool operator==(const Workload&) const = default;
};

// The cluster as its clients reach it.
class ClientHost {
 public:
  virtual Time now() const = 0;
  virtual const ClusterConfig& config() const = 0;
  virtual int servers() const = 0;  // servers ever started (membership changes add some)
  virtual bool up(NodeId n) const = 0;
  // Hands a command to server n (Node::propose), leaving its outputs in place.
  virtual ProposeResult propose(NodeId n, const CommandRef& cmd) = 0;
  // Takes server n's outputs; a reply among them completes a request through on_reply().
  virtual void drain(NodeId n) = 0;
  virtual void record(const TraceEvent& e) = 0;
  virtual Metrics& metrics() = 0;
  virtual LogIndex committed_index() const = 0;  // the highest index known committed anywhere

 protected:
  ~ClientHost() = default;
};

class ClientPool {
 public:
  // Delays between attempts at one request.
  static constexpr Time kRetryAfterRedirectUs = 1'000;    // a follower named a leader worth trying: go there
  // After the k-th failed attempt at a request (k = 0, 1, ...) the client waits a time drawn from
  // [d/2, d] with d = min(kBackoffMinUs * 2^k, kBackoffMaxUs): the first retry comes quickly (a
  // crashed server's neighbour probably knows the new leader), later ones spread out while an
  // election runs, and none waits longer than kBackoffMaxUs.
  static constexpr Time kBackoffMinUs = 10'000;
  static constexpr Time kBackoffMaxUs = 320'000;
  // A background client's minimum gap between requests, so that a closed loop on a one-node
  // cluster (which answers inside propose) still lets virtual time advance.
  static constexpr Time kClientThinkUs = 1'000;

  // The earliest time a client wakes, kTimeNever if none is waiting.
  Time next_wake() const;
  // Runs the client waking at next_wake() (the lowest id on a tie). Precondition: that time has come.
  void fire_next(ClientHost& host);
  // A request from a scripted client (an idle one, or a new one), sent to `via` first if given,
  // else to the leader the client believes in. Returns the request id.
  uint64_t submit(Command cmd, NodeId via, ClientHost& host);
  // A server's reply: completes the request it answers, if that request is still outstanding, and
  // returns that request's record (else nullptr).
  const ClientOpRecord* on_reply(const ClientReply& r, ClientHost& host);
  // Starts, changes or stops the background load. Clients beyond the new count stop after their
  // current request.
  void set_workload(const Workload& w, ClientHost& host);

  const Workload& workload() const { return workload_; }
  const ClientOps& ops() const { return ops_; }
  // Holds only the latest `ops` operations (at least; in whole chunks) and those still
  // outstanding, so a long session's history does not grow with the run (issue 8): older records
  // are regenerated with their events by replay (Lab::replay_events). 0: every operation (the
  // default: a scenario's final linearizability check reads them all). The run is the same
  // either way: a client reads only its own outstanding operation.
  void set_history_window(size_t ops) { window_ = ops; }
  // Lets go now of all but the latest `keep` operations and those outstanding (a checkpoint's copy).
  void trim_history(size_t keep);

 private:
  struct Client {
    ClientId id = 0;
    bool scripted = false;
    bool busy = false;
    uint32_t op = 0;             // index into ops_ while busy
    int failures = 0;            // failed attempts at the current request: the back-off exponent
    Time deadline = kTimeNever;  // the current request gives up at this time
    uint32_t failed_mask = 0;    // bit n: server n failed the current request in this round
    NodeId leader_guess = kNoNode;  // where the next attempt goes: the leader it believes in, a
                                    // redirect's leader, or a random untried server after a failure
    NodeId last_tried = kNoNode;
    NodeId accepted_by = kNoNode; // the server that accepted the current attempt, if any
    Time wake_at = kTimeNever;   // next retry or (background) next request
    Time last_issue = 0;
    bool background = false;
    bool via_first = false;      // the current op's first attempt goes to `via`
    NodeId via = kNoNode;
    RequestSeq seq = 0;          // last sequence number used
    Rng rng;                     // the background workload: which op, key and timing
    Rng retry_rng;               // failover: which server next, back-off jitter
  };

  Client& new_client(ClientHost& host);
  Client& client_for_script(ClientHost& host);
  uint64_t invoke(Client& c, Command cmd, NodeId via, ClientHost& host);  // records the op, sends the first attempt
  void attempt(Client& c, ClientHost& host);
  // Marks `server` as failed for the current request and schedules the next attempt after a
  // back-off, at another server.
  void failed_on(Client& c, NodeId server, ClientHost& host);
  // A random server not in failed_mask; when every server is in it, a new round starts first.
  NodeId pick_untried(Client& c, NodeId last_failed, int nodes);
  void complete(Client& c, const ClientReply& r, ClientHost& host);
  void give_up(Client& c, ClientHost& host);
  void issue_background(Client& c, ClientHost& host);

  std::vector<Client> clients_;        // index = ClientId - 1
  Workload workload_;
  ClientOps ops_;
  size_t window_ = 0;
  uint64_t next_req_ = 1;
};

}  // namespace raft::sim
