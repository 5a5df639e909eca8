// The App's UI scale and the geometry of the last frame (for tests and the JS API, which click
// on the canvas): positions in display units whatever the scale. The session is in viz/app.cpp.
#include <algorithm>
#include <cstdio>
#include <iterator>

#include "viz/app_impl.h"
#include "viz/layout.h"

namespace raft::viz {

float App::ui_scale_for(double display_w, double display_h, float device) {
  ViewState& vs = impl_->vs;
  if (!(device > 0.25f && device < 8)) device = 1;
  const float fit = fit_ui_scale(static_cast<float>(display_w) / device, static_cast<float>(display_h) / device);
  vs.ui_scale = device * fit * vs.ui_zoom;
  return vs.ui_scale;
}

float App::ui_zoom() const { return impl_->vs.ui_zoom; }
void App::set_ui_zoom(float zoom) {
  if (!(zoom > 0)) zoom = 1;  // also NaN
  impl_->vs.ui_zoom = std::clamp(zoom, kUiZooms[0], kUiZooms[std::size(kUiZooms) - 1]);
}

void App::zoom_by(int steps) {
  set_ui_zoom(step_ui_zoom(impl_->vs.ui_zoom, steps));
  char text[96];
  std::snprintf(text, sizeof text, "UI scale %.0f%% (Ctrl + and Ctrl - change it, Ctrl 0 resets)", impl_->vs.ui_zoom * 100.0f);
  toast(text);
}

float App::ui_scale() const { return impl_->vs.ui_scale; }

namespace {
// ImGui units -> display units.
ScreenPoint shown(ImVec2 p, float scale) { return ScreenPoint{p.x * scale, p.y * scale}; }
}  // namespace

std::optional<ScreenPoint> App::node_position(NodeId n) const {
  const ViewState& vs = impl_->vs;
  if (!vs.ring_visible || n < 0 || n >= vs.ring.n) return std::nullopt;
  return shown(vs.ring.pos[n], vs.ui_scale);
}

std::optional<ScreenPoint> App::message_position(uint64_t id) const {
  for (const MessageSpot& s : impl_->vs.messages) {
    if (s.id == id) return shown(s.pos, impl_->vs.ui_scale);
  }
  return std::nullopt;
}

void App::set_space_time(bool shown) { impl_->vs.space_time = shown; }

std::optional<ScreenPoint> App::space_time_position(uint64_t id) const {
  if (!impl_->vs.space_time) return std::nullopt;
  for (const MessageSpot& s : impl_->vs.st_heads) {
    if (s.id == id) return shown(s.pos, impl_->vs.ui_scale);
  }
  return std::nullopt;
}

std::optional<ScreenPoint> App::item_position(std::string_view key) const {
  for (const ItemSpot& s : impl_->vs.items) {
    if (key == s.key) return shown(s.pos, impl_->vs.ui_scale);
  }
  return std::nullopt;
}

std::optional<ScreenRect> App::window_rect(std::string_view name) const {
  const float k = impl_->vs.ui_scale;
  for (const WindowSpot& s : impl_->vs.windows) {
    if (name == s.name) return ScreenRect{s.rect.min.x * k, s.rect.min.y * k, s.rect.width() * k, s.rect.height() * k};
  }
  return std::nullopt;
}

ScreenPoint App::display_size() const { return shown(impl_->display, impl_->vs.ui_scale); }
ScreenPoint App::framebuffer_scale() const {
  const float k = impl_->vs.ui_scale;
  return ScreenPoint{impl_->framebuffer_scale.x / k, impl_->framebuffer_scale.y / k};
}

}  // namespace raft::viz
