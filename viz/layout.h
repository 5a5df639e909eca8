// Geometry as pure functions: the window layout from the display size, the ring of nodes, where a
// message is on its link, the time axis of the timeline and the cell grid of the logs, and the
// hit tests over them. No ImGui context is needed (only ImVec2), so all of it is unit-tested.
// Each mapping from model coordinates (node id, message time, log index, virtual time) to pixels
// lives in exactly one function here.
#pragma once

#include <cstdint>

#include "core/raft/types.h"
#include "imgui.h"

namespace raft::viz {

struct Rect {
  ImVec2 min{0, 0}, max{0, 0};
  float width() const { return max.x - min.x; }
  float height() const { return max.y - min.y; }
  ImVec2 size() const { return ImVec2(width(), height()); }
  ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
  bool contains(ImVec2 p) const { return p.x >= min.x && p.x < max.x && p.y >= min.y && p.y < max.y; }
};

// The UI scale: display units (CSS pixels, screen coordinates) per ImGui unit. A display up to
// 1440x900 gets 1; a larger one grows the UI with the smaller of width/1440 and height/900, in
// steps of 1/8 up to 2 (1920x1080 -> 1.125, 2560x1440 -> 1.5), so a big screen or a projector is
// not a sea of 15 px text. The user's zoom (Ctrl +/-) multiplies it.
float fit_ui_scale(float display_w, float display_h);
// The zoom steps Ctrl + and Ctrl - move between, as browsers do; 1 is the default.
inline constexpr float kUiZooms[] = {0.5f, 0.67f, 0.75f, 0.8f, 0.9f, 1.0f, 1.1f, 1.25f, 1.5f, 1.75f, 2.0f, 2.5f, 3.0f};
// The zoom `steps` steps from `zoom` (0: back to 1), clamped to the ends of kUiZooms.
float step_ui_zoom(float zoom, int steps);

// Fixed, non-overlapping panels computed from the display size every frame.
//   menu bar (top) | cluster view        | inspector
//                  | logs                | event log
//   timeline (full width) / status bar (full width, bottom)
struct ScreenLayout {
  Rect menu, cluster, logs, inspector, events, timeline, status;
};
// `line_h`: the height of one framed widget line (ImGui::GetFrameHeight()); `log_rows`: nodes.
ScreenLayout compute_screen_layout(ImVec2 display, float line_h, int log_rows);
// Height the log panel wants for `rows` rows (header, ruler, rows, scrollbar).
float log_panel_height(int rows, float line_h);
inline constexpr float kLogRowHeight = 20.0f;
inline constexpr float kLogCellWidth = 22.0f;
inline constexpr float kLogLabelWidth = 118.0f;
inline constexpr float kLogRulerHeight = 16.0f;

// Nodes on an ellipse inscribed in the cluster view, s1 at the top, clockwise, evenly spaced
// along the curve (not by angle, so flat ellipses don't crowd the ends).
struct RingLayout {
  int n = 0;
  ImVec2 center{0, 0};       // of the ellipse
  float rx = 0, ry = 0;      // ellipse radii
  float node_r = 0;          // node radius
  float spacing = 0;         // distance along the ring between neighbours
  bool compact = false;      // too little room for two label lines per node: one short line
  ImVec2 pos[kNodesMax]{};   // node centers
};
RingLayout ring_layout(int n, const Rect& area);
// The label lines under a node in the cluster view: their height and half their width.
inline constexpr float kRingLabelLineHeight = 14.0f;
inline constexpr float kRingLabelHalfWidth = 44.0f;
// Whether two neighbours' node-plus-label boxes overlap (ring_layout then goes compact).
bool ring_labels_collide(const RingLayout& r);

// Fraction of the trip done at `now`, in [0, 1].
float message_progress(Time sent_at, Time deliver_at, Time now);
// The point at `progress` along the link from -> to, from one node's rim to the other's; messages
// in the two directions use parallel lanes (offset to the right of travel) so they don't overlap.
ImVec2 message_point(const RingLayout& ring, NodeId from, NodeId to, float progress);

float distance_to_segment(ImVec2 p, ImVec2 a, ImVec2 b);
// The node under p, or kNoNode.
NodeId hit_node(const RingLayout& ring, ImVec2 p);
// The link (a < b) whose segment between the two rims passes within `tolerance` of p.
bool hit_link(const RingLayout& ring, ImVec2 p, float tolerance, NodeId& a, NodeId& b);
// Index of the point nearest to p within `radius`, or -1.
int hit_nearest(const ImVec2* points, int count, ImVec2 p, float radius);

// Virtual time <-> x on the timeline.
struct TimeAxis {
  float x0 = 0, x1 = 1;
  Time t0 = 0, t1 = 1;
  float to_x(Time t) const;
  Time to_time(float x) const;  // clamped to [t0, t1]
};

// The log grid: row r (0-based node), index i (1-based) -> a cell rectangle. `origin` is the
// screen position of index 1's left edge on row 0's top edge (already shifted by the scroll).
struct LogGrid {
  ImVec2 origin{0, 0};
  float cell_w = kLogCellWidth;
  float row_h = kLogRowHeight;
  Rect cell(LogIndex index, int row) const;
  float x_of(LogIndex index) const;  // left edge of the cell
  // The index whose cell contains x (may be 0 or beyond the log: callers range-check).
  int64_t index_at(float x) const;
  int row_at(float y) const;
  // Indexes whose cells intersect [x_min, x_max], clamped to [1, last].
  void visible(float x_min, float x_max, LogIndex last, LogIndex& first_out, LogIndex& last_out) const;
};

// The speed slider is logarithmic from 1/1000x to 10x.
inline constexpr double kSpeedMin = 0.001;
inline constexpr double kSpeedMax = 10.0;
double clamp_speed(double s);
// Whole microseconds of virtual time for a frame: adds real_dt * speed to `accumulator_us`
// (which keeps the fraction) and returns the whole part. Frames longer than 0.25 s count as 0.25 s.
Time advance_accumulator(double real_dt_s, double speed, double& accumulator_us);

}  // namespace raft::viz
