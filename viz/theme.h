// Colors, fonts and the ImGui style: one dark theme with good contrast. Every color the panels use
// is named here so that the legend, the cluster view and the logs agree.
#pragma once

#include "core/raft/message.h"
#include "core/raft/types.h"
#include "imgui.h"

namespace raft::viz {

struct Fonts {
  ImFont* ui = nullptr;     // body text, 15 px
  ImFont* small = nullptr;  // message labels, log cells, 12 px
  ImFont* big = nullptr;    // the term inside a node, 20 px
  float scale = 1.0f;       // 1 / dpi: fonts are rasterized at dpi x size and drawn at size
  float ui_size() const { return ui ? ui->FontSize * scale : 13.0f; }
  float small_size() const { return small ? small->FontSize * scale : 11.0f; }
  float big_size() const { return big ? big->FontSize * scale : 18.0f; }
};

// Loads the three sizes from a TTF in memory (not owned) or ImGui's default font, and sets the style.
Fonts load_fonts(const void* ttf, int ttf_bytes, float dpi_scale);
void apply_theme();

namespace color {
inline constexpr ImU32 kBackground = IM_COL32(20, 22, 27, 255);
inline constexpr ImU32 kPanel = IM_COL32(27, 30, 37, 255);
inline constexpr ImU32 kPanelLight = IM_COL32(36, 40, 49, 255);
inline constexpr ImU32 kGrid = IM_COL32(52, 57, 68, 255);
inline constexpr ImU32 kText = IM_COL32(228, 231, 236, 255);
inline constexpr ImU32 kTextDim = IM_COL32(150, 158, 172, 255);
inline constexpr ImU32 kAccent = IM_COL32(95, 179, 249, 255);
inline constexpr ImU32 kLeader = IM_COL32(242, 193, 78, 255);
inline constexpr ImU32 kCandidate = IM_COL32(242, 140, 56, 255);
inline constexpr ImU32 kFollower = IM_COL32(170, 179, 192, 255);
inline constexpr ImU32 kCrashed = IM_COL32(70, 74, 84, 255);
inline constexpr ImU32 kOk = IM_COL32(92, 207, 123, 255);
inline constexpr ImU32 kBad = IM_COL32(255, 92, 92, 255);
inline constexpr ImU32 kWarn = IM_COL32(255, 184, 77, 255);
inline constexpr ImU32 kCut = IM_COL32(255, 92, 92, 255);
inline constexpr ImU32 kLink = IM_COL32(68, 74, 88, 255);
inline constexpr ImU32 kSelected = IM_COL32(255, 255, 255, 255);
inline constexpr ImU32 kGroup = IM_COL32(208, 107, 255, 255);
inline constexpr ImU32 kPartition = IM_COL32(208, 107, 255, 255);
inline constexpr ImU32 kHeal = IM_COL32(63, 208, 201, 255);
inline constexpr ImU32 kCommit = IM_COL32(92, 207, 123, 255);
inline constexpr ImU32 kNextIndex = IM_COL32(95, 179, 249, 255);
inline constexpr ImU32 kMatchIndex = IM_COL32(242, 193, 78, 255);
inline constexpr ImU32 kPlayhead = IM_COL32(255, 255, 255, 255);
inline constexpr ImU32 kPast = IM_COL32(255, 184, 77, 255);

// Messages: requests and their replies.
inline constexpr ImU32 kRequestVote = IM_COL32(180, 140, 255, 255);
inline constexpr ImU32 kVoteGranted = IM_COL32(92, 207, 123, 255);
inline constexpr ImU32 kVoteRejected = IM_COL32(255, 107, 107, 255);
inline constexpr ImU32 kAppendEntries = IM_COL32(95, 179, 249, 255);
inline constexpr ImU32 kHeartbeat = IM_COL32(120, 146, 180, 255);
inline constexpr ImU32 kAppendOk = IM_COL32(63, 208, 201, 255);
inline constexpr ImU32 kAppendFail = IM_COL32(255, 159, 67, 255);
}  // namespace color

ImU32 with_alpha(ImU32 c, float alpha);           // alpha in [0,1] multiplies the color's alpha
ImU32 mix(ImU32 a, ImU32 b, float t);             // linear blend, t in [0,1]
ImVec4 to_vec4(ImU32 c);

// One hue per term, spread by the golden angle so neighbouring terms differ; term 0 is grey.
ImU32 term_color(Term term);
// Text color that reads on top of term_color(term).
ImU32 term_text_color(Term term);

// Message color by type and outcome (granted/rejected, success/fail; heartbeats dimmer).
ImU32 message_color(const Message& m);
// By type; `yes`: the vote granted, the AppendEntries carries entries, the append or snapshot succeeded.
ImU32 message_color(MessageType type, bool yes);
// Short label drawn on a message: RV, yes/no, AE or AE+n, ok/fail. Writes into buf (>= 16 bytes).
const char* message_label(const Message& m, char* buf, int buf_size);

}  // namespace raft::viz
