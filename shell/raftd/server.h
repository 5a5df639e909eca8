// raftd: one Raft server as a real process (issue 10). A single-threaded Asio event loop around a
// raft::Node: a timer at node.deadline() calls tick, each frame from a peer is a step, each client
// request a proposal. After every input the step's changes go to the write-ahead log (one
// fdatasync for the batch), and only then do its messages and client replies leave: the core's
// persist-before-send rule, on a real disk and a real network.
//
// Peers talk TCP with core/wire frames; clients talk HTTP (Boost.Beast): PUT/GET/DELETE /kv/KEY,
// POST /kv/KEY/cas {"from":..,"to":..}, GET /status, /health and /metrics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace raft::raftd {

struct Endpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
};

struct Options {
  int id = 0;                          // 1-based: s1..sN
  std::vector<Endpoint> peers;         // every server's Raft address, s1 first
  std::vector<Endpoint> http;          // every server's HTTP address (a follower redirects to the leader's)
  std::string dir;                     // the write-ahead log and snapshots
  uint64_t seed = 1;
  bool fsync = true;                   // off only to measure what the disk costs
  uint32_t snapshot_every = 10'000;    // entries applied between snapshots (0: never)
  uint32_t snapshot_chunk_bytes = 1u << 20;  // InstallSnapshot chunk size (the lab's 64 bytes would take a round trip per 64 bytes)
  int election_timeout_min_ms = 150;   // §5.2, §9.3: 150-300 ms as in the paper
  int election_timeout_max_ms = 300;
  double request_timeout_s = 5;        // a client waits this long for its command to be applied
};

// "" when `opt` is usable, else what is wrong with it.
std::string check(const Options& opt);
// Parses "host:port,host:port,..." into `out`; "" or what is wrong.
std::string parse_endpoints(const std::string& text, std::vector<Endpoint>& out);

// Runs the server until SIGTERM or SIGINT (then 0), or until the disk fails (then 1: a server
// that cannot write what it promised must stop).
int serve(const Options& opt);

}  // namespace raft::raftd
