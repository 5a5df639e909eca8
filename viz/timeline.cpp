// The timeline: playback controls and a scrubber over the whole recorded history with markers for
// elections, crashes, partitions and commits. Dragging shows the cluster as it was at that moment;
// acting in the past forks a new future (the App asks first).
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "viz/draw.h"
#include "viz/panels.h"
#include "viz/words.h"

namespace raft::viz {

namespace {

ImU32 marker_color(MarkerKind k) {
  switch (k) {
    case MarkerKind::Leader: return color::kLeader;
    case MarkerKind::Candidate: return color::kCandidate;
    case MarkerKind::Crash: return color::kBad;
    case MarkerKind::Restart: return color::kOk;
    case MarkerKind::Partition: return color::kPartition;
    case MarkerKind::Heal: return color::kHeal;
    case MarkerKind::Commit: return color::kCommit;
    case MarkerKind::Drop: return color::kAppendFail;
  }
  return color::kText;
}

int describe_marker(char* buf, size_t n, const Marker& m) {
  switch (m.kind) {
    case MarkerKind::Leader: return std::snprintf(buf, n, "%s elected leader for term %" PRIu64, node_name(m.node).c_str(), m.value);
    case MarkerKind::Candidate: return std::snprintf(buf, n, "%s started an election (term %" PRIu64 ")", node_name(m.node).c_str(), m.value);
    case MarkerKind::Crash: return std::snprintf(buf, n, "%s crashed", node_name(m.node).c_str());
    case MarkerKind::Restart: return std::snprintf(buf, n, "%s restarted", node_name(m.node).c_str());
    case MarkerKind::Partition: return std::snprintf(buf, n, "network partition / cut link");
    case MarkerKind::Heal: return std::snprintf(buf, n, "network healed");
    case MarkerKind::Commit: return std::snprintf(buf, n, "committed up to index %" PRIu64, m.value);
    case MarkerKind::Drop: return std::snprintf(buf, n, "you dropped a message from %s", node_name(m.node).c_str());
  }
  return 0;
}

// Ticks at 1, 2 or 5 times a power of ten, at least `min_px` apart.
Time tick_step(Time span, float width, float min_px) {
  const double per_px = static_cast<double>(span) / std::max(1.0f, width);
  const double raw = per_px * min_px;
  double p = 1;
  while (p * 10 <= raw) p *= 10;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (p * m >= raw) return static_cast<Time>(p * m);
  }
  return static_cast<Time>(p * 10);
}

}  // namespace

Time next_event_time(const sim::Lab& lab) {
  const sim::Cluster& c = lab.cluster();
  Time t = c.next_event_time();
  for (const sim::TimedStatement& ts : lab.log()) {
    if (ts.t > c.now()) {
      t = std::min(t, ts.t);
      break;
    }
  }
  return t;
}

bool commands_ahead(const sim::Lab& lab) { return !lab.log().empty() && lab.log().back().t > lab.cluster().now(); }

void toggle_pause(Ui& ui) { ui.vs.paused = !ui.vs.paused; }

void draw_timeline(Ui& ui, const Rect& r) {
  ViewState& vs = ui.vs;
  const sim::Lab& lab = ui.lab;
  const sim::Cluster& c = ui.cluster();
  const Fonts& f = ui.fonts;
  if (!begin_panel("Timeline", r, ui.vs, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  const Time now = c.now();
  const Time end = std::max(lab.end_time(), now);
  const bool past = lab.in_past();

  // Controls.
  panel_heading("TIME");
  ImGui::SameLine();
  if (ImGui::Button("|<")) {
    vs.paused = true;
    ui.push(seek_action(0));
  }
  vs.track("Go to start");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Go to the start of the run (t = 0), paused.");
  ImGui::SameLine();
  if (ImGui::Button("<")) ui.push(simple_action(Action::Kind::StepBack));
  vs.track("Step back");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Left arrow: step back to the previous event (pauses).");
  ImGui::SameLine();
  if (ImGui::Button(vs.paused ? " Play " : "Pause ", ImVec2(ImGui::CalcTextSize("Pause ").x + 12, 0))) toggle_pause(ui);
  vs.track("Play");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(past ? "Space. Playing here replays the recorded history; it does not change it."
                           : "Space: pause or play.");
  }
  ImGui::SameLine();
  if (ImGui::Button(">")) ui.push(simple_action(Action::Kind::StepForward));
  vs.track("Step");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("'.' or Right arrow: step to the next event (pauses).");
  ImGui::SameLine();
  float speed = static_cast<float>(vs.speed);
  ImGui::SetNextItemWidth(120);
  char fmt[32];
  if (speed < 0.01f) std::snprintf(fmt, sizeof fmt, "1/%.0fx", 1.0 / speed);
  else if (speed < 1) std::snprintf(fmt, sizeof fmt, "%.2fx", static_cast<double>(speed));
  else std::snprintf(fmt, sizeof fmt, "%.1fx", static_cast<double>(speed));
  if (ImGui::SliderFloat("##speed", &speed, static_cast<float>(kSpeedMin), static_cast<float>(kSpeedMax), fmt,
                         ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_NoRoundToFormat)) {
    vs.speed = clamp_speed(speed);
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Speed: virtual time per real second, from 1/1000x to 10x.\nCtrl+click to type a value.");
  ImGui::SameLine();
  if (ImGui::SmallButton("1x")) vs.speed = 1;
  ImGui::SameLine();
  char tbuf[32], ebuf[32];
  format_time(tbuf, sizeof tbuf, now);
  format_time(ebuf, sizeof ebuf, end);
  ImGui::Text("t = %s", tbuf);
  if (vs.seek_active) {
    // A seek computed over several frames (issue 8): how far it got, and a way to stop it.
    char target[32];
    format_time(target, sizeof target, vs.seek_target);
    const Time span = vs.seek_target > vs.seek_from ? vs.seek_target - vs.seek_from : 0;
    const float done = span > 0 ? static_cast<float>(static_cast<double>(std::max<Time>(now - vs.seek_from, 0)) / static_cast<double>(span)) : 1.0f;
    ImGui::SameLine();
    char label[64];
    std::snprintf(label, sizeof label, "computing to %s", target);
    ImGui::ProgressBar(std::clamp(done, 0.0f, 1.0f), ImVec2(std::min(260.0f, ImGui::GetContentRegionAvail().x * 0.5f), 0), label);
    vs.track_item_rect("seek_progress");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Replaying the recorded run a few milliseconds per frame. Esc stops here.");
    ImGui::SameLine();
    if (ImGui::SmallButton("Cancel (Esc)")) ui.push(simple_action(Action::Kind::CancelSeek));
    vs.track("Cancel seek");
  } else if (past && vs.traveled) {
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(color::kPast));
    if (lab.computed_until() < lab.end_time()) {
      char cbuf[32];
      format_time(cbuf, sizeof cbuf, lab.computed_until());
      ImGui::Text("VIEWING THE PAST (computed to %s of %s)", cbuf, ebuf);
    } else {
      ImGui::Text("VIEWING THE PAST (recorded up to %s)", ebuf);
    }
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("You are looking at an earlier moment. Play replays what was recorded.\n"
                        "A command you give here starts a new future from this moment\n"
                        "(the recorded commands after it are discarded; you are asked first).");
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Go to present")) ui.push(simple_action(Action::Kind::GoLive));
    vs.track("Go to present");
  } else if (past && commands_ahead(lab)) {
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(color::kAccent));
    ImGui::Text("SCRIPTED until %s", ebuf);
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("The loaded scenario's commands (white marks on the timeline) run until %s.\n"
                        "A command you give before then replaces the rest of the script (you are asked first).",
                        ebuf);
    }
  }

  // Marker legend at the right end of the controls row, when it fits.
  {
    ImGui::SameLine();
    const ImVec2 cur = ImGui::GetCursorScreenPos();
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    struct Item { MarkerKind kind; const char* text; };
    static constexpr Item kItems[] = {{MarkerKind::Leader, "leader"}, {MarkerKind::Candidate, "election"},
                                      {MarkerKind::Crash, "crash"},   {MarkerKind::Restart, "restart"},
                                      {MarkerKind::Partition, "cut"}, {MarkerKind::Heal, "heal"},
                                      {MarkerKind::Commit, "commit"}};
    const float fs = f.small_size();
    float w = text_size(f.small, fs, "your command").x + 14;
    for (const Item& it : kItems) w += text_size(f.small, fs, it.text).x + 14;
    if (right - cur.x > w + 16) {
      ImDrawList* ldl = ImGui::GetWindowDrawList();
      float x = right - w;
      const float y = cur.y + (ImGui::GetFrameHeight() - fs) * 0.5f;
      for (const Item& it : kItems) {
        ldl->AddRectFilled(ImVec2(x, y + 3), ImVec2(x + 8, y + fs - 2), marker_color(it.kind));
        draw_text(ldl, f.small, fs, ImVec2(x + 11, y), color::kTextDim, it.text);
        x += text_size(f.small, fs, it.text).x + 14;
      }
      ldl->AddTriangleFilled(ImVec2(x + 4, y + 3), ImVec2(x, y + fs - 2), ImVec2(x + 8, y + fs - 2), IM_COL32(230, 230, 230, 220));
      draw_text(ldl, f.small, fs, ImVec2(x + 11, y), color::kTextDim, "your command");
    }
    ImGui::NewLine();
  }

  // Scrubber.
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 size(ImGui::GetContentRegionAvail().x, std::max(24.0f, ImGui::GetContentRegionAvail().y));
  ImGui::InvisibleButton("##scrubber", size);
  vs.track_item_rect("Scrubber");
  const bool hovered = ImGui::IsItemHovered();
  const bool active = ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Rect bar{p0, p0 + size};
  TimeAxis axis;
  axis.x0 = bar.min.x + 6;
  axis.x1 = bar.max.x - 6;
  axis.t0 = 0;
  axis.t1 = std::max<Time>(end, 1'000'000);
  const float band_top = bar.min.y + 2, band_mid = bar.min.y + size.y * 0.5f, band_bottom = bar.max.y - 12;
  dl->AddRectFilled(bar.min, ImVec2(bar.max.x, band_bottom), IM_COL32(22, 24, 30, 255), 3);
  // Recorded history so far, and the part of it after the moment shown.
  dl->AddRectFilled(ImVec2(axis.x0, band_mid - 2), ImVec2(axis.to_x(end), band_mid + 2), IM_COL32(70, 78, 94, 255), 2);
  dl->AddRectFilled(ImVec2(axis.x0, band_mid - 2), ImVec2(axis.to_x(now), band_mid + 2), color::kAccent, 2);
  if (past) dl->AddRectFilled(ImVec2(axis.to_x(now), band_mid - 2), ImVec2(axis.to_x(end), band_mid + 2), with_alpha(color::kPast, 0.35f), 2);

  // Time ticks along the bottom.
  const Time step = tick_step(axis.t1 - axis.t0, axis.x1 - axis.x0, 90);
  for (Time t = 0; t <= axis.t1 && step > 0; t += step) {
    const float x = axis.to_x(t);
    dl->AddLine(ImVec2(x, band_bottom - 3), ImVec2(x, band_bottom), color::kGrid);
    char b[24];
    if (step >= 1'000'000) std::snprintf(b, sizeof b, "%" PRId64 "s", t / 1'000'000);
    else std::snprintf(b, sizeof b, "%.*fs", step >= 100'000 ? 1 : step >= 10'000 ? 2 : 3, static_cast<double>(t) / 1e6);
    if (x + 2 + text_size(f.small, f.small_size(), b).x < bar.max.x) {
      draw_text(dl, f.small, f.small_size(), ImVec2(x + 2, band_bottom - 1), color::kTextDim, b);
    }
  }

  // Markers, at most one per pixel column and kind.
  float last_x[kMarkerKinds];
  for (float& x : last_x) x = -1e9f;
  const Marker* hovered_marker = nullptr;
  float hovered_d = 5;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (const Marker& m : ui.history.markers()) {
    const int k = static_cast<int>(m.kind);
    const float x = std::floor(axis.to_x(m.t)) + 0.5f;
    if (hovered && std::fabs(mouse.x - x) < hovered_d && m.kind != MarkerKind::Commit) {
      hovered_d = std::fabs(mouse.x - x);
      hovered_marker = &m;
    }
    if (x - last_x[k] < 1) continue;
    last_x[k] = x;
    const ImU32 col = marker_color(m.kind);
    switch (m.kind) {
      case MarkerKind::Commit: dl->AddLine(ImVec2(x, band_mid + 4), ImVec2(x, band_mid + 8), with_alpha(col, 0.7f)); break;
      case MarkerKind::Candidate: dl->AddLine(ImVec2(x, band_top + 5), ImVec2(x, band_mid - 3), with_alpha(col, 0.8f)); break;
      case MarkerKind::Leader:
        dl->AddLine(ImVec2(x, band_top), ImVec2(x, band_mid - 3), col, 2);
        dl->AddCircleFilled(ImVec2(x, band_top + 2), 2.5f, col);
        break;
      default:
        dl->AddTriangleFilled(ImVec2(x - 4, band_top), ImVec2(x + 4, band_top), ImVec2(x, band_top + 7), col);
        dl->AddLine(ImVec2(x, band_top + 6), ImVec2(x, band_mid - 3), col, 1.5f);
        break;
    }
  }
  // Commands you gave (the session's command log): small white marks under the bar.
  for (const sim::TimedStatement& ts : lab.log()) {
    const float x = axis.to_x(ts.t);
    dl->AddTriangleFilled(ImVec2(x, band_mid + 3), ImVec2(x - 3, band_mid + 8), ImVec2(x + 3, band_mid + 8), IM_COL32(230, 230, 230, 200));
  }
  // Playhead.
  const float xp = axis.to_x(now);
  dl->AddLine(ImVec2(xp, bar.min.y), ImVec2(xp, band_bottom), color::kPlayhead, 2);
  dl->AddTriangleFilled(ImVec2(xp - 5, bar.min.y), ImVec2(xp + 5, bar.min.y), ImVec2(xp, bar.min.y + 6), color::kPlayhead);

  if (hovered || active) {
    const Time t = axis.to_time(mouse.x);
    char b[32], m[96];
    format_time(b, sizeof b, t);
    if (hovered_marker && !active) {
      describe_marker(m, sizeof m, *hovered_marker);
      char mt[32];
      format_time(mt, sizeof mt, hovered_marker->t);
      ImGui::SetTooltip("%s: %s\nClick or drag to travel in time.", mt, m);
    } else {
      ImGui::SetTooltip("%s\nClick or drag to travel in time.", b);
    }
    dl->AddLine(ImVec2(mouse.x, bar.min.y), ImVec2(mouse.x, band_bottom), with_alpha(color::kText, 0.35f));
  }
  if (active) {
    if (!vs.scrubbing) {
      vs.scrubbing = true;
      vs.traveled = true;
      vs.paused = true;  // scrubbing holds time still; play replays from where you let go
    }
    const Time t = hovered_marker && std::fabs(mouse.x - axis.to_x(hovered_marker->t)) < 4 ? hovered_marker->t : axis.to_time(mouse.x);
    if (t != now) ui.push(seek_action(t));
  } else {
    vs.scrubbing = false;
  }
  ImGui::End();
}

}  // namespace raft::viz
