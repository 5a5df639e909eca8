#include "viz/layout.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace raft::viz {

namespace {
constexpr float kPi = 3.14159265358979f;
float clampf(float v, float lo, float hi) { return v < lo ? lo : v > hi ? hi : v; }
ImVec2 lerp(ImVec2 a, ImVec2 b, float t) { return ImVec2(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t); }
float length(ImVec2 v) { return std::sqrt(v.x * v.x + v.y * v.y); }
}  // namespace

float fit_ui_scale(float display_w, float display_h) {
  const float fit = std::min(display_w / 1440.0f, display_h / 900.0f);
  if (!(fit > 1)) return 1;  // also NaN
  return std::min(std::floor(fit * 8) / 8, 2.0f);
}

float step_ui_zoom(float zoom, int steps) {
  constexpr int n = static_cast<int>(std::size(kUiZooms));
  if (steps == 0) return 1;
  // The step at or nearest below (going up) or above (going down) the current zoom.
  int i = 0;
  if (steps > 0) {
    while (i + 1 < n && kUiZooms[i + 1] <= zoom + 1e-3f) ++i;
  } else {
    i = n - 1;
    while (i > 0 && kUiZooms[i - 1] >= zoom - 1e-3f) --i;
  }
  return kUiZooms[std::clamp(i + steps, 0, n - 1)];
}

float log_panel_height(int rows, float line_h) {
  return line_h + 8 + kLogRulerHeight + static_cast<float>(rows) * kLogRowHeight + 14 + 10;
}

ScreenLayout compute_screen_layout(ImVec2 display, float line_h, int log_rows) {
  ScreenLayout l;
  const float w = std::max(display.x, 1.0f), h = std::max(display.y, 1.0f);
  const float menu_h = line_h;
  const float status_h = line_h + 6;
  const float timeline_h = line_h + 52;
  l.menu = {{0, 0}, {w, menu_h}};
  l.status = {{0, h - status_h}, {w, h}};
  l.timeline = {{0, l.status.min.y - timeline_h}, {w, l.status.min.y}};
  const float top = menu_h, bottom = l.timeline.min.y;
  const float mid_h = std::max(bottom - top, 0.0f);
  const float right_w = std::min(clampf(w * 0.30f, 300.0f, 520.0f), w * 0.45f);
  const float split_x = std::floor(w - right_w);
  float logs_h = std::min(log_panel_height(log_rows, line_h), mid_h * 0.38f);
  logs_h = std::floor(std::max(logs_h, std::min(110.0f, mid_h * 0.5f)));
  l.cluster = {{0, top}, {split_x, bottom - logs_h}};
  l.logs = {{0, bottom - logs_h}, {split_x, bottom}};
  const float inspector_h = std::floor(mid_h * 0.56f);
  l.inspector = {{split_x, top}, {w, top + inspector_h}};
  l.events = {{split_x, top + inspector_h}, {w, bottom}};
  return l;
}

namespace {

// The box a node and its label lines take (the labels are centered under the node).
Rect label_box(const RingLayout& r, int i) {
  const float below = r.compact ? kRingLabelLineHeight : 2 * kRingLabelLineHeight;
  return {ImVec2(r.pos[i].x - std::max(r.node_r, kRingLabelHalfWidth), r.pos[i].y - r.node_r),
          ImVec2(r.pos[i].x + std::max(r.node_r, kRingLabelHalfWidth), r.pos[i].y + r.node_r + 10 + below)};
}

bool overlap(const Rect& a, const Rect& b) { return a.min.x < b.max.x && b.min.x < a.max.x && a.min.y < b.max.y && b.min.y < a.max.y; }

RingLayout place_ring(int n, const Rect& area, bool compact);

}  // namespace

bool ring_labels_collide(const RingLayout& r) {
  for (int i = 0; i < r.n && r.n > 1; ++i) {
    const int j = (i + 1) % r.n;
    if (j != i && overlap(label_box(r, i), label_box(r, j))) return true;
  }
  return false;
}

RingLayout ring_layout(int n, const Rect& area) {
  const int count = std::clamp(n, 0, kNodesMax);
  const float w = area.width(), h = area.height();
  // Two label lines under each node unless the ring is crowded (then one short line): too little
  // ring per node, or neighbours' labels that would overlap (at the flat ends of a wide ellipse).
  const float approx_perimeter = 2 * kPi * std::sqrt((w * w + h * h) / 8.0f);
  const bool crowded = count > 1 && approx_perimeter / static_cast<float>(count) < 120.0f;
  if (!crowded) {
    RingLayout r = place_ring(count, area, false);
    if (!ring_labels_collide(r)) return r;
  }
  return place_ring(count, area, true);
}

namespace {

RingLayout place_ring(int n, const Rect& area, bool compact) {
  RingLayout r;
  r.n = n;
  r.center = area.center();
  const float w = area.width(), h = area.height();
  r.compact = compact;
  float node_r = clampf(std::min(w, h) * 0.08f, 14.0f, 40.0f);
  const float margin_x = r.compact ? 30.0f : 62.0f, margin_top = 12.0f, margin_bottom = r.compact ? 20.0f : 36.0f;
  r.rx = std::max(w * 0.5f - margin_x - node_r, 10.0f);
  r.ry = std::max(h * 0.5f - (margin_top + margin_bottom) * 0.5f - node_r, 10.0f);
  r.center.y += (margin_top - margin_bottom) * 0.5f;
  if (r.n == 1) {
    r.node_r = node_r;
    r.pos[0] = r.center;
    return r;
  }
  // Even spacing by arc length: sample the ellipse, then walk its cumulative length.
  constexpr int kSamples = 720;
  float cumulative[kSamples + 1];
  ImVec2 pts[kSamples + 1];
  cumulative[0] = 0;
  for (int k = 0; k <= kSamples; ++k) {
    const float a = -kPi * 0.5f + 2 * kPi * static_cast<float>(k) / kSamples;
    pts[k] = ImVec2(r.center.x + r.rx * std::cos(a), r.center.y + r.ry * std::sin(a));
    if (k > 0) cumulative[k] = cumulative[k - 1] + length(ImVec2(pts[k].x - pts[k - 1].x, pts[k].y - pts[k - 1].y));
  }
  const float total = cumulative[kSamples];
  r.spacing = total / static_cast<float>(r.n);
  int k = 0;
  for (int i = 0; i < r.n; ++i) {
    const float target = r.spacing * static_cast<float>(i);
    while (k < kSamples && cumulative[k + 1] < target) ++k;
    const float seg = cumulative[k + 1] - cumulative[k];
    const float t = seg > 0 ? (target - cumulative[k]) / seg : 0;
    const ImVec2 p = lerp(pts[k], pts[k + 1], t);
    r.pos[i] = ImVec2(std::round(p.x), std::round(p.y));
  }
  r.node_r = std::min(node_r, std::max(r.spacing * 0.3f, 10.0f));
  return r;
}

}  // namespace

float message_progress(Time sent_at, Time deliver_at, Time now) {
  if (deliver_at <= sent_at) return now >= deliver_at ? 1.0f : 0.0f;
  const double f = static_cast<double>(now - sent_at) / static_cast<double>(deliver_at - sent_at);
  return static_cast<float>(f < 0 ? 0 : f > 1 ? 1 : f);
}

ImVec2 message_point(const RingLayout& ring, NodeId from, NodeId to, float progress) {
  const ImVec2 a = ring.pos[from], b = ring.pos[to];
  const ImVec2 d(b.x - a.x, b.y - a.y);
  const float len = length(d);
  if (len < 1e-3f) return a;
  const ImVec2 u(d.x / len, d.y / len);
  const float lane = std::min(5.0f, ring.node_r * 0.3f);
  const ImVec2 side(-u.y * lane, u.x * lane);  // right of travel (screen y is down)
  const float rim = std::min(ring.node_r + 2, len * 0.5f);
  const ImVec2 start(a.x + u.x * rim + side.x, a.y + u.y * rim + side.y);
  const ImVec2 end(b.x - u.x * rim + side.x, b.y - u.y * rim + side.y);
  return lerp(start, end, clampf(progress, 0, 1));
}

float distance_to_segment(ImVec2 p, ImVec2 a, ImVec2 b) {
  const ImVec2 ab(b.x - a.x, b.y - a.y), ap(p.x - a.x, p.y - a.y);
  const float l2 = ab.x * ab.x + ab.y * ab.y;
  const float t = l2 > 0 ? clampf((ap.x * ab.x + ap.y * ab.y) / l2, 0, 1) : 0;
  return length(ImVec2(p.x - (a.x + ab.x * t), p.y - (a.y + ab.y * t)));
}

NodeId hit_node(const RingLayout& ring, ImVec2 p) {
  const float r = ring.node_r + 3;
  for (int i = 0; i < ring.n; ++i) {
    if (length(ImVec2(p.x - ring.pos[i].x, p.y - ring.pos[i].y)) <= r) return i;
  }
  return kNoNode;
}

bool hit_link(const RingLayout& ring, ImVec2 p, float tolerance, NodeId& a_out, NodeId& b_out) {
  float best = tolerance;
  bool found = false;
  for (int a = 0; a < ring.n; ++a) {
    for (int b = a + 1; b < ring.n; ++b) {
      const ImVec2 pa = ring.pos[a], pb = ring.pos[b];
      const ImVec2 d(pb.x - pa.x, pb.y - pa.y);
      const float len = length(d);
      if (len < 2 * ring.node_r + 4) continue;
      const ImVec2 u(d.x / len, d.y / len);
      const float rim = ring.node_r + 2;
      const float dist = distance_to_segment(p, ImVec2(pa.x + u.x * rim, pa.y + u.y * rim),
                                             ImVec2(pb.x - u.x * rim, pb.y - u.y * rim));
      if (dist <= best) {
        best = dist;
        a_out = a;
        b_out = b;
        found = true;
      }
    }
  }
  return found;
}

int hit_nearest(const ImVec2* points, int count, ImVec2 p, float radius) {
  int best = -1;
  float best_d2 = radius * radius;
  for (int i = 0; i < count; ++i) {
    const float dx = points[i].x - p.x, dy = points[i].y - p.y;
    const float d2 = dx * dx + dy * dy;
    if (d2 <= best_d2) {
      best_d2 = d2;
      best = i;
    }
  }
  return best;
}

float TimeAxis::to_x(Time t) const {
  if (t1 <= t0) return x0;
  return x0 + (x1 - x0) * static_cast<float>(static_cast<double>(t - t0) / static_cast<double>(t1 - t0));
}

Time TimeAxis::to_time(float x) const {
  if (x1 <= x0) return t0;
  const double f = std::clamp(static_cast<double>((x - x0) / (x1 - x0)), 0.0, 1.0);
  return t0 + static_cast<Time>(std::llround(f * static_cast<double>(t1 - t0)));
}

Rect LogGrid::cell(LogIndex index, int row) const {
  const float x = x_of(index), y = origin.y + static_cast<float>(row) * row_h;
  return {{x, y}, {x + cell_w, y + row_h}};
}

float LogGrid::x_of(LogIndex index) const { return origin.x + static_cast<float>(static_cast<double>(index) - 1.0) * cell_w; }

int64_t LogGrid::index_at(float x) const { return static_cast<int64_t>(std::floor((x - origin.x) / cell_w)) + 1; }

int LogGrid::row_at(float y) const { return static_cast<int>(std::floor((y - origin.y) / row_h)); }

void LogGrid::visible(float x_min, float x_max, LogIndex last, LogIndex& first_out, LogIndex& last_out) const {
  const int64_t a = std::max<int64_t>(index_at(x_min), 1);
  const int64_t b = std::min<int64_t>(index_at(x_max), static_cast<int64_t>(last));
  first_out = static_cast<LogIndex>(a);
  last_out = b < a ? static_cast<LogIndex>(a - 1) : static_cast<LogIndex>(b);
}

double clamp_speed(double s) { return std::clamp(s, kSpeedMin, kSpeedMax); }

Time advance_accumulator(double real_dt_s, double speed, double& accumulator_us) {
  if (!(real_dt_s > 0)) return 0;
  real_dt_s = std::min(real_dt_s, 0.25);
  accumulator_us += real_dt_s * clamp_speed(speed) * 1e6;
  const double whole = std::floor(accumulator_us);
  accumulator_us -= whole;
  return static_cast<Time>(whole);
}

}  // namespace raft::viz
