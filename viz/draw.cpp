#include "viz/draw.h"

#include <cfloat>
#include <cmath>
#include <cstring>

namespace raft::viz {

namespace {
constexpr float kPi = 3.14159265358979f;
}

ImVec2 text_size(const ImFont* font, float size, const char* text, const char* end) {
  if (!font) return ImGui::CalcTextSize(text, end);
  return font->CalcTextSizeA(size, FLT_MAX, 0.0f, text, end);
}

void draw_text(ImDrawList* dl, const ImFont* font, float size, ImVec2 pos, ImU32 col, const char* text, const char* end) {
  dl->AddText(font, size, ImVec2(std::floor(pos.x), std::floor(pos.y)), col, text, end);
}

void draw_text_centered(ImDrawList* dl, const ImFont* font, float size, ImVec2 center, ImU32 col, const char* text) {
  const ImVec2 s = text_size(font, size, text);
  draw_text(dl, font, size, ImVec2(center.x - s.x * 0.5f, center.y - s.y * 0.5f), col, text);
}

void dashed_circle(ImDrawList* dl, ImVec2 c, float r, ImU32 col, float thickness, int dashes) {
  const float step = 2 * kPi / static_cast<float>(dashes);
  for (int i = 0; i < dashes; ++i) {
    const float a0 = -kPi * 0.5f + step * static_cast<float>(i);
    dl->PathArcTo(c, r, a0, a0 + step * 0.6f, 4);
    dl->PathStroke(col, 0, thickness);
  }
}

void dashed_line(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float thickness, float dash, float gap) {
  const ImVec2 d = b - a;
  const float len = std::sqrt(d.x * d.x + d.y * d.y);
  if (len < 1) return;
  const ImVec2 u = d * (1.0f / len);
  for (float s = 0; s < len; s += dash + gap) {
    const float e = std::fmin(s + dash, len);
    dl->AddLine(a + u * s, a + u * e, col, thickness);
  }
}

const char* decimal(uint64_t v, char* buf) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  for (int i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
  buf[n] = 0;
  return buf;
}

Rect draw_pill(ImDrawList* dl, const ImFont* font, float size, ImVec2 center, ImU32 fill, ImU32 text_col, const char* label,
               float rounding) {
  const ImVec2 ts = text_size(font, size, label);
  const ImVec2 half(std::floor(ts.x * 0.5f) + 3, std::floor(size * 0.5f) + 1);
  const ImVec2 c(std::floor(center.x), std::floor(center.y));
  Rect r{c - half, c + half};
  dl->AddRectFilled(r.min, r.max, fill, rounding);
  draw_text(dl, font, size, ImVec2(c.x - ts.x * 0.5f, c.y - ts.y * 0.5f), text_col, label);
  return r;
}

void arc_fraction(ImDrawList* dl, ImVec2 c, float r, float fraction, ImU32 col, float thickness) {
  if (fraction <= 0.001f) return;
  if (fraction > 1) fraction = 1;
  const float a0 = -kPi * 0.5f;
  const int segments = 4 + static_cast<int>(28 * fraction);
  dl->PathArcTo(c, r, a0, a0 + 2 * kPi * fraction, segments);
  dl->PathStroke(col, 0, thickness);
}

bool fit_with_ellipsis(char* text, float max_w) {
  size_t n = std::strlen(text);
  if (ImGui::CalcTextSize(text, text + n).x <= max_w) return false;
  const float dots_w = ImGui::CalcTextSize("...").x;
  // The longest prefix that fits with the dots (binary search; text width grows with length).
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (ImGui::CalcTextSize(text, text + mid).x + dots_w <= max_w) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && (static_cast<unsigned char>(text[lo]) & 0xC0) == 0x80) --lo;  // not inside a UTF-8 sequence
  std::memcpy(text + lo, "...", 4);
  return true;
}

}  // namespace raft::viz
