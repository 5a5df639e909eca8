// Desktop screenshots as PNG, written by stb_image_write (Debian's libstb-dev).
#include "shell/png.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace raft::shell {

bool write_png(const std::string& path, int w, int h, const std::vector<uint8_t>& rgba) {
  if (w <= 0 || h <= 0 || rgba.size() < static_cast<size_t>(w) * static_cast<size_t>(h) * 4) return false;
  // RGB, top row first: the framebuffer's alpha is not meant to be seen.
  const size_t width = static_cast<size_t>(w);
  std::vector<uint8_t> rgb(width * static_cast<size_t>(h) * 3);
  for (size_t y = 0; y < static_cast<size_t>(h); ++y) {
    const uint8_t* src = rgba.data() + (static_cast<size_t>(h) - 1 - y) * width * 4;
    uint8_t* dst = rgb.data() + y * width * 3;
    for (size_t x = 0; x < width; ++x) {
      dst[3 * x] = src[4 * x];
      dst[3 * x + 1] = src[4 * x + 1];
      dst[3 * x + 2] = src[4 * x + 2];
    }
  }
  return stbi_write_png(path.c_str(), w, h, 3, rgb.data(), w * 3) != 0;
}

}  // namespace raft::shell
