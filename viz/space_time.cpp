// The space-time diagram (issue 9), beside the ring in the cluster view: one lane per server, time
// running to the right and ending at the moment shown, each message an arrow from its send to its
// delivery. A message the network lost or a cut blocked ends in a cross; the network's duplicates
// are dashed. Messages still in flight end at the right edge, where a click opens the same menu as
// in the ring (drop, duplicate, delay). Hovering an arrow highlights the message in the ring and
// the other way round; a click on an empty spot goes to that moment. The arrows come from the
// trace (the events up to the moment shown) and, for those in flight, from the network; the
// buffers are reused frame to frame.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "viz/cluster_view.h"
#include "viz/draw.h"
#include "viz/panels.h"
#include "viz/words.h"

namespace raft::viz {

namespace {

bool yes_of(const sim::TraceEvent& e) {
  switch (e.message_type()) {
    case MessageType::RequestVoteResponse:
    case MessageType::PreVoteResponse: return e.vote_granted();
    case MessageType::AppendEntries: return e.entry_count() > 0;
    case MessageType::AppendEntriesResponse: return e.success();
    case MessageType::InstallSnapshotResponse: return e.installed();
    default: return false;
  }
}

void dashed(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float thick) {
  const ImVec2 d = b - a;
  const float len = std::sqrt(d.x * d.x + d.y * d.y);
  if (len < 1) return;
  const ImVec2 u = d * (1.0f / len);
  for (float s = 0; s < len; s += 7) dl->AddLine(a + u * s, a + u * std::min(s + 4, len), col, thick);
}

void arrow_head(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 col) {
  const ImVec2 d = to - from;
  const float len = std::sqrt(d.x * d.x + d.y * d.y);
  if (len < 6) return;
  const ImVec2 u = d * (1.0f / len), nrm(-u.y, u.x);
  dl->AddTriangleFilled(to, to - u * 7 + nrm * 3.5f, to - u * 7 - nrm * 3.5f, col);
}

}  // namespace

SpaceTimeResult draw_space_time(Ui& ui, ImDrawList* dl, const Rect& area, bool canvas_hovered, uint64_t highlight) {
  ViewState& vs = ui.vs;
  const sim::Cluster& c = ui.cluster();
  const Fonts& f = ui.fonts;
  SpaceTimeResult out;
  const int n = c.size();
  if (area.width() < 80 || area.height() < 60 || n == 0) return out;
  const Time now = c.now();
  const Time span = vs.space_time_span_us;
  const Time t0 = now - span;
  const float label_w = 30, top = 18, bottom = 16;
  const float x0 = area.min.x + label_w, x1 = area.max.x - 6;
  const float y0 = area.min.y + top, y1 = area.max.y - bottom;
  const float lane_h = (y1 - y0) / static_cast<float>(n);
  const auto x_of = [&](Time t) { return x0 + (x1 - x0) * static_cast<float>(static_cast<double>(t - t0) / static_cast<double>(span)); };
  const auto y_of = [&](int node) { return y0 + lane_h * (static_cast<float>(node) + 0.5f); };
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool inside = canvas_hovered && area.contains(mouse);

  // Frame, lanes, time ticks.
  dl->AddRectFilled(area.min, area.max, IM_COL32(22, 25, 31, 255), 4);
  char title[96];
  char span_text[24];
  format_time(span_text, sizeof span_text, span);
  std::snprintf(title, sizeof title, "SPACE-TIME  last %s (wheel: zoom)%s", span_text,
                c.network().in_flight() > kBusyMessages ? "  busy: delivered heartbeats hidden" : "");
  dl->AddText(f.small, f.small_size(), ImVec2(area.min.x + 6, area.min.y + 3), color::kTextDim, title);
  for (int i = 0; i < n; ++i) {
    const float y = y_of(i);
    const ImU32 lane = c.up(i) ? color::kLink : with_alpha(color::kBad, 0.5f);
    dl->AddLine(ImVec2(x0, y), ImVec2(x1, y), lane, 1.0f);
    dl->AddText(f.small, f.small_size(), ImVec2(area.min.x + 6, y - f.small_size() * 0.5f), role_color(c, i), node_name(i).c_str());
  }
  const Time step = span >= 4'000'000 ? 1'000'000 : span >= 1'000'000 ? 250'000 : span >= 400'000 ? 100'000 : span >= 100'000 ? 25'000 : 5'000;
  for (Time t = (std::max<Time>(t0, 0) / step + 1) * step; t < now; t += step) {
    const float x = x_of(t);
    dl->AddLine(ImVec2(x, y0 - 4), ImVec2(x, y1), IM_COL32(255, 255, 255, 14));
    char lbl[24];
    format_time(lbl, sizeof lbl, t);
    dl->AddText(f.small, f.small_size() * 0.9f, ImVec2(x + 2, y1 + 1), color::kTextDim, lbl);
  }
  if (t0 < 0) {
    const float x = x_of(0);
    dl->AddLine(ImVec2(x, y0 - 4), ImVec2(x, y1), color::kTextDim);
  }

  // Ends (deliveries and drops) and sends in the window, from the trace, newest first. A message
  // sent before the window but delivered in it still shows, from the left edge.
  vs.st_ends.clear();
  vs.st_sends.clear();
  vs.st_heads.clear();
  const sim::TraceEvents& events = c.trace().events();
  // (A message the user delayed past that shows from where the window meets its delivery.)
  const Time slack = c.network().config().latency_max_us + 20'000;
  for (size_t i = events.size(); i > events.first(); --i) {
    const sim::TraceEvent& e = events[i - 1];
    if (e.t < t0 - slack) break;
    if (e.kind == sim::TraceKind::Deliver || e.kind == sim::TraceKind::Drop) {
      if (e.t >= t0) vs.st_ends.push_back(SpaceTimeEnd{e.id, e.t, e.kind == sim::TraceKind::Drop});
    } else if (e.kind == sim::TraceKind::Send && e.from >= 0 && e.to >= 0 && e.from < n && e.to < n) {
      vs.st_sends.push_back(static_cast<uint32_t>(i - 1));
    }
  }
  std::sort(vs.st_ends.begin(), vs.st_ends.end(), [](const SpaceTimeEnd& a, const SpaceTimeEnd& b) { return a.id < b.id; });
  float best = 36.0f;  // squared pixels: the nearest arrow within 6 px
  uint64_t hovered = 0;
  size_t hovered_event = SIZE_MAX;
  dl->PushClipRect(ImVec2(x0 - 2, area.min.y), ImVec2(x1 + 2, area.max.y), true);
  // One draw list stays under 64K vertices (16-bit indices): past the budget the oldest delivered
  // arrows are left out (the sends are newest first), and the header says how many.
  size_t skipped = 0;
  // A busy network (as in the ring): delivered heartbeats and their plain acknowledgements are left
  // out; what changes something (votes, entries, refusals) stays. Those in flight are all drawn.
  const bool busy = c.network().in_flight() > kBusyMessages;
  // Many thin arrows: without anti-aliasing ImGui makes 4 vertices of a line instead of 8 or more.
  const ImDrawListFlags flags = dl->Flags;
  dl->Flags &= ~ImDrawListFlags_AntiAliasedLines;
  for (const uint32_t k : vs.st_sends) {
    if (dl->VtxBuffer.Size > kSpaceTimeVerticesMax) {
      ++skipped;
      continue;
    }
    const sim::TraceEvent& s = events[k];
    if (busy && s.id != highlight && ((s.message_type() == MessageType::AppendEntries && s.entry_count() == 0) ||
                                      (s.message_type() == MessageType::AppendEntriesResponse && s.success()))) {
      continue;
    }
    auto it = std::lower_bound(vs.st_ends.begin(), vs.st_ends.end(), s.id, [](const SpaceTimeEnd& a, uint64_t id) { return a.id < id; });
    if (it == vs.st_ends.end() || it->id != s.id) continue;  // in flight (drawn below) or ended before the window
    const ImVec2 a(x_of(s.t), y_of(s.from)), b(x_of(it->t), y_of(s.to));
    const bool hot = s.id == highlight;
    const ImU32 col = with_alpha(message_color(s.message_type(), yes_of(s)), hot ? 1.0f : 0.75f);
    // Whole-pixel widths: ImGui draws those anti-aliased from its texture, with the fewest vertices.
    if (s.network_duplicate()) dashed(dl, a, b, col, hot ? 2.0f : 1.0f);
    else dl->AddLine(a, b, col, hot ? 2.0f : 1.0f);
    if (it->dropped) {
      dl->AddLine(b - ImVec2(4, 4), b + ImVec2(4, 4), color::kBad, 2.0f);
      dl->AddLine(b + ImVec2(-4, 4), b + ImVec2(4, -4), color::kBad, 2.0f);
    } else if (!busy || hot) {
      arrow_head(dl, a, b, col);
    }
    if (inside) {
      const float d = distance_to_segment(mouse, a, b);
      if (d * d < best) {
        best = d * d;
        hovered = s.id;
        hovered_event = k;
      }
    }
  }
  vs.st_rows.assign(static_cast<size_t>(area.height()) + 1, 0);
  float best_head = 64.0f;
  // In flight: from the send toward the destination, cut at the moment shown, with a head there
  // (a square when busy: 4 vertices instead of a circle's 20).
  c.network().for_each_in_flight([&](const sim::InFlight& fl) {
    const Message& m = fl.msg;
    if (m.from < 0 || m.to < 0 || m.from >= n || m.to >= n || dl->VtxBuffer.Size > kSpaceTimeVerticesMax + 12'000) return;
    const ImVec2 a(x_of(fl.sent_at), y_of(m.from)), b(x_of(fl.deliver_at), y_of(m.to));
    const float prog = message_progress(fl.sent_at, fl.deliver_at, now);
    const ImVec2 head = a + (b - a) * prog;
    const bool hot = fl.id == highlight || fl.id == vs.menu_message;
    const bool lost = fl.fate != sim::DropReason::None;
    const ImU32 col = with_alpha(message_color(m), lost ? 0.45f : 1.0f);
    // Busy: a heartbeat or its plain acknowledgement in flight is its head alone (still clickable).
    const bool plain = busy && ((m.type == MessageType::AppendEntries && m.entries.empty()) ||
                                (m.type == MessageType::AppendEntriesResponse && m.success));
    vs.st_heads.push_back(MessageSpot{fl.id, head});
    if (plain && !hot) {
      // Every head in flight sits on the right edge (the moment shown): one square per pixel row.
      const auto row = static_cast<size_t>(std::clamp(head.y - area.min.y, 0.0f, area.height()));
      if (row < vs.st_rows.size() && vs.st_rows[row] != 0) return;
      if (row < vs.st_rows.size()) vs.st_rows[row] = 1;
    } else if (fl.duplicate_copy) {
      dashed(dl, a, head, col, hot ? 3.0f : 1.0f);
    } else {
      dl->AddLine(a, head, col, hot ? 3.0f : 2.0f);
    }
    if (busy && !hot) dl->AddRectFilled(head - ImVec2(3, 3), head + ImVec2(3, 3), col);
    else dl->AddCircleFilled(head, hot ? 5.0f : 3.5f, col, 8);
    if (lost) dl->AddLine(head - ImVec2(4, 4), head + ImVec2(4, 4), color::kBad, 1.5f);
    if (inside) {
      // A head within 8 px wins over any delivered arrow (it is what a click acts on); the nearest head of all.
      const float dx = head.x - mouse.x, dy = head.y - mouse.y;
      if (dx * dx + dy * dy < best_head) {
        best_head = dx * dx + dy * dy;
        hovered = fl.id;
        hovered_event = SIZE_MAX;
        out.in_flight = true;
      }
    }
  });
  dl->Flags = flags;
  dl->PopClipRect();
  dl->AddLine(ImVec2(x1, y0 - 6), ImVec2(x1, y1), color::kSelected, 1.5f);  // the moment shown
  if (skipped > 0) {
    char more[64];
    std::snprintf(more, sizeof more, "%zu older arrows not drawn (zoom in)", skipped);
    const ImVec2 ts = f.small->CalcTextSizeA(f.small_size(), FLT_MAX, 0, more);
    dl->AddText(f.small, f.small_size(), ImVec2(area.max.x - ts.x - 8, area.min.y + 3), color::kWarn, more);
  }

  out.hovered_msg = hovered;
  if (hovered != 0 && !out.in_flight && hovered_event != SIZE_MAX) {
    char buf[320];
    describe_event(buf, sizeof buf, events[hovered_event], c.trace(), c.client_ops());
    ImGui::SetTooltip("%s", buf);
  }
  if (inside) {
    if (ImGui::GetIO().MouseWheel != 0) {
      const double z = ImGui::GetIO().MouseWheel > 0 ? 0.8 : 1.25;
      vs.space_time_span_us = std::clamp<Time>(static_cast<Time>(static_cast<double>(span) * z), 20'000, 20'000'000);
    }
    if (hovered == 0 && mouse.x >= x0 && mouse.x <= x1) {
      out.time_under_mouse = std::clamp<Time>(t0 + static_cast<Time>(static_cast<double>(mouse.x - x0) / (x1 - x0) * static_cast<double>(span)), 0, now);
      out.over_time = true;
    }
  }
  vs.windows.push_back(WindowSpot{"SpaceTime", area});
  return out;
}

}  // namespace raft::viz
