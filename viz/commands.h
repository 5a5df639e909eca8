// User actions as data. Every click that changes the cluster becomes a scenario Statement (so it is
// recorded, replayable and shareable); playback and time travel are UI actions on the Lab. Panels
// push Actions; the App applies them after the frame. Builders here are pure and unit-tested.
#pragma once

#include <cstdint>

#include "core/sim/lab.h"
#include "core/sim/make.h"

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

// The built-in starting point when no default.raft is shipped: 5 nodes, light client load.
sim::ClusterConfig default_config();
inline constexpr double kDefaultLoadPerSecond = 2.0;

}  // namespace raft::viz
