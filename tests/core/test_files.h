// Reading files in tests (natively and as wasm under node with NODERAWFS).
#pragma once

#include <cstdio>
#include <optional>
#include <string>

namespace raft::test {

// The file's bytes, or nullopt if it cannot be opened.
inline std::optional<std::string> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::string out;
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

}  // namespace raft::test
