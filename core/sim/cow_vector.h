// A vector in fixed-size chunks shared between copies (copy-on-write), for the simulator's tables
// that grow with the run: the client history, the checker's shadow logs, the commit latencies.
// Time travel copies the whole cluster at every checkpoint (issue 8); with these tables in plain
// vectors each copy cost megabytes and most of a frame. Copying a CowVector copies one pointer per
// chunk; writing to a shared chunk clones that chunk only (writes go almost always to the last one).
//
// Indexing is O(1) (two loads); iterators are random access, so std::lower_bound works as on a
// vector. Chunk buffers are reserved to kChunk once and never regrow.
//
// A long run (issue 8) can let go of a prefix it will never read again: release_below(n) stops
// holding the elements below n in this copy (other copies keep theirs) and frees the chunks wholly
// below it, so memory follows what is still needed, not the run's length. Indexes do not move:
// size() still counts released elements, first() is the first element held, and reading below it
// is a bug (asserted).
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

#include "core/raft/types.h"
#include "core/sim/index_iterator.h"

namespace raft::sim {

template <typename T, size_t kChunk>
class CowVector {
  static_assert(kChunk > 0);
  using Chunk = std::vector<T>;

 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const {
    RAFT_ASSERT(i >= first_ && i < size_);
    return (*chunks_[i / kChunk])[i % kChunk];
  }
  // The first element held (0 unless release_below() let a prefix go), and whether i is held.
  size_t first() const { return first_; }
  bool held(size_t i) const { return i >= first_ && i < size_; }
  // Stops holding the elements below n (n <= size(); never goes back) and frees the chunks wholly below.
  void release_below(size_t n) {
    RAFT_ASSERT(n <= size_);
    if (n <= first_) return;
    for (size_t c = first_ / kChunk; c < n / kChunk; ++c) chunks_[c].reset();
    first_ = n;
  }
  // n elements of which none is held (the next push_back is element n).
  void reset_released(size_t n) {
    chunks_.assign((n + kChunk - 1) / kChunk, nullptr);
    if (n % kChunk != 0) {
      chunks_.back() = std::make_shared<Chunk>();
      chunks_.back()->reserve(kChunk);
      chunks_.back()->resize(n % kChunk);
    }
    size_ = first_ = n;
  }
  // Keeps the first n elements, like resize(n) for n <= size(), also when n < first(): then
  // nothing is held and the next push_back is element n.
  void truncate(size_t n) {
    if (n >= size_) return;
    if (n >= first_) {
      resize(n);
      return;
    }
    chunks_.resize((n + kChunk - 1) / kChunk);
    if (n % kChunk != 0) {  // the chunk element n falls in, its slots before n never read
      auto fresh = std::make_shared<Chunk>();
      fresh->reserve(kChunk);
      fresh->resize(n % kChunk);
      chunks_.back() = std::move(fresh);
    }
    size_ = n;
    first_ = n;
  }
  // This copy becomes the first n elements of `o` (n <= o.size()), sharing its chunks, released
  // ones included.
  void assign_prefix(const CowVector& o, size_t n) {
    RAFT_ASSERT(n <= o.size_ && n >= o.first_);
    chunks_.assign(o.chunks_.begin(), o.chunks_.begin() + static_cast<std::ptrdiff_t>((n + kChunk - 1) / kChunk));
    size_ = n;
    first_ = std::min(o.first_, n);
    if (n % kChunk != 0) own(chunks_.size() - 1)->resize(n % kChunk);
  }
  const T& back() const { return (*this)[size_ - 1]; }
  // A writable element: clones its chunk first if another copy shares it.
  T& mut(size_t i) {
    RAFT_ASSERT(i >= first_ && i < size_);
    return (*own(i / kChunk))[i % kChunk];
  }

  void push_back(T v) {
    if (size_ % kChunk == 0) {
      chunks_.push_back(std::make_shared<Chunk>());
      chunks_.back()->reserve(kChunk);
    } else {
      own(chunks_.size() - 1);
    }
    chunks_.back()->push_back(std::move(v));
    ++size_;
  }
  // Grows with value-initialised elements or keeps the first n.
  void resize(size_t n) {
    if (n <= size_) {
      RAFT_ASSERT(n >= first_);
      chunks_.resize((n + kChunk - 1) / kChunk);
      if (n % kChunk != 0) own(chunks_.size() - 1)->resize(n % kChunk);
      size_ = n;
      return;
    }
    while (size_ < n) push_back(T{});
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
    first_ = 0;
  }
  template <typename It>
  void assign(It first, It last) {
    clear();
    for (; first != last; ++first) push_back(*first);
  }

  // Bytes this copy holds alone (its unshared chunks), and the bytes of every chunk it refers to.
  size_t unshared_bytes() const {
    size_t b = chunks_.capacity() * sizeof(std::shared_ptr<Chunk>);
    for (const auto& c : chunks_) {
      if (c && c.use_count() == 1) b += c->capacity() * sizeof(T);
    }
    return b;
  }

  using const_iterator = IndexIterator<CowVector, T>;
  const_iterator begin() const { return {this, first_}; }  // the elements held
  const_iterator end() const { return {this, size_}; }

 private:
  Chunk* own(size_t c) {
    std::shared_ptr<Chunk>& p = chunks_[c];
    if (p.use_count() > 1) {
      auto copy = std::make_shared<Chunk>();
      copy->reserve(kChunk);
      copy->assign(p->begin(), p->end());
      p = std::move(copy);
    }
    return p.get();
  }

  std::vector<std::shared_ptr<Chunk>> chunks_;  // null below first_
  size_t size_ = 0;
  size_t first_ = 0;  // elements below are released; their whole chunks are null
};

}  // namespace raft::sim
