// The shell around the one viz::App, split as Tracy splits its profiler: shell/main.cpp reads the
// command line, shell/frame.cpp holds what both builds do (start-up, the frame, shutdown), and one
// backend, chosen by CMake, owns the platform: backend_glfw.cpp the native window and its loop,
// backend_emscripten.cpp the page's canvas and the browser's loop (shell/backend.h).
// The shell holds no Raft logic.
#pragma once

#include <string>

namespace raft::viz {
class App;
}

namespace raft::shell {

struct EmbeddedScenario;

struct Options {
  int frames = 0;                // 0 = run until the window closes
  std::string screenshot;        // PNG path written after the last frame
  int width = 1280, height = 800;
  const EmbeddedScenario* scenario = nullptr;  // loaded before the first frame
  std::string attach;            // a live cluster to attach to at start (raftctl lab's ws:// URL)
};

// The one App the window (or page) shows; the page's JavaScript API acts on this same instance.
viz::App& app();

// Opens the window, runs frames until it closes (natively; on the web for ever) and returns the
// exit code: 0, 1 when the window or a screenshot failed, 2 when the start scenario is broken.
int run(const Options& opt);

}  // namespace raft::shell
