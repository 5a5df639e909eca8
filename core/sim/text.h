// The scenario language's words for numbers and times, shared by the parser, the printer, the
// runner's messages and the command-line tools. Exact decimals, no locale, no floating-point
// library parsing: a file means the same natively and in wasm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/raft/types.h"

namespace raft::sim {

inline constexpr Time kDurationMax_us = 24LL * 3600 * 1'000'000;  // the longest duration a file can say

// "2s", "1.5s", "150ms", "500us" (at most 24h, a whole number of microseconds). On failure `error`
// says what was expected and what was found.
bool parse_duration(std::string_view text, Time& us, std::string* error = nullptr);
// The text parse_duration reads back: "2s", "150ms", "1500us", "0s". The buffer form writes the
// same text without allocating (for per-frame UI) and returns its length.
std::string format_duration(Time us);
int format_duration(char* buf, size_t n, Time us);
// A moment of virtual time, the one way the lab writes it (UI, messages, tools): seconds with
// milliseconds, and microseconds when the moment is not a whole millisecond: "2.350s",
// "0.010500s", "-1.000s".
std::string format_time(Time us);
int format_time(char* buf, size_t n, Time us);

// "12", "0.25": digits with at most one dot, at most 15 significant digits, parsed exactly.
bool parse_number(std::string_view text, double& out);
// The shortest fixed-point text that parse_number reads back to exactly `v`.
std::string format_number(double v);
// A whole number with no sign, no spaces, no leading '+'.
bool parse_u64(std::string_view text, uint64_t& out);

// A token as a user can read it in an error message: quoted, control bytes escaped, long ones cut.
std::string shown(std::string_view token);

}  // namespace raft::sim
