// Branches (issue 9): acting in the past keeps the old future instead of discarding it. Each saved
// future is the whole session as scenario text (what a share link carries), opened at the moment it
// parted from the line the learner went on with. The learner can switch to one (the session left
// is kept as a branch in turn) or compare one with the session, side by side at the moment shown:
// who led in each term, and the logs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/sim/lab.h"

namespace raft::viz {

struct Branch {
  std::string name;      // "b1", "b2"... in the order they were saved
  std::string text;      // the session as scenario text, ending with `open at` its fork moment
  Time forked_at = 0;    // where it parted from the other line
  Time end = 0;          // how far it was recorded
  std::string change;    // what the other line did there instead ("crash s2")
};

struct BranchState {
  static constexpr size_t kMax = 16;  // the oldest goes past this (text only: a few KB each)
  std::vector<Branch> saved;
  int serial = 0;
  int compare = -1;                    // the saved branch shown beside the session, or -1
  std::optional<sim::Lab> compare_lab; // that branch, replayed to the moment shown
  std::string compare_error;

  // The index of the saved branch called `name`, or -1.
  int find(const std::string& name) const {
    for (size_t i = 0; i < saved.size(); ++i) {
      if (saved[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }
};

}  // namespace raft::viz
