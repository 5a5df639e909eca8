// Long runs (issue 8): share links computed in slices, and the limits of what the page holds.
#include "tests/viz/null_backend.h"

namespace raft::viz {
namespace {

TEST_CASE("a long share link opens at once and is computed a slice per frame; Esc stops it where it is") {
  // Ten virtual minutes under client load: far more than one frame's slice of replay.
  const std::string link = "nodes 5\nseed 4\nclients 3 rate 20/s\nrun 600s\n";
  App a;
  NullBackend nb(a);
  std::string error;
  REQUIRE(a.load_share_payload(link, &error));
  REQUIRE(a.seeking());
  CHECK(a.paused());
  CHECK(a.lab().cluster().now() < a.lab().end_time());
  nb.frames(a, 3, 0);
  const Time reached = a.lab().cluster().now();
  CHECK(reached > 0);
  CHECK(a.seeking());
  nb.key(a, ImGuiKey_Escape);
  CHECK_FALSE(a.seeking());
  CHECK(a.paused());
  CHECK(a.lab().in_past());
  CHECK(a.lab().computed_until() == a.lab().cluster().now());
  CHECK(a.lab().end_time() == 600'000'000);
  CHECK(a.notice().find("Stopped at") != std::string::npos);
  const Time stopped = a.lab().cluster().now();
  nb.frames(a, 5);
  CHECK(a.lab().cluster().now() == stopped);  // paused: nothing moves

  // The same moment reached at once gives the same state: slicing never changes the run.
  App b;
  NullBackend nbb(b);
  REQUIRE(b.load_share_payload(link, &error));
  b.seek(stopped);
  CHECK_FALSE(b.seeking());
  CHECK(b.lab().cluster().state_hash() == a.lab().cluster().state_hash());
}

TEST_CASE("honest limits: a link longer than the page holds is refused with a sentence; playing pauses at the limit") {
  App a;
  NullBackend nb(a);
  std::string error;
  CHECK_FALSE(a.load_share_payload("nodes 3\nrun 36000s\nrun 54000s\n", &error));
  CHECK(error == "shared link: its runs add up to 25.0 hours of virtual time, more than the 24.0 this lab holds; shorten the "
                 "run, or run it with raftsim");
  CHECK(a.notice().find("25.0 hours") != std::string::npos);
  CHECK(a.lab().cluster().size() == 5);  // the default cluster instead
  // The client load counts: 3 clients at 20/s for 30 minutes fit, for an hour they do not.
  CHECK(a.load_share_payload("nodes 5\nclients 3 rate 20/s\nrun 1800s\n", &error));
  CHECK_FALSE(a.load_share_payload("nodes 5\nclients 3 rate 20/s\nrun 1800s\nrun 1800s\n", &error));
  CHECK(error == "shared link: its client load leaves about 72000 entries in every log, more than the 40000 this lab holds "
                 "without log compaction; turn snapshots on (snapshot_every 1000), lower the rate, or shorten the run");
  // With snapshots on the logs stay short, and so does what the page holds: a day of load fits.
  CHECK(a.load_share_payload("nodes 5\nsnapshot_every 1000\nclients 3 rate 20/s\nrun 86400s\n", &error));
  // Compaction turned on half-way: only the first half counts.
  CHECK(a.load_share_payload("nodes 5\nclients 3 rate 20/s\nrun 1800s\nsnapshot_every 500\nrun 3600s\n", &error));
  // A load that stops counts only while it runs; a closed loop counts 50 requests a second per client.
  CHECK(a.load_share_payload("nodes 3\nclients 3 rate 20/s for 60s\nrun 7200s\n", &error));
  CHECK_FALSE(a.load_share_payload("nodes 3\nclients 10\nrun 81s\n", &error));
  CHECK(error.find("about 40500 entries") != std::string::npos);
  a.set_run_limit(7'200'000'000);
  CHECK(a.load_share_payload("nodes 3\nrun 7200s\n", &error));  // exactly the limit is fine
  while (a.seeking()) nb.frame(a, 0);
  CHECK(a.lab().cluster().now() == 7'200'000'000);

  // Playing stops at the limit (a small one here), paused, with a notice.
  App b;
  NullBackend nbb(b);
  b.set_run_limit(2'000'000);
  b.set_paused(false);
  b.set_speed(1);
  nbb.frames(b, 200, 1.0 / 60.0);  // 3.3 s of frames
  CHECK(b.lab().cluster().now() == 2'000'000);
  CHECK(b.paused());
  CHECK(b.notice().find("Paused at 2.000s") != std::string::npos);

  // Without snapshots, playing pauses once a log holds as many entries as the page holds, until
  // the load is off.
  App c;
  NullBackend nbc(c);
  c.set_log_entries_limit(50);
  c.act(sim::make::set_snapshot_every(0), Fork::Confirmed);
  c.act(sim::make::clients(sim::Workload{.clients = 2, .rate_per_s = 40}), Fork::Confirmed);
  c.set_paused(false);
  c.set_speed(1);
  nbc.frames(c, 600, 1.0 / 60.0);  // 10 s of frames: 400 requests without the limit
  CHECK(c.paused());
  CHECK(c.lab().cluster().log_entries_held() >= 50);
  CHECK(c.lab().cluster().log_entries_held() < 60);
  CHECK(c.notice().find("log entries that not every server has compacted, the most this page holds") != std::string::npos);
  c.act(sim::make::client_load(false, 0), Fork::Confirmed);
  c.set_paused(false);
  const Time at = c.lab().cluster().now();
  nbc.frames(c, 60, 1.0 / 60.0);
  CHECK_FALSE(c.paused());
  CHECK(c.lab().cluster().now() > at);
}

}  // namespace
}  // namespace raft::viz
