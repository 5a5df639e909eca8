// A seeded monkey: random clicks, drags, keys and wheel turns over the whole window, at several
// window sizes and cluster sizes. Nothing may assert (ImGui or the core), and the invariants hold.
#include <doctest/doctest.h>

#include <random>

#include "imgui.h"
#include "viz/app.h"
#include "viz/commands.h"

namespace raft::viz {
namespace {

void monkey(ImVec2 display, int nodes, uint32_t seed, int frames) {
  App app;
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = display;
  app.init_imgui(nullptr, 0, 1.0f);
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  if (nodes != 5) {
    sim::ClusterConfig cfg = default_config();
    cfg.nodes = nodes;
    app.restart(cfg);
    REQUIRE(app.act(sim::make::client_load(true, 30), Fork::Confirmed) == "");
  }
  app.set_speed(4);
  std::mt19937 rng(seed);  // seeded: the same run every time
  auto uniform = [&](float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); };
  const char keys[] = {' ', '.', 'c', 'k', 'h', '?', 'x'};
  for (int i = 0; i < frames; ++i) {
    const int what = static_cast<int>(rng() % 100);
    io.MouseWheel = 0;
    if (what < 30) {
      io.MousePos = ImVec2(uniform(0, display.x), uniform(0, display.y));
    } else if (what < 45) {
      io.MouseDown[0] = !io.MouseDown[0];
    } else if (what < 50) {
      io.MouseDown[1] = !io.MouseDown[1];
    } else if (what < 55) {
      io.AddInputCharacter(static_cast<unsigned>(keys[rng() % sizeof keys]));
    } else if (what < 58) {
      io.MouseWheel = uniform(-3, 3);
    } else if (what < 60) {
      if (const auto p = app.node_position(static_cast<NodeId>(rng() % static_cast<uint32_t>(nodes)))) io.MousePos = ImVec2(p->x, p->y);
    } else if (what < 62) {
      app.seek(static_cast<Time>(uniform(0, 1) * static_cast<float>(app.lab().end_time())));
    }
    io.DeltaTime = 1.0f / 60.0f;
    ImGui::NewFrame();
    app.frame(1.0 / 60.0);
    ImGui::Render();
    const ImDrawData* dd = ImGui::GetDrawData();
    for (int l = 0; l < dd->CmdListsCount; ++l) REQUIRE(dd->CmdLists[l]->VtxBuffer.Size < 65536);
  }
  CHECK(app.lab().cluster().ok());
  ImGui::DestroyContext();
}

TEST_CASE("monkey: 5 nodes at the smallest window") { monkey(ImVec2(1024, 640), 5, 1, 2500); }
TEST_CASE("monkey: 15 nodes") { monkey(ImVec2(1280, 800), 15, 2, 1500); }
TEST_CASE("monkey: 1 node, large window") { monkey(ImVec2(2560, 1440), 1, 3, 800); }
TEST_CASE("monkey: 3 nodes, tiny window") { monkey(ImVec2(640, 400), 3, 4, 800); }

}  // namespace
}  // namespace raft::viz
