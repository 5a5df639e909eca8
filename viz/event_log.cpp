// The event log: what happened, in plain words, filterable by text and by kind. Clicking an entry
// moves the timeline to that moment. Rows are an index into the History, rebuilt only when the
// filter changes or the history is cut; new events are appended incrementally; drawing goes
// through ImGuiListClipper, so the cost does not grow with the length of the run.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "viz/panels.h"
#include "viz/words.h"

namespace raft::viz {

namespace {

bool passes(const Ui& ui, const sim::TraceEvent& e, char* buf, size_t n) {
  if (!(event_category(e) & ui.vs.categories)) return false;
  if (!ui.vs.filter.IsActive()) return true;
  describe_event(buf, n, e, ui.cluster().trace(), ui.cluster().client_ops());
  return ui.vs.filter.PassFilter(buf);
}

void update_rows(Ui& ui) {
  ViewState& vs = ui.vs;
  const auto& events = ui.history.events();
  if (vs.event_rows_generation != ui.history.generation() || vs.event_rows_categories != vs.categories ||
      vs.event_rows_dirty || vs.event_rows_scanned > events.size()) {
    vs.event_rows.clear();
    vs.event_rows_scanned = 0;
    vs.event_rows_generation = ui.history.generation();
    vs.event_rows_categories = vs.categories;
    vs.event_rows_dirty = false;
  }
  char buf[320];
  for (size_t i = vs.event_rows_scanned; i < events.size(); ++i) {
    if (passes(ui, events[i], buf, sizeof buf)) vs.event_rows.push_back(static_cast<uint32_t>(i));
  }
  vs.event_rows_scanned = events.size();
}

// A checkbox for one category; on the same line as the previous one when it fits.
void category_toggle(ViewState& vs, const char* label, uint32_t bit, const char* tip, bool same_line) {
  if (same_line) {
    const ImGuiStyle& st = ImGui::GetStyle();
    const float w = ImGui::GetFrameHeight() + st.ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
  }
  bool on = (vs.categories & bit) != 0;
  if (ImGui::Checkbox(label, &on)) vs.categories = on ? (vs.categories | bit) : (vs.categories & ~bit);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
}

}  // namespace

void draw_event_log(Ui& ui, const Rect& r) {
  ViewState& vs = ui.vs;
  if (!begin_panel("Events", r, ui.vs, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  panel_heading("EVENTS");
  ImGui::SameLine();
  const float follow_w = ImGui::CalcTextSize("Follow").x + ImGui::GetFrameHeight() + 8;
  ImGui::SetNextItemWidth(std::max(60.0f, ImGui::GetContentRegionAvail().x - follow_w - 8));
  if (ImGui::InputTextWithHint("##filter", "filter: s3, leader, -heartbeat", vs.filter.InputBuf,
                               IM_ARRAYSIZE(vs.filter.InputBuf))) {
    vs.filter.Build();
    vs.event_rows_dirty = true;
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Show only events containing these words.\nComma-separated; a leading - excludes (e.g. \"s2, -commit\").");
  }
  ImGui::SameLine();
  ImGui::Checkbox("Follow", &vs.event_follow);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Keep the moment on the timeline in view.");
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(2, 1));
  category_toggle(vs, "elections", kCatElections, "Roles, terms, votes, forced timeouts and configuration changes.", false);
  category_toggle(vs, "commits", kCatCommits, "The leader committing entries, and followers deleting conflicting entries.", true);
  category_toggle(vs, "faults", kCatFaults, "Crashes, restarts, partitions, cut links, network settings, messages you dropped.", true);
  category_toggle(vs, "clients", kCatClients, "Client requests and their results.", true);
  category_toggle(vs, "follower commits", kCatFollowerCommits, "Followers learning the new commitIndex from the leader (one line per follower).", true);
  category_toggle(vs, "lost", kCatMessages, "Messages the network lost or a cut link blocked (there can be many).", true);
  ImGui::PopStyleVar();

  update_rows(ui);
  const auto& events = ui.history.events();
  const auto& rows = vs.event_rows;
  const Time now = ui.cluster().now();
  // The current row: the last event at or before the moment shown.
  const auto it = std::upper_bound(rows.begin(), rows.end(), now,
                                   [&](Time t, uint32_t idx) { return t < events[idx].t; });
  const int current = static_cast<int>(it - rows.begin()) - 1;

  ImGui::BeginChild("##event_rows", ImGui::GetContentRegionAvail(), false, ImGuiWindowFlags_HorizontalScrollbar);
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsWindowHovered() && io.MouseWheel != 0) vs.event_follow = false;
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  if (rows.empty()) ImGui::TextDisabled("Nothing yet. Events appear here as they happen.");
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()), line_h);
  char line[360];
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const sim::TraceEvent& e = events[rows[static_cast<size_t>(i)]];
      int w = format_time(line, sizeof line, e.t);
      while (w < 10 && w + 1 < static_cast<int>(sizeof line)) line[w++] = ' ';
      line[w++] = ' ';
      describe_event(line + w, sizeof line - static_cast<size_t>(w), e, ui.cluster().trace(), ui.cluster().client_ops());
      const bool future = e.t > now;
      ImGui::PushID(i);
      ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(future ? with_alpha(color::kTextDim, 0.6f) : event_color(e)));
      if (ImGui::Selectable(line, i == current)) {
        ui.push(seek_action(e.t));
        vs.event_follow = true;
      }
      ImGui::PopStyleColor();
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\nClick to show the cluster at this moment.", line);
      ImGui::PopID();
    }
  }
  if (vs.event_follow && current >= 0) {
    const float target = static_cast<float>(current) * line_h;
    const float view_h = ImGui::GetWindowHeight();
    const float sy = ImGui::GetScrollY();
    if (target < sy || target > sy + view_h - 2 * line_h) ImGui::SetScrollY(std::max(0.0f, target - view_h + 2 * line_h));
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace raft::viz
