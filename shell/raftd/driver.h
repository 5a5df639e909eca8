// raftd's node driver (private to shell/raftd): what every transport of raftd shares. It owns the
// raft::Node and its write-ahead log and runs them on an Asio loop: a timer at node.deadline()
// calls tick, each message from a peer is a step, each client command a proposal. After every
// input the step's records are buffered; a flush posted behind the handlers already waiting writes
// them with one fdatasync (group commit), and only then do the step's messages go to the transport
// and the step's client replies to their callbacks: the core's persist-before-send rule.
//
// The transports (server.cpp: TCP peers and HTTP clients; maelstrom.cpp: Maelstrom's JSON lines on
// stdin/stdout) only move bytes and translate client requests and answers.
#pragma once

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it (GCC 12)

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/raft/node.h"
#include "core/sim/trace_event.h"
#include "shell/raftd/events.h"
#include "shell/raftd/server.h"
#include "shell/raftd/wal.h"

namespace raft::raftd {

// Request latency buckets for /metrics, in seconds.
inline constexpr double kLatencyBuckets[] = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5};

// Where a node's messages go. send() is called only after what the messages depend on is durable.
class Transport {
 public:
  virtual ~Transport() = default;
  // `frames`: one or more core/wire frames back to back, all for `peer` (0-based).
  virtual void send(NodeId peer, std::string frames) = 0;
};

struct DriverMetrics {
  uint64_t leader_changes = 0, proposals = 0, flushes = 0;
  uint64_t latency_counts[std::size(kLatencyBuckets) + 1] = {};  // the last: over the last bucket
  double latency_sum_s = 0;
};

class Driver {
 public:
  // The outcome of a proposed command: its reply once applied (after the flush that made the
  // step durable), or nullptr when Options::request_timeout_s passed first (the command may or may
  // not be applied later: the caller must say so, never "failed").
  using Done = std::function<void(const ClientReply*)>;

  // `cluster_size` servers, this one opt.id (1-based); `name` prefixes log lines ("s1", "n1").
  Driver(boost::asio::io_context& io, const Options& opt, int cluster_size, std::string name, Transport& transport);
  ~Driver();
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // Recovers the log from opt.dir and builds the node. "" or why it cannot start.
  std::string open();
  // Arms the election timer and the sweep of overdue requests. After open().
  void start();

  Time now() const;
  // A message from a peer (`id`: its sender's message id, for the event stream). Messages not
  // addressed to this node, or from a server outside the cluster, are logged and dropped;
  // messages from a blocked peer are dropped.
  void step(const Message& m, uint64_t id = 0);
  // Proposes `c` (client and seq are filled in here). Not accepted: nothing was appended and
  // `done` is dropped; the caller answers that the command did not happen.
  ProposeResult propose(Command c, Done done);

  // Peers cut off (bit i: server i, 0-based): messages to and from them are lost (raftctl partition).
  void set_blocked(uint32_t mask) { blocked_ = mask; }
  uint32_t blocked() const { return blocked_; }

  const Node& node() const { return *node_; }
  const Wal& wal() const { return wal_; }
  const DriverMetrics& metrics() const { return metrics_; }
  // The node's events for /events subscribers (EventStream::subscribe with node()).
  EventStream& events() { return events_; }
  std::weak_ptr<void> events_token() const { return events_.token(); }
  int cluster_size() const { return cluster_size_; }
  // 0 while all is well; 1 once the disk failed (the loop is stopped: a server that cannot write
  // what it promised must stop).
  int exit_code() const { return exit_code_; }
  void log(const std::string& line) const;

 private:
  struct Pending {
    Done done;
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point deadline;
  };
  void after_step();
  void flush();
  void answer(const ClientReply& r);
  void schedule();
  void sweep();

  boost::asio::io_context& io_;
  Options opt_;
  int cluster_size_;
  std::string name_;
  Transport& transport_;
  boost::asio::steady_timer timer_, sweep_;
  std::chrono::steady_clock::time_point start_;
  std::unique_ptr<Node> node_;
  Wal wal_;
  ClientId client_ = 1;
  RequestSeq seq_ = 0;
  std::map<RequestSeq, Pending> pending_;
  // Held until the next flush has made the steps that produced them durable.
  std::vector<std::string> held_frames_;  // per peer, frames back to back
  std::vector<ClientReply> held_replies_;
  std::vector<sim::TraceEvent> held_sends_;  // their send (or drop) records, while anyone listens
  uint64_t messages_sent_ = 0;
  EventStream events_;
  bool flush_posted_ = false;
  uint32_t blocked_ = 0;
  NodeId last_leader_ = kNoNode;
  DriverMetrics metrics_;
  int exit_code_ = 0;
};

}  // namespace raft::raftd
