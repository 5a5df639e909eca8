// The web backend: a WebGL 2 (OpenGL ES 3.0) context on the page's canvas, one frame per browser
// animation frame (emscripten_set_main_loop). The canvas fills the window in CSS pixels, which are
// ImGui's display units; its drawing buffer is kept in device pixels so text stays crisp. A
// finished frame updates the URL hash and serves the Share menu (web/share.cpp). The page's main()
// is here too: it has no command line.
#include <emscripten.h>

#include <algorithm>
#include <cmath>

#include "shell/backend.h"
#include "viz/app.h"
#include "web/web.h"

#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>

namespace raft::shell {

namespace {

EM_JS(double, js_canvas_css_width, (), {
  var c = Module['canvas'];
  var w = c ? c.getBoundingClientRect().width : 0;
  return w > 0 ? w : window.innerWidth;
});
EM_JS(double, js_canvas_css_height, (), {
  var c = Module['canvas'];
  var h = c ? c.getBoundingClientRect().height : 0;
  return h > 0 ? h : window.innerHeight;
});
EM_JS(double, js_device_pixel_ratio, (), { return window.devicePixelRatio || 1; });
// Sets the drawing buffer size directly (GLFW's setCanvasSize would also fiddle with the CSS size).
EM_JS(void, js_set_canvas_size, (int w, int h), {
  var c = Module['canvas'];
  if (c.width != w) c.width = w;
  if (c.height != h) c.height = h;
});
EM_JS(void, js_first_frame, (), {
  if (typeof Module['onFirstFrame'] === 'function') Module['onFirstFrame']();
});
EM_JS(void, js_fatal, (const char* msg), {
  var text = UTF8ToString(msg);
  if (typeof Module['onFatal'] === 'function') Module['onFatal'](text); else console.error(text);
});

// Emscripten's GLFW reports window size, framebuffer size and the cursor in canvas (device)
// pixels; ImGui works in CSS pixels.
Viewport measure() {
  Viewport v;
  v.display_w = std::max(1.0, std::floor(js_canvas_css_width()));
  v.display_h = std::max(1.0, std::floor(js_canvas_css_height()));
  const double dpr = std::clamp(js_device_pixel_ratio(), 0.25, 8.0);
  v.fb_w = std::max(1, static_cast<int>(std::lround(v.display_w * dpr)));
  v.fb_h = std::max(1, static_cast<int>(std::lround(v.display_h * dpr)));
  v.cursor_in_pixels = true;
  v.font_scale = static_cast<float>(dpr);
  return v;
}

}  // namespace

namespace backend {

ContextSpec prepare(const Options&) {
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  const Viewport v = measure();
  return ContextSpec{"#version 300 es", v.fb_w, v.fb_h};
}

void fail(Failure f) {
  switch (f) {
    case Failure::WindowSystem: js_fatal("Could not initialize the window system (GLFW)."); break;
    case Failure::Window:
      js_fatal("WebGL 2 is not available in this browser, so Raft Lab cannot draw. "
               "Try a current Firefox, Chrome or Safari with hardware acceleration enabled.");
      break;
  }
}

Viewport viewport(GLFWwindow*) {
  const Viewport v = measure();
  js_set_canvas_size(v.fb_w, v.fb_h);
  return v;
}

void finish_frame(GLFWwindow* window, viz::App& app, long frames_done) {
  glfwSwapBuffers(window);
  web::after_frame(app);
  if (frames_done == 1) js_first_frame();
}

int loop(GLFWwindow*, const Options&, void (*frame)()) {
  web::start(app());
  emscripten_set_main_loop(frame, 0, true);  // does not return
  return 0;
}

}  // namespace backend
}  // namespace raft::shell

// The page has no command line: it opens the default session, or the one in the URL hash.
int main() { return raft::shell::run(raft::shell::Options{}); }
