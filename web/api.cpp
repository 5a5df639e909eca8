// The page's JavaScript API (Embind), for the browser tests and for users in the console
// (Module, also window.raft):
//   commands  crash(node) restart(node) timeout(node) dropMessage(id) duplicateMessage(id)
//             partition([[nodes...], ...]) heal() propose("put x 1") run(ms) seek(us) pause(bool)
//             setSpeed(x) loadScenario(text)                        -> "" or an error sentence
//   queries   version() state() traceHash() exportTrace() exportScenario() notice() step()
//             nodePosition(node) messagePosition(id) itemPosition(key) -> {x, y} or null
//             windowRect(name) -> {x, y, w, h} or null     display() -> {width, height, scale, uiScale, uiZoom}
//             setUiZoom(zoom)
//             shareUrl() scenarioNames() scenarioText(name) frameCount()
//   files     downloadTrace() downloadScenario()
//
// Conventions:
// - Nodes are "s1".."sN" or the numbers 1..N (1-based, as people name them).
// - Commands return "" on success, or a sentence naming the function and the bad argument (or,
//   from App::act, why the cluster refused); they never throw and never crash. Queries that cannot
//   answer (a node that is not on screen) return null.
// - Times are virtual microseconds, like the trace's "t"; run() takes milliseconds.
// - Positions are in CSS pixels from the canvas' top left, as of the last frame (App geometry).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "core/sim/make.h"
#include "shell/assets.h"
#include "shell/shell.h"
#include "viz/app.h"
#include "viz/layout.h"
#include "web/web.h"

#ifndef RAFTLAB_VERSION
#define RAFTLAB_VERSION "0.0.0"
#endif

namespace raft::web {

viz::App& app() { return shell::app(); }

std::string describe(const emscripten::val& v) {
  if (v.isUndefined()) return "nothing";
  if (v.isString()) return "\"" + v.as<std::string>() + "\"";
  return emscripten::val::global("String")(v).as<std::string>();
}

namespace {

using emscripten::val;
using sim::Statement;

// ---- argument checking ----


bool is_whole_number(const val& v, double lo, double hi, double& out) {
  if (!v.isNumber()) return false;
  const double d = v.as<double>();
  if (!std::isfinite(d) || d != std::floor(d) || d < lo || d > hi) return false;
  out = d;
  return true;
}

constexpr double kIdMax = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER

// Parses "s3", "S3", "3" or 3 into a 0-based node id. Returns "" or the error.
std::string node_arg(const char* fn, const val& v, NodeId& out) {
  const int n = app().lab().cluster().size();
  double d = 0;
  if (is_whole_number(v, 1, n, d)) {
    out = static_cast<NodeId>(d) - 1;
    return "";
  }
  if (v.isString()) {
    std::string s = v.as<std::string>();
    if (!s.empty() && (s[0] == 's' || s[0] == 'S')) s.erase(0, 1);
    if (!s.empty() && s.size() <= 3 && s.find_first_not_of("0123456789") == std::string::npos) {
      const int k = std::stoi(s);
      if (k >= 1 && k <= n) {
        out = k - 1;
        return "";
      }
    }
  }
  return std::string(fn) + ": node must be \"s1\"..\"" + node_name(n - 1) + "\" or 1.." + std::to_string(n) +
         ", got " + describe(v);
}

// Applies a command now through App::act, as a click does (in the past it forks without asking).
std::string act(const char* fn, const Statement& s) {
  const std::string error = app().act(s, viz::Fork::Confirmed);
  return error.empty() ? "" : std::string(fn) + ": " + error;
}

// ---- commands ----

std::string version() { return RAFTLAB_VERSION; }

std::string node_command(const char* fn, Statement (*build)(NodeId), const val& node) {
  NodeId n = kNoNode;
  if (std::string e = node_arg(fn, node, n); !e.empty()) return e;
  return act(fn, build(n));
}
std::string crash(val node) { return node_command("crash", sim::make::crash, node); }
std::string restart(val node) { return node_command("restart", sim::make::restart, node); }
std::string timeout(val node) { return node_command("timeout", sim::make::timeout, node); }

std::string message_command(const char* fn, Statement (*build)(uint64_t), const val& id) {
  double d = 0;
  if (!is_whole_number(id, 1, kIdMax, d))
    return std::string(fn) + ": message id must be a positive whole number, got " + describe(id);
  return act(fn, build(static_cast<uint64_t>(d)));
}
std::string drop_message(val id) { return message_command("dropMessage", sim::make::drop_message, id); }
std::string duplicate_message(val id) { return message_command("duplicateMessage", sim::make::duplicate_message, id); }

// partition([["s1","s2"],["s3","s4","s5"]]) or partition([[1,2],[3,4,5]]).
std::string partition(val groups) {
  const char* fn = "partition";
  if (!groups.isArray() || groups["length"].as<int>() == 0)
    return "partition: groups must be an array of arrays of nodes, e.g. [[\"s1\",\"s2\"],[\"s3\",\"s4\",\"s5\"]], got " +
           describe(groups);
  std::vector<std::vector<NodeId>> parts;
  uint32_t seen = 0;
  const int g = groups["length"].as<int>();
  for (int i = 0; i < g; ++i) {
    const val group = groups[i];
    if (!group.isArray() || group["length"].as<int>() == 0)
      return "partition: group " + std::to_string(i + 1) + " must be a non-empty array of nodes, got " + describe(group);
    std::vector<NodeId> nodes;
    const int m = group["length"].as<int>();
    for (int j = 0; j < m; ++j) {
      NodeId n = kNoNode;
      if (std::string e = node_arg(fn, group[j], n); !e.empty()) return e;
      if (seen & (1u << n)) return "partition: node " + node_name(n) + " is in two groups";
      seen |= 1u << n;
      nodes.push_back(n);
    }
    parts.push_back(std::move(nodes));
  }
  return act(fn, sim::make::partition(std::move(parts)));
}

std::string heal() { return act("heal", sim::make::heal()); }

// A client operation in the scenario language: "put x 1", "get x", "append x a", "cas x 1 2",
// "delete x", optionally followed by "via s2".
std::string propose(val cmd) {
  if (!cmd.isString()) return "propose: command must be a string such as \"put x 1\", got " + describe(cmd);
  const std::string text = cmd.as<std::string>();
  const std::string expected =
      "propose: expected one client operation (put, get, append, cas or delete), got \"" + text + "\"";
  const std::string verb = text.substr(0, text.find_first_of(" \t\n"));
  if (verb != "put" && verb != "get" && verb != "append" && verb != "cas" && verb != "delete") return expected;
  sim::Statement s;
  if (auto err = sim::parse_statement(text, app().lab().cluster().size(), s)) return "propose: " + *err + " (in \"" + text + "\")";
  if (!s.is<sim::stmt::ClientOp>()) return expected;
  return act("propose", s);
}

// Pauses and moves to the next event; returns the new virtual time in microseconds.
double step() { return static_cast<double>(app().step()); }

// Advances virtual time by `ms` milliseconds (in the past this replays the recorded history).
std::string run(val ms) {
  if (!ms.isNumber() || !(ms.as<double>() > 0 && ms.as<double>() <= 3.6e6))
    return "run: duration must be a number of milliseconds in (0, 3600000], got " + describe(ms);
  app().run_for(static_cast<Time>(std::llround(ms.as<double>() * 1000.0)));
  return "";
}

std::string seek(val t) {
  double d = 0;
  if (!is_whole_number(t, 0, kIdMax, d))
    return "seek: time must be a whole number of virtual microseconds >= 0, got " + describe(t);
  app().seek(static_cast<Time>(d));
  return "";
}

std::string pause(val p) {
  if (!p.isTrue() && !p.isFalse()) return "pause: argument must be true or false, got " + describe(p);
  app().set_paused(p.isTrue());
  return "";
}

std::string set_speed(val x) {
  if (!x.isNumber() || !(x.as<double>() >= 0.001 && x.as<double>() <= 10))
    return "setSpeed: speed must be a number from 0.001 to 10 (times real time), got " + describe(x);
  app().set_speed(x.as<double>());
  return "";
}

// Loads scenario text as the Scenarios menu does (the page shows the error, if any, too).
std::string load_scenario(val text) {
  if (!text.isString()) return "loadScenario: text must be a string, got " + describe(text);
  std::string error;
  if (!app().load_scenario_text(text.as<std::string>(), "scenario.raft", &error))
    return error.empty() ? "loadScenario: the scenario could not be loaded" : error;
  return "";
}

// A file the user picked in Scenarios -> Open .raft file... (share.cpp): loaded as the menu loads
// a shipped scenario, its errors naming the file; a toast confirms it.
std::string open_scenario_file(val text, val name) {
  if (!text.isString() || !name.isString()) return "openScenarioFile: expected the file's text and name as strings";
  std::string error;
  const std::string file = name.as<std::string>().substr(0, 200);
  if (!app().load_scenario_text(text.as<std::string>(), file, &error)) return error;
  app().toast("Opened " + file + ". Press Play to run it.");
  return "";
}

// ---- queries ----

std::string notice() { return app().notice(); }
std::string export_trace() { return app().trace_jsonl(); }
std::string export_scenario() { return app().scenario_text(); }
// Forgets the frames measured so far (state().frameWork), to measure what comes next.
void reset_frame_work() { app().reset_frame_work(); }

val point(const std::optional<viz::ScreenPoint>& p) {
  if (!p) return val::null();
  val o = val::object();
  o.set("x", p->x);
  o.set("y", p->y);
  return o;
}

val node_position(val node) {
  NodeId n = kNoNode;
  if (!node_arg("nodePosition", node, n).empty()) return val::null();
  return point(app().node_position(n));
}

val message_position(val id) {
  double d = 0;
  if (!is_whole_number(id, 1, kIdMax, d)) return val::null();
  return point(app().message_position(static_cast<uint64_t>(d)));
}

val space_time_position(val id) {
  double d = 0;
  if (!is_whole_number(id, 1, kIdMax, d)) return val::null();
  return point(app().space_time_position(static_cast<uint64_t>(d)));
}

// A control's center, by the key the panels record it under (see App::item_position).
val item_position(val key) {
  if (!key.isString()) return val::null();
  return point(app().item_position(key.as<std::string>()));
}

// A window's rectangle, by name (see App::window_rect).
val window_rect(val name) {
  if (!name.isString()) return val::null();
  const std::optional<viz::ScreenRect> r = app().window_rect(name.as<std::string>());
  if (!r) return val::null();
  val o = val::object();
  o.set("x", r->x);
  o.set("y", r->y);
  o.set("w", r->w);
  o.set("h", r->h);
  return o;
}

// The display in CSS pixels and the device pixels per CSS pixel, as of the last frame.
val display() {
  const viz::ScreenPoint size = app().display_size();
  val o = val::object();
  o.set("width", size.x);
  o.set("height", size.y);
  o.set("scale", app().framebuffer_scale().x);
  o.set("uiScale", app().ui_scale());
  o.set("uiZoom", app().ui_zoom());
  return o;
}

// The user's UI zoom, as Ctrl +/- sets it (0.5..3; 1 is the default).
std::string set_ui_zoom(val zoom) {
  if (!zoom.isNumber()) return "setUiZoom(zoom) needs a number like 1.25";
  const double z = zoom.as<double>();
  if (!(z >= viz::kUiZooms[0] && z <= viz::kUiZooms[std::size(viz::kUiZooms) - 1])) {
    return "setUiZoom(zoom): the zoom goes from 0.5 to 3, not " + val::global("String")(zoom).as<std::string>();
  }
  app().set_ui_zoom(static_cast<float>(z));
  return "";
}

val scenario_names() {
  val names = val::array();
  int k = 0;
  for (size_t i = 0; i < shell::kScenariosCount; ++i)
    if (shell::kScenarios[i].name) names.set(k++, std::string(shell::kScenarios[i].name));
  return names;
}

// The text of a shipped scenario (for loadScenario), or null.
val scenario_text(val name) {
  if (!name.isString()) return val::null();
  const std::string n = name.as<std::string>();
  for (size_t i = 0; i < shell::kScenariosCount; ++i) {
    const shell::EmbeddedScenario& e = shell::kScenarios[i];
    if (e.name && n == e.name) return val(std::string(e.text, e.size));
  }
  return val::null();
}

// Inside the namespace so that these names hide the C library's (pause, timeout...).
EMSCRIPTEN_BINDINGS(raftlab) {
  using emscripten::function;
  function("version", &version);
  function("crash", &crash);
  function("restart", &restart);
  function("timeout", &timeout);
  function("dropMessage", &drop_message);
  function("duplicateMessage", &duplicate_message);
  function("partition", &partition);
  function("heal", &heal);
  function("propose", &propose);
  function("step", &step);
  function("run", &run);
  function("seek", &seek);
  function("pause", &pause);
  function("setSpeed", &set_speed);
  function("loadScenario", &load_scenario);
  function("openScenarioFile", &open_scenario_file);
  function("state", &state);
  function("notice", &notice);
  function("nodePosition", &node_position);
  function("messagePosition", &message_position);
  function("spaceTimePosition", &space_time_position);
  function("itemPosition", &item_position);
  function("windowRect", &window_rect);
  function("display", &display);
  function("setUiZoom", &set_ui_zoom);
  function("traceHash", &trace_hash);
  function("exportTrace", &export_trace);
  function("exportScenario", &export_scenario);
  function("resetFrameWork", &reset_frame_work);
  function("shareUrl", &share_url);
  function("applyUrlHash", &apply_url_hash);
  function("frameCount", &frame_count);
  function("scenarioNames", &scenario_names);
  function("scenarioText", &scenario_text);
  function("downloadTrace", &download_trace);
  function("downloadScenario", &download_scenario);
}

}  // namespace
}  // namespace raft::web
