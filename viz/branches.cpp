// The Branches menu and the comparison window (viz/branches.h): a saved future beside the session,
// at the moment shown. Cells whose term differs from the other line's at the same index are
// outlined in red, so what one changed command changed shows at a glance.
#include "viz/branches.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>

#include "viz/draw.h"
#include "viz/panels.h"
#include "viz/words.h"

namespace raft::viz {

namespace {

constexpr int kCells = 16;  // the latest entries shown per server

// Who led each term, the latest 8 terms that elected someone, oldest first.
void leaders_line(const sim::Cluster& c) {
  Term top = 0;
  for (NodeId i = 0; i < c.size(); ++i) top = std::max(top, c.node(i).current_term());
  std::array<std::pair<Term, NodeId>, 8> found{};
  size_t k = 0;
  for (Term t = top; t >= 1 && k < found.size(); --t) {
    const NodeId l = c.checker().leader_of_term(t);
    if (l != kNoNode) found[k++] = {t, l};
  }
  std::string s = "leaders:";
  if (k == 0) s += " none yet";
  for (size_t j = k; j-- > 0;) s += " t" + std::to_string(found[j].first) + " " + node_name(found[j].second) + (j > 0 ? "," : "");
  ImGui::TextUnformatted(s.c_str());
}

void draw_side(Ui& ui, const char* title, const sim::Cluster& c, const sim::Cluster& other, Time recorded) {
  const Fonts& f = ui.fonts;
  ImGui::TextColored(to_vec4(color::kAccent), "%s", title);
  char at[32], end[32];
  format_time(at, sizeof at, c.now());
  format_time(end, sizeof end, recorded);
  ImGui::TextDisabled("t = %s (recorded to %s)", at, end);
  const NodeId l = c.leader();
  if (l == kNoNode) ImGui::TextUnformatted("no leader now");
  else ImGui::Text("leader %s, term %" PRIu64, node_name(l).c_str(), c.node(l).current_term());
  leaders_line(c);
  if (!c.ok()) ImGui::TextColored(to_vec4(color::kBad), "stopped: %s", c.checker().violation().property.c_str());
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float cell = 16, row = 18;
  for (NodeId i = 0; i < c.size(); ++i) {
    const Node& n = c.node(i);
    const LogIndex last = n.log().last_index();
    const LogIndex first = std::max<LogIndex>(n.log().first_index(), last > kCells ? last - kCells + 1 : 1);
    ImGui::Text("%-3s %s", node_name(i).c_str(), c.up(i) ? "" : "down");
    ImGui::SameLine(80);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    for (LogIndex k = first; k <= last; ++k) {
      const Term t = n.log().term_at(k);
      const ImVec2 a(p.x + static_cast<float>(k - first) * cell, p.y + 1), b(a.x + cell - 2, a.y + row - 4);
      dl->AddRectFilled(a, b, term_color(t), 2);
      char num[8];
      std::snprintf(num, sizeof num, "%" PRIu64, t % 100);
      draw_text(dl, f.small, f.small_size() * 0.85f, ImVec2(a.x + 2, a.y + 1), term_text_color(t), num);
      const bool differs = i < other.size() && (k > other.node(i).log().last_index() || k < other.node(i).log().first_index() ||
                                                other.node(i).log().term_at(k) != t);
      if (differs) dl->AddRect(a - ImVec2(1, 1), b + ImVec2(1, 1), color::kBad, 2, 0, 1.5f);
      if (k <= n.commit_index()) dl->AddLine(ImVec2(a.x, b.y + 1), ImVec2(b.x, b.y + 1), color::kCommit, 1.5f);
    }
    ImGui::Dummy(ImVec2(cell * kCells, row - ImGui::GetTextLineHeight()));
  }
}

}  // namespace

void branches_menu(Ui& ui) {
  const BranchState& b = ui.branches;
  if (b.saved.empty()) {
    ImGui::TextDisabled("No branches yet. Acting in the past (after scrubbing back)\nkeeps the future it replaces here.");
    return;
  }
  for (size_t j = b.saved.size(); j-- > 0;) {
    const Branch& br = b.saved[j];
    char at[32];
    format_time(at, sizeof at, br.forked_at);
    char label[200];
    std::snprintf(label, sizeof label, "%s: the future from %s, before '%s'", br.name.c_str(), at, br.change.c_str());
    ImGui::PushID(static_cast<int>(j));
    const bool newest = j + 1 == b.saved.size();
    if (ImGui::BeginMenu(label)) {
      if (ImGui::MenuItem("Compare with this session", nullptr, b.compare == static_cast<int>(j))) {
        Action a = simple_action(Action::Kind::CompareBranch);
        if (b.compare != static_cast<int>(j)) a.name = br.name;
        ui.push(a);
      }
      if (newest) ui.vs.track("Compare branch");
      if (ImGui::MenuItem("Switch to it (this session becomes a branch)")) {
        Action a = simple_action(Action::Kind::SwitchBranch);
        a.name = br.name;
        ui.push(a);
      }
      if (newest) ui.vs.track("Switch branch");
      ImGui::EndMenu();
    }
    if (newest) ui.vs.track("Newest branch");
    ImGui::PopID();
  }
}

void compare_window(Ui& ui) {
  const BranchState& b = ui.branches;
  if (b.compare < 0 || b.compare >= static_cast<int>(b.saved.size())) return;
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(ds.x * 0.5f, ds.y * 0.45f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  bool open = true;
  if (ImGui::Begin("Compare branches", &open, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings)) {
    ui.vs.track_window("Compare");
    const Branch& br = b.saved[static_cast<size_t>(b.compare)];
    if (!b.compare_error.empty() || !b.compare_lab) {
      ImGui::TextColored(to_vec4(color::kBad), "%s could not be replayed: %s", br.name.c_str(), b.compare_error.c_str());
    } else if (ImGui::BeginTable("cmp", 2, ImGuiTableFlags_BordersInnerV)) {
      const sim::Cluster& mine = ui.cluster();
      const sim::Cluster& theirs = b.compare_lab->cluster();
      ImGui::TableNextColumn();
      draw_side(ui, "this session", mine, theirs, ui.lab.end_time());
      ImGui::TableNextColumn();
      const std::string title = br.name + ": the future before '" + br.change + "'";
      draw_side(ui, title.c_str(), theirs, mine, br.end);
      ImGui::EndTable();
    }
    ImGui::TextDisabled("Red outline: a different term at that index in the other line. Move the timeline to compare another moment.");
  }
  ImGui::End();
  if (!open) {
    ui.push(simple_action(Action::Kind::CompareBranch));  // no name: stop comparing
  }
}

}  // namespace raft::viz
