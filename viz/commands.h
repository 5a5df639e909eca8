// User actions as data. Every click that changes the cluster becomes a scenario Statement (so it is
// recorded, replayable and shareable) built with core/sim/make.h; playback and time travel are
// UI-only actions. Panels push Actions; the App applies them after the frame, each through the
// same App method a script would call (App::act for statements).
#pragma once

#include <cstdint>
#include <string>

#include "core/sim/lab.h"
#include "core/sim/make.h"

namespace raft::viz {

// What the UI asks of the shell, which alone can reach the clipboard, the URL and downloads.
// Attach/Detach: connect to the live cluster at App::attach_url() (issue 10), or close the connection.
enum class ShellRequest : uint8_t { None, CopyShareLink, DownloadTrace, DownloadScenario, OpenScenarioFile, Attach, Detach };

// Acting while viewing the past, with recorded commands ahead, discards them: Ask shows the
// question first (the command waits for the answer); Confirmed forks at once.
enum class Fork : uint8_t { Ask, Confirmed };

struct Action {
  enum class Kind : uint8_t {
    Act,           // App::act(statement, fork)
    Seek,          // show the cluster at time `t` (time travel; records nothing)
    StepForward,   // to the next event (replays the recorded history when in the past)
    StepBack,      // to the previous event
    GoLive,        // seek to the present (end of the recorded history)
    Restart,       // a new cluster with `config`; the client load is kept
    LoadScenario,  // shipped scenario number `index`
    CancelSeek,    // stop a seek in progress where it is (Esc, or Cancel on the timeline)
    ShowEvents,    // the event log regenerates the events from `t` to `t_end` (older than it keeps)
    LatestEvents,  // the event log goes back to the events it keeps
    TourGo,        // the tour's chapter `index`, step `step` (0-based): App::tour_go
    TourClose,     // leave the tour (the cluster stays as it is)
    TourSolve,     // replay the current exercise's solution from its start
    SwitchBranch,  // saved branch `name` becomes the session (the session is saved as a branch)
    CompareBranch, // show saved branch `name` beside the session ("": stop comparing)
  };
  Kind kind = Kind::Act;
  sim::Statement statement;
  Fork fork = Fork::Ask;
  Time t = 0;
  Time t_end = 0;
  sim::ClusterConfig config;
  int index = -1;
  int step = 0;
  std::string name;  // a branch, by name: a fork earlier in the frame may shift the list
};

Action act_action(sim::Statement s, Fork fork = Fork::Ask);
Action seek_action(Time t);
Action simple_action(Action::Kind k);

// The built-in starting point when no default.raft is shipped: 5 nodes, light client load.
sim::ClusterConfig default_config();
inline constexpr double kDefaultLoadPerSecond = 2.0;

}  // namespace raft::viz
