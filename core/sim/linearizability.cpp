// Linearizability checker: Wing & Gong's search with Lowe's memoization ("Testing for linearizability",
// 2017; the algorithm Porcupine implements), applied to each key separately (P-compositionality: a history
// is linearizable iff every per-key sub-history is).
//
// Per key the history becomes a list of call and return events sorted by time. The search walks the list
// from the front: at a call it tries to make that op take effect now (the model step must agree with the
// op's recorded outputs); on success it "lifts" the op's call and return out of the list and starts over
// from the front. Reaching a return event means the op that returns there was never placed: the current
// partial order is a dead end, so the search undoes the last placed op and tries the next call after it.
// A set of visited (ops placed, key value) configurations prunes repeats: two search paths that placed the
// same ops and left the same value have the same future. The memo key is (dynamic bitset of placed ops,
// interned value id); states_explored counts configurations added to it, and states_max bounds that count.
//
// Reductions on top of the plain search, each sound (they never change the verdict):
// - Before searching, completed ops whose outputs contradict themselves (a put returning another value) or
//   that needed a value no op ever writes are reported directly, with a sharper sentence.
// - A completed read-only op (Get, unswapped Cas) that fits the current value is placed without branching.
// - An unreturned op that would not change the value now is not placed (same as never taking effect).
// A mostly sequential history is then checked in one pass: one configuration per op.
//
// Semantics decided here:
// - Events at equal times: calls sort before returns, so an op invoked at the instant another returns is
//   concurrent with it. This can only admit more orders, never report a false violation.
// - A completed op whose return_us < invoke_us is read as returning at invoke_us.
// - An op that never returned has no return event: it may take effect at any point after its invoke, or
//   never (which is the same as taking effect after everything else, since its outputs are unconstrained).
//   The search therefore succeeds once every completed op is placed. Unreturned Gets change nothing and are
//   dropped.
#include "core/sim/linearizability.h"
#include "core/sim/linearizability_memo.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace raft::sim {
namespace {

constexpr size_t kInvolvedOpsMax = 6;  // ops listed in a failure explanation
constexpr size_t kShownChars = 32;     // longer values are abbreviated in explanations

using namespace lin;  // NOLINT: the memo types read as part of this file

std::string quote(std::string_view text) {
  if (text.size() <= kShownChars) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kShownChars / 2)) + "..." +
         std::string(text.substr(text.size() - kShownChars / 2)) + "\" (" + std::to_string(text.size()) +
         " chars)";
}

std::string show(const std::optional<std::string>& value) { return value ? quote(*value) : "absent"; }

std::string show_call(const HistoryOp& op) {
  switch (op.kind) {
    case KvOpKind::Put: return "put(" + op.key + ", " + quote(op.value) + ")";
    case KvOpKind::Get: return "get(" + op.key + ")";
    case KvOpKind::Append: return "append(" + op.key + ", " + quote(op.value) + ")";
    case KvOpKind::Cas: return "cas(" + op.key + ", " + quote(op.expect) + " -> " + quote(op.value) + ")";
    case KvOpKind::Delete: return "delete(" + op.key + ")";
  }
  return "?";
}

// The call plus what the client saw come back.
std::string show_outcome(const HistoryOp& op) {
  if (!op.returned) return show_call(op) + " (never returned)";
  switch (op.kind) {
    case KvOpKind::Put:
    case KvOpKind::Delete: return show_call(op);
    case KvOpKind::Get:
    case KvOpKind::Append: return show_call(op) + " returned " + show(op.result);
    case KvOpKind::Cas:
      return show_call(op) + (op.cas_swapped ? " swapped" : " did not swap") + " and returned " +
             show(op.result);
  }
  return "?";
}

std::string show_where(const HistoryOp& op) {
  std::string where = "req " + std::to_string(op.req) + ", client " + std::to_string(op.client) + ", t=";
  if (op.returned) return where + std::to_string(op.invoke_us) + ".." + std::to_string(op.return_us) + "us";
  return where + std::to_string(op.invoke_us) + "us..never";
}

std::string show_op(const HistoryOp& op) { return show_outcome(op) + " (" + show_where(op) + ")"; }

// ---- Search over one key ----

class KeySearch {
 public:
  enum class Verdict { Linearizable, NotLinearizable, GaveUp };

  // `positions` index this key's ops in `history`; a position also breaks ties between equal times.
  KeySearch(std::string key, const std::vector<HistoryOp>& history, const std::vector<uint32_t>& positions,
            uint64_t states_max)
      : key_(std::move(key)), states_max_(states_max) {
    number_ops(history, positions);
  }

  Verdict run() {
    if (find_impossible_outcome() || find_never_written_input()) return Verdict::NotLinearizable;
    build_event_list();
    ValueId value = kAbsent;
    uint32_t event = next_[head_];
    while (true) {
      if (placed_completed_ == completed_count_) return Verdict::Linearizable;
      if (states_explored_ >= states_max_) {
        explanation_ = "Key \"" + key_ + "\": gave up after exploring " + std::to_string(states_explored_) +
                       " states, so linearizability was neither proven nor refuted (raise states_max).";
        return Verdict::GaveUp;
      }
      // Invariant: every unplaced completed op still has its return event in the list, so while
      // placed_completed_ < completed_count_ the walk meets a return event before wrapping to head_.
      if (event == head_ || events_[event].is_return) {
        if (event != head_) note_dead_end(events_[event].op, value);
      } else {
        const uint32_t op = events_[event].op;
        const KeyOp& k = ops_[op];
        const ValueId after = step(k, value);
        // An unreturned op that would change nothing now is no different from one that never took effect.
        if (after == kNoValue || (after == value && !k.op->returned)) {
          event = next_[event];
          continue;
        }
        flip_bit(op);
        if (visited_.insert(placed_, placed_hash_, after)) {
          ++states_explored_;
          stack_.push_back({event, value, writer_, k.read_only});
          if (after != value) writer_ = op;
          value = after;
          if (k.op->returned) ++placed_completed_;
          lift(event);
          event = next_[head_];
          continue;
        }
        flip_bit(op);
        if (!k.read_only) {
          event = next_[event];
          continue;
        }
        // A read-only op that fits is placed without trying alternatives (see KeyOp::read_only), so its
        // configuration having failed before means this one fails too.
      }
      // Dead end: undo placements down to the last real choice, then try the next call after it.
      while (true) {
        if (stack_.empty()) {
          explain_failure();
          return Verdict::NotLinearizable;
        }
        const Frame frame = stack_.back();
        stack_.pop_back();
        const uint32_t op = events_[frame.call_event].op;
        flip_bit(op);
        if (ops_[op].op->returned) --placed_completed_;
        value = frame.value_before;
        writer_ = frame.writer_before;
        unlift(frame.call_event);
        if (!frame.forced) {
          event = next_[frame.call_event];
          break;
        }
      }
    }
  }

  const std::string& explanation() const { return explanation_; }
  uint64_t states_explored() const { return states_explored_; }

 private:
  // An op of this key with its arguments and recorded result interned.
  struct KeyOp {
    const HistoryOp* op = nullptr;
    ValueId result = kAbsent;           // completed ops: the recorded value after the op
    ValueId value = kNoValue;           // Put value / Cas "to"
    ValueId expect = kNoValue;          // Cas "from"
    ValueId append_before = kNoValue;   // completed Append: the one prior value that explains its result
    bool append_before_empty = false;   // ... and that value is "", which an absent key also reads as
    // A completed Get or unswapped Cas: wherever it fits, it leaves the value as it is. Such an op that fits
    // now can be placed now without loss: in any valid order of the rest it can be moved up to here, since
    // every op that must precede it (returned before its invoke) is already placed and moving a no-op
    // changes no one's view of the value. So the search never branches on it.
    bool read_only = false;
  };
  struct Event {
    int64_t time_us;
    bool is_return;
    uint32_t op;
  };
  struct Frame {
    uint32_t call_event;
    ValueId value_before;
    uint32_t writer_before;
    bool forced;  // placed without alternatives: if what follows fails, the configuration before it fails
  };

  // Numbers the ops: completed ones by invoke time, then unreturned ones (so a placed set stays close to
  // a prefix, see ConfigSet). Unreturned Gets are dropped: they constrain and change nothing.
  void number_ops(const std::vector<HistoryOp>& history, const std::vector<uint32_t>& positions) {
    std::vector<uint32_t> order;
    for (uint32_t p : positions) {
      if (history[p].returned || history[p].kind != KvOpKind::Get) order.push_back(p);
    }
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      const HistoryOp& x = history[a];
      const HistoryOp& y = history[b];
      if (x.returned != y.returned) return x.returned;
      if (x.invoke_us != y.invoke_us) return x.invoke_us < y.invoke_us;
      return a < b;
    });
    for (uint32_t p : order) {
      const HistoryOp& op = history[p];
      KeyOp k;
      k.op = &op;
      if (op.returned) k.result = values_.intern_optional(op.result);
      if (op.kind == KvOpKind::Put || op.kind == KvOpKind::Cas) k.value = values_.intern(op.value);
      if (op.kind == KvOpKind::Cas) k.expect = values_.intern(op.expect);
      if (op.kind == KvOpKind::Append && op.returned && op.result && op.result->ends_with(op.value)) {
        const std::string_view before =
            std::string_view(*op.result).substr(0, op.result->size() - op.value.size());
        k.append_before = values_.intern(before);
        k.append_before_empty = before.empty();
      }
      k.read_only =
          op.returned && (op.kind == KvOpKind::Get || (op.kind == KvOpKind::Cas && !op.cas_swapped));
      if (op.returned) ++completed_count_;
      ops_.push_back(k);
    }
    placed_.assign((ops_.size() + 63) / 64, 0);
  }

  // The key's value after `k` takes effect on `value`, or kNoValue if the op's recorded outputs rule out
  // taking effect now. Completed ops were checked by find_impossible_outcome(), so e.g. a completed Put's
  // result is its argument.
  ValueId step(const KeyOp& k, ValueId value) {
    const HistoryOp& op = *k.op;
    switch (op.kind) {
      case KvOpKind::Put: return k.value;
      case KvOpKind::Get: return value == k.result ? value : kNoValue;
      case KvOpKind::Append:
        if (op.returned) {
          const bool fits = value == k.append_before || (value == kAbsent && k.append_before_empty);
          return fits ? k.result : kNoValue;
        }
        return values_.intern(std::string(values_.text(value)) + op.value);
      case KvOpKind::Cas:
        if (!op.returned) return value == k.expect ? k.value : value;
        if (op.cas_swapped) return value == k.expect ? k.value : kNoValue;
        return value != k.expect && value == k.result ? value : kNoValue;
      case KvOpKind::Delete: return kAbsent;
    }
    return kNoValue;
  }

  // Completed ops whose outputs contradict themselves whatever the prior value was. Reporting these
  // directly gives a sharper explanation than a failed search would.
  bool find_impossible_outcome() {
    for (const KeyOp& k : ops_) {
      const HistoryOp& op = *k.op;
      if (!op.returned) continue;
      std::string why;
      switch (op.kind) {
        case KvOpKind::Put:
          if (op.result != op.value) why = "but a put always leaves the value it wrote";
          break;
        case KvOpKind::Get: break;
        case KvOpKind::Append:
          if (!op.result || !op.result->ends_with(op.value)) {
            why = "but an append's result always ends with the appended text";
          }
          break;
        case KvOpKind::Cas:
          if (op.cas_swapped && op.result != op.value) {
            why = "but a cas that swapped leaves its new value " + quote(op.value);
          } else if (!op.cas_swapped && op.result == op.expect) {
            why = "but the value it returned equals the expected value, so it should have swapped";
          }
          break;
        case KvOpKind::Delete:
          if (op.result) why = "but after a delete the key is absent";
          break;
      }
      if (why.empty()) continue;
      // show_outcome() leaves out the result of puts and deletes; here it is the point.
      const bool add_result = op.kind == KvOpKind::Put || op.kind == KvOpKind::Delete;
      explanation_ = "Key \"" + key_ + "\" is not linearizable: " + show_outcome(op) +
                     (add_result ? " returned " + show(op.result) : "") + " (" + show_where(op) + "), " +
                     why + ".";
      return true;
    }
    return false;
  }

  // Completed ops that needed the key to hold a value no op ever writes (a read "out of thin air").
  // The search would refute these too, but only after trying every order of the overlapping ops.
  // Writable values: absent (the start), Put values, Cas "to" values, completed Append results; an
  // unreturned Append can write anything, so then nothing is ruled out.
  bool find_never_written_input() {
    std::vector<bool> written(values_.size() + 1, false);
    written[kAbsent] = true;
    for (const KeyOp& k : ops_) {
      const HistoryOp& op = *k.op;
      if (op.kind == KvOpKind::Append && !op.returned) return false;
      if (op.kind == KvOpKind::Put || op.kind == KvOpKind::Cas) written[k.value] = true;
      if (op.kind == KvOpKind::Append) written[k.result] = true;
    }
    for (const KeyOp& k : ops_) {
      const HistoryOp& op = *k.op;
      if (!op.returned) continue;
      ValueId needed = kAbsent;  // the value the key must have held just before op
      std::string needed_how;
      switch (op.kind) {
        case KvOpKind::Get: needed = k.result; break;
        case KvOpKind::Cas:
          needed = op.cas_swapped ? k.expect : k.result;
          if (op.cas_swapped) needed_how = "it must have found " + quote(op.expect) + ", and ";
          break;
        case KvOpKind::Append:
          if (!k.append_before_empty) needed = k.append_before;
          needed_how = "it must have appended to " + quote(values_.text(k.append_before)) + ", and ";
          break;
        case KvOpKind::Put:
        case KvOpKind::Delete: break;
      }
      if (written[needed]) continue;
      explanation_ = "Key \"" + key_ + "\" is not linearizable: " + show_outcome(op) + " (" + show_where(op) +
                     "), but " + needed_how + "no operation on " + key_ + " ever wrote " +
                     quote(values_.text(needed)) + ".";
      return true;
    }
    return false;
  }

  // Events sorted by time, calls before returns at equal times (see the file comment), in a circular
  // doubly linked list with sentinel head_ so lift/unlift are O(1) (Knuth's dancing links).
  void build_event_list() {
    return_event_.assign(ops_.size(), kNoOp);
    for (uint32_t i = 0; i < ops_.size(); ++i) {
      const HistoryOp& op = *ops_[i].op;
      events_.push_back({op.invoke_us, false, i});
      if (op.returned) events_.push_back({std::max(op.return_us, op.invoke_us), true, i});
    }
    std::sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) {
      if (a.time_us != b.time_us) return a.time_us < b.time_us;
      if (a.is_return != b.is_return) return !a.is_return;
      return a.op < b.op;
    });
    head_ = static_cast<uint32_t>(events_.size());
    next_.resize(events_.size() + 1);
    prev_.resize(events_.size() + 1);
    for (uint32_t e = 0; e <= head_; ++e) {
      next_[e] = e == head_ ? 0 : e + 1;
      prev_[e] = e == 0 ? head_ : e - 1;
      if (e < head_ && events_[e].is_return) return_event_[events_[e].op] = e;
    }
  }

  void unlink(uint32_t e) {
    next_[prev_[e]] = next_[e];
    prev_[next_[e]] = prev_[e];
  }
  void relink(uint32_t e) {
    next_[prev_[e]] = e;
    prev_[next_[e]] = e;
  }
  // Removes an op's call and return; unlift must undo lifts in reverse (stack) order.
  void lift(uint32_t call_event) {
    unlink(call_event);
    if (const uint32_t r = return_event_[events_[call_event].op]; r != kNoOp) unlink(r);
  }
  void unlift(uint32_t call_event) {
    if (const uint32_t r = return_event_[events_[call_event].op]; r != kNoOp) relink(r);
    relink(call_event);
  }

  void flip_bit(uint32_t op) {
    placed_[op / 64] ^= uint64_t{1} << (op % 64);
    placed_hash_ ^= ConfigSet::op_hash(op);
  }

  // `op` returned before it could be placed. Remembers the dead end reached with the most ops placed:
  // the op stuck there is the most informative one to show a learner.
  void note_dead_end(uint32_t op, ValueId value) {
    if (culprit_ != kNoOp && stack_.size() <= culprit_depth_) return;
    culprit_ = op;
    culprit_depth_ = stack_.size();
    culprit_value_ = value;
    culprit_writer_ = writer_;
  }

  void explain_failure() {
    const HistoryOp& bad = *ops_[culprit_].op;
    std::string text = "Key \"" + key_ + "\" is not linearizable: " + show_outcome(bad) + " (" +
                       show_where(bad) + "), but no order of the overlapping operations on " + key_ +
                       " produces that. ";
    if (culprit_depth_ == 0) {
      // Nothing was ever placed: every op that could go first was tried in the starting state.
      text += "No operation can take effect before it, and " + key_ + " starts absent.";
    } else {
      text += "In the order that got furthest (" + std::to_string(culprit_depth_) +
              (culprit_depth_ == 1 ? " operation" : " operations") + " placed), " + key_ + " was " +
              (culprit_value_ == kAbsent ? std::string("absent") : quote(values_.text(culprit_value_)));
      if (culprit_writer_ != kNoOp) {
        const HistoryOp& w = *ops_[culprit_writer_].op;
        text += " (last changed by " + show_call(w) + ", req " + std::to_string(w.req) + ")";
      }
      text += " when it had to take effect.";
    }

    // Involved: the stuck op, the last writer, and ops overlapping the stuck op, earliest first.
    std::vector<uint32_t> involved = {culprit_};
    if (culprit_writer_ != kNoOp && culprit_writer_ != culprit_) involved.push_back(culprit_writer_);
    size_t overlapping_more = 0;
    for (uint32_t i = 0; i < ops_.size(); ++i) {
      const HistoryOp& o = *ops_[i].op;
      if (i == culprit_ || i == culprit_writer_) continue;
      const bool overlaps = o.invoke_us <= std::max(bad.return_us, bad.invoke_us) &&
                            (!o.returned || std::max(o.return_us, o.invoke_us) >= bad.invoke_us);
      if (!overlaps) continue;
      if (involved.size() < kInvolvedOpsMax) {
        involved.push_back(i);
      } else {
        ++overlapping_more;
      }
    }
    std::sort(involved.begin(), involved.end(), [&](uint32_t a, uint32_t b) {
      const HistoryOp& x = *ops_[a].op;
      const HistoryOp& y = *ops_[b].op;
      if (x.invoke_us != y.invoke_us) return x.invoke_us < y.invoke_us;
      return a < b;
    });
    text += " Operations involved: ";
    for (size_t i = 0; i < involved.size(); ++i) text += (i ? "; " : "") + show_op(*ops_[involved[i]].op);
    if (overlapping_more > 0) text += "; and " + std::to_string(overlapping_more) + " more overlapping";
    text += ".";
    explanation_ = std::move(text);
  }

  std::string key_;
  uint64_t states_max_;
  ValueTable values_;
  std::vector<KeyOp> ops_;      // numbered as in number_ops(); bit i of placed_ is ops_[i]
  uint32_t completed_count_ = 0;

  std::vector<Event> events_;
  std::vector<uint32_t> return_event_;  // per op, kNoOp for ops that never returned
  std::vector<uint32_t> next_, prev_;   // event list links; index head_ is the sentinel
  uint32_t head_ = 0;

  // Search state. Invariant: stack_ holds the placed ops in placement order; placed_ has exactly their bits,
  // placed_hash_ is the XOR of their op_hash, placed_completed_ counts the completed ones among them, and
  // writer_ is the last placed op that changed the value (kNoOp if none).
  std::vector<Frame> stack_;
  std::vector<uint64_t> placed_;
  uint64_t placed_hash_ = 0;
  uint32_t placed_completed_ = 0;
  uint32_t writer_ = kNoOp;
  ConfigSet visited_;
  uint64_t states_explored_ = 0;

  uint32_t culprit_ = kNoOp;  // see note_dead_end()
  size_t culprit_depth_ = 0;
  ValueId culprit_value_ = kAbsent;
  uint32_t culprit_writer_ = kNoOp;

  std::string explanation_;
};

}  // namespace

const char* to_string(LinearizabilityVerdict v) {
  switch (v) {
    case LinearizabilityVerdict::Linearizable: return "linearizable";
    case LinearizabilityVerdict::Refuted: return "not linearizable";
    case LinearizabilityVerdict::Undecided: return "undecided";
  }
  return "?";
}

LinearizabilityResult check_linearizable(const std::vector<HistoryOp>& history, uint64_t states_max) {
  // Positions of each key's ops; std::map so keys are checked in sorted order.
  std::map<std::string, std::vector<uint32_t>> by_key;
  for (uint32_t p = 0; p < history.size(); ++p) by_key[history[p].key].push_back(p);

  // A refuted key decides the whole history (P-compositionality: one non-linearizable key makes the
  // history non-linearizable), so it wins over any number of undecided keys; an undecided key only
  // keeps a history with no refuted key from being called linearizable.
  LinearizabilityResult result;
  std::string first_undecided_explanation;
  for (const auto& [key, positions] : by_key) {
    KeySearch search(key, history, positions, states_max);
    const KeySearch::Verdict verdict = search.run();
    result.states_explored += search.states_explored();
    if (verdict == KeySearch::Verdict::NotLinearizable && !result.refuted()) {
      result.verdict = LinearizabilityVerdict::Refuted;
      result.key = key;
      result.explanation = search.explanation();
    }
    if (verdict == KeySearch::Verdict::GaveUp) {
      if (result.undecided_keys.empty()) first_undecided_explanation = search.explanation();
      result.undecided_keys.push_back(key);
    }
  }
  if (!result.refuted() && !result.undecided_keys.empty()) {
    result.verdict = LinearizabilityVerdict::Undecided;
    result.key = result.undecided_keys.front();
    result.explanation = std::move(first_undecided_explanation);
  }
  return result;
}

std::vector<size_t> shrink_refutation(const std::vector<HistoryOp>& history, const std::string& key, size_t ops_max,
                                      uint64_t states_max) {
  std::vector<size_t> kept;
  for (size_t i = 0; i < history.size(); ++i) {
    if (history[i].key == key) kept.push_back(i);
  }
  const auto refuted = [&](const std::vector<size_t>& idx) {
    std::vector<HistoryOp> sub;
    sub.reserve(idx.size());
    for (const size_t i : idx) sub.push_back(history[i]);
    return check_linearizable(sub, states_max).refuted();
  };
  if (kept.size() > ops_max || !refuted(kept)) return {};
  // A put or cas whose value some other kept operation returned stays: without it the read would
  // fail for a dull reason (a value nobody wrote), and the learner would not see the real one.
  const auto needed = [&](size_t j) {
    const HistoryOp& w = history[kept[j]];
    if (w.kind != KvOpKind::Put && w.kind != KvOpKind::Cas) return false;
    for (size_t k = 0; k < kept.size(); ++k) {
      const HistoryOp& r = history[kept[k]];
      if (k != j && r.returned && r.result && *r.result == w.value) return true;
    }
    return false;
  };
  for (bool dropped = true; dropped;) {
    dropped = false;
    for (size_t j = 0; j < kept.size(); ++j) {
      if (needed(j)) continue;
      std::vector<size_t> without = kept;
      without.erase(without.begin() + static_cast<std::ptrdiff_t>(j));
      if (!without.empty() && refuted(without)) {
        kept = std::move(without);
        dropped = true;
        --j;  // the next one moved into slot j
      }
    }
  }
  return kept;
}

}  // namespace raft::sim
