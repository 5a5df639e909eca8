// The tour's panel over the cluster view: where the learner is, the step's text, an exercise's goal
// and progress, Back and Next; and the step's highlights drawn over the panels it talks about.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "viz/panels.h"
#include "viz/words.h"

namespace raft::viz {

namespace {

constexpr float kPad = 8;

std::string heading(const TourState& t, const sim::TourChapter& ch) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "Tour  ·  chapter %d of %d: %s  ·  step %d of %d", t.chapter + 1,
                static_cast<int>(t.chapters.size()), ch.title.c_str(), t.step + 1, static_cast<int>(ch.steps.size()));
  return buf;
}

// The line under the text: an exercise's state, or that the cluster has moved on from the step.
// The learner played, stepped or acted since the step was shown: its text may no longer describe
// the cluster, and its highlights are not drawn.
bool moved_on(const Ui& ui, const sim::TourStep& st) {
  return ui.cluster().now() != st.t || ui.lab.log().size() != ui.tour.step_log;
}

std::string status_line(const Ui& ui, const sim::TourStep& st, ImU32& col) {
  const TourState& t = ui.tour;
  col = color::kTextDim;
  if (const sim::TourExercise* e = t.current_exercise()) {
    if (!t.exercise_note.empty()) {
      col = color::kWarn;
      return t.exercise_note;
    }
    if (t.solution_shown) {
      col = t.goal_met ? color::kOk : color::kTextDim;
      return t.goal_met ? "That is one solution: the goal holds. Restart exercise to do it yourself."
                        : "The solution was shown; play on to see it take effect, or Restart exercise to do it yourself.";
    }
    if (t.is_done(e->id)) {
      col = color::kOk;
      return t.goal_met ? "Exercise done: the goal holds. Try it again any time, or go on with Next."
                        : "Exercise done before. Try it again, or go on with Next.";
    }
    std::string goal;
    for (const sim::Statement& g : e->goal) goal += (goal.empty() ? "" : ", ") + sim::format_statement(g);
    return "Exercise: not done yet. The simulator checks: " + goal;
  }
  if (moved_on(ui, st)) {
    char at[32];
    format_time(at, sizeof at, st.t);
    return std::string("The cluster has moved on from this step (its moment is ") + at + "); Back and Next return to the steps.";
  }
  return "";
}

}  // namespace

std::string pause_text_at(const sim::Lab& lab, Time t) {
  const std::vector<sim::TimedStatement>& log = lab.log();
  auto it = std::lower_bound(log.begin(), log.end(), t, [](const sim::TimedStatement& ts, Time x) { return ts.t < x; });
  std::string text;
  for (; it != log.end() && it->t == t; ++it) {
    if (const auto* p = it->s.as<sim::stmt::Pause>()) text += (text.empty() ? "" : "\n") + p->text;
  }
  return text;
}

float tour_panel_height(const Ui& ui, float width) {
  const sim::TourStep* st = ui.tour.current_step();
  if (st == nullptr) return 0;
  const Fonts& f = ui.fonts;
  const float wrap = width - 2 * kPad;
  const float line = ImGui::GetFrameHeightWithSpacing();
  ImU32 col = 0;
  const std::string status = status_line(ui, *st, col);
  float h = kPad + line;  // heading
  h += f.ui->CalcTextSizeA(f.ui_size(), FLT_MAX, wrap, st->text.c_str()).y + 6;
  if (!status.empty()) h += f.small->CalcTextSizeA(f.small_size(), FLT_MAX, wrap, status.c_str()).y + 4;
  return h + line + kPad;  // the buttons
}

void draw_tour_panel(Ui& ui, const Rect& r) {
  const TourState& t = ui.tour;
  const sim::TourChapter* ch = t.current_chapter();
  const sim::TourStep* st = t.current_step();
  if (ch == nullptr || st == nullptr) return;
  ViewState& vs = ui.vs;
  const Fonts& f = ui.fonts;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(kPad, kPad));
  const bool open = begin_panel("Tour", r, vs, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar();
  if (!open) {
    ImGui::End();
    return;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(r.min, ImVec2(r.min.x + 3, r.max.y), color::kAccent);
  const float wrap_w = r.width() - 2 * kPad;
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(to_vec4(color::kAccent), "%s", heading(t, *ch).c_str());
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), r.width() - 70));
  if (ImGui::SmallButton("Close")) ui.push(simple_action(Action::Kind::TourClose));
  vs.track("Close tour");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Leave the tour; the cluster stays as it is. The Tour menu brings it back.");

  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap_w);
  ImGui::TextUnformatted(st->text.c_str());
  ImU32 col = 0;
  const std::string status = status_line(ui, *st, col);
  if (!status.empty()) {
    ImGui::PushFont(f.small);
    ImGui::TextColored(to_vec4(col), "%s", status.c_str());
    ImGui::PopFont();
  }
  ImGui::PopTextWrapPos();

  const bool first = t.chapter == 0 && t.step == 0;
  const bool last = t.chapter + 1 == static_cast<int>(t.chapters.size()) &&
                    t.step + 1 == static_cast<int>(ch->steps.size());
  ImGui::BeginDisabled(first);
  if (ImGui::Button("< Back")) {
    Action a = simple_action(Action::Kind::TourGo);
    a.index = t.step > 0 ? t.chapter : t.chapter - 1;
    a.step = t.step > 0 ? t.step - 1 : static_cast<int>(t.chapters[static_cast<size_t>(a.index)].steps.size()) - 1;
    ui.push(a);
  }
  ImGui::EndDisabled();
  vs.track("Back");
  ImGui::SameLine();
  ImGui::BeginDisabled(last);
  if (ImGui::Button("Next >")) {
    Action a = simple_action(Action::Kind::TourGo);
    const bool chapter_end = t.step + 1 >= static_cast<int>(ch->steps.size());
    a.index = chapter_end ? t.chapter + 1 : t.chapter;
    a.step = chapter_end ? 0 : t.step + 1;
    ui.push(a);
  }
  ImGui::EndDisabled();
  vs.track("Next");
  if (t.current_exercise() != nullptr) {
    ImGui::SameLine();
    if (ImGui::Button("Show solution")) ui.push(simple_action(Action::Kind::TourSolve));
    vs.track("Show solution");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Starts the exercise again and plays a solution's commands.");
    ImGui::SameLine();
    if (ImGui::Button("Restart exercise")) {
      Action a = simple_action(Action::Kind::TourGo);
      a.index = t.chapter;
      a.step = t.step;
      ui.push(a);
    }
    vs.track("Restart exercise");
  }
  ImGui::SameLine();
  ImGui::TextDisabled("keys: N next, B back");
  ImGui::End();
}

void draw_tour_highlights(Ui& ui) {
  const sim::TourStep* st = ui.tour.current_step();
  if (st == nullptr || st->highlights.empty() || moved_on(ui, *st)) return;
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  const ImU32 col = IM_COL32(255, 214, 10, 230);
  for (const std::string& h : st->highlights) {
    if (h.size() >= 2 && h[0] == 's' && h[1] >= '0' && h[1] <= '9') {
      const NodeId n = std::atoi(h.c_str() + 1) - 1;
      if (ui.vs.ring_visible && n >= 0 && n < ui.vs.ring.n) {
        dl->AddCircle(ui.vs.ring.pos[n], ui.vs.ring.node_r + 7, col, 40, 3.0f);
      }
      continue;
    }
    // Panels by the names App::window_rect knows them by ("Logs" for @logs).
    for (const WindowSpot& w : ui.vs.windows) {
      if (w.name[0] != 0 && std::tolower(static_cast<unsigned char>(w.name[0])) == h[0] && h.substr(1) == w.name + 1) {
        dl->AddRect(ImVec2(w.rect.min.x + 1, w.rect.min.y + 1), ImVec2(w.rect.max.x - 1, w.rect.max.y - 1), col, 4, 0, 3.0f);
      }
    }
  }
}

}  // namespace raft::viz
