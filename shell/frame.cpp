// What both builds do around viz::App: start-up (GLFW, the GL context, ImGui and its backends,
// the shipped scenarios), the frame, and shutdown. The backend (shell/backend.h) supplies the GL
// context, the sizes and the loop.
//
// Sizes: the window is measured in display units (CSS pixels on the web, screen coordinates
// natively) and the framebuffer in pixels. ImGui works in display units divided by the UI scale
// (App::ui_scale_for), io.DisplayFramebufferScale is pixels per ImGui unit, and the font is
// rasterized at that resolution (App::init_imgui gets the scale).
#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "shell/assets.h"
#include "shell/backend.h"
#include "viz/app.h"

#ifdef __EMSCRIPTEN__
#define GLFW_INCLUDE_ES3
#endif
#include <GLFW/glfw3.h>

namespace raft::shell {

namespace {

constexpr double kFixedDtS = 1.0 / 60.0;   // per frame when rendering a fixed number of frames
constexpr double kMaxDtS = 0.25;           // a stalled tab or window must not fast-forward the sim

struct State {
  GLFWwindow* window = nullptr;
  Options opt;
  double last_time_s = 0;
  long frames_done = 0;
  float font_scale = 0;  // framebuffer pixels per ImGui unit the font atlas was built for
};
State g;

std::unique_ptr<viz::App>& app_slot() {
  static std::unique_ptr<viz::App> app;
  return app;
}

std::vector<viz::ScenarioAsset> embedded(const EmbeddedScenario* table, size_t count) {
  std::vector<viz::ScenarioAsset> v;
  for (size_t i = 0; i < count; ++i) {
    if (!table[i].name) continue;
    v.push_back({table[i].name, std::string(table[i].text, table[i].size)});
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

// Ctrl + / Ctrl - / Ctrl 0: the UI scale (the page keeps the browser from zooming too). Read from
// the key event itself, as a press and release within one frame would not show in ImGui's key state.
// Installed before ImGui's GLFW backend, which calls it after its own.
void zoom_keys(GLFWwindow*, int key, int, int action, int mods) {
  if (action != GLFW_PRESS || (mods & GLFW_MOD_CONTROL) == 0 || (mods & GLFW_MOD_ALT) != 0) return;
  if (key == GLFW_KEY_EQUAL || key == GLFW_KEY_KP_ADD) app().zoom_by(+1);
  else if (key == GLFW_KEY_MINUS || key == GLFW_KEY_KP_SUBTRACT) app().zoom_by(-1);
  else if (key == GLFW_KEY_0 || key == GLFW_KEY_KP_0) app().zoom_by(0);
}

void glfw_error(int code, const char* description) {
  std::fprintf(stderr, "raftlab: GLFW error %d: %s\n", code, description);
}

}  // namespace

viz::App& app() {
  auto& slot = app_slot();
  if (!slot) slot = std::make_unique<viz::App>();
  return *slot;
}

void frame() {
  glfwPollEvents();

  const double now_s = glfwGetTime();
  double dt_s = g.frames_done == 0 ? kFixedDtS : now_s - g.last_time_s;
  g.last_time_s = now_s;
  if (g.opt.frames > 0) dt_s = kFixedDtS;  // fixed-frame runs are deterministic
  dt_s = std::clamp(dt_s, 0.0, kMaxDtS);

  const Viewport v = backend::viewport(g.window);
  // ImGui lays out in display units / scale (the UI scale: big screens and Ctrl +/- make it larger)
  // and the font is rasterized at framebuffer pixels per ImGui unit, so text stays sharp.
  const float scale = app().ui_scale_for(v.display_w, v.display_h, v.device_scale);
  init_fonts(v.font_scale * scale);  // rebuilt only when the scale changes (zoom, another screen)

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  io.DeltaTime = static_cast<float>(dt_s > 0 ? dt_s : 1e-4);
  io.DisplaySize = ImVec2(static_cast<float>(v.display_w / scale), static_cast<float>(v.display_h / scale));
  io.DisplayFramebufferScale = ImVec2(static_cast<float>(v.fb_w / io.DisplaySize.x), static_cast<float>(v.fb_h / io.DisplaySize.y));
  // GLFW's cursor is in display units natively and in framebuffer pixels on the page.
  if (io.MousePos.x != -FLT_MAX) {
    const ImVec2 per_unit = v.cursor_in_pixels ? io.DisplayFramebufferScale : ImVec2(scale, scale);
    io.MousePos = ImVec2(io.MousePos.x / per_unit.x, io.MousePos.y / per_unit.y);
  }

  ImGui::NewFrame();
  app().frame(dt_s);
  ImGui::Render();

  glViewport(0, 0, v.fb_w, v.fb_h);
  glClearColor(0.08f, 0.08f, 0.10f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  ++g.frames_done;
  app().note_frame_work((glfwGetTime() - now_s) * 1000.0);
  backend::finish_frame(g.window, app(), g.frames_done);
}

int run(const Options& opt) {
  g.opt = opt;
  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) {
    backend::fail(Failure::WindowSystem);
    return 1;
  }
  const ContextSpec spec = backend::prepare(opt);
  g.window = glfwCreateWindow(spec.width, spec.height, "Raft Lab", nullptr, nullptr);
  if (!g.window) {
    backend::fail(Failure::Window);
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(g.window);
  glfwSwapInterval(opt.frames > 0 ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the App computes its layout every frame; nothing to save

  viz::App& a = app();
  a.set_scenarios(embedded(kScenarios, kScenariosCount));
  a.set_tour(embedded(kTourChapters, kTourChaptersCount));
  glfwSetKeyCallback(g.window, zoom_keys);
  ImGui_ImplGlfw_InitForOpenGL(g.window, true);  // chains to zoom_keys
  ImGui_ImplOpenGL3_Init(spec.glsl_version);

  if (const EmbeddedScenario* s = opt.scenario) {
    std::string error;
    if (!a.load_scenario_text(std::string(s->text, s->size), std::string(s->name) + ".raft", &error)) {
      std::fprintf(stderr, "raftlab: %s\n", error.c_str());
      return 2;
    }
  }
  return backend::loop(g.window, opt, frame);
}

void shutdown(GLFWwindow* window) {
  app_slot().reset();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
}

}  // namespace raft::shell
