// Desktop screenshots (--screenshot).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace raft::shell {

// Writes an 8-bit RGB PNG of a w x h image. `rgba` is bottom-up, as glReadPixels returns it.
bool write_png(const std::string& path, int w, int h, const std::vector<uint8_t>& rgba);

}  // namespace raft::shell
