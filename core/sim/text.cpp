#include "core/sim/text.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace raft::sim {
namespace {

constexpr size_t kShownBytesMax = 40;   // longer tokens are abbreviated in messages
constexpr int kFractionDigitsMax = 15;  // mantissa < 10^15 < 2^53: decimal -> double is exact division
constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// Parses digits[.digits] exactly into mantissa / 10^fraction_digits (at most 15 significant digits).
bool parse_decimal(std::string_view s, uint64_t& mantissa, int& fraction_digits) {
  mantissa = 0;
  fraction_digits = 0;
  int digits = 0;
  bool seen_dot = false, seen_digit = false;
  for (char c : s) {
    if (c == '.') {
      if (seen_dot || !seen_digit) return false;
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    seen_digit = true;
    if (mantissa != 0 || c != '0') ++digits;
    if (digits > kFractionDigitsMax) return false;
    mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
    if (seen_dot) ++fraction_digits;
    if (fraction_digits > kFractionDigitsMax) return false;
  }
  return seen_digit && s.back() != '.';
}

}  // namespace

bool parse_u64(std::string_view s, uint64_t& out) {
  if (s.empty() || s.front() < '0' || s.front() > '9') return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool parse_number(std::string_view s, double& out) {
  uint64_t m = 0;
  int f = 0;
  if (!parse_decimal(s, m, f)) return false;
  out = static_cast<double>(m) / kPow10[f];  // both exact, so the quotient is correctly rounded
  return true;
}

std::string format_number(double v) {
  char buf[64];
  for (int d = 0; d <= kFractionDigitsMax; ++d) {
    std::snprintf(buf, sizeof buf, "%.*f", d, v);
    double back = 0;
    if (parse_number(buf, back) && back == v) return buf;
  }
  std::snprintf(buf, sizeof buf, "%.15f", v);
  return buf;
}

std::string shown(std::string_view token) {
  std::string out = "'";
  size_t n = 0;
  for (char ch : token) {
    if (n++ == kShownBytesMax) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += "'";
  return out;
}

bool parse_duration(std::string_view t, Time& us, std::string* error) {
  auto fail = [&](std::string message) {
    if (error) *error = std::move(message);
    return false;
  };
  size_t unit_at = 0;
  while (unit_at < t.size() && ((t[unit_at] >= '0' && t[unit_at] <= '9') || t[unit_at] == '.')) ++unit_at;
  const std::string_view num = t.substr(0, unit_at), unit = t.substr(unit_at);
  Time unit_us = 0;
  if (unit == "s") unit_us = 1'000'000;
  else if (unit == "ms") unit_us = 1'000;
  else if (unit == "us") unit_us = 1;
  const std::string bad = "expected a duration like 2s, 150ms or 500us, got " + shown(t);
  if (num.empty()) return fail(bad);
  if (unit.empty()) return fail(bad + " (add a unit: s, ms or us)");
  if (unit_us == 0) return fail(bad);
  const size_t dot = num.find('.');
  uint64_t whole = 0, frac = 0;
  const std::string_view whole_text = num.substr(0, dot);
  const std::string_view frac_text = dot == std::string_view::npos ? std::string_view{} : num.substr(dot + 1);
  if (whole_text.empty() || (dot != std::string_view::npos && frac_text.empty())) return fail(bad);
  if (frac_text.find('.') != std::string_view::npos) return fail(bad);
  const std::string too_long = "durations are limited to 24h, got " + shown(t);
  if (whole_text.size() > 12) return fail(too_long);
  if (frac_text.size() > 6) return fail(shown(t) + " is not a whole number of microseconds");
  if (!parse_u64(whole_text, whole) || (!frac_text.empty() && !parse_u64(frac_text, frac))) return fail(bad);
  uint64_t scale = 1;
  for (size_t i = 0; i < frac_text.size(); ++i) scale *= 10;
  const uint64_t frac_scaled = frac * static_cast<uint64_t>(unit_us);
  if (frac_scaled % scale != 0) return fail(shown(t) + " is not a whole number of microseconds");
  const uint64_t total = whole * static_cast<uint64_t>(unit_us) + frac_scaled / scale;
  if (total > static_cast<uint64_t>(kDurationMax_us)) return fail(too_long);
  us = static_cast<Time>(total);
  return true;
}

int format_duration(char* buf, size_t n, Time us) {
  if (n == 0) return 0;
  const long long v = us;
  int w = 0;
  if (us != 0 && us % 1'000'000 == 0) w = std::snprintf(buf, n, "%llds", v / 1'000'000);
  else if (us != 0 && us % 1'000 == 0) w = std::snprintf(buf, n, "%lldms", v / 1'000);
  else if (us == 0) w = std::snprintf(buf, n, "0s");
  else w = std::snprintf(buf, n, "%lldus", v);
  return w < 0 ? 0 : std::min(w, static_cast<int>(n) - 1);
}

std::string format_duration(Time us) {
  char buf[32];
  const int w = format_duration(buf, sizeof buf, us);
  return std::string(buf, static_cast<size_t>(w));
}

int format_time(char* buf, size_t n, Time us) {
  if (n == 0) return 0;
  const bool neg = us < 0;
  // -(us + 1) + 1 in unsigned: no overflow at INT64_MIN.
  const unsigned long long a = neg ? static_cast<unsigned long long>(-(us + 1)) + 1 : static_cast<unsigned long long>(us);
  const unsigned long long s = a / 1'000'000, frac_us = a % 1'000'000;
  const char* sign = neg ? "-" : "";
  const int w = frac_us % 1000 == 0 ? std::snprintf(buf, n, "%s%llu.%03llus", sign, s, frac_us / 1000)
                                    : std::snprintf(buf, n, "%s%llu.%06llus", sign, s, frac_us);
  return w < 0 ? 0 : std::min(w, static_cast<int>(n) - 1);
}

std::string format_time(Time us) {
  char buf[48];
  const int w = format_time(buf, sizeof buf, us);
  return std::string(buf, static_cast<size_t>(w));
}

}  // namespace raft::sim
