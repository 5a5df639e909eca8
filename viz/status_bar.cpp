// The status bar: virtual time, speed, leader and term, the safety checker's verdict (or the
// violated property in red with its explanation), and the simulator's counters.
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "viz/draw.h"
#include "viz/panels.h"
#include "viz/words.h"

namespace raft::viz {

namespace {
void separator() {
  ImGui::SameLine();
  ImGui::TextDisabled("|");
  ImGui::SameLine();
}
}  // namespace

void draw_status_bar(Ui& ui, const Rect& r) {
  const ViewState& vs = ui.vs;
  const sim::Cluster& c = ui.cluster();
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8, 3));
  const bool open = begin_panel("Status", r, ui.vs, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar();
  if (!open) {
    ImGui::End();
    return;
  }
  char t[32];
  format_time(t, sizeof t, c.now());
  ImGui::Text("t %s", t);
  separator();
  char sp[24];
  if (vs.speed < 0.01) std::snprintf(sp, sizeof sp, "1/%.0fx", 1.0 / vs.speed);
  else std::snprintf(sp, sizeof sp, "%.3gx", vs.speed);
  if (ui.lab.in_past() && vs.traveled) {
    ImGui::TextColored(to_vec4(color::kPast), "%s %s (past)", vs.paused ? "paused" : "replaying", sp);
  } else {
    ImGui::Text("%s %s", vs.paused ? "paused" : "playing", sp);
  }
  separator();
  const NodeId l = c.leader();
  if (l == kNoNode) {
    ImGui::TextColored(to_vec4(color::kWarn), "no leader");
  } else {
    ImGui::TextColored(to_vec4(color::kLeader), "leader %s", node_name(l).c_str());
  }
  ImGui::SameLine();
  Term term = 0;
  for (NodeId i = 0; i < c.size(); ++i) term = std::max(term, c.node(i).current_term());
  ImGui::Text("term %" PRIu64, term);
  separator();
  if (c.ok() && !c.checking()) {
    // A live cluster whose history the page cannot compare (Cluster::checking): undecided, not OK.
    ImGui::TextColored(to_vec4(color::kWarn), "Checker stopped");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", c.unchecked_why().c_str());
  } else if (c.ok()) {
    ImGui::TextColored(to_vec4(color::kOk), "Invariants OK");
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Checked after every event (Figure 3): Election Safety, Leader Append-Only,\n"
                        "Log Matching, Leader Completeness, State Machine Safety.");
    }
  } else {
    const sim::Violation& v = c.checker().violation();
    ImGui::TextColored(to_vec4(color::kBad), "VIOLATED: %s", v.property.c_str());
    ImGui::SameLine();
    char message[512];
    std::snprintf(message, sizeof message, "%s", v.message.c_str());
    fit_with_ellipsis(message, ImGui::GetContentRegionAvail().x);  // whole in the tooltip and the notice
    ImGui::TextColored(to_vec4(color::kBad), "%s", message);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s", v.property.c_str(), v.message.c_str());
  }
  separator();
  const sim::Metrics& m = c.metrics();
  uint64_t sent = 0;
  for (uint64_t s : m.sent) sent += s;
  char counts[256];
  std::snprintf(counts, sizeof counts,
                "elections %" PRIu64 " | messages: %" PRIu64 " sent, %" PRIu64 " delivered, %" PRIu64
                " lost, %zu in flight | client requests: %" PRIu64 " ok, %" PRIu64 " failed",
                m.elections, sent, m.delivered_total(), m.dropped, c.network().in_flight(), m.ops_ok, m.ops_failed);
  fit_with_ellipsis(counts, ImGui::GetContentRegionAvail().x);  // a narrow window: hover for all of it
  ImGui::TextDisabled("%s", counts);
  if (ImGui::IsItemHovered()) {
    // One line per message type, by name (the PreVote and TimeoutNow lines only once any was sent).
    std::string by_type;
    char line[96];
    for (int k = 0; k < kMessageTypes; ++k) {
      const auto type = static_cast<MessageType>(k);
      const auto i = static_cast<size_t>(k);
      if (k >= static_cast<int>(MessageType::PreVote) && m.sent[i] == 0) continue;
      std::snprintf(line, sizeof line, "\n  %s: %" PRIu64 " sent, %" PRIu64 " delivered", message_type_name(type), m.sent[i],
                    m.delivered[i]);
      by_type += line;
    }
    ImGui::SetTooltip("Elections started: %" PRIu64 "\nMessages:%s\nDelivered %" PRIu64 ", dropped %" PRIu64
                      "\nClient requests: %" PRIu64 " sent, %" PRIu64 " succeeded, %" PRIu64 " gave up\n"
                      "Time without a leader: %.3f s\nEvents processed: %" PRIu64 "\nTime-travel checkpoints: %zu",
                      m.elections, by_type.c_str(), m.delivered_total(), m.dropped, m.ops_invoked, m.ops_ok, m.ops_failed,
                      static_cast<double>(m.leaderless_us) / 1e6, m.events, ui.lab.checkpoints());
  }
  ImGui::End();
}

}  // namespace raft::viz
