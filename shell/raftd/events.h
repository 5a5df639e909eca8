// raftd's event stream (issue 10): what its node does, in the project's JSON Lines trace format
// (README "Trace format"), for the WebSocket /events. The same records the simulator writes
// (TraceEvent, rendered by sim::Trace), stamped with CLOCK_MONOTONIC in microseconds so that the
// streams of servers on one machine merge in time order; message ids cross the wire (core/wire),
// so a receiver's "deliver" names the sender's "send".
//
// Nothing is rendered while nobody listens: a server no page watches pays one branch per step.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/raft/node.h"
#include "core/sim/trace.h"

namespace raft::raftd {

class EventStream {
 public:
  // A subscriber's lines, a batch at a time (whole lines, each ending in '\n').
  using Sink = std::function<void(const std::string& lines)>;

  EventStream();

  // Microseconds of CLOCK_MONOTONIC: comparable between processes on one machine.
  static Time stamp();
  // A message id unique in the cluster: the sender's server number and its count of messages.
  static uint64_t message_id(NodeId from, uint64_t count) { return (static_cast<uint64_t>(from + 1) << 40) | (count & ((uint64_t{1} << 40) - 1)); }

  bool active() const { return !sinks_.empty(); }

  // The node's events of the step just taken (node.events()).
  void node_events(const Node& node);
  // Any other record (send, deliver, drop), rendered now.
  void add(const sim::TraceEvent& e);

  // Hands the lines gathered since the last publish to every subscriber. Called when the step's
  // records are durable (with the messages they let go).
  void publish();

  // A new subscriber gets a "hello" line ({"ev":"hello","node":"s1","servers":3}) and then the
  // node's state as trace lines stamped now: term, vote, snapshot, configuration, an append for
  // every entry held, commit, the last apply, role. Then the live lines. Returns its handle.
  int subscribe(const Node& node, int cluster_size, Sink sink);
  void unsubscribe(int handle) { sinks_.erase(handle); }
  // Expires with this stream: a reader that outlives the server (at shutdown) must not unsubscribe.
  std::weak_ptr<void> token() const { return token_; }

  // A value, key or cas "from" longer than this is shown as its first 64 bytes and "...(N bytes)":
  // the stream is for watching, and a new reader's state holds every entry of the log.
  static constexpr size_t kShownBytesMax = 1024;

 private:
  // Interns the command an event shows (long texts cut, kShownBytesMax).
  uint32_t intern(LogIndex index, Term term, const CommandRef& cmd);

  sim::Trace trace_;          // renders events and holds the commands of the latest ones
  sim::ClientOps ops_;        // none: clients' invoke/return are not this node's events
  std::string pending_;
  std::map<int, Sink> sinks_;
  std::shared_ptr<char> token_ = std::make_shared<char>(0);
  int next_handle_ = 1;
};

}  // namespace raft::raftd
