// Small ImDrawList helpers shared by the panels (text in a given font, dashes, pills, panels).
#pragma once

#include <cstdint>

#include "imgui.h"
#include "viz/layout.h"

namespace raft::viz {

ImVec2 text_size(const ImFont* font, float size, const char* text, const char* end = nullptr);
void draw_text(ImDrawList* dl, const ImFont* font, float size, ImVec2 pos, ImU32 col, const char* text,
               const char* end = nullptr);
// Centered on `center` horizontally and vertically.
void draw_text_centered(ImDrawList* dl, const ImFont* font, float size, ImVec2 center, ImU32 col, const char* text);
void dashed_circle(ImDrawList* dl, ImVec2 c, float r, ImU32 col, float thickness, int dashes);
void dashed_line(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 col, float thickness, float dash, float gap);
// A label box centered on `center`; returns its rectangle. Square corners cost 4 vertices instead
// of a rounded path (hundreds of messages are drawn every frame).
Rect draw_pill(ImDrawList* dl, const ImFont* font, float size, ImVec2 center, ImU32 fill, ImU32 text_col,
               const char* label, float rounding = 0.0f);
// Arc from the top, clockwise, covering `fraction` of the circle.
void arc_fraction(ImDrawList* dl, ImVec2 c, float r, float fraction, ImU32 col, float thickness);

// Decimal text of v in buf (>= 21 bytes), without printf; returns buf.
const char* decimal(uint64_t v, char* buf);
// Shortens the NUL-terminated `text` in place to fit `max_w` in the current font, ending it with
// "..." (cut at a character boundary); returns whether it was shortened.
bool fit_with_ellipsis(char* text, float max_w);

inline ImVec2 operator+(ImVec2 a, ImVec2 b) { return ImVec2(a.x + b.x, a.y + b.y); }
inline ImVec2 operator-(ImVec2 a, ImVec2 b) { return ImVec2(a.x - b.x, a.y - b.y); }
inline ImVec2 operator*(ImVec2 a, float s) { return ImVec2(a.x * s, a.y * s); }

}  // namespace raft::viz
