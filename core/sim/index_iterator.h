// A random-access const iterator over any container with operator[](size_t) (the chunked
// containers TraceEvents and CowVector), so std::lower_bound and range-for work as on a vector.
#pragma once

#include <compare>
#include <cstddef>
#include <iterator>

namespace raft::sim {

template <typename C, typename T>
class IndexIterator {
 public:
  using iterator_category = std::random_access_iterator_tag;
  using value_type = T;
  using difference_type = std::ptrdiff_t;
  using pointer = const T*;
  using reference = const T&;
  IndexIterator() = default;
  IndexIterator(const C* c, size_t i) : c_(c), i_(i) {}
  reference operator*() const { return (*c_)[i_]; }
  pointer operator->() const { return &(*c_)[i_]; }
  reference operator[](difference_type d) const { return (*c_)[i_ + static_cast<size_t>(d)]; }
  IndexIterator& operator++() { ++i_; return *this; }
  IndexIterator operator++(int) { auto t = *this; ++i_; return t; }
  IndexIterator& operator--() { --i_; return *this; }
  IndexIterator operator--(int) { auto t = *this; --i_; return t; }
  IndexIterator& operator+=(difference_type d) { i_ = static_cast<size_t>(static_cast<difference_type>(i_) + d); return *this; }
  IndexIterator& operator-=(difference_type d) { return *this += -d; }
  friend IndexIterator operator+(IndexIterator a, difference_type d) { return a += d; }
  friend IndexIterator operator+(difference_type d, IndexIterator a) { return a += d; }
  friend IndexIterator operator-(IndexIterator a, difference_type d) { return a -= d; }
  friend difference_type operator-(const IndexIterator& a, const IndexIterator& b) {
    return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
  }
  friend bool operator==(const IndexIterator& a, const IndexIterator& b) { return a.i_ == b.i_; }
  friend auto operator<=>(const IndexIterator& a, const IndexIterator& b) { return a.i_ <=> b.i_; }

 private:
  const C* c_ = nullptr;
  size_t i_ = 0;
};

}  // namespace raft::sim
