// Words for people: rejections and times as the panels print them.
#include "viz/commands.h"

#include <doctest/doctest.h>

#include "viz/words.h"

namespace raft::viz {
namespace {

TEST_CASE("rejections in words") {
  char buf[400];
  CHECK(describe_vote_rejection(buf, sizeof buf, VoteRejection{}) == 0);
  VoteRejection v{.reason = VoteRejection::Reason::LogNotUpToDate, .candidate = 2, .term = 5,
                  .their_last_term = 2, .our_last_term = 3, .their_last_index = 3, .our_last_index = 4};
  describe_vote_rejection(buf, sizeof buf, v);
  CHECK(std::string(buf).find("s3") != std::string::npos);
  CHECK(std::string(buf).find("up-to-date") != std::string::npos);
  v.reason = VoteRejection::Reason::AlreadyVoted;
  v.voted_for = 0;
  describe_vote_rejection(buf, sizeof buf, v);
  CHECK(std::string(buf).find("already voted for s1") != std::string::npos);
  v.reason = VoteRejection::Reason::LeaderRecentlyHeard;
  v.leader = 1;
  describe_vote_rejection(buf, sizeof buf, v);
  CHECK(std::string(buf) == "Ignored s3's vote request for term 5: leader s2 was heard from less than an election timeout ago, "
                            "so no election is needed (leader stickiness, section 4.2.3). My term did not change.");
  v.reason = VoteRejection::Reason::NotAVoter;
  describe_vote_rejection(buf, sizeof buf, v);
  CHECK(std::string(buf).find("not a voter in my configuration") != std::string::npos);
  const AppendRejection a{.reason = AppendRejection::Reason::TermMismatch, .leader = 0, .prev_log_index = 7,
                          .prev_log_term = 3, .our_term_there = 2};
  describe_append_rejection(buf, sizeof buf, a);
  CHECK(std::string(buf).find("prevLogIndex 7") != std::string::npos);
  // Truncation never overflows.
  char tiny[8];
  describe_append_rejection(tiny, sizeof tiny, a);
  CHECK(std::string(tiny).size() == 7);
}

TEST_CASE("times and durations: one way to write them, in a buffer as in a string") {
  char b[32];
  CHECK(format_time(b, sizeof b, 12'345'678) == 10);
  CHECK(std::string(b) == "12.345678s");
  format_time(b, sizeof b, 2'350'000);
  CHECK(std::string(b) == "2.350s");
  CHECK(sim::format_time(-1'000'000) == "-1.000s");
  CHECK(sim::format_time(INT64_MIN) == "-9223372036854.775808s");
  format_duration(b, sizeof b, 150'000);
  CHECK(std::string(b) == "150ms");
  format_duration(b, sizeof b, 800);
  CHECK(std::string(b) == "800us");
  CHECK(sim::format_duration(2'000'000) == "2s");
  char tiny[4];
  CHECK(format_time(tiny, sizeof tiny, 12'345'678) == 3);  // cut, never overflowed
  CHECK(std::string(tiny) == "12.");
}

}  // namespace
}  // namespace raft::viz
