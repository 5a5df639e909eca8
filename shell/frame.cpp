// What both builds do around viz::App: start-up (GLFW, the GL context, ImGui and its backends,
// the shipped scenarios), the frame, and shutdown. The backend (shell/backend.h) supplies the GL
// context, the sizes and the loop.
//
// Sizes: ImGui works in display units (CSS pixels on the web) and the framebuffer in pixels
// (io.DisplayFramebufferScale = pixels per unit), so layout and click positions are in display
// units while the font is rasterized at framebuffer resolution (App::init_imgui gets the scale).
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
  init_fonts(v.font_scale);  // rebuilt only when the scale changes (zoom, another screen)

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  io.DeltaTime = static_cast<float>(dt_s > 0 ? dt_s : 1e-4);
  io.DisplaySize = ImVec2(static_cast<float>(v.display_w), static_cast<float>(v.display_h));
  io.DisplayFramebufferScale = ImVec2(static_cast<float>(v.fb_w / v.display_w), static_cast<float>(v.fb_h / v.display_h));
  if (v.cursor_in_pixels && io.MousePos.x != -FLT_MAX)
    io.MousePos = ImVec2(io.MousePos.x / io.DisplayFramebufferScale.x, io.MousePos.y / io.DisplayFramebufferScale.y);

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
  ImGui_ImplGlfw_InitForOpenGL(g.window, true);
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
