// The logs panel: one row per node, one cell per entry colored by term. Only the visible cells are
// drawn (manual culling), so logs of many thousands of entries cost the same as short ones. The
// view follows the tail unless the user scrolls away (scrolling back to the end follows again).
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "viz/cluster_view.h"
#include "viz/draw.h"
#include "viz/panels.h"
#include "viz/words.h"

namespace raft::viz {

namespace {

// The leader whose nextIndex/matchIndex are shown: the cluster's leader, else none.
NodeId shown_leader(const sim::Cluster& c) { return c.leader(); }

void entry_tooltip(const sim::Cluster& c, NodeId n, LogIndex i, NodeId leader) {
  const Node& node = c.node(n);
  const Entry& e = node.log().at(i);
  char cmd[200];
  describe_command(cmd, sizeof cmd, *e.cmd);
  ImGui::BeginTooltip();
  ImGui::Text("%s  log[%" PRIu64 "]", node_name(n).c_str(), i);
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(term_color(e.term)));
  ImGui::Text("term %" PRIu64, e.term);
  ImGui::PopStyleColor();
  ImGui::TextUnformatted(cmd);
  if (e.cmd->client != 0) ImGui::TextDisabled("from client c%u, request seq %" PRIu64, e.cmd->client, e.cmd->seq);
  ImGui::Separator();
  if (i <= node.commit_index()) {
    ImGui::PushStyleColor(ImGuiCol_Text, to_vec4(color::kCommit));
    ImGui::Text("committed (commitIndex = %" PRIu64 ")", node.commit_index());
    ImGui::PopStyleColor();
  } else {
    ImGui::Text("not committed yet (commitIndex = %" PRIu64 ")", node.commit_index());
  }
  ImGui::Text(i <= node.last_applied() ? "applied to the state machine (lastApplied = %" PRIu64 ")"
                                       : "not applied yet (lastApplied = %" PRIu64 ")",
              node.last_applied());
  if (!c.up(n)) ImGui::TextDisabled("%s is down: only its disk (term, vote, log) is current.", node_name(n).c_str());
  if (leader != kNoNode && leader != n) {
    const Progress& p = c.node(leader).progress(n);
    ImGui::TextDisabled("leader %s's view of %s: nextIndex %" PRIu64 ", matchIndex %" PRIu64,
                        node_name(leader).c_str(), node_name(n).c_str(), p.next_index, p.match_index);
  }
  ImGui::EndTooltip();
}

void legend_item_box(ImDrawList* dl, ImVec2 p, bool committed) {
  const ImU32 col = term_color(1);
  if (committed) {
    dl->AddRectFilled(p, p + ImVec2(12, 12), col, 2);
  } else {
    dl->AddRectFilled(p, p + ImVec2(12, 12), with_alpha(col, 0.28f), 2);
    dl->AddRect(p, p + ImVec2(12, 12), col, 2);
  }
}

// One-line legend in the header; items that don't fit are left out (the (?) has them all).
void header_legend(ImDrawList* dl, const Fonts& f, ImVec2 pos, float max_x) {
  const float fs = f.small_size();
  float x = pos.x;
  const float y = pos.y;
  auto caption = [&](const char* text) {
    draw_text(dl, f.small, fs, ImVec2(x, y), color::kTextDim, text);
    x += text_size(f.small, fs, text).x + 12;
  };
  auto fits = [&](const char* text) { return x + 16 + text_size(f.small, fs, text).x < max_x; };
  if (!fits("committed")) return;
  legend_item_box(dl, ImVec2(x, y + 1), true);
  x += 16;
  caption("committed");
  if (!fits("not committed")) return;
  legend_item_box(dl, ImVec2(x, y + 1), false);
  x += 16;
  caption("not committed");
  if (!fits("applied")) return;
  dl->AddRectFilled(ImVec2(x, y + 1), ImVec2(x + 12, y + 13), term_color(1), 2);
  dl->AddRectFilled(ImVec2(x + 1, y + 10), ImVec2(x + 11, y + 12), IM_COL32(255, 255, 255, 220));
  x += 16;
  caption("applied");
  if (!fits("commitIndex")) return;
  dl->AddLine(ImVec2(x + 6, y), ImVec2(x + 6, y + 14), color::kCommit, 2.5f);
  x += 14;
  caption("commitIndex");
  if (!fits("nextIndex")) return;
  dl->AddTriangleFilled(ImVec2(x + 1, y + 2), ImVec2(x + 11, y + 2), ImVec2(x + 6, y + 9), color::kNextIndex);
  x += 16;
  caption("nextIndex");
  if (!fits("matchIndex (leader's view)")) return;
  dl->AddTriangleFilled(ImVec2(x + 1, y + 13), ImVec2(x + 11, y + 13), ImVec2(x + 6, y + 6), color::kMatchIndex);
  x += 16;
  caption("matchIndex (leader's view)");
  if (!fits("configuration")) return;
  dl->AddRectFilled(ImVec2(x, y + 1), ImVec2(x + 12, y + 13), term_color(1), 2);
  dl->AddTriangleFilled(ImVec2(x + 5, y + 1), ImVec2(x + 12, y + 1), ImVec2(x + 12, y + 8), IM_COL32(255, 255, 255, 230));
  x += 16;
  caption("configuration");
}

}  // namespace

void draw_log_view(Ui& ui, const Rect& r) {
  ViewState& vs = ui.vs;
  const sim::Cluster& c = ui.cluster();
  const Fonts& f = ui.fonts;
  const int n = c.size();
  if (!begin_panel("Logs", r, ui.vs, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    ImGui::End();
    return;
  }
  panel_heading("LOGS");
  ImGui::SameLine();
  help_marker(
      "One row per server: its log[] from index 1 (left) to its last entry. Each cell is an entry; its color and "
      "number are the entry's term. Solid cells are committed (index <= that server's commitIndex), faint ones are "
      "not yet. A white underline marks entries applied to the state machine (index <= lastApplied); the green bar "
      "is commitIndex. On each follower's row, the leader's nextIndex (blue, above) and matchIndex (yellow, below) "
      "for that follower are marked. Hover a cell for its command. The view follows the newest entries unless you "
      "scroll; scroll back to the end to follow again. With snapshots on (section 7), the compacted prefix is one grey "
      "block labelled with the snapshot's lastIncludedIndex and lastIncludedTerm. A white corner marks a "
      "configuration entry (chapter 4): a server uses the latest one in its log as soon as it appends it.");
  ImGui::SameLine();
  const float follow_w = ImGui::CalcTextSize("Follow tail").x + ImGui::GetFrameHeight() + 12;
  const ImVec2 legend_pos = ImGui::GetCursorScreenPos() + ImVec2(4, 2);
  const float legend_max = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x - follow_w - 8;
  header_legend(ImGui::GetWindowDrawList(), f, legend_pos, legend_max);
  ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - follow_w + 8);
  ImGui::Checkbox("Follow tail", &vs.log_follow);

  LogIndex last_max = 0;
  for (NodeId i = 0; i < n; ++i) last_max = std::max(last_max, c.node(i).log().last_index());
  const float content_w = kLogLabelWidth + (static_cast<float>(last_max) + 3) * kLogCellWidth;
  const float content_h = kLogRulerHeight + static_cast<float>(n) * kLogRowHeight + 2;

  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::SetNextWindowContentSize(ImVec2(content_w, content_h));
  const ImVec2 child_size = ImGui::GetContentRegionAvail();
  ImGui::BeginChild("##log_rows", child_size, false, ImGuiWindowFlags_HorizontalScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar();

  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 wp = ImGui::GetWindowPos();
  const ImVec2 ws = ImGui::GetWindowSize();
  const float max_x = ImGui::GetScrollMaxX(), max_y = ImGui::GetScrollMaxY();
  const float view_w = ws.x - (max_y > 0 ? ImGui::GetStyle().ScrollbarSize : 0);
  const float view_h = ws.y - (max_x > 0 ? ImGui::GetStyle().ScrollbarSize : 0);
  const bool hovered = ImGui::IsWindowHovered();

  // Scrolling: wheel scrolls the log sideways (vertically only with Shift when rows overflow).
  float sx = ImGui::GetScrollX();
  const float full = std::max(0.0f, content_w - view_w);
  if (hovered && (io.MouseWheel != 0 || io.MouseWheelH != 0)) {
    if (max_y > 0 && io.KeyShift) {
      ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseWheel * kLogRowHeight * 2);
    } else {
      sx = std::clamp(sx - (io.MouseWheel + io.MouseWheelH) * kLogCellWidth * 4, 0.0f, full);
      vs.log_follow = sx >= full - 1;
      ImGui::SetScrollX(sx);
    }
  } else if (vs.log_follow && hovered && ImGui::IsMouseDown(ImGuiMouseButton_Left) && sx < vs.log_scroll_set - 1) {
    vs.log_follow = false;  // dragging the scrollbar away from the end
  } else if (!vs.log_follow && full > 0 && sx >= full - 1 && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    vs.log_follow = true;   // dragged back to the end
  }
  if (vs.log_follow) {
    sx = full;
    ImGui::SetScrollX(full);
  }
  vs.log_scroll_set = sx;
  const float sy = ImGui::GetScrollY();

  ImDrawList* dl = ImGui::GetWindowDrawList();
  LogGrid grid;
  grid.origin = ImVec2(wp.x + kLogLabelWidth - sx, wp.y + kLogRulerHeight - sy);
  const float cells_x0 = wp.x + kLogLabelWidth, cells_x1 = wp.x + view_w;
  LogIndex first = 1, last = 0;
  grid.visible(cells_x0, cells_x1, last_max + 1, first, last);
  const float fs = f.small_size();
  const NodeId leader = shown_leader(c);
  const ImVec2 mouse = io.MousePos;
  NodeId hover_row = kNoNode;
  LogIndex hover_index = 0;

  dl->PushClipRect(ImVec2(cells_x0, wp.y), ImVec2(cells_x1, wp.y + view_h), true);
  // Ruler: index numbers every 5 (or 10/50/... when the numbers get wide).
  const LogIndex step = last_max >= 10000 ? 10 : 5;
  for (LogIndex i = first; i <= last; ++i) {
    const float x = grid.x_of(i);
    if (i % step == 0 || i == 1) {
      char b[24];
      decimal(i, b);
      draw_text(dl, f.small, fs, ImVec2(x + 2, wp.y - sy + 1), color::kTextDim, b);
      dl->AddLine(ImVec2(x, wp.y - sy + kLogRulerHeight - 4), ImVec2(x, wp.y - sy + kLogRulerHeight), color::kGrid);
    }
  }
  for (NodeId row = 0; row < n; ++row) {
    const Node& node = c.node(row);
    const bool up = c.up(row);
    const LogIndex node_last = std::min(last, node.log().last_index());
    const LogIndex commit = node.commit_index(), applied = node.last_applied();
    const float row_y = grid.origin.y + static_cast<float>(row) * grid.row_h;
    if (row_y > wp.y + view_h || row_y + grid.row_h < wp.y) continue;
    if (row % 2 == 1) dl->AddRectFilled(ImVec2(cells_x0, row_y), ImVec2(cells_x1, row_y + grid.row_h), IM_COL32(255, 255, 255, 6));
    // Vertex budget (see the cluster view): on huge screens, drop the numbers, then the cells.
    const bool numbers = dl->VtxBuffer.Size < 40'000;
    // §7 (Log compaction): the prefix replaced by the snapshot is one block, labelled with its
    // lastIncludedIndex and lastIncludedTerm.
    const LogIndex base = node.log().snapshot_index();
    if (base >= first) {
      Rect block{grid.cell(first, row).min, grid.cell(base, row).max};
      block.min = block.min + ImVec2(1, 2);
      block.max = block.max - ImVec2(1, 2);
      dl->AddRectFilled(block.min, block.max, with_alpha(color::kTextDim, up ? 0.35f : 0.18f));
      dl->AddRect(block.min, block.max, with_alpha(color::kText, up ? 0.7f : 0.35f));
      char b[64];
      std::snprintf(b, sizeof b, "snapshot 1..%" PRIu64 " (term %" PRIu64 ")", base, node.log().snapshot_term());
      const ImVec2 ts = text_size(f.small, fs, b);
      if (ts.x < block.width() - 4) {
        draw_text(dl, f.small, fs, ImVec2(std::max(block.min.x, cells_x0) + 3, block.min.y + (block.height() - ts.y) * 0.5f - 1),
                  color::kText, b);
      } else {
        std::snprintf(b, sizeof b, "%" PRIu64, base);
        if (text_size(f.small, fs, b).x < block.width() - 2) {
          draw_text(dl, f.small, fs, ImVec2(block.min.x + 2, block.min.y + 1), color::kText, b);
        }
      }
    }
    for (LogIndex i = std::max(first, base + 1); i <= node_last && dl->VtxBuffer.Size < 60'000; ++i) {
      const Term t = node.log().at(i).term;
      Rect cell = grid.cell(i, row);
      cell.min = cell.min + ImVec2(1, 2);
      cell.max = cell.max - ImVec2(1, 2);
      const ImU32 tc = term_color(t);
      const float alpha = up ? 1.0f : 0.45f;
      // Square corners: a filled rect is 4 vertices (thousands of cells on a wide screen).
      if (i <= commit) {
        dl->AddRectFilled(cell.min, cell.max, with_alpha(tc, alpha));
      } else {
        dl->AddRectFilled(cell.min, cell.max, with_alpha(tc, 0.28f * alpha));
        dl->AddRect(cell.min, cell.max, with_alpha(tc, alpha));
      }
      char b[24];
      decimal(t, b);
      const ImVec2 ts = text_size(f.small, fs, b);
      if (numbers && ts.x < cell.width() - 1) {
        draw_text(dl, f.small, fs, ImVec2(cell.min.x + (cell.width() - ts.x) * 0.5f, cell.min.y + (cell.height() - ts.y) * 0.5f - 1),
                  with_alpha(i <= commit ? term_text_color(t) : tc, alpha), b);
      }
      if (i <= applied) {
        dl->AddRectFilled(ImVec2(cell.min.x + 2, cell.max.y - 3), ImVec2(cell.max.x - 2, cell.max.y - 1), IM_COL32(255, 255, 255, 220));
      }
      // A configuration entry (ch. 4): a white corner, so a change stands out in the log.
      if (node.log().at(i).cmd->op == Op::Config) {
        dl->AddTriangleFilled(ImVec2(cell.max.x - 7, cell.min.y), cell.max - ImVec2(0, cell.height()), ImVec2(cell.max.x, cell.min.y + 7),
                              IM_COL32(255, 255, 255, 230));
      }
    }
    // commitIndex: a green bar after the last committed entry.
    if (commit > 0) {
      const float x = grid.x_of(commit + 1);
      if (x >= cells_x0 - 2 && x <= cells_x1 + 2) dl->AddLine(ImVec2(x, row_y + 1), ImVec2(x, row_y + grid.row_h - 1), color::kCommit, 2.5f);
    }
    // The leader's view of this follower.
    if (leader != kNoNode && leader != row && c.node(leader).configuration().is_member(row)) {
      const Progress& p = c.node(leader).progress(row);
      const float xn = grid.x_of(p.next_index) + grid.cell_w * 0.5f;
      dl->AddTriangleFilled(ImVec2(xn - 5, row_y), ImVec2(xn + 5, row_y), ImVec2(xn, row_y + 6), color::kNextIndex);
      if (p.match_index > 0) {
        const float xm = grid.x_of(p.match_index) + grid.cell_w * 0.5f;
        const float yb = row_y + grid.row_h;
        dl->AddTriangleFilled(ImVec2(xm - 5, yb), ImVec2(xm + 5, yb), ImVec2(xm, yb - 6), color::kMatchIndex);
      }
    }
    if (hovered && mouse.y >= row_y && mouse.y < row_y + grid.row_h && mouse.x >= cells_x0 && mouse.x < cells_x1) {
      const int64_t idx = grid.index_at(mouse.x);
      if (idx > static_cast<int64_t>(node.log().snapshot_index()) && static_cast<LogIndex>(idx) <= node.log().last_index()) {
        hover_row = row;
        hover_index = static_cast<LogIndex>(idx);
        const Rect cell = grid.cell(hover_index, row);
        dl->AddRect(cell.min, cell.max, color::kSelected, 2, 0, 1.5f);
      }
    }
  }
  dl->PopClipRect();

  // Row labels: a fixed column over the left edge.
  dl->AddRectFilled(wp, ImVec2(wp.x + kLogLabelWidth - 2, wp.y + view_h), color::kPanel);
  draw_text(dl, f.small, fs, ImVec2(wp.x + 4, wp.y - sy + 1), color::kTextDim, "server");
  draw_text(dl, f.small, fs, ImVec2(wp.x + kLogLabelWidth - 8 - text_size(f.small, fs, "length").x, wp.y - sy + 1),
            color::kTextDim, "length");
  for (NodeId row = 0; row < n; ++row) {
    const Node& node = c.node(row);
    const float row_y = grid.origin.y + static_cast<float>(row) * grid.row_h;
    if (row_y > wp.y + view_h || row_y + grid.row_h < wp.y) continue;
    char b[48];
    const bool up = c.up(row);
    std::snprintf(b, sizeof b, "%s %s", node_name(row).c_str(), role_word(c, row));
    const ImU32 col = !up ? color::kTextDim
                      : node.role() == Role::Leader ? color::kLeader
                      : node.role() == Role::Candidate ? color::kCandidate
                                                        : color::kText;
    draw_text(dl, f.small, fs, ImVec2(wp.x + 4, row_y + (grid.row_h - fs) * 0.5f), col, b);
    std::snprintf(b, sizeof b, "%" PRIu64, node.log().last_index());
    const float bw = text_size(f.small, fs, b).x;
    draw_text(dl, f.small, fs, ImVec2(wp.x + kLogLabelWidth - 8 - bw, row_y + (grid.row_h - fs) * 0.5f), color::kTextDim, b);
    if (vs.selected == row) dl->AddRect(ImVec2(wp.x + 1, row_y + 1), ImVec2(wp.x + kLogLabelWidth - 3, row_y + grid.row_h - 1), color::kSelected, 2);
    if (hovered && mouse.x < wp.x + kLogLabelWidth && mouse.y >= row_y && mouse.y < row_y + grid.row_h) {
      ImGui::SetTooltip("%s: %" PRIu64 " entries, commitIndex %" PRIu64 ", lastApplied %" PRIu64 "\nClick to inspect.",
                        node_name(row).c_str(), node.log().last_index(), node.commit_index(), node.last_applied());
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) vs.selected = row;
    }
  }
  if (hover_row != kNoNode) {
    entry_tooltip(c, hover_row, hover_index, leader);
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) vs.selected = hover_row;
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace raft::viz
