// Geometry: the window layout, the ring, message positions, hit tests, the time axis, the log grid.
#include "viz/layout.h"

#include <doctest/doctest.h>

#include <cmath>

namespace raft::viz {
namespace {

bool overlaps(const Rect& a, const Rect& b) {
  return a.min.x < b.max.x && b.min.x < a.max.x && a.min.y < b.max.y && b.min.y < a.max.y;
}

bool inside(const Rect& outer, const Rect& inner) {
  return inner.min.x >= outer.min.x - 0.01f && inner.min.y >= outer.min.y - 0.01f && inner.max.x <= outer.max.x + 0.01f &&
         inner.max.y <= outer.max.y + 0.01f;
}

TEST_CASE("screen layout: panels tile the display without overlapping") {
  for (ImVec2 d : {ImVec2(1024, 640), ImVec2(1280, 800), ImVec2(1920, 1080), ImVec2(3840, 2160)}) {
    for (int rows : {1, 5, 15}) {
      const ScreenLayout l = compute_screen_layout(d, 21, rows);
      const Rect all[] = {l.menu, l.cluster, l.logs, l.inspector, l.events, l.timeline, l.status};
      const Rect screen{{0, 0}, d};
      float area = 0;
      for (size_t i = 0; i < std::size(all); ++i) {
        CHECK(inside(screen, all[i]));
        CHECK(all[i].width() > 0);
        CHECK(all[i].height() > 0);
        area += all[i].width() * all[i].height();
        for (size_t j = i + 1; j < std::size(all); ++j) CHECK_FALSE(overlaps(all[i], all[j]));
      }
      CHECK(area == doctest::Approx(d.x * d.y).epsilon(0.001));
      // Usable sizes at the smallest supported window.
      CHECK(l.cluster.height() >= 200);
      CHECK(l.inspector.width() >= 300);
      CHECK(l.logs.height() >= 100);
    }
  }
}

TEST_CASE("UI scale: 1 up to 1440x900, larger on big screens in eighths, at most 2") {
  CHECK(fit_ui_scale(1024, 640) == 1.0f);
  CHECK(fit_ui_scale(1280, 800) == 1.0f);
  CHECK(fit_ui_scale(1440, 900) == 1.0f);
  CHECK(fit_ui_scale(1920, 1080) == 1.125f);  // min(1.33, 1.2) down to an eighth
  CHECK(fit_ui_scale(2560, 1440) == 1.5f);
  CHECK(fit_ui_scale(3840, 2160) == 2.0f);
  CHECK(fit_ui_scale(7680, 4320) == 2.0f);
  CHECK(fit_ui_scale(3840, 600) == 1.0f);     // a wide strip: the height decides
  CHECK(fit_ui_scale(0, 0) == 1.0f);
  CHECK(fit_ui_scale(NAN, 1000) == 1.0f);
}

TEST_CASE("UI zoom steps like a browser's and stops at the ends") {
  CHECK(step_ui_zoom(1.0f, +1) == 1.1f);
  CHECK(step_ui_zoom(1.0f, -1) == 0.9f);
  CHECK(step_ui_zoom(1.1f, -1) == 1.0f);
  CHECK(step_ui_zoom(2.5f, 0) == 1.0f);
  CHECK(step_ui_zoom(3.0f, +1) == 3.0f);
  CHECK(step_ui_zoom(0.5f, -1) == 0.5f);
  CHECK(step_ui_zoom(1.3f, +1) == 1.5f);   // between steps: the next one up
  CHECK(step_ui_zoom(1.3f, -1) == 1.25f);  // and the next one down
}

TEST_CASE("ring layout: two label lines only where neighbours' labels do not overlap") {
  // The cluster view of a 1280x800 window: 5 servers get two lines, 15 (grown by `add`) one.
  const Rect wide{{0, 0}, {890, 370}};
  CHECK_FALSE(ring_layout(5, wide).compact);
  CHECK(ring_layout(15, wide).compact);
  for (const Rect& area : {wide, Rect{{0, 0}, {600, 300}}, Rect{{0, 0}, {1500, 700}}, Rect{{0, 0}, {400, 400}}}) {
    for (int n = 2; n <= kNodesMax; ++n) {
      const RingLayout r = ring_layout(n, area);
      if (!r.compact) CHECK_MESSAGE(!ring_labels_collide(r), n << " nodes in " << area.width() << "x" << area.height());
    }
  }
}

TEST_CASE("ring layout: nodes inside the area, distinct, s1 at the top") {
  const Rect area{{0, 30}, {700, 400}};
  for (int n = 1; n <= kNodesMax; ++n) {
    const RingLayout r = ring_layout(n, area);
    CHECK(r.n == n);
    CHECK(r.node_r >= 10);
    for (int i = 0; i < n; ++i) {
      CHECK(r.pos[i].x - r.node_r >= area.min.x);
      CHECK(r.pos[i].x + r.node_r <= area.max.x);
      CHECK(r.pos[i].y - r.node_r >= area.min.y);
      CHECK(r.pos[i].y + r.node_r <= area.max.y);
      for (int j = i + 1; j < n; ++j) {
        const float d = std::hypot(r.pos[i].x - r.pos[j].x, r.pos[i].y - r.pos[j].y);
        CHECK(d >= 2 * r.node_r);
      }
    }
    if (n > 1) {
      for (int i = 1; i < n; ++i) CHECK(r.pos[0].y <= r.pos[i].y);
    }
  }
}

TEST_CASE("messages move from sender to receiver, in separate lanes per direction") {
  const RingLayout r = ring_layout(5, Rect{{0, 0}, {800, 500}});
  CHECK(message_progress(100, 200, 50) == 0.0f);
  CHECK(message_progress(100, 200, 150) == doctest::Approx(0.5));
  CHECK(message_progress(100, 200, 250) == 1.0f);
  CHECK(message_progress(100, 100, 100) == 1.0f);
  const ImVec2 a = message_point(r, 0, 2, 0), b = message_point(r, 0, 2, 1), m = message_point(r, 0, 2, 0.5f);
  // Starts at the sender's rim, ends at the receiver's rim.
  CHECK(std::hypot(a.x - r.pos[0].x, a.y - r.pos[0].y) == doctest::Approx(r.node_r + 2).epsilon(0.2));
  CHECK(std::hypot(b.x - r.pos[2].x, b.y - r.pos[2].y) == doctest::Approx(r.node_r + 2).epsilon(0.2));
  CHECK(m.x == doctest::Approx((a.x + b.x) / 2));
  // The reply travels in the other lane.
  const ImVec2 back = message_point(r, 2, 0, 0.5f);
  CHECK(std::hypot(back.x - m.x, back.y - m.y) > 4);
}

TEST_CASE("hit tests: nodes, links, nearest point") {
  const RingLayout r = ring_layout(5, Rect{{0, 0}, {800, 500}});
  for (int i = 0; i < 5; ++i) CHECK(hit_node(r, r.pos[i]) == i);
  CHECK(hit_node(r, r.center) == kNoNode);
  NodeId a = kNoNode, b = kNoNode;
  const ImVec2 mid((r.pos[1].x + r.pos[3].x) / 2, (r.pos[1].y + r.pos[3].y) / 2);
  REQUIRE(hit_link(r, mid, 4, a, b));
  CHECK(a == 1);
  CHECK(b == 3);
  CHECK_FALSE(hit_link(r, ImVec2(-100, -100), 4, a, b));
  const ImVec2 pts[] = {{10, 10}, {20, 20}, {30, 30}};
  CHECK(hit_nearest(pts, 3, ImVec2(19, 21), 5) == 1);
  CHECK(hit_nearest(pts, 3, ImVec2(100, 100), 5) == -1);
  CHECK(distance_to_segment(ImVec2(5, 5), ImVec2(0, 0), ImVec2(10, 0)) == doctest::Approx(5));
}

TEST_CASE("time axis maps both ways") {
  TimeAxis ax{100, 1100, 0, 10'000'000};
  CHECK(ax.to_x(0) == doctest::Approx(100));
  CHECK(ax.to_x(5'000'000) == doctest::Approx(600));
  CHECK(ax.to_time(600) == 5'000'000);
  CHECK(ax.to_time(0) == 0);
  CHECK(ax.to_time(5000) == 10'000'000);
}

TEST_CASE("log grid: cells, indexes and culling") {
  LogGrid g;
  g.origin = ImVec2(100, 50);
  const Rect c = g.cell(1, 0);
  CHECK(c.min.x == doctest::Approx(100));
  CHECK(c.min.y == doctest::Approx(50));
  CHECK(g.index_at(100 + g.cell_w * 2.5f) == 3);
  CHECK(g.row_at(50 + g.row_h * 1.5f) == 1);
  LogIndex first = 0, last = 0;
  g.visible(100 + g.cell_w * 100, 100 + g.cell_w * 150, 10'000, first, last);
  CHECK(first == 101);
  CHECK(last == 151);
  g.visible(100, 100 + g.cell_w * 150, 5, first, last);
  CHECK(first == 1);
  CHECK(last == 5);
  g.visible(100, 200, 0, first, last);
  CHECK(last < first);
}

TEST_CASE("the speed accumulator turns real time into whole microseconds") {
  double acc = 0;
  Time total = 0;
  for (int i = 0; i < 60; ++i) total += advance_accumulator(1.0 / 60, 1.0, acc);
  CHECK(std::llabs(total - 1'000'000) <= 1);
  acc = 0;
  total = 0;
  for (int i = 0; i < 6000; ++i) total += advance_accumulator(1.0 / 60, 0.001, acc);
  CHECK(std::llabs(total - 100'000) <= 1);
  acc = 0;
  CHECK(advance_accumulator(5.0, 10, acc) == 2'500'000);  // long frames are capped at 0.25 s
  CHECK(clamp_speed(100) == kSpeedMax);
  CHECK(clamp_speed(0) == kSpeedMin);
}

}  // namespace
}  // namespace raft::viz
