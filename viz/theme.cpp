#include "viz/theme.h"

#include <cmath>
#include <cstdio>

namespace raft::viz {

Fonts load_fonts(const void* ttf, int ttf_bytes, float dpi_scale) {
  ImGuiIO& io = ImGui::GetIO();
  if (dpi_scale <= 0) dpi_scale = 1;
  Fonts f;
  f.scale = 1.0f / dpi_scale;
  io.Fonts->Clear();
  if (ttf && ttf_bytes > 0) {
    ImFontConfig cfg;
    cfg.FontDataOwnedByAtlas = false;  // the shell owns the bytes
    cfg.OversampleH = 2;
    cfg.OversampleV = 1;
    void* data = const_cast<void*>(ttf);
    f.ui = io.Fonts->AddFontFromMemoryTTF(data, ttf_bytes, 15.0f * dpi_scale, &cfg);
    f.small = io.Fonts->AddFontFromMemoryTTF(data, ttf_bytes, 12.0f * dpi_scale, &cfg);
    f.big = io.Fonts->AddFontFromMemoryTTF(data, ttf_bytes, 20.0f * dpi_scale, &cfg);
  }
  if (!f.ui) {
    ImFontConfig cfg;
    cfg.SizePixels = 13.0f * dpi_scale;
    f.ui = io.Fonts->AddFontDefault(&cfg);
    cfg.SizePixels = 13.0f * dpi_scale;
    f.small = io.Fonts->AddFontDefault(&cfg);
    cfg.SizePixels = 20.0f * dpi_scale;
    f.big = io.Fonts->AddFontDefault(&cfg);
  }
  io.FontGlobalScale = f.scale;
  io.FontDefault = f.ui;
  return f;
}

void apply_theme() {
  ImGui::StyleColorsDark();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.ChildRounding = 3;
  s.FrameRounding = 3;
  s.PopupRounding = 4;
  s.GrabRounding = 3;
  s.ScrollbarRounding = 3;
  s.TabRounding = 3;
  s.WindowBorderSize = 1;
  s.PopupBorderSize = 1;
  s.FrameBorderSize = 0;
  s.WindowPadding = ImVec2(8, 6);
  s.FramePadding = ImVec2(6, 3);
  s.ItemSpacing = ImVec2(8, 4);
  s.ItemInnerSpacing = ImVec2(5, 4);
  s.ScrollbarSize = 12;
  s.GrabMinSize = 10;

  ImVec4* c = s.Colors;
  c[ImGuiCol_Text] = to_vec4(color::kText);
  c[ImGuiCol_TextDisabled] = to_vec4(color::kTextDim);
  c[ImGuiCol_WindowBg] = to_vec4(color::kPanel);
  c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_PopupBg] = to_vec4(IM_COL32(32, 35, 43, 250));
  c[ImGuiCol_Border] = to_vec4(IM_COL32(50, 55, 66, 255));
  c[ImGuiCol_FrameBg] = to_vec4(IM_COL32(42, 46, 56, 255));
  c[ImGuiCol_FrameBgHovered] = to_vec4(IM_COL32(54, 60, 73, 255));
  c[ImGuiCol_FrameBgActive] = to_vec4(IM_COL32(62, 69, 84, 255));
  c[ImGuiCol_TitleBg] = to_vec4(color::kPanel);
  c[ImGuiCol_TitleBgActive] = to_vec4(color::kPanelLight);
  c[ImGuiCol_MenuBarBg] = to_vec4(IM_COL32(24, 26, 32, 255));
  c[ImGuiCol_ScrollbarBg] = to_vec4(IM_COL32(24, 26, 32, 255));
  c[ImGuiCol_Button] = to_vec4(IM_COL32(48, 54, 66, 255));
  c[ImGuiCol_ButtonHovered] = to_vec4(IM_COL32(62, 84, 112, 255));
  c[ImGuiCol_ButtonActive] = to_vec4(IM_COL32(72, 104, 142, 255));
  c[ImGuiCol_Header] = to_vec4(IM_COL32(48, 60, 78, 255));
  c[ImGuiCol_HeaderHovered] = to_vec4(IM_COL32(58, 80, 108, 255));
  c[ImGuiCol_HeaderActive] = to_vec4(IM_COL32(70, 98, 134, 255));
  c[ImGuiCol_CheckMark] = to_vec4(color::kAccent);
  c[ImGuiCol_SliderGrab] = to_vec4(color::kAccent);
  c[ImGuiCol_SliderGrabActive] = to_vec4(IM_COL32(140, 200, 255, 255));
  c[ImGuiCol_Separator] = to_vec4(IM_COL32(50, 55, 66, 255));
  c[ImGuiCol_TableHeaderBg] = to_vec4(IM_COL32(36, 40, 49, 255));
  c[ImGuiCol_TableBorderLight] = to_vec4(IM_COL32(44, 48, 58, 255));
  c[ImGuiCol_TableBorderStrong] = to_vec4(IM_COL32(56, 62, 74, 255));
  c[ImGuiCol_TableRowBgAlt] = to_vec4(IM_COL32(255, 255, 255, 8));
  c[ImGuiCol_ModalWindowDimBg] = to_vec4(IM_COL32(0, 0, 0, 140));
}

ImU32 with_alpha(ImU32 c, float alpha) {
  const float a = static_cast<float>((c >> IM_COL32_A_SHIFT) & 0xFF) * (alpha < 0 ? 0 : alpha > 1 ? 1 : alpha);
  return (c & ~IM_COL32_A_MASK) | (static_cast<ImU32>(a + 0.5f) << IM_COL32_A_SHIFT);
}

ImU32 mix(ImU32 a, ImU32 b, float t) {
  auto ch = [&](int shift) {
    const float x = static_cast<float>((a >> shift) & 0xFF), y = static_cast<float>((b >> shift) & 0xFF);
    return static_cast<ImU32>(x + (y - x) * t + 0.5f) << shift;
  };
  return ch(IM_COL32_R_SHIFT) | ch(IM_COL32_G_SHIFT) | ch(IM_COL32_B_SHIFT) | ch(IM_COL32_A_SHIFT);
}

ImVec4 to_vec4(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

ImU32 term_color(Term term) {
  if (term == 0) return IM_COL32(96, 102, 114, 255);
  const double h = std::fmod(0.58 + static_cast<double>(term - 1) * 0.618033988749895, 1.0);
  float r, g, b;
  ImGui::ColorConvertHSVtoRGB(static_cast<float>(h), 0.52f, 0.86f, r, g, b);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, 1.0f));
}

ImU32 term_text_color(Term term) {
  const ImVec4 c = to_vec4(term_color(term));
  const float luma = 0.299f * c.x + 0.587f * c.y + 0.114f * c.z;
  return luma > 0.55f ? IM_COL32(16, 18, 22, 255) : IM_COL32(245, 246, 248, 255);
}

ImU32 message_color(MessageType type, bool yes) {
  switch (type) {
    case MessageType::RequestVote: return color::kRequestVote;
    case MessageType::RequestVoteResponse: return yes ? color::kVoteGranted : color::kVoteRejected;
    case MessageType::AppendEntries: return yes ? color::kAppendEntries : color::kHeartbeat;
    case MessageType::AppendEntriesResponse: return yes ? color::kAppendOk : color::kAppendFail;
    // §9.6: a pre-vote looks like a vote, dimmed (it changes nothing); TimeoutNow like a vote request.
    case MessageType::PreVote: return color::kRequestVote & 0x99FFFFFFu;
    case MessageType::PreVoteResponse: return (yes ? color::kVoteGranted : color::kVoteRejected) & 0x99FFFFFFu;
    case MessageType::TimeoutNow: return color::kRequestVote;
    case MessageType::InstallSnapshot: return color::kAccent;
    case MessageType::InstallSnapshotResponse: return yes ? color::kAppendOk : color::kAccent;
  }
  return color::kText;
}

ImU32 message_color(const Message& m) {
  bool yes = false;
  switch (m.type) {
    case MessageType::RequestVoteResponse:
    case MessageType::PreVoteResponse: yes = m.vote_granted; break;
    case MessageType::AppendEntries: yes = !m.entries.empty(); break;
    case MessageType::AppendEntriesResponse: yes = m.success; break;
    case MessageType::InstallSnapshotResponse: yes = m.installed; break;
    default: break;
  }
  return message_color(m.type, yes);
}

const char* message_label(const Message& m, char* buf, int buf_size) {
  switch (m.type) {
    case MessageType::RequestVote: return "RV";
    case MessageType::RequestVoteResponse: return m.vote_granted ? "yes" : "no";
    case MessageType::AppendEntries:
      if (m.entries.empty()) return "AE";
      if (buf_size < 8) return "AE+";
      buf[0] = 'A';
      buf[1] = 'E';
      buf[2] = '+';
      {
        size_t v = m.entries.size() > 9999 ? 9999 : m.entries.size();
        char tmp[21];
        int k = 0;
        do {
          tmp[k++] = static_cast<char>('0' + v % 10);
          v /= 10;
        } while (v);
        for (int i = 0; i < k; ++i) buf[3 + i] = tmp[k - 1 - i];
        buf[3 + k] = 0;
      }
      return buf;
    case MessageType::AppendEntriesResponse: return m.success ? "ok" : "fail";
    case MessageType::PreVote: return "PV";
    case MessageType::PreVoteResponse: return m.vote_granted ? "pre-yes" : "pre-no";
    case MessageType::TimeoutNow: return "TN";
    // §7, Figure 13: a snapshot chunk shows how far the transfer will be once it arrives.
    case MessageType::InstallSnapshot:
      std::snprintf(buf, static_cast<size_t>(buf_size), "S%llu/%llu",
                    static_cast<unsigned long long>(m.offset + m.data.size()),
                    static_cast<unsigned long long>(m.snapshot_bytes));
      return buf;
    case MessageType::InstallSnapshotResponse:
      if (m.installed) return "inst";
      std::snprintf(buf, static_cast<size_t>(buf_size), "@%llu", static_cast<unsigned long long>(m.next_offset));
      return buf;
  }
  return "?";
}

}  // namespace raft::viz
