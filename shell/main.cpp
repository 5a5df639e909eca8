// raftlab, the desktop app: the command line. shell/frame.cpp and the GLFW backend do the rest
// (shell/shell.h). The page has no command line; its main() is in shell/backend_emscripten.cpp.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "shell/attach_client.h"
#include "shell/assets.h"
#include "shell/shell.h"

namespace raft::shell {
namespace {

void usage(FILE* out) {
  std::fprintf(out,
      "usage: raftlab [--width W] [--height H] [--scenario NAME | --attach URL] [--frames N [--screenshot OUT.png]]\n"
      "  --width W, --height H   window size in pixels (default 1280x800)\n"
      "  --scenario NAME         load a shipped scenario at start (assets/scenarios/NAME.raft)\n"
      "  --attach URL            draw a live local cluster: raftctl lab's ws://127.0.0.1:PORT/lab\n"
      "  --frames N              render N frames at a fixed 1/60 s each, then exit 0\n"
      "  --screenshot OUT.png    after the last frame, write the window to OUT.png (default N = 60)\n"
      "  --help                  show this help\n");
  std::fprintf(out, "shipped scenarios:");
  for (size_t i = 0; i < kScenariosCount; ++i)
    if (kScenarios[i].name) std::fprintf(out, " %s", kScenarios[i].name);
  std::fprintf(out, "\n");
}

bool parse_int(const char* s, int lo, int hi, int& out) {
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) return false;
  out = static_cast<int>(v);
  return true;
}

// Returns -1 to continue, else the exit code.
int parse_args(int argc, char** argv, Options& o, std::string& scenario) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (const size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
      has_value = true;
    }
    auto need = [&](const char* what) -> const char* {
      if (has_value) return value.c_str();
      if (i + 1 >= argc) {
        std::fprintf(stderr, "raftlab: %s needs %s\n", arg.c_str(), what);
        return nullptr;
      }
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    } else if (arg == "--frames" || arg == "--width" || arg == "--height") {
      const char* v = need("a number");
      if (!v) return 2;
      int& dst = arg == "--frames" ? o.frames : arg == "--width" ? o.width : o.height;
      const int lo = arg == "--frames" ? 1 : 64;
      const int hi = arg == "--frames" ? 10'000'000 : 16384;
      if (!parse_int(v, lo, hi, dst)) {
        std::fprintf(stderr, "raftlab: %s wants a whole number from %d to %d, got '%s'\n", arg.c_str(), lo, hi, v);
        return 2;
      }
    } else if (arg == "--screenshot") {
      const char* v = need("a file name");
      if (!v) return 2;
      o.screenshot = v;
    } else if (arg == "--attach") {
      const char* v = need("a WebSocket URL such as ws://127.0.0.1:7000/lab");
      if (!v) return 2;
      o.attach = v;
      if (const std::string err = AttachClient::check_url(o.attach); !err.empty()) {
        std::fprintf(stderr, "raftlab: --attach: %s\n", err.c_str());
        return 2;
      }
    } else if (arg == "--scenario") {
      const char* v = need("a scenario name");
      if (!v) return 2;
      scenario = v;
    } else {
      std::fprintf(stderr, "raftlab: unknown argument '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (!o.screenshot.empty() && o.frames == 0) o.frames = 60;
  return -1;
}
const EmbeddedScenario* find_scenario(const std::string& name) {
  for (size_t i = 0; i < kScenariosCount; ++i)
    if (kScenarios[i].name && name == kScenarios[i].name) return &kScenarios[i];
  return nullptr;
}

}  // namespace
}  // namespace raft::shell

int main(int argc, char** argv) {
  using namespace raft::shell;
  Options opt;
  std::string scenario;
  if (const int rc = parse_args(argc, argv, opt, scenario); rc >= 0) return rc;
  if (!scenario.empty()) {
    opt.scenario = find_scenario(scenario);
    if (!opt.scenario) {
      std::fprintf(stderr, "raftlab: no shipped scenario named '%s'\n", scenario.c_str());
      usage(stderr);
      return 2;
    }
  }
  return run(opt);
}
