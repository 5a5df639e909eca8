// A headless App for tests: an ImGui context with a null renderer, frames driven by hand, and
// clicks and keys as ImGui input events. Shared by the viz tests.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <optional>

#include "imgui.h"
#include "imgui_internal.h"
#include "viz/app.h"
#include "viz/commands.h"
#include "viz/history.h"

namespace raft::viz {

struct NullBackend {
  ImGuiContext* ctx = nullptr;
  explicit NullBackend(App& app, ImVec2 size = ImVec2(1280, 800)) {
    ctx = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = size;
    io.DeltaTime = 1.0f / 60.0f;
    app.init_imgui(nullptr, 0, 1.0f);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  }
  ~NullBackend() { ImGui::DestroyContext(ctx); }
  NullBackend(const NullBackend&) = delete;
  NullBackend& operator=(const NullBackend&) = delete;

  int vertices_max = 0;
  void frame(App& app, double dt = 1.0 / 60.0) {
    ImGui::GetIO().DeltaTime = static_cast<float>(dt > 0 ? dt : 1e-4);
    ImGui::NewFrame();
    app.frame(dt);
    ImGui::Render();
    const ImDrawData* dd = ImGui::GetDrawData();
    for (int i = 0; i < dd->CmdListsCount; ++i) vertices_max = std::max(vertices_max, dd->CmdLists[i]->VtxBuffer.Size);
  }
  void frames(App& app, int n, double dt = 1.0 / 60.0) {
    for (int i = 0; i < n; ++i) frame(app, dt);
  }
  // Mouse to p, press, release: three frames with no time passing.
  void click(App& app, ImVec2 p, int button = 0) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = p;
    frame(app, 0);
    io.MouseDown[button] = true;
    frame(app, 0);
    io.MouseDown[button] = false;
    frame(app, 0);
  }
  void key(App& app, char c) {
    ImGui::GetIO().AddInputCharacter(static_cast<unsigned>(c));
    frame(app, 0);
    frame(app, 0);
  }
  // A named key (ImGui 1.86: through io.KeyMap and io.KeysDown), pressed for one frame.
  void key(App& app, ImGuiKey_ k) {
    ImGuiIO& io = ImGui::GetIO();
    if (io.KeyMap[k] < 0) io.KeyMap[k] = 300 + k;
    io.KeysDown[io.KeyMap[k]] = true;
    frame(app, 0);
    io.KeysDown[io.KeyMap[k]] = false;
    frame(app, 0);
  }
  bool popup_open() const { return ctx->OpenPopupStack.Size > 0; }
  bool window_visible(const char* name) const {
    ImGuiWindow* w = ImGui::FindWindowByName(name);
    return w && w->WasActive;
  }
};

inline ImVec2 node_pos(const App& app, NodeId n) {
  const std::optional<ScreenPoint> p = app.node_position(n);
  REQUIRE(p);
  return ImVec2(p->x, p->y);
}

inline ImVec2 item_pos(const App& app, const char* key) {
  const std::optional<ScreenPoint> p = app.item_position(key);
  REQUIRE_MESSAGE(p, key);
  return ImVec2(p->x, p->y);
}

inline size_t markers(const App& app, MarkerKind k) {
  size_t n = 0;
  for (const Marker& m : app.history().markers()) n += m.kind == k ? 1 : 0;
  return n;
}

// Runs until the cluster has a leader (at most `seconds` of virtual time at 1x).
inline NodeId wait_for_leader(App& app, NullBackend& nb, double seconds) {
  for (int i = 0; i < static_cast<int>(seconds * 60); ++i) {
    nb.frame(app);
    if (app.lab().cluster().leader() != kNoNode && !app.lab().in_past()) return app.lab().cluster().leader();
  }
  return app.lab().cluster().leader();
}

}  // namespace raft::viz
