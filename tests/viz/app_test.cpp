// The whole front end under ImGui's null backend (a context, a display size and a font atlas; no
// renderer): frames build without ImGui asserts, clicks and keys at the positions the App reports
// become the right commands, act() is the one way in (same fork question, notice and history as a
// click), time travel forks, share payloads round-trip.
#include "tests/viz/null_backend.h"
#include "viz/branches.h"
#include "viz/draw.h"

namespace raft::viz {
namespace {

TEST_CASE("the default cluster elects a leader and every node has a screen position") {
  App app;
  NullBackend nb(app);
  CHECK(app.paused());  // a new visitor reads the screen first (issue 9); Play starts the run
  CHECK(app.lab().cluster().now() == 0);
  app.set_paused(false);
  CHECK(app.speed() == 1.0);
  CHECK(app.lab().cluster().size() == 5);
  const NodeId l = wait_for_leader(app, nb, 5);
  CHECK(l != kNoNode);
  for (NodeId n = 0; n < 5; ++n) {
    const ImVec2 p = node_pos(app, n);
    CHECK(p.x > 0);
    CHECK(p.x < 1280);
    CHECK(p.y > 20);
    CHECK(p.y < 800);
  }
  CHECK_FALSE(app.node_position(7));
  CHECK(nb.vertices_max < 65536);
  // The panels report where they are.
  const std::optional<ScreenRect> tl = app.window_rect("Timeline");
  REQUIRE(tl);
  CHECK(tl->x == 0);
  CHECK(tl->w == 1280);
  const std::optional<ScreenRect> bar = app.window_rect("Scrubber");
  REQUIRE(bar);
  CHECK(bar->y > tl->y);
  CHECK(bar->y + bar->h <= tl->y + tl->h);
  CHECK(app.display_size().x == 1280);
  CHECK(app.display_size().y == 800);
  CHECK_FALSE(app.window_rect("node_menu"));
}

TEST_CASE("UI scale: the App lays out in display/scale units and reports display units") {
  App app;
  NullBackend nb(app);
  CHECK(app.ui_zoom() == 1.0f);
  app.set_ui_zoom(1.5f);
  // A 1920x1200 display fits at 1.25 (min of 1920/1440 and 1200/900, in eighths), times the zoom.
  const float scale = app.ui_scale_for(1920, 1200);
  CHECK(scale == doctest::Approx(1.875));
  ImGui::GetIO().DisplaySize = ImVec2(1920 / scale, 1200 / scale);  // 1024x640 ImGui units, as the shell sets
  nb.frames(app, 3);
  CHECK(app.display_size().x == doctest::Approx(1920));
  CHECK(app.display_size().y == doctest::Approx(1200));
  const std::optional<ScreenRect> tl = app.window_rect("Timeline");
  REQUIRE(tl);
  CHECK(tl->w == doctest::Approx(1920));
  CHECK(tl->y + tl->h < 1200);
  CHECK(tl->y + tl->h > 1100);
  // A node's position is in display units: a click there (in ImGui units) opens its menu.
  const ImVec2 p = node_pos(app, 2);
  CHECK(p.x > 1024 * 0.5f);  // past the 1024-unit layout's middle only in display units
  nb.click(app, ImVec2(p.x / scale, p.y / scale));
  CHECK(nb.popup_open());
  // Zoom steps and their ends; a toast says where it is.
  app.zoom_by(+1);
  CHECK(app.ui_zoom() == 1.75f);
  CHECK(app.toast_text().find("UI scale 175%") == 0);
  app.zoom_by(0);
  CHECK(app.ui_zoom() == 1.0f);
  app.set_ui_zoom(40);
  CHECK(app.ui_zoom() == 3.0f);
  app.set_ui_zoom(-1);
  CHECK(app.ui_zoom() == 1.0f);
}

TEST_CASE("fit_with_ellipsis: a line wider than its room ends in ... and fits; a short one is untouched") {
  App app;
  NullBackend nb(app);
  nb.frame(app, 0);
  char s[64] = "0.123456s  s1 sent s2 AppendEntries: 1 entry";
  const float full = ImGui::CalcTextSize(s).x;
  CHECK_FALSE(fit_with_ellipsis(s, full + 1));
  CHECK(std::string(s) == "0.123456s  s1 sent s2 AppendEntries: 1 entry");
  CHECK(fit_with_ellipsis(s, full / 2));
  const std::string cut(s);
  CHECK(cut.size() > 10);
  CHECK(cut.substr(cut.size() - 3) == "...");
  CHECK(ImGui::CalcTextSize(s).x <= full / 2);
  CHECK(std::string("0.123456s  s1 sent s2 AppendEntries: 1 entry").rfind(cut.substr(0, cut.size() - 3), 0) == 0);
  char u[32] = "ab\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";  // accented e: two bytes each
  const float w = ImGui::CalcTextSize("ab\xc3\xa9...").x;
  CHECK(fit_with_ellipsis(u, w + 3));  // room for part of the next character, not all of it
  CHECK(std::string(u) == "ab\xc3\xa9...");  // never half a character
}

TEST_CASE("keyboard: k crashes the leader and a new one is elected with a higher term") {
  App app;
  NullBackend nb(app);
  app.set_paused(false);  // the app opens paused (issue 9)
  const NodeId l = wait_for_leader(app, nb, 5);
  REQUIRE(l != kNoNode);
  const Term t = app.lab().cluster().node(l).current_term();
  nb.key(app, 'k');
  CHECK_FALSE(app.lab().cluster().up(l));
  nb.frames(app, 5 * 60);
  const NodeId l2 = app.lab().cluster().leader();
  REQUIRE(l2 != kNoNode);
  CHECK(l2 != l);
  CHECK(app.lab().cluster().node(l2).current_term() > t);
  nb.key(app, 'h');
  nb.key(app, ' ');
  CHECK(app.paused());
  const Time before = app.lab().cluster().now();
  nb.key(app, '.');
  CHECK(app.lab().cluster().now() > before);
  nb.key(app, '?');
  CHECK(nb.window_visible("Keyboard and mouse  (press ? to close)"));
  nb.key(app, '?');
  nb.frame(app, 0);
  CHECK_FALSE(nb.window_visible("Keyboard and mouse  (press ? to close)"));
}

TEST_CASE("clicking a node opens its menu; clicking a link cuts it; clicking a message opens its menu") {
  App app;
  NullBackend nb(app);
  app.set_paused(false);  // the app opens paused (issue 9)
  REQUIRE(wait_for_leader(app, nb, 5) != kNoNode);
  app.set_paused(true);
  nb.frame(app, 0);
  nb.click(app, node_pos(app, 2));
  CHECK(nb.popup_open());
  CHECK(app.window_rect("node_menu"));
  CHECK(app.item_position("Inspect"));
  // Close it with a click on empty space far from everything (the menu bar's right end).
  nb.click(app, ImVec2(1270, 795));
  CHECK_FALSE(nb.popup_open());

  // A point on the link s2-s4 that no message covers.
  const ImVec2 a = node_pos(app, 1), b = node_pos(app, 3);
  ImVec2 target(-1, -1);
  for (float f = 0.3f; f <= 0.7f && target.x < 0; f += 0.02f) {
    const ImVec2 p(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f);
    bool clear = true;
    app.lab().cluster().network().for_each_in_flight([&](const sim::InFlight& m) {
      const std::optional<ScreenPoint> q = app.message_position(m.id);
      if (q && std::hypot(q->x - p.x, q->y - p.y) < 14) clear = false;
    });
    if (clear) target = p;
  }
  REQUIRE(target.x >= 0);
  nb.click(app, target);
  CHECK_FALSE(app.lab().cluster().network().link_up(1, 3));
  CHECK_FALSE(app.lab().cluster().network().link_up(3, 1));

  // A message in flight: clicking it opens the message menu.
  nb.frames(app, 1, 0);
  uint64_t id = 0;
  app.set_paused(false);
  for (int i = 0; i < 120 && id == 0; ++i) {
    nb.frame(app);
    app.lab().cluster().network().for_each_in_flight([&](const sim::InFlight& m) {
      if (id == 0 && app.message_position(m.id)) id = m.id;
    });
  }
  REQUIRE(id != 0);
  app.set_paused(true);
  nb.frame(app, 0);
  const std::optional<ScreenPoint> mp = app.message_position(id);
  REQUIRE(mp);
  nb.click(app, ImVec2(mp->x, mp->y));
  CHECK(nb.popup_open());
  CHECK(app.window_rect("message_menu"));
}

TEST_CASE("mouse only: crash the leader from its menu, drop a message from its menu, fork from the past") {
  App app;
  NullBackend nb(app);
  app.set_paused(false);  // the app opens paused (issue 9)
  const NodeId l = wait_for_leader(app, nb, 5);
  REQUIRE(l != kNoNode);
  nb.click(app, node_pos(app, l));
  REQUIRE(nb.popup_open());
  nb.click(app, item_pos(app, "Crash"));
  CHECK_FALSE(app.lab().cluster().up(l));
  CHECK_FALSE(nb.popup_open());
  nb.frames(app, 4 * 60);
  const NodeId l2 = app.lab().cluster().leader();
  CHECK(l2 != kNoNode);
  CHECK(l2 != l);

  // Drop a message through its menu (paused, so it stays put).
  nb.click(app, item_pos(app, "Play"));
  CHECK(app.paused());
  uint64_t id = 0;
  for (int i = 0; i < 200 && id == 0; ++i) {
    nb.click(app, item_pos(app, "Step"));
    app.lab().cluster().network().for_each_in_flight([&](const sim::InFlight& m) {
      if (id == 0 && app.message_position(m.id)) id = m.id;
    });
  }
  REQUIRE(id != 0);
  nb.frame(app, 0);
  const std::optional<ScreenPoint> mp = app.message_position(id);
  REQUIRE(mp);
  nb.click(app, ImVec2(mp->x, mp->y));
  INFO("message at ", mp->x, ",", mp->y);
  REQUIRE(nb.popup_open());
  nb.click(app, item_pos(app, "Drop"));
  bool dropped = false;
  for (const sim::TraceEvent& e : app.lab().cluster().trace().events()) {
    if (e.kind == sim::TraceKind::Drop && e.id == id) dropped = e.drop_reason() == sim::DropReason::User;
  }
  CHECK(dropped);

  // Back in time (with a recorded command ahead), act, confirm: a new future.
  const Time end = app.lab().end_time();
  app.seek(end / 2);
  nb.frame(app, 0);
  REQUIRE(app.lab().in_past());
  nb.click(app, item_pos(app, "Heal all"));
  nb.frames(app, 3, 0);
  CHECK(app.lab().in_past());
  nb.click(app, item_pos(app, "Fork"));
  CHECK_FALSE(app.lab().in_past());
  CHECK(app.lab().end_time() == end / 2);
}

TEST_CASE("act() applies at once and records the command; dropping a message records a drop") {
  App app;
  NullBackend nb(app);
  app.set_paused(false);  // the app opens paused (issue 9)
  REQUIRE(wait_for_leader(app, nb, 5) != kNoNode);
  uint64_t id = 0;
  app.lab().cluster().network().for_each_in_flight([&](const sim::InFlight& m) {
    if (id == 0 && m.fate == sim::DropReason::None) id = m.id;
  });
  REQUIRE(id != 0);
  app.set_paused(true);
  const size_t commands = app.lab().log().size();
  const uint64_t revision = app.revision();
  CHECK(app.act(sim::make::drop_message(id), Fork::Ask) == "");
  CHECK(app.lab().log().size() == commands + 1);
  CHECK(app.revision() > revision);
  bool dropped = false;
  for (const sim::TraceEvent& e : app.lab().cluster().trace().events()) {
    if (e.kind == sim::TraceKind::Drop && e.id == id) dropped = true;
  }
  CHECK(dropped);
}

TEST_CASE("scrubbing back shows the past; acting there asks, or forks when confirmed") {
  App app;
  NullBackend nb(app);
  app.set_paused(false);  // the app opens paused (issue 9)
  nb.frames(app, 2 * 60);
  REQUIRE(app.act(sim::make::crash(4), Fork::Confirmed) == "");
  nb.frames(app, 60);
  const Time end = app.lab().end_time();
  REQUIRE(end > 2'000'000);
  app.seek(1'000'000);
  nb.frame(app, 0);
  CHECK(app.lab().in_past());
  CHECK(app.lab().cluster().now() == 1'000'000);
  // A user command in the past (with recorded commands ahead) asks first: nothing changes until
  // confirmed.
  nb.key(app, 'h');
  CHECK(nb.popup_open());
  CHECK(app.window_rect("Change the past?"));
  CHECK(app.lab().in_past());
  CHECK(app.lab().end_time() == end);
  // act() with Fork::Ask waits the same way; Cancel drops both.
  CHECK(app.act(sim::make::heal(), Fork::Ask) == "");
  CHECK(app.lab().end_time() == end);
  nb.frames(app, 2, 0);  // the question grew by one line: let it settle
  nb.click(app, item_pos(app, "Cancel"));
  CHECK_FALSE(nb.popup_open());
  CHECK(app.lab().end_time() == end);
  // Confirmed: forks at once.
  CHECK(app.act(sim::make::heal(), Fork::Confirmed) == "");
  CHECK_FALSE(app.lab().in_past());
  CHECK(app.lab().end_time() == 1'000'000);
}

TEST_CASE("acting in the past keeps the old future as a branch; compare it; switch to it and back") {
  App app;
  NullBackend nb(app);
  app.set_paused(true);
  app.run_for(500'000);
  REQUIRE(app.act(sim::make::crash(4), Fork::Confirmed) == "");
  app.run_for(1'500'000);
  const std::string old_future = app.scenario_text();
  CHECK(app.branches().saved.empty());
  app.seek(300'000);
  REQUIRE(app.act(sim::make::crash(3), Fork::Confirmed) == "");  // a different future from 0.3 s
  REQUIRE(app.branches().saved.size() == 1);
  const Branch& b = app.branches().saved[0];
  CHECK(b.name == "b1");
  CHECK(b.forked_at == 300'000);
  CHECK(b.end == 2'000'000);
  CHECK(b.change == "crash s4");
  CHECK(b.text.find("crash s5") != std::string::npos);  // the old future's command
  CHECK(b.text.find("open at 300ms") != std::string::npos);
  app.run_for(700'000);  // to 1 s on the new line

  // Compare: the branch is replayed to the moment shown, beside the session.
  app.compare_branch(0);
  nb.frames(app, 2, 0);
  REQUIRE(app.branches().compare_lab);
  CHECK(app.branches().compare_lab->cluster().now() == 1'000'000);
  CHECK_FALSE(app.branches().compare_lab->cluster().up(4));  // s5 crashed at 0.5 s there
  CHECK(app.branches().compare_lab->cluster().up(3));
  CHECK_FALSE(app.lab().cluster().up(3));                     // s4 crashed here instead
  CHECK(app.window_rect("Compare"));
  app.compare_branch(-1);
  nb.frames(app, 1, 0);
  CHECK_FALSE(app.window_rect("Compare"));

  // Switch: the old future is the session again (opened where it parted); this one is kept.
  const std::string new_line = app.scenario_text();
  REQUIRE(app.switch_branch(0) == "");
  for (int i = 0; i < 200 && app.seeking(); ++i) nb.frame(app, 0);
  CHECK(app.lab().cluster().now() == 300'000);
  CHECK(app.lab().end_time() == 2'000'000);
  REQUIRE(app.branches().saved.size() == 1);
  CHECK(app.branches().saved[0].name == "b2");
  CHECK(app.branches().saved[0].text == new_line);
  app.seek(app.lab().end_time());
  CHECK(app.scenario_text() == old_future);
}

TEST_CASE("a script's act() in the past forks, and the history re-reads the new future") {
  App app;
  NullBackend nb(app);
  app.set_paused(true);
  app.run_for(1'500'000);
  REQUIRE(app.act(sim::make::crash(1), Fork::Confirmed) == "");
  app.run_for(1'500'000);
  nb.frame(app, 0);
  REQUIRE(markers(app, MarkerKind::Crash) == 1);
  const uint64_t generation = app.history().generation();
  app.seek(1'000'000);
  CHECK(markers(app, MarkerKind::Crash) == 1);  // seeking back keeps the recorded future on the timeline
  CHECK(app.act(sim::make::heal(), Fork::Confirmed) == "");
  CHECK_FALSE(app.lab().in_past());
  CHECK(app.lab().end_time() == 1'000'000);
  // Without a frame in between: the crash at 1.5 s is gone, the heal is there.
  CHECK(app.history().generation() != generation);
  CHECK(markers(app, MarkerKind::Crash) == 0);
  CHECK(markers(app, MarkerKind::Heal) == 1);
  for (const sim::TraceEvent& e : app.history().events()) CHECK(e.t <= 1'000'000);
  app.run_for(500'000);
  CHECK(app.history().events().back().t > 1'000'000);
  CHECK(markers(app, MarkerKind::Crash) == 0);
  nb.frame(app, 0);
  CHECK(markers(app, MarkerKind::Crash) == 0);
}

TEST_CASE("act() with a bad statement returns the sentence the click path shows as the notice") {
  App app;
  NullBackend nb(app);
  app.set_paused(true);
  app.run_for(500'000);
  REQUIRE(app.act(sim::make::crash(2), Fork::Confirmed) == "");
  const size_t commands = app.lab().log().size();
  const std::string err = app.act(sim::make::crash(2), Fork::Confirmed);
  CHECK(err == "cannot crash s3: it is already down");
  CHECK(app.notice() == err);
  CHECK(app.lab().log().size() == commands);

  // The same bad command from the keyboard ('k' with no leader) and from a script.
  App clicked, scripted;
  NullBackend nb2(clicked);
  clicked.set_paused(true);
  scripted.set_paused(true);
  REQUIRE(clicked.lab().cluster().leader() == kNoNode);
  nb2.key(clicked, 'k');
  const std::string said = scripted.act(sim::make::crash_leader(), Fork::Ask);
  CHECK(said.rfind("cannot crash the leader: there is no leader at ", 0) == 0);
  CHECK(clicked.notice() == said);
}

TEST_CASE("time and session controls: step, step back, go live, restart, pause") {
  App app;
  NullBackend nb(app);
  app.set_paused(false);  // the app opens paused (issue 9)
  const uint64_t r0 = app.revision();
  app.set_paused(true);
  CHECK(app.revision() == r0 + 1);
  app.set_paused(true);
  CHECK(app.revision() == r0 + 1);  // no change, no new revision
  app.run_for(1'000'000);
  CHECK(app.lab().cluster().now() == 1'000'000);
  const Time t = app.step();
  CHECK(t > 1'000'000);
  CHECK(app.lab().cluster().now() == t);
  app.step_back();
  CHECK(app.lab().cluster().now() < t);
  CHECK(app.lab().in_past());
  app.go_live();
  CHECK(app.lab().cluster().now() == t);
  CHECK_FALSE(app.lab().in_past());
  // A running frame does not bump the revision by itself.
  app.set_paused(false);
  const uint64_t r1 = app.revision();
  nb.frames(app, 10);
  CHECK(app.revision() == r1);
  CHECK(app.lab().cluster().now() > t);

  sim::ClusterConfig cfg = default_config();
  cfg.nodes = 3;
  app.restart(cfg);
  CHECK(app.revision() > r1);
  CHECK(app.lab().cluster().size() == 3);
  CHECK(app.lab().cluster().now() == 0);
  CHECK(app.lab().cluster().workload().clients == sim::make::clients_for_rate(kDefaultLoadPerSecond));
  app.set_speed(100);
  CHECK(app.speed() == 10.0);  // the fastest the speed control goes
}

TEST_CASE("share payloads reproduce the run; a malformed one falls back to the default cluster") {
  App a;
  NullBackend nb(a);
  a.set_paused(false);  // the app opens paused (issue 9)
  nb.frames(a, 60);
  REQUIRE(a.act(sim::make::crash(1), Fork::Confirmed) == "");
  nb.frames(a, 90);
  const std::string payload = a.scenario_text();
  const uint64_t hash = a.lab().cluster().trace().hash();
  const Time now = a.lab().cluster().now();

  App b;
  NullBackend nbb(b);
  b.set_paused(false);  // the app opens paused (issue 9)
  std::string error;
  REQUIRE(b.load_share_payload(payload, &error));
  while (b.seeking()) nbb.frame(b, 0);  // computed a slice per frame
  CHECK(b.lab().cluster().now() == now);  // shared at the present: opens at the end of the run, paused
  CHECK(b.lab().end_time() == now);
  CHECK(b.paused());
  CHECK(b.lab().cluster().trace().hash() == hash);

  // Shared while scrubbed back: the link keeps the whole run and opens paused at the moment viewed.
  a.seek(now / 2);
  App d;
  NullBackend nbd(d);
  d.set_paused(false);  // the app opens paused (issue 9)
  REQUIRE(d.load_share_payload(a.scenario_text(), &error));
  while (d.seeking()) nbd.frame(d, 0);
  CHECK(d.lab().cluster().now() == now / 2);
  CHECK(d.lab().end_time() == now);
  CHECK(d.paused());
  CHECK(d.history().events().size() == a.history().events().size());  // the timeline shows the whole run
  CHECK(d.history().markers().size() == a.history().markers().size());
  d.go_live();
  CHECK(d.lab().cluster().trace().hash() == hash);

  App c;
  CHECK_FALSE(c.load_share_payload("nodes banana\n", &error));
  CHECK_FALSE(error.empty());
  CHECK_FALSE(c.notice().empty());
  CHECK(c.lab().cluster().size() == 5);
}

TEST_CASE("scenarios: listed, loaded with their explanation; a broken one reports its error") {
  App app;
  NullBackend nb(app);
  app.set_paused(false);  // the app opens paused (issue 9)
  std::vector<ScenarioAsset> assets;
  assets.push_back({"split", "# title: Split vote\n# Two candidates at once.\nnodes 3\nrun 1s\n"});
  assets.push_back({"broken", "nodes 3\nfrobnicate\n"});
  app.set_scenarios(assets);
  nb.frames(app, 10);
  std::string error;
  CHECK_FALSE(app.load_scenario_text("frobnicate\n", "bad", &error));
  CHECK_FALSE(app.notice().empty());
  CHECK(app.load_scenario_text(assets[0].text, "split", &error));
  CHECK(app.lab().cluster().size() == 3);
  nb.frames(app, 60);
  CHECK(app.take_shell_request() == ShellRequest::None);
  CHECK_FALSE(app.trace_jsonl().empty());
  CHECK(app.scenario_text().find("nodes 3") != std::string::npos);
}

TEST_CASE("a long scenario explanation folds to its title at 1024x640; a click unfolds and folds it") {
  App app;
  NullBackend nb(app, ImVec2(1024, 640));
  std::string text = "# title: A long one\n";
  for (int i = 0; i < 12; ++i) text += "# This sentence explains the scenario at some length so that it wraps over the panel.\n";
  text += "nodes 3\nrun 1s\n";
  REQUIRE(app.load_scenario_text(text, "long", nullptr));
  nb.frames(app, 2);
  const std::optional<ScreenRect> folded = app.window_rect("scenario_banner");
  const std::optional<ScreenRect> cluster = app.window_rect("Cluster");
  REQUIRE(folded);
  REQUIRE(cluster);
  CHECK(folded->h < 40);  // one line: the title and "(click to read)"
  const ImVec2 title(folded->x + 40, folded->y + folded->h / 2);
  nb.click(app, title);
  const std::optional<ScreenRect> open = app.window_rect("scenario_banner");
  REQUIRE(open);
  CHECK(open->h > cluster->h / 3);  // the whole explanation
  nb.click(app, title);
  CHECK(app.window_rect("scenario_banner")->h == doctest::Approx(folded->h));
  // At 1920x1080 the same text fits under a third of the view and is shown whole.
  ImGui::GetIO().DisplaySize = ImVec2(1920, 1080);
  nb.frames(app, 2);
  CHECK(app.window_rect("scenario_banner")->h > 60);
}

TEST_CASE("15 nodes at the smallest window: every draw list stays under 64K vertices") {
  App app;
  NullBackend nb(app, ImVec2(1024, 640));
  app.set_paused(false);  // the app opens paused (issue 9)
  sim::ClusterConfig cfg = default_config();
  cfg.nodes = 15;
  cfg.network.latency_min_us = 100'000;
  cfg.network.latency_max_us = 200'000;
  cfg.timing.election_timeout_min_us = 1'000'000;
  cfg.timing.election_timeout_max_us = 2'000'000;
  app.restart(cfg);
  REQUIRE(app.act(sim::make::client_load(true, 100), Fork::Confirmed) == "");
  nb.frames(app, 4 * 60);
  CHECK(app.lab().cluster().network().in_flight() > 50);
  CHECK(nb.vertices_max < 65536);
  for (NodeId n = 0; n < 15; ++n) node_pos(app, n);
}

}  // namespace
}  // namespace raft::viz

namespace raft::viz {
namespace {

TEST_CASE("unsafe switches: a red banner names forget_vote while it is on, and leaves with it") {
  App app;
  NullBackend nb(app);
  app.set_paused(true);
  nb.frame(app);
  CHECK(app.unsafe_banner().empty());
  // A safe extension shows no banner.
  REQUIRE(app.act(sim::make::set_prevote(true), Fork::Confirmed) == "");
  nb.frame(app);
  CHECK(app.unsafe_banner().empty());
  REQUIRE(app.act(sim::make::set_forget_vote(true), Fork::Confirmed) == "");
  nb.frame(app);
  const std::string banner = app.unsafe_banner();
  CHECK(banner.rfind("UNSAFE, for teaching: forget_vote is on: ", 0) == 0);
  CHECK(banner.find("votes twice in one term") != std::string::npos);
  CHECK(app.lab().cluster().config().timing.forget_vote);
  REQUIRE(app.act(sim::make::set_forget_vote(false), Fork::Confirmed) == "");
  nb.frame(app);
  CHECK(app.unsafe_banner().empty());
}

TEST_CASE("\"Transfer leadership here\" in the node menu hands leadership over through act()") {
  App app;
  NullBackend nb(app);
  app.set_paused(true);
  REQUIRE(app.act(sim::make::timeout(0), Fork::Confirmed) == "");
  app.run_for(300'000);
  REQUIRE(app.lab().cluster().leader() == 0);
  nb.frame(app, 0);
  nb.click(app, node_pos(app, 2));
  REQUIRE(nb.popup_open());
  nb.click(app, item_pos(app, "Transfer"));
  CHECK(app.lab().log().back().s == sim::make::transfer(2));
  app.run_for(300'000);
  CHECK(app.lab().cluster().leader() == 2);
  CHECK(app.act(sim::make::transfer(2), Fork::Confirmed) == "cannot transfer leadership to s3: it is already the leader");
}

}  // namespace
}  // namespace raft::viz
