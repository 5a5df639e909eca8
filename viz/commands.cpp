#include "viz/commands.h"

#include <utility>

namespace raft::viz {

Action act_action(sim::Statement s, Fork fork) {
  Action a;
  a.kind = Action::Kind::Act;
  a.statement = std::move(s);
  a.fork = fork;
  return a;
}

Action seek_action(Time t) {
  Action a;
  a.kind = Action::Kind::Seek;
  a.t = t;
  return a;
}

Action simple_action(Action::Kind k) {
  Action a;
  a.kind = k;
  return a;
}

sim::ClusterConfig default_config() {
  sim::ClusterConfig c;
  c.nodes = 5;
  c.seed = 1;
  c.timing.snapshot_every = 1000;  // as assets/scenarios/default.raft: a session left running stays bounded (issue 8)
  return c;
}

}  // namespace raft::viz
