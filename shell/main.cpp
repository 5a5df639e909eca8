// The Raft Lab shell: a GLFW window with ImGui's GLFW + OpenGL3 backends around viz::App.
// One frame() drives both builds: a `while` loop natively, emscripten_set_main_loop on the web.
// The shell owns the window, the clock and the canvas; it holds no Raft logic.
//
// Web sizing: ImGui works in CSS pixels (io.DisplaySize) and the framebuffer in device pixels
// (io.DisplayFramebufferScale = devicePixelRatio), so layout and click positions are CSS pixels
// while the font is rasterized at device resolution (App::init_imgui gets the scale) and stays crisp.

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "shell/assets.h"
#include "shell/shell.h"
#include "viz/app.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include "web/web.h"
#define GLFW_INCLUDE_ES3
#endif
#include <GLFW/glfw3.h>

namespace raft::shell {

// The one App the page (or window) shows; the web bindings act on this same instance.
std::unique_ptr<viz::App>& app_slot() {
  static std::unique_ptr<viz::App> app;
  return app;
}
viz::App& app() {
  auto& slot = app_slot();
  if (!slot) slot = std::make_unique<viz::App>();
  return *slot;
}

namespace {

struct Options {
  int frames = 0;                // 0 = run until the window closes
  std::string screenshot;        // PNG path written after the last frame
  int width = 1280, height = 800;
  std::string scenario;
};

struct Shell {
  GLFWwindow* window = nullptr;
  Options opt;
  double last_time_s = 0;
  long frames_done = 0;
  float font_scale = 0;          // framebuffer pixels per ImGui unit the font atlas was built for
  int fb_w = 0, fb_h = 0;
  bool screenshot_ok = true;
};
Shell g;

constexpr double kFixedDtS = 1.0 / 60.0;   // per frame when rendering a fixed number of frames
constexpr double kMaxDtS = 0.25;           // a stalled tab or window must not fast-forward the sim

std::vector<viz::ScenarioAsset> shipped_scenarios() {
  std::vector<viz::ScenarioAsset> v;
  for (size_t i = 0; i < kScenarioCount; ++i) {
    if (!kScenarios[i].name) continue;
    v.push_back({kScenarios[i].name, std::string(kScenarios[i].text, kScenarios[i].size)});
  }
  return v;
}

// (Re)builds the font atlas for a framebuffer scale: App::init_imgui rasterizes at that scale.
void init_fonts(float scale) {
  if (scale == g.font_scale) return;
  const bool rebuild = g.font_scale != 0;
  g.font_scale = scale;
  ImGuiIO& io = ImGui::GetIO();
  if (rebuild) {
    io.Fonts->Clear();
    ImGui_ImplOpenGL3_DestroyFontsTexture();
  }
  app().init_imgui(kFontTtf, static_cast<int>(kFontTtfSize), scale);
  if (rebuild) ImGui_ImplOpenGL3_CreateFontsTexture();
}

#ifdef __EMSCRIPTEN__
// ---- Web: canvas metrics, page notifications ----
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

struct WebSize { double css_w, css_h, dpr; int fb_w, fb_h; };

WebSize web_size() {
  WebSize s;
  s.css_w = std::max(1.0, std::floor(js_canvas_css_width()));
  s.css_h = std::max(1.0, std::floor(js_canvas_css_height()));
  s.dpr = std::clamp(js_device_pixel_ratio(), 0.25, 8.0);
  s.fb_w = std::max(1, static_cast<int>(std::lround(s.css_w * s.dpr)));
  s.fb_h = std::max(1, static_cast<int>(std::lround(s.css_h * s.dpr)));
  return s;
}
#endif

// ---- Native: PNG writer (stored deflate blocks, CRC32, Adler32; no zlib) ----
#ifndef __EMSCRIPTEN__
uint32_t crc32(const uint8_t* p, size_t n, uint32_t crc = 0) {
  static uint32_t table[256];
  static bool ready = false;
  if (!ready) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = true;
  }
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

void put_be32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}

void put_chunk(std::vector<uint8_t>& out, const char type[4], const std::vector<uint8_t>& data) {
  put_be32(out, static_cast<uint32_t>(data.size()));
  const size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  put_be32(out, crc32(out.data() + start, out.size() - start));
}

// Writes an 8-bit RGB PNG. `rgba` is bottom-up (as glReadPixels returns it).
bool write_png(const std::string& path, int w, int h, const std::vector<uint8_t>& rgba) {
  // Raw scanlines: filter byte 0, then RGB, top row first.
  std::vector<uint8_t> raw;
  raw.reserve(static_cast<size_t>(h) * (1 + 3 * static_cast<size_t>(w)));
  for (int y = h - 1; y >= 0; --y) {
    raw.push_back(0);
    const uint8_t* row = rgba.data() + static_cast<size_t>(y) * w * 4;
    for (int x = 0; x < w; ++x) raw.insert(raw.end(), row + x * 4, row + x * 4 + 3);
  }
  // zlib stream of stored (uncompressed) deflate blocks of at most 65535 bytes.
  std::vector<uint8_t> z = {0x78, 0x01};
  size_t pos = 0;
  do {
    const size_t n = std::min<size_t>(65535, raw.size() - pos);
    const bool last = pos + n == raw.size();
    z.push_back(last ? 1 : 0);
    z.push_back(static_cast<uint8_t>(n & 0xFF));
    z.push_back(static_cast<uint8_t>(n >> 8));
    z.push_back(static_cast<uint8_t>(~n & 0xFF));
    z.push_back(static_cast<uint8_t>((~n >> 8) & 0xFF));
    z.insert(z.end(), raw.begin() + static_cast<std::ptrdiff_t>(pos), raw.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
  } while (pos < raw.size());
  uint32_t a = 1, b = 0;
  for (uint8_t v : raw) { a = (a + v) % 65521; b = (b + a) % 65521; }
  put_be32(z, (b << 16) | a);

  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> ihdr;
  put_be32(ihdr, static_cast<uint32_t>(w));
  put_be32(ihdr, static_cast<uint32_t>(h));
  ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0});  // 8-bit, truecolor, deflate, no filter, no interlace
  put_chunk(png, "IHDR", ihdr);
  put_chunk(png, "IDAT", z);
  put_chunk(png, "IEND", {});

  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(png.data(), 1, png.size(), f) == png.size();
  return std::fclose(f) == 0 && ok;
}

bool save_screenshot(const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(g.window, &w, &h);
  std::vector<uint8_t> rgba(static_cast<size_t>(w) * h * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  if (glGetError() != GL_NO_ERROR) {
    std::fprintf(stderr, "raftlab: glReadPixels failed\n");
    return false;
  }
  if (!write_png(path, w, h, rgba)) {
    std::fprintf(stderr, "raftlab: cannot write %s\n", path.c_str());
    return false;
  }
  std::printf("raftlab: wrote %s (%dx%d, %ld frames)\n", path.c_str(), w, h, g.frames_done);
  return true;
}

// ---- Native: what the Share menu asks for ----
bool write_text_file(const char* path, const std::string& text) {
  FILE* f = std::fopen(path, "wb");
  if (!f) return false;
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

void handle_shell_request(viz::App& a) {
  switch (a.take_shell_request()) {
    case viz::ShellRequest::None: break;
    case viz::ShellRequest::CopyShareLink:
      // No URL on the desktop: the clipboard gets the session as scenario text (the web page's
      // share payload), which loads with --scenario-style text anywhere.
      glfwSetClipboardString(g.window, a.scenario_text().c_str());
      std::printf("raftlab: copied the session (scenario text) to the clipboard\n");
      break;
    case viz::ShellRequest::DownloadTrace:
      if (write_text_file("raftlab-trace.jsonl", a.trace_jsonl())) std::printf("raftlab: wrote raftlab-trace.jsonl\n");
      else std::fprintf(stderr, "raftlab: cannot write raftlab-trace.jsonl\n");
      break;
    case viz::ShellRequest::DownloadScenario:
      if (write_text_file("raftlab-session.raft", a.scenario_text())) std::printf("raftlab: wrote raftlab-session.raft\n");
      else std::fprintf(stderr, "raftlab: cannot write raftlab-session.raft\n");
      break;
  }
}

// ---- Native: command line ----
void usage(FILE* out) {
  std::fprintf(out,
      "usage: raftlab [--width W] [--height H] [--scenario NAME] [--frames N [--screenshot OUT.png]]\n"
      "  --width W, --height H   window size in pixels (default 1280x800)\n"
      "  --scenario NAME         load a shipped scenario at start (assets/scenarios/NAME.raft)\n"
      "  --frames N              render N frames at a fixed 1/60 s each, then exit 0\n"
      "  --screenshot OUT.png    after the last frame, write the window to OUT.png (default N = 60)\n"
      "  --help                  show this help\n");
  std::fprintf(out, "shipped scenarios:");
  for (size_t i = 0; i < kScenarioCount; ++i)
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
int parse_args(int argc, char** argv, Options& o) {
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
    } else if (arg == "--scenario") {
      const char* v = need("a scenario name");
      if (!v) return 2;
      o.scenario = v;
    } else {
      std::fprintf(stderr, "raftlab: unknown argument '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    }
  }
  if (!o.screenshot.empty() && o.frames == 0) o.frames = 60;
  return -1;
}
#endif  // !__EMSCRIPTEN__

// ---- The frame, shared by both builds ----
void frame() {
  glfwPollEvents();

  const double now_s = glfwGetTime();
  double dt_s = g.frames_done == 0 ? kFixedDtS : now_s - g.last_time_s;
  g.last_time_s = now_s;
  if (g.opt.frames > 0) dt_s = kFixedDtS;  // fixed-frame runs are deterministic
  dt_s = std::clamp(dt_s, 0.0, kMaxDtS);

  ImGuiIO& io = ImGui::GetIO();
#ifdef __EMSCRIPTEN__
  // The canvas fills the window (CSS); keep its drawing buffer in device pixels.
  const WebSize ws = web_size();
  js_set_canvas_size(ws.fb_w, ws.fb_h);
  init_fonts(static_cast<float>(ws.dpr));  // rebuilt only when devicePixelRatio changes (zoom, other screen)
  g.fb_w = ws.fb_w;
  g.fb_h = ws.fb_h;
#else
  glfwGetFramebufferSize(g.window, &g.fb_w, &g.fb_h);
  {
    int ww = 0, wh = 0;
    glfwGetWindowSize(g.window, &ww, &wh);
    if (ww > 0 && g.fb_w > 0) init_fonts(static_cast<float>(g.fb_w) / static_cast<float>(ww));
  }
#endif

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  io.DeltaTime = static_cast<float>(dt_s > 0 ? dt_s : 1e-4);
#ifdef __EMSCRIPTEN__
  // Emscripten's GLFW reports window size, framebuffer size and the cursor in canvas (device)
  // pixels; ImGui works in CSS pixels.
  io.DisplaySize = ImVec2(static_cast<float>(ws.css_w), static_cast<float>(ws.css_h));
  io.DisplayFramebufferScale = ImVec2(static_cast<float>(ws.fb_w / ws.css_w), static_cast<float>(ws.fb_h / ws.css_h));
  if (io.MousePos.x != -FLT_MAX)
    io.MousePos = ImVec2(io.MousePos.x / io.DisplayFramebufferScale.x, io.MousePos.y / io.DisplayFramebufferScale.y);
#endif

  ImGui::NewFrame();
  app().frame(dt_s);
  ImGui::Render();

  glViewport(0, 0, g.fb_w, g.fb_h);
  glClearColor(0.08f, 0.08f, 0.10f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  ++g.frames_done;

#ifndef __EMSCRIPTEN__
  if (!g.opt.screenshot.empty() && g.frames_done == g.opt.frames)
    g.screenshot_ok = save_screenshot(g.opt.screenshot);
#endif
  glfwSwapBuffers(g.window);
#ifndef __EMSCRIPTEN__
  handle_shell_request(app());
#endif

#ifdef __EMSCRIPTEN__
  web::after_frame(app());
  if (g.frames_done == 1) js_first_frame();
#endif
}

void glfw_error(int code, const char* description) {
  std::fprintf(stderr, "raftlab: GLFW error %d: %s\n", code, description);
}

}  // namespace
}  // namespace raft::shell

int main(int argc, char** argv) {
  using namespace raft::shell;
#ifdef __EMSCRIPTEN__
  (void)argc;
  (void)argv;
  const WebSize ws = web_size();
  g.opt.width = ws.fb_w;
  g.opt.height = ws.fb_h;
#else
  if (const int rc = parse_args(argc, argv, g.opt); rc >= 0) return rc;
  const EmbeddedScenario* start = nullptr;
  if (!g.opt.scenario.empty()) {
    for (size_t i = 0; i < kScenarioCount; ++i)
      if (kScenarios[i].name && g.opt.scenario == kScenarios[i].name) start = &kScenarios[i];
    if (!start) {
      std::fprintf(stderr, "raftlab: no shipped scenario named '%s'\n", g.opt.scenario.c_str());
      usage(stderr);
      return 2;
    }
  }
#endif

  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) {
#ifdef __EMSCRIPTEN__
    js_fatal("Could not initialize the window system (GLFW).");
#else
    std::fprintf(stderr, "raftlab: cannot initialize GLFW (no display? under CI run: xvfb-run -a raftlab ...)\n");
#endif
    return 1;
  }
#ifdef __EMSCRIPTEN__
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  const char* glsl_version = "#version 300 es";
#else
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  if (g.opt.frames > 0) glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
  const char* glsl_version = "#version 130";
#endif
  g.window = glfwCreateWindow(g.opt.width, g.opt.height, "Raft Lab", nullptr, nullptr);
  if (!g.window) {
#ifdef __EMSCRIPTEN__
    js_fatal("WebGL 2 is not available in this browser, so Raft Lab cannot draw. "
             "Try a current Firefox, Chrome or Safari with hardware acceleration enabled.");
#else
    std::fprintf(stderr, "raftlab: cannot create an OpenGL 3.0 window\n");
    glfwTerminate();
#endif
    return 1;
  }
  glfwMakeContextCurrent(g.window);
  glfwSwapInterval(g.opt.frames > 0 ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the App computes its layout every frame; nothing to save

  raft::viz::App& a = app();
  a.set_scenarios(shipped_scenarios());
  ImGui_ImplGlfw_InitForOpenGL(g.window, true);
  ImGui_ImplOpenGL3_Init(glsl_version);

#ifdef __EMSCRIPTEN__
  raft::web::start(a);
  emscripten_set_main_loop(frame, 0, true);  // does not return
#else
  if (start) {
    std::string error;
    if (!a.load_scenario_text(std::string(start->text, start->size), std::string(start->name) + ".raft", &error)) {
      std::fprintf(stderr, "raftlab: %s\n", error.c_str());
      return 2;
    }
  }
  while (!glfwWindowShouldClose(g.window)) {
    frame();
    if (g.opt.frames > 0 && g.frames_done >= g.opt.frames) break;
  }
  app_slot().reset();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(g.window);
  glfwTerminate();
  return g.screenshot_ok ? 0 : 1;
#endif
}
