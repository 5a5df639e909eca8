// User actions as data. Every click that changes the cluster becomes a scenario Statement (so it is
// recorded, replayable and shareable); playback and time travel are UI actions on the Lab. Panels
// push Actions; the App applies them after the frame. Builders here are pure and unit-tested.
#pragma once

#include <cstdint>

#include "core/sim/lab.h"

namespace raft::viz {

// What the UI asks of the shell, which alone can reach the clipboard, the URL and downloads.
enum class ShellRequest : uint8_t { None, CopyShareLink, DownloadTrace, DownloadScenario };

struct Action {
  enum class Kind : uint8_t {
    Apply,         // `statement`, recorded in the lab's command log (asks first when in the past)
    Seek,          // show the cluster at time `t` (time travel; records nothing)
    StepForward,   // to the next event (replays the recorded history when in the past)
    StepBack,      // to the previous event
    GoLive,        // seek to the present (end of the recorded history)
    Restart,       // a new cluster with `config`; the client load is kept
    LoadScenario,  // shipped scenario number `index`
  };
  Kind kind = Kind::Apply;
  sim::Statement statement;
  Time t = 0;
  sim::ClusterConfig config;
  int index = -1;
  bool confirmed = false;  // the user already agreed to discard the recorded future
};

Action apply_action(sim::Statement s);
Action seek_action(Time t);
Action simple_action(Action::Kind k);

// Statement builders (node ids are 0-based).
sim::Statement crash(NodeId n);
sim::Statement crash_leader();
sim::Statement restart(NodeId n);
sim::Statement timeout(NodeId n);
// A put from a scripted client, numbered by the caller so values are distinct: put uN = N. Sent
// to `via`, or to the node the client believes is leader when via is kNoNode.
sim::Statement client_request(NodeId via, uint64_t number);
// `n` alone on one side, everyone else together.
sim::Statement isolate(NodeId n, int nodes);
// Nodes whose bit is set in `mask` on one side, the rest on the other.
sim::Statement split_off(uint32_t mask, int nodes);
sim::Statement cut(NodeId a, NodeId b, bool one_way = false);
sim::Statement uncut(NodeId a, NodeId b, bool one_way = false);
sim::Statement heal();
sim::Statement drop_message(uint64_t id);
sim::Statement duplicate_message(uint64_t id);
sim::Statement delay_message(uint64_t id, Time extra_us);
sim::Statement set_latency(Time min_us, Time max_us);
sim::Statement set_loss(double p);
sim::Statement set_duplicate(double p);
sim::Statement set_election_timeout(Time min_us, Time max_us);
sim::Statement set_heartbeat(Time us);
sim::Statement set_noop(bool on);
// Background client load: `on` with `rate_per_s` requests per second in total (0 = off).
sim::Statement client_load(bool on, double rate_per_s);
// The number of background clients used for a rate (each has one request outstanding).
int clients_for_rate(double rate_per_s);

// The built-in starting point when no default.raft is shipped: 5 nodes, light client load.
sim::ClusterConfig default_config();
inline constexpr double kDefaultLoadPerSecond = 2.0;

}  // namespace raft::viz
