#include "viz/commands.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace raft::viz {

Action apply_action(sim::Statement s) {
  Action a;
  a.kind = Action::Kind::Apply;
  a.statement = std::move(s);
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
  return c;
}

}  // namespace raft::viz
