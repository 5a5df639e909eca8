// The linearizability panel (issue 9): the clients' operations as bars, one lane per client, from
// invoke to return, and the checker's verdict on the whole history, run in the page. On a
// violation it shows the smallest failing part (sim::shrink_refutation) outlined in red and marks
// the operation that cannot be placed (the one of them that returned last); a click on a bar goes
// to the moment the operation was invoked.
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "core/sim/scenario.h"
#include "viz/draw.h"
#include "viz/panels.h"
#include "viz/words.h"

namespace raft::viz {

namespace {

constexpr size_t kBarsMax = 60;           // the latest operations drawn
constexpr uint64_t kStatesMax = 200'000;  // per key, per check: the page stays responsive
constexpr double kRecheckSeconds = 0.25;  // while playing, at most four checks a second

const char* op_word(sim::KvOpKind k) {
  switch (k) {
    case sim::KvOpKind::Put: return "put";
    case sim::KvOpKind::Get: return "get";
    case sim::KvOpKind::Append: return "append";
    case sim::KvOpKind::Cas: return "cas";
    case sim::KvOpKind::Delete: return "delete";
  }
  return "?";
}

void describe_op(char* buf, size_t n, const sim::HistoryOp& op) {
  const char* res = op.returned ? (op.result ? op.result->c_str() : "none") : "?";
  switch (op.kind) {
    case sim::KvOpKind::Put: std::snprintf(buf, n, "put %s %s", op.key.c_str(), op.value.c_str()); break;
    case sim::KvOpKind::Get: std::snprintf(buf, n, "get %s -> %s", op.key.c_str(), res); break;
    case sim::KvOpKind::Append: std::snprintf(buf, n, "append %s %s -> %s", op.key.c_str(), op.value.c_str(), res); break;
    case sim::KvOpKind::Cas:
      std::snprintf(buf, n, "cas %s %s %s%s", op.key.c_str(), op.expect.c_str(), op.value.c_str(),
                    op.returned ? (op.cas_swapped ? " (swapped)" : " (no swap)") : "");
      break;
    case sim::KvOpKind::Delete: std::snprintf(buf, n, "%s %s", op_word(op.kind), op.key.c_str()); break;
  }
}

// The verdict for the history as it is at the moment shown, recomputed when it changed.
void update_check(Ui& ui) {
  LinPanelState& p = ui.vs.lin;
  const sim::Cluster& c = ui.cluster();
  const sim::ClientOps& ops = c.client_ops();
  if (p.checked_ops == ops.size() && p.checked_at == c.now()) return;
  // While playing or scrubbing, at most four checks a second (a search and its shrinking per check).
  if ((!ui.vs.paused || ui.vs.scrubbing) && ImGui::GetTime() - p.checked_real_s < kRecheckSeconds && p.checked_ops != SIZE_MAX) return;
  p.checked_ops = ops.size();
  p.checked_at = c.now();
  p.checked_real_s = ImGui::GetTime();
  p.whole = ops.first() == 0;
  p.history = sim::client_history(ops);
  p.minimal.clear();
  p.result = sim::LinearizabilityResult{};
  if (!p.whole) return;
  p.result = sim::check_linearizable(p.history, kStatesMax);
  if (p.result.refuted()) p.minimal = sim::shrink_refutation(p.history, p.result.key, 64, kStatesMax);
}

}  // namespace

void linearizability_window(Ui& ui) {
  LinPanelState& p = ui.vs.lin;
  if (!p.open) return;
  update_check(ui);
  const ImVec2 ds = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(ds.x * 0.5f, ds.y * 0.55f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(760.0f, ds.x - 40), std::min(420.0f, ds.y - 80)), ImGuiCond_Appearing);
  if (!ImGui::Begin("Linearizability", &p.open, ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  ui.vs.track_window("Linearizability");
  const Fonts& f = ui.fonts;
  ImGui::PushTextWrapPos(0);
  if (!p.whole) {
    ImGui::TextColored(to_vec4(color::kWarn), "Not checked: this long run holds only its latest %zu operations in the page "
                       "(raftsim run checks whole runs).", p.history.size());
  } else if (p.result.refuted()) {
    ImGui::TextColored(to_vec4(color::kBad), "Not linearizable (key %s): %s", p.result.key.c_str(), p.result.explanation.c_str());
    if (!p.minimal.empty()) {
      ImGui::TextColored(to_vec4(color::kBad), "The smallest failing part: %zu operations, outlined in red; X marks the one that "
                         "cannot be placed in any order.", p.minimal.size());
    }
  } else if (p.result.undecided()) {
    ImGui::TextColored(to_vec4(color::kWarn), "Undecided: %s", p.result.explanation.c_str());
  } else {
    ImGui::TextColored(to_vec4(color::kOk), "Linearizable: the %zu client operations so far fit one order that respects "
                       "real time (each takes effect between its invoke and its return).", p.history.size());
  }
  ImGui::PopTextWrapPos();

  // The latest operations, plus every one of the failing part.
  std::vector<size_t>& shown = p.shown;
  shown.clear();
  for (size_t i = p.history.size() > kBarsMax ? p.history.size() - kBarsMax : 0; i < p.history.size(); ++i) shown.push_back(i);
  for (const size_t i : p.minimal) {
    if (std::find(shown.begin(), shown.end(), i) == shown.end()) shown.push_back(i);
  }
  if (shown.empty()) {
    ImGui::TextDisabled("No client operations yet: send one (c, or click a server).");
    ImGui::End();
    return;
  }
  const Time now = ui.cluster().now();
  Time t0 = now, t1 = now;
  std::vector<uint32_t>& lanes = p.lanes;
  lanes.clear();
  for (const size_t i : shown) {
    const sim::HistoryOp& op = p.history[i];
    t0 = std::min<Time>(t0, op.invoke_us);
    if (op.returned) t1 = std::max<Time>(t1, op.return_us);
    if (std::find(lanes.begin(), lanes.end(), op.client) == lanes.end()) lanes.push_back(op.client);
  }
  std::sort(lanes.begin(), lanes.end());
  const size_t culprit = p.minimal.empty() ? SIZE_MAX : *std::max_element(p.minimal.begin(), p.minimal.end(), [&](size_t a, size_t b) {
    return p.history[a].return_us < p.history[b].return_us;
  });
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float list_h = static_cast<float>(p.minimal.size()) * ImGui::GetTextLineHeightWithSpacing();
  const float label_w = 40, lane_h = std::clamp((avail.y - 20 - list_h) / static_cast<float>(lanes.size()), 14.0f, 26.0f);
  const float x0 = origin.x + label_w, x1 = origin.x + avail.x - 8;
  const double span = static_cast<double>(std::max<Time>(t1 - t0, 1));
  const auto x_of = [&](Time t) { return x0 + (x1 - x0) * static_cast<float>(static_cast<double>(t - t0) / span); };
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hovered = -1;
  for (size_t li = 0; li < lanes.size(); ++li) {
    const float y = origin.y + lane_h * static_cast<float>(li);
    char name[16];
    std::snprintf(name, sizeof name, "c%u", lanes[li]);
    draw_text(dl, f.small, f.small_size(), ImVec2(origin.x, y + 2), color::kTextDim, name);
    dl->AddLine(ImVec2(x0, y + lane_h - 1), ImVec2(x1, y + lane_h - 1), IM_COL32(255, 255, 255, 12));
  }
  const float now_x = x_of(now);
  dl->AddLine(ImVec2(now_x, origin.y), ImVec2(now_x, origin.y + lane_h * static_cast<float>(lanes.size())), color::kSelected, 1.5f);
  for (const size_t i : shown) {
    const sim::HistoryOp& op = p.history[i];
    const size_t li = static_cast<size_t>(std::find(lanes.begin(), lanes.end(), op.client) - lanes.begin());
    const float y = origin.y + lane_h * static_cast<float>(li) + 2;
    const ImVec2 a(x_of(op.invoke_us), y), b(std::max(x_of(op.returned ? op.return_us : now), x_of(op.invoke_us) + 3), y + lane_h - 5);
    const bool failing = std::find(p.minimal.begin(), p.minimal.end(), i) != p.minimal.end();
    const ImU32 fill = op.returned ? IM_COL32(60, 120, 90, 220) : IM_COL32(120, 100, 40, 200);
    dl->AddRectFilled(a, b, fill, 3);
    if (failing) dl->AddRect(a - ImVec2(1, 1), b + ImVec2(1, 1), color::kBad, 3, 0, 2.0f);
    char label[96];
    describe_op(label, sizeof label, op);
    dl->PushClipRect(a, b, true);
    draw_text(dl, f.small, f.small_size(), ImVec2(a.x + 3, a.y + 1), color::kText, label);
    dl->PopClipRect();
    if (i == culprit) draw_text(dl, f.ui, f.ui_size(), ImVec2(b.x + 3, a.y - 2), color::kBad, "X");
    if (mouse.x >= a.x && mouse.x <= b.x && mouse.y >= a.y && mouse.y <= b.y) hovered = static_cast<int>(i);
  }
  ImGui::InvisibleButton("##bars", ImVec2(std::max(avail.x, 10.0f), std::max(lane_h * static_cast<float>(lanes.size()), 10.0f)));
  const bool bars_hovered = ImGui::IsItemHovered(), bars_clicked = ImGui::IsItemClicked();
  // The failing part in words too (short operations are thin bars), in invoke order.
  for (const size_t i : p.minimal) {
    const sim::HistoryOp& op = p.history[i];
    char label[96], at[32], end[32];
    describe_op(label, sizeof label, op);
    format_time(at, sizeof at, op.invoke_us);
    format_time(end, sizeof end, op.return_us);
    ImGui::TextColored(to_vec4(i == culprit ? color::kBad : color::kText), "%s c%u #%" PRIu64 "  %s   %s .. %s", i == culprit ? "X" : " ",
                       op.client, op.req, label, at, op.returned ? end : "(no answer)");
  }
  if (hovered >= 0 && bars_hovered) {
    const sim::HistoryOp& op = p.history[static_cast<size_t>(hovered)];
    char label[96], at[32], end[32];
    describe_op(label, sizeof label, op);
    format_time(at, sizeof at, op.invoke_us);
    format_time(end, sizeof end, op.return_us);
    ImGui::SetTooltip("client c%u, request #%" PRIu64 ": %s\ninvoked %s, %s%s\nClick to go to its invoke.", op.client, op.req, label,
                      at, op.returned ? "returned " : "no answer (it may have taken effect)", op.returned ? end : "");
    if (bars_clicked) {
      ui.vs.paused = true;
      ui.push(seek_action(op.invoke_us));
    }
  }
  ImGui::End();
}

}  // namespace raft::viz
