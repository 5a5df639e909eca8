// The cluster view: nodes on a ring, links between them, messages moving along the links; a click
// opens the popups of cluster_menus.cpp. Canvas pattern: one InvisibleButton over the area,
// drawing with ImDrawList, hit tests from layout.h.
#include <cfloat>
#include <cmath>
#include <cinttypes>
#include <cstdio>

#include "viz/cluster_view.h"

#include "core/raft/quorum.h"
#include "viz/draw.h"
#include "viz/words.h"

namespace raft::viz {

namespace {

// The node body: shape by role (circle follower, dashed circle candidate, rounded square leader),
// fill by term, the term number inside. Shared by the ring and the legend.
void draw_node_body(ImDrawList* dl, const Fonts& f, ImVec2 p, float r, Role role, bool up, Term term, bool hovered,
                    bool show_number) {
  const ImU32 fill = up ? term_color(term) : color::kCrashed;
  const ImU32 text = up ? term_text_color(term) : color::kTextDim;
  if (up && role == Role::Leader) {
    dl->AddRectFilled(p - ImVec2(r, r), p + ImVec2(r, r), fill, r * 0.3f);
    dl->AddRect(p - ImVec2(r + 2, r + 2), p + ImVec2(r + 2, r + 2), color::kLeader, r * 0.35f, 0, 3.5f);
  } else {
    dl->AddCircleFilled(p, r, fill, 32);
    if (!up) {
      dl->AddCircle(p, r, color::kTextDim, 32, 1.5f);
    } else if (role == Role::Candidate) {
      dashed_circle(dl, p, r + 2, color::kCandidate, 3.0f, 12);
    } else {
      dl->AddCircle(p, r + 1, color::kFollower, 32, 1.5f);
    }
  }
  if (hovered) dl->AddCircle(p, r + 6, with_alpha(color::kSelected, 0.35f), 32, 2.0f);
  if (!up) {  // a cross under the number: down, but its disk (the term) is still there
    const float d = r * 0.55f;
    dl->AddLine(p + ImVec2(-d, -d), p + ImVec2(d, d), with_alpha(color::kBad, 0.45f), 2.0f);
    dl->AddLine(p + ImVec2(-d, d), p + ImVec2(d, -d), with_alpha(color::kBad, 0.45f), 2.0f);
  }
  if (!show_number) return;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%" PRIu64, term);
  const bool room = r >= 19;
  const float big = r >= 16 ? f.big_size() : f.small_size();
  const ImFont* bf = r >= 16 ? f.big : f.small;
  if (room) {
    draw_text_centered(dl, f.small, f.small_size(), p + ImVec2(0, -r * 0.45f), with_alpha(text, 0.8f), "term");
    draw_text_centered(dl, bf, big, p + ImVec2(0, r * 0.18f), text, buf);
  } else {
    draw_text_centered(dl, bf, big, p, text, buf);
  }
}

constexpr int kMessageLabelsVertices = 40'000;

constexpr int kMessageDotsVertices = 52'000;

// Link state for the pair (a, b): 0 up, 1 cut one way, 2 cut both ways.
int link_cut(const sim::Network& net, NodeId a, NodeId b) {
  return static_cast<int>(!net.link_up(a, b)) + static_cast<int>(!net.link_up(b, a));
}

// A legend item: a glyph drawn by `draw` in a box of `glyph_w`, then a caption. Flows to the next
// line when the row is full.
struct LegendFlow {
  ImDrawList* dl;
  const Fonts& f;
  Rect area;
  ImVec2 cursor;
  float line_h;
  template <typename Draw>
  void item(float glyph_w, const char* caption, Draw&& draw) {
    const float cap_w = text_size(f.small, f.small_size(), caption).x;
    const float w = glyph_w + 4 + cap_w + 14;
    if (cursor.x + w > area.max.x && cursor.x > area.min.x + 1) {
      cursor.x = area.min.x;
      cursor.y += line_h;
    }
    if (dl) {
      draw(ImVec2(cursor.x + glyph_w * 0.5f, cursor.y + line_h * 0.5f));
      draw_text(dl, f.small, f.small_size(), ImVec2(cursor.x + glyph_w + 4, cursor.y + (line_h - f.small_size()) * 0.5f),
                color::kTextDim, caption);
    }
    cursor.x += w;
  }
};

}  // namespace

// Lays out (and, when `dl` is set, draws) the legend; returns its height.
// A small disk (a cylinder) with the number of writes pending on it.
void draw_disk_badge(ImDrawList* dl, const Fonts& f, ImVec2 c, size_t writes) {
  const float w = 8, h = 9;
  const ImU32 disk = IM_COL32(222, 226, 235, 255);  // pale: apart from every role and term color
  dl->AddRectFilled(c + ImVec2(-w, -h), c + ImVec2(w, h), disk, 4);
  dl->AddRect(c + ImVec2(-w, -h), c + ImVec2(w, h), IM_COL32(16, 18, 22, 255), 4, 0, 1.5f);
  dl->AddLine(c + ImVec2(-w + 1, -h + 4), c + ImVec2(w - 1, -h + 4), IM_COL32(16, 18, 22, 255), 1.0f);
  char n[8];
  std::snprintf(n, sizeof n, "%zu", writes);
  draw_text_centered(dl, f.small, f.small_size() * 0.9f, c + ImVec2(0, 2), IM_COL32(16, 18, 22, 255), n);
}

float draw_legend(ImDrawList* dl, const Fonts& f, const Rect& area, bool busy) {
  const float line_h = f.small_size() + 6;
  LegendFlow flow{dl, f, area, area.min, line_h};
  const bool draw = dl != nullptr;
  auto pill = [&](const char* label, ImU32 col) {
    return [=, &f](ImVec2 c) {
      if (draw) draw_pill(dl, f.small, f.small_size(), c, col, IM_COL32(16, 18, 22, 255), label);
    };
  };
  const float r = 6;
  flow.item(16, "follower", [&](ImVec2 c) { if (draw) draw_node_body(dl, f, c, r, Role::Follower, true, 2, false, false); });
  flow.item(16, "candidate", [&](ImVec2 c) { if (draw) draw_node_body(dl, f, c, r, Role::Candidate, true, 2, false, false); });
  flow.item(16, "leader", [&](ImVec2 c) { if (draw) draw_node_body(dl, f, c, r, Role::Leader, true, 2, false, false); });
  flow.item(16, "crashed", [&](ImVec2 c) { if (draw) draw_node_body(dl, f, c, r, Role::Follower, false, 2, false, false); });
  flow.item(34, "color & number = currentTerm", [&](ImVec2 c) {
    if (!draw) return;
    for (int i = 0; i < 3; ++i) dl->AddRectFilled(c + ImVec2(-17.0f + 11.0f * static_cast<float>(i), -5), c + ImVec2(-7.0f + 11.0f * static_cast<float>(i), 5), term_color(static_cast<Term>(i + 1)), 2);
  });
  flow.item(16, "election timer", [&](ImVec2 c) {
    if (!draw) return;
    dl->AddCircle(c, 6, with_alpha(color::kTextDim, 0.3f), 16, 2);
    arc_fraction(dl, c, 6, 0.6f, color::kAccent, 2);
  });
  flow.item(26, "votes", [&](ImVec2 c) {
    if (!draw) return;
    dl->AddCircleFilled(c + ImVec2(-8, 0), 3, color::kVoteGranted);
    dl->AddCircleFilled(c, 3, color::kVoteRejected);
    dl->AddCircle(c + ImVec2(8, 0), 3, color::kTextDim);
  });
  flow.item(18, "vote request", pill("RV", color::kRequestVote));
  flow.item(50, "vote reply", [&](ImVec2 c) {
    if (!draw) return;
    draw_pill(dl, f.small, f.small_size(), c + ImVec2(-11, 0), color::kVoteGranted, IM_COL32(16, 18, 22, 255), "yes");
    draw_pill(dl, f.small, f.small_size(), c + ImVec2(15, 0), color::kVoteRejected, IM_COL32(16, 18, 22, 255), "no");
  });
  flow.item(18, "heartbeat", pill("AE", color::kHeartbeat));
  flow.item(34, "AppendEntries +n entries", pill("AE+2", color::kAppendEntries));
  flow.item(58, "append reply", [&](ImVec2 c) {
    if (!draw) return;
    draw_pill(dl, f.small, f.small_size(), c + ImVec2(-15, 0), color::kAppendOk, IM_COL32(16, 18, 22, 255), "ok");
    draw_pill(dl, f.small, f.small_size(), c + ImVec2(13, 0), color::kAppendFail, IM_COL32(16, 18, 22, 255), "fail");
  });
  flow.item(18, "faded = lost", pill("AE", with_alpha(color::kHeartbeat, 0.3f)));
  flow.item(26, "cut link", [&](ImVec2 c) {
    if (draw) dashed_line(dl, c + ImVec2(-12, 0), c + ImVec2(12, 0), color::kCut, 2, 4, 3);
  });
  if (busy) {
    flow.item(18, "busy: heartbeats/ok as dots", [&](ImVec2 c) {
      if (!draw) return;
      dl->AddRectFilled(c - ImVec2(7, 3), c + ImVec2(-1, 3), color::kHeartbeat);
      dl->AddRectFilled(c + ImVec2(1, -3), c + ImVec2(7, 3), color::kAppendOk);
    });
  }
  return flow.cursor.y + line_h - area.min.y;
}

namespace {

// A banner with a title, an optional paragraph and a close box at the top right. With dl null it
// only measures. Returns its height.
float draw_banner(ImDrawList* dl, const Fonts& f, ImVec2 pos, float width, ImU32 accent, const char* title,
                  const char* body, bool closable = true) {
  const float pad = 8;
  const float wrap = width - 2 * pad - 18;
  const ImVec2 ts = f.ui->CalcTextSizeA(f.ui_size(), FLT_MAX, wrap, title);
  const ImVec2 bs = body && *body ? f.small->CalcTextSizeA(f.small_size(), FLT_MAX, wrap, body) : ImVec2(0, 0);
  const float h = pad + ts.y + (bs.y > 0 ? 4 + bs.y : 0) + pad;
  if (!dl) return h;
  dl->AddRectFilled(pos, pos + ImVec2(width, h), IM_COL32(32, 36, 45, 240), 4);
  dl->AddRectFilled(pos, pos + ImVec2(3, h), accent, 2);
  dl->AddText(f.ui, f.ui_size(), pos + ImVec2(pad, pad), accent, title, nullptr, wrap);
  if (bs.y > 0) dl->AddText(f.small, f.small_size(), pos + ImVec2(pad, pad + ts.y + 4), color::kText, body, nullptr, wrap);
  if (closable) draw_text_centered(dl, f.ui, f.ui_size(), pos + ImVec2(width - 12, 12), color::kTextDim, "x");
  return h;
}

// The red banner of the unsafe switches (no close box: it stays while a switch is on). Returns its
// height; with dl null only measures.
float draw_unsafe_banner(ImDrawList* dl, const Fonts& f, ImVec2 pos, float width, const char* text) {
  const float pad = 6;
  const float wrap = width - 2 * pad;
  const ImVec2 ts = f.ui->CalcTextSizeA(f.ui_size(), FLT_MAX, wrap, text);
  const float h = pad + ts.y + pad;
  if (!dl) return h;
  dl->AddRectFilled(pos, pos + ImVec2(width, h), IM_COL32(165, 22, 22, 245), 4);
  dl->AddText(f.ui, f.ui_size(), pos + ImVec2(pad, pad), IM_COL32(255, 255, 255, 255), text, nullptr, wrap);
  return h;
}

// Dissertation ch. 4: once membership has changed, the configuration in use as the leader sees
// it (§4.1: the latest in its log, committed or not), and a change still in progress; "" while
// it is the bootstrap one.
std::string configuration_line(const sim::Cluster& c) {
  const Configuration bootstrap = Configuration::initial(c.config().nodes);
  bool changed = c.size() != c.config().nodes;
  for (NodeId i = 0; i < c.size() && !changed; ++i) changed = c.node(i).configuration() != bootstrap;
  if (!changed) return "";
  const NodeId l = c.leader();
  if (l == kNoNode) return "configuration: no leader right now (each server's own is in the inspector)";
  const Node& leader = c.node(l);
  const Configuration& k = leader.configuration();
  std::string text = "voters " + node_names(k.voters);
  if (k.learners != 0) text += "   learners " + node_names(k.learners);
  if (!leader.configuration_committed()) {
    text += "   (entry " + std::to_string(leader.configuration_index()) + " not yet committed)";
  } else if (leader.deferred_configuration()) {
    text += "   (a change waits for an entry of term " + std::to_string(leader.current_term()) + " to commit)";
  }
  return text;
}

// The close box of a banner at `pos` with `width`.
Rect banner_close_box(ImVec2 pos, float width) { return {pos + ImVec2(width - 22, 2), pos + ImVec2(width - 2, 22)}; }

}  // namespace

void draw_cluster_view(Ui& ui, const Rect& r) {
  ViewState& vs = ui.vs;
  const sim::Cluster& c = ui.cluster();
  const Fonts& f = ui.fonts;
  const int n = c.size();
  const Time now = c.now();
  if (!begin_panel("Cluster", r, ui.vs, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }

  // Header: what the panel is, and the network tools.
  panel_heading("CLUSTER");
  ImGui::SameLine();
  if (ImGui::SmallButton("Heal all (h)")) ui.act(sim::make::heal());
  vs.track("Heal all");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Restore every network link (undo partitions and cuts).");
  ImGui::SameLine();
  if (!vs.group_mode) {
    if (ImGui::SmallButton("Partition...")) {
      vs.group_mode = true;
      vs.group_mask = 0;
    }
    vs.track("Partition");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Pick nodes, then split them off from the others.\n(Ctrl+click a node also picks it.)");
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(color::kGroup));
    ImGui::TextUnformatted("Click nodes to pick a group:");
    ImGui::PopStyleColor();
  }
  if (vs.group_mode || vs.group_mask) {
    char picked[64];
    int w = 0;
    for (NodeId i = 0; i < n && w < 56; ++i) {
      if (vs.group_mask & (1u << i)) w += std::snprintf(picked + w, sizeof picked - static_cast<size_t>(w), "%s ", node_name(i).c_str());
    }
    if (w == 0) std::snprintf(picked, sizeof picked, "(none)");
    ImGui::SameLine();
    ImGui::TextUnformatted(picked);
    ImGui::SameLine();
    const bool can_split = vs.group_mask != 0 && vs.group_mask != (n >= 32 ? ~0u : (1u << n) - 1);
    if (!can_split) ImGui::BeginDisabled();
    if (ImGui::SmallButton("Split them off")) {
      ui.act(sim::make::split_off(vs.group_mask, n));
      vs.group_mask = 0;
      vs.group_mode = false;
    }
    vs.track("Split");
    if (!can_split) ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::SmallButton("Cancel")) {
      vs.group_mask = 0;
      vs.group_mode = false;
    }
  }
  ImGui::SameLine();
  const float box = ImGui::GetFrameHeight() + 8;
  const float legend_w = ImGui::CalcTextSize("Legend").x + box;
  const float st_w = ImGui::CalcTextSize("Space-time").x + box + 8;
  if (ImGui::GetContentRegionAvail().x > legend_w + st_w) {
    ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - legend_w - st_w);
    ImGui::Checkbox("Space-time", &vs.space_time);
    vs.track("Space-time");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A lane per server, each message an arrow from its send to its delivery (t).");
    ImGui::SameLine();
    ImGui::Checkbox("Legend", &vs.show_legend);
  }

  // Canvas.
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  if (avail.x < 50) avail.x = 50;
  if (avail.y < 50) avail.y = 50;
  Rect area{p0, p0 + avail};
  ImGui::InvisibleButton("##cluster_canvas", avail, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool canvas_hovered = ImGui::IsItemHovered();
  const bool left_click = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  const bool right_click = ImGui::IsItemClicked(ImGuiMouseButton_Right);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(area.min, area.max, true);

  // Banners over the top of the canvas (a notice, the loaded scenario's explanation) take space
  // from the ring so they never cover a node.
  // The unsafe switches' red banner comes first and cannot be closed.
  const float bw = area.width() - 16;
  const std::string unsafe = unsafe_banner(c.config().timing);
  const float unsafe_h = unsafe.empty() ? 0 : draw_unsafe_banner(nullptr, f, area.min, bw, unsafe.c_str()) + 4;
  const bool show_notice = !ui.notice.empty() && vs.notice_hidden != ui.notice_serial;
  const sim::Scenario* banner = vs.scenario_banner ? &ui.lab.initial() : nullptr;
  const float notice_h = show_notice ? draw_banner(nullptr, f, area.min, bw, color::kWarn, ui.notice.c_str(), nullptr) : 0;
  // A long explanation that would take more than a third of the view collapses to its title
  // (click it to read it all, and again to fold it).
  std::string banner_title = banner ? banner->title : std::string();
  const char* banner_body = banner ? banner->description.c_str() : nullptr;
  bool banner_foldable = false;
  if (banner && draw_banner(nullptr, f, area.min, bw, color::kAccent, banner_title.c_str(), banner_body) > area.height() / 3) {
    banner_foldable = true;
    if (!vs.scenario_banner_open) {
      banner_title += "   (click to read)";
      banner_body = nullptr;
    }
  }
  const float scenario_h = banner ? draw_banner(nullptr, f, area.min, bw, color::kAccent, banner_title.c_str(), banner_body) : 0;
  // A scenario's marked moment (`pause`), or at the start of a run that opened paused, how to go
  // on. The tour shows its steps in its own panel.
  std::string moment;
  if (!ui.tour.active) {
    moment = pause_text_at(ui.lab, c.now());
    if (moment.empty() && vs.paused && c.now() == 0 && !vs.seek_active) {
      moment = "Paused at the start. Press Play (or Space) to run, or Step (the right arrow) to go one event at a time.";
    }
  }
  const float moment_h = moment.empty() ? 0 : draw_banner(nullptr, f, area.min, bw, color::kOk, moment.c_str(), nullptr, false);
  const ImVec2 unsafe_pos(area.min.x + 8, area.min.y + 4);
  const ImVec2 notice_pos(area.min.x + 8, area.min.y + 4 + unsafe_h);
  const ImVec2 scenario_pos(area.min.x + 8, area.min.y + 4 + unsafe_h + (show_notice ? notice_h + 4 : 0));
  const ImVec2 moment_pos(area.min.x + 8, scenario_pos.y + (banner ? scenario_h + 4 : 0));
  Rect ring_area = area;
  ring_area.min.y += unsafe_h + (show_notice ? notice_h + 4 : 0) + (banner ? scenario_h + 4 : 0) + (moment.empty() ? 0 : moment_h + 4);
  // The configuration line (after a membership change) has its own row above the ring.
  const std::string configuration = configuration_line(c);
  const ImVec2 configuration_pos(area.min.x + 8, ring_area.min.y + 2);
  if (!configuration.empty()) ring_area.min.y += f.small_size() + 6;
  float legend_h = 0;
  const bool busy = c.network().in_flight() > kBusyMessages;
  // The legend goes under the ring when there is room; otherwise the inspector shows it.
  bool legend_here = false;
  if (vs.show_legend) {
    const Rect la{ImVec2(area.min.x + 6, 0), ImVec2(area.max.x - 6, 0)};
    legend_h = draw_legend(nullptr, f, la, busy) + 6;
    legend_here = ring_area.height() - legend_h >= (n > 7 ? 330.0f : 260.0f);
    if (legend_here) ring_area.max.y -= legend_h;
  }
  vs.legend_in_cluster_view = legend_here;
  // The space-time diagram takes the right part of the ring's room.
  Rect st_area;
  if (vs.space_time) {
    st_area = ring_area;
    st_area.min.x = ring_area.min.x + std::floor(ring_area.width() * 0.42f);
    st_area.min.y += 2;
    st_area.max.x -= 4;
    ring_area.max.x = st_area.min.x - 6;
  }
  const RingLayout ring = ring_layout(n, ring_area);
  vs.ring = ring;
  vs.ring_visible = true;
  const ImVec2 mouse = ImGui::GetIO().MousePos;

  // Links: faint when up, red dashes when cut; none to a server that left the cluster.
  for (NodeId a = 0; a < n; ++a) {
    if (c.gone(a)) continue;
    for (NodeId b = a + 1; b < n; ++b) {
      if (c.gone(b)) continue;
      const int cutn = link_cut(c.network(), a, b);
      if (cutn == 0) {
        dl->AddLine(ring.pos[a], ring.pos[b], color::kLink, 1.0f);
      } else {
        dashed_line(dl, ring.pos[a], ring.pos[b], cutn == 2 ? color::kCut : color::kWarn, 1.6f, 6, 4);
      }
    }
  }

  // Messages: where each one is on its trip, drawn as a labelled pill; lost ones fade out.
  vs.messages.clear();
  uint64_t hovered_msg = 0;
  float hovered_msg_d2 = 8.0f * 8.0f;
  c.network().for_each_in_flight([&](const sim::InFlight& fl) {
    const Message& m = fl.msg;
    if (m.from < 0 || m.from >= n || m.to < 0 || m.to >= n) return;
    const float prog = message_progress(fl.sent_at, fl.deliver_at, now);
    const ImVec2 pos = message_point(ring, m.from, m.to, prog);
    vs.messages.push_back(MessageSpot{fl.id, pos});
    if (canvas_hovered) {
      const float dx = pos.x - mouse.x, dy = pos.y - mouse.y;
      if (dx * dx + dy * dy <= hovered_msg_d2) {
        hovered_msg_d2 = dx * dx + dy * dy;
        hovered_msg = fl.id;
      }
    }
  });
  SpaceTimeResult st;
  if (vs.space_time) {
    st = draw_space_time(ui, dl, st_area, canvas_hovered, hovered_msg != 0 ? hovered_msg : vs.menu_message);
    if (st.hovered_msg != 0) hovered_msg = st.hovered_msg;
  }
  size_t spot = 0;
  c.network().for_each_in_flight([&](const sim::InFlight& fl) {
    const Message& m = fl.msg;
    if (m.from < 0 || m.from >= n || m.to < 0 || m.to >= n) return;
    const ImVec2 pos = vs.messages[spot++].pos;
    const float prog = message_progress(fl.sent_at, fl.deliver_at, now);
    const bool lost = fl.fate != sim::DropReason::None;
    const float alpha = lost ? 0.85f * (1.0f - prog) + 0.1f : 1.0f;
    // Vertex budget: one draw list must stay under 64K vertices (16-bit indices, and WebGL2 has
    // no base-vertex draws). Past the budget, messages become small dots, then are left out.
    const int verts = dl->VtxBuffer.Size;
    if (verts > kMessageDotsVertices) return;
    if (verts > kMessageLabelsVertices) {
      dl->AddRectFilled(pos - ImVec2(3, 3), pos + ImVec2(3, 3), with_alpha(message_color(m), alpha));
      return;
    }
    // A busy network: heartbeats and their "ok" replies become small squares; the messages that
    // change something (votes, entries, failures) keep their labels.
    if (busy && ((m.type == MessageType::AppendEntries && m.entries.empty()) ||
                 (m.type == MessageType::AppendEntriesResponse && m.success))) {
      const float hs = fl.id == hovered_msg ? 5.0f : 3.0f;
      dl->AddRectFilled(pos - ImVec2(hs, hs), pos + ImVec2(hs, hs), with_alpha(message_color(m), alpha));
      return;
    }
    char buf[16];
    const char* label = message_label(m, buf, sizeof buf);
    const Rect pr = draw_pill(dl, f.small, f.small_size(), pos, with_alpha(message_color(m), alpha),
                              with_alpha(IM_COL32(16, 18, 22, 255), alpha), label);
    if (lost) dl->AddLine(pr.min, pr.max, with_alpha(color::kBad, alpha), 1.5f);
    if (fl.id == hovered_msg || fl.id == vs.menu_message) {
      dl->AddRect(pr.min - ImVec2(2, 2), pr.max + ImVec2(2, 2), color::kSelected, 4, 0, 1.5f);
    }
  });

  // Nodes.
  const NodeId hovered_node = canvas_hovered && hovered_msg == 0 ? hit_node(ring, mouse) : kNoNode;
  for (NodeId i = 0; i < n; ++i) {
    const Node& node = c.node(i);
    const bool up = c.up(i);
    const ImVec2 p = ring.pos[i];
    const float nr = ring.node_r;
    // Election timer: an arc that drains from full to empty; a leader has none.
    if (up && node.role() != Role::Leader && node.election_timeout_us() > 0) {
      const Time left = node.election_timer_started() + node.election_timeout_us() - now;
      const float frac = static_cast<float>(static_cast<double>(left) / static_cast<double>(node.election_timeout_us()));
      dl->AddCircle(p, nr + 7, with_alpha(color::kTextDim, 0.18f), 32, 3.0f);
      arc_fraction(dl, p, nr + 7, frac, frac < 0.25f ? color::kWarn : color::kAccent, 3.0f);
    }
    if (vs.selected == i) dl->AddCircle(p, nr + 12, color::kSelected, 40, 2.0f);
    if (vs.group_mask & (1u << i)) dashed_circle(dl, p, nr + 12, color::kGroup, 2.5f, 16);
    if (c.gone(i)) {
      // Removed and shut down (ch. 4): a faint outline where it stood, so ids keep their places.
      dashed_circle(dl, p, nr, with_alpha(color::kTextDim, 0.5f), 1.5f, 12);
      draw_text_centered(dl, f.small, f.small_size(), p + ImVec2(0, nr + 11 + f.small_size() * 0.5f), color::kTextDim,
                         (node_name(i) + " removed").c_str());
      continue;
    }
    draw_node_body(dl, f, p, nr, node.role(), up, node.current_term(), hovered_node == i, true);
    // Disk write latency (issue 11): a server with writes on their way to its disk shows a disk
    // and how many; what it sends or answers waits for them.
    if (up && c.writes_pending(i) > 0) draw_disk_badge(dl, f, p + ImVec2(nr + 8, -nr + 2), c.writes_pending(i));
    // §4.2.1: a learner receives the log but does not vote; drawn with a dashed ring.
    if (up && node.role() == Role::Follower && !node.configuration().is_voter(i)) {
      dashed_circle(dl, p, nr + 4, color::kFollower, 1.5f, 14);
    }

    // Labels under the node: name and role, then who it thinks leads (or its votes). When the
    // ring is crowded: one short line (the role shows by shape and color), plus votes.
    char l1[40], l2[48];
    const float fs = f.small_size();
    float y = p.y + nr + 11;
    if (ring.compact) {
      int w1 = std::snprintf(l1, sizeof l1, "%s", node_name(i).c_str());
      if (up && node.role() == Role::Candidate) {
        int got = 0;
        for (NodeId k = 0; k < n; ++k) got += (node.votes_granted_mask() >> k) & 1u;
        std::snprintf(l1 + w1, sizeof l1 - static_cast<size_t>(w1), " %d/%d", got, node.configuration().quorum());
      }
      draw_text_centered(dl, f.small, fs, ImVec2(p.x, y + fs * 0.5f), role_color(c, i), l1);
      continue;
    }
    std::snprintf(l1, sizeof l1, "%s %s", node_name(i).c_str(), role_word(c, i));
    const ImVec2 s1 = text_size(f.small, fs, l1);
    draw_text(dl, f.small, fs, ImVec2(p.x - s1.x * 0.5f, y), role_color(c, i), l1);
    y += fs + 1;
    if (!up) {
      std::snprintf(l2, sizeof l2, "disk: term %" PRIu64, node.current_term());
      draw_text_centered(dl, f.small, fs, ImVec2(p.x, y + fs * 0.5f), color::kTextDim, l2);
    } else if (node.role() == Role::Candidate) {
      const uint32_t granted = node.votes_granted_mask(), rejected = node.votes_rejected_mask();
      int got = 0;
      for (NodeId k = 0; k < n; ++k) got += (granted >> k) & 1u;
      std::snprintf(l2, sizeof l2, "%d/%d votes", got, node.configuration().quorum());
      const float pip = 7.0f;
      const float pips_w = pip * static_cast<float>(n);
      const ImVec2 ts = text_size(f.small, fs, l2);
      const float x0 = p.x - (pips_w + 4 + ts.x) * 0.5f;
      for (NodeId k = 0; k < n; ++k) {
        const ImVec2 pc(x0 + pip * (static_cast<float>(k) + 0.5f), y + fs * 0.5f);
        if (granted & (1u << k)) dl->AddCircleFilled(pc, 2.8f, color::kVoteGranted, 8);
        else if (rejected & (1u << k)) dl->AddCircleFilled(pc, 2.8f, color::kVoteRejected, 8);
        else dl->AddCircle(pc, 2.5f, color::kTextDim, 8);
      }
      draw_text(dl, f.small, fs, ImVec2(x0 + pips_w + 4, y), color::kCandidate, l2);
    } else if (node.role() == Role::Leader) {
      std::snprintf(l2, sizeof l2, "commitIndex %" PRIu64, node.commit_index());
      draw_text_centered(dl, f.small, fs, ImVec2(p.x, y + fs * 0.5f), color::kTextDim, l2);
    } else {
      if (node.leader_id() == kNoNode) std::snprintf(l2, sizeof l2, "leader: ?");
      else std::snprintf(l2, sizeof l2, "leader: %s", node_name(node.leader_id()).c_str());
      draw_text_centered(dl, f.small, fs, ImVec2(p.x, y + fs * 0.5f), color::kTextDim, l2);
    }
  }

  if (!configuration.empty()) draw_text(dl, f.small, f.small_size(), configuration_pos, color::kTextDim, configuration.c_str());

  // Link under the mouse (only when no node or message is).
  NodeId la = kNoNode, lb = kNoNode;
  const bool link_hovered = canvas_hovered && hovered_msg == 0 && hovered_node == kNoNode &&
                            hit_link(ring, mouse, 5.0f, la, lb);
  if (link_hovered) {
    const int cutn = link_cut(c.network(), la, lb);
    dl->AddLine(ring.pos[la], ring.pos[lb], cutn ? color::kCut : color::kAccent, 3.0f);
    if (cutn == 0) {
      ImGui::SetTooltip("Link %s <-> %s is up.\nClick to cut it (both directions).", node_name(la).c_str(), node_name(lb).c_str());
    } else {
      ImGui::SetTooltip("Link %s <-> %s is cut%s.\nClick to restore it (Heal all (h) restores every link).", node_name(la).c_str(), node_name(lb).c_str(),
                        cutn == 1 ? " in one direction" : "");
    }
  }

  if (!unsafe.empty()) {
    draw_unsafe_banner(dl, f, unsafe_pos, bw, unsafe.c_str());
    vs.windows.push_back(WindowSpot{"unsafe_banner", Rect{unsafe_pos, unsafe_pos + ImVec2(bw, unsafe_h - 4)}});
  }
  if (show_notice) draw_banner(dl, f, notice_pos, bw, color::kWarn, ui.notice.c_str(), nullptr);
  if (banner) {
    draw_banner(dl, f, scenario_pos, bw, color::kAccent, banner_title.c_str(), banner_body);
    vs.windows.push_back(WindowSpot{"scenario_banner", Rect{scenario_pos, scenario_pos + ImVec2(bw, scenario_h)}});
  }
  if (!moment.empty()) draw_banner(dl, f, moment_pos, bw, color::kOk, moment.c_str(), nullptr, false);

  if (legend_here) {
    const Rect la2{ImVec2(area.min.x + 6, area.max.y - legend_h + 2), ImVec2(area.max.x - 6, area.max.y)};
    dl->AddLine(ImVec2(area.min.x + 4, la2.min.y - 3), ImVec2(area.max.x - 4, la2.min.y - 3), color::kGrid);
    draw_legend(dl, f, la2, busy);
  }
  dl->PopClipRect();

  // Tooltips and clicks.
  if (hovered_msg != 0 && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
    c.network().for_each_in_flight([&](const sim::InFlight& fl) {
      if (fl.id == hovered_msg) message_tooltip(fl);
    });
  } else if (hovered_node != kNoNode && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
    node_tooltip(c, hovered_node, vs.group_mode || ImGui::GetIO().KeyCtrl || ImGui::GetIO().KeyShift);
  }
  const ImGuiIO& io = ImGui::GetIO();
  if (left_click && show_notice && banner_close_box(notice_pos, bw).contains(mouse)) {
    vs.notice_hidden = ui.notice_serial;
  } else if (left_click && banner && banner_close_box(scenario_pos, bw).contains(mouse)) {
    vs.scenario_banner = false;
  } else if (left_click && banner_foldable && Rect{scenario_pos, scenario_pos + ImVec2(bw, scenario_h)}.contains(mouse)) {
    vs.scenario_banner_open = !vs.scenario_banner_open;
  } else if (left_click && st.over_time) {
    vs.paused = true;
    ui.push(seek_action(st.time_under_mouse));  // the space-time diagram: go to that moment
  } else if (left_click || right_click) {
    if (hovered_msg != 0 && st.hovered_msg == hovered_msg && !st.in_flight) {
      // a delivered message in the space-time diagram: nothing to act on
    } else if (hovered_msg != 0) {
      vs.menu_message = hovered_msg;
      ImGui::OpenPopup("message_menu");
    } else if (hovered_node != kNoNode) {
      if (left_click && (vs.group_mode || io.KeyCtrl || io.KeyShift)) {
        vs.group_mask ^= 1u << hovered_node;
      } else {
        vs.selected = hovered_node;
        vs.menu_node = hovered_node;
        ImGui::OpenPopup("node_menu");
      }
    } else if (link_hovered && left_click) {
      ui.act(link_cut(c.network(), la, lb) == 0 ? sim::make::cut(la, lb) : sim::make::uncut(la, lb));
    }
  }

  draw_node_menu(ui);
  draw_message_menu(ui);
  ImGui::End();
}

}  // namespace raft::viz
