// The App attached to a live cluster (issue 10): what arrives from `raftctl lab` is read
// (sim::TraceReader) and mirrored (sim::Lab::attach); the user's commands become control calls.
// See App::attach_begin in viz/app.h.
#include <algorithm>
#include <cstdio>

#include "core/sim/trace.h"
#include "viz/app_impl.h"

namespace raft::viz {

namespace {

// A control call as raftctl lab reads it (shell/raftctl/lab.cpp).
std::string call(const char* cmd, int64_t id, const std::string& fields = "") {
  std::string out = "{\"cmd\":\"";
  out += cmd;
  out += '"';
  out += fields;
  out += ",\"id\":" + std::to_string(id) + "}";
  return out;
}

std::string field(const char* name, const std::string& value) {
  std::string out = ",\"";
  out += name;
  out += "\":";
  sim::append_json_string(out, value);
  return out;
}

void show_toast(ViewState& vs, std::string text) {
  vs.toast = std::move(text);
  vs.toast_age_s = 0;
}

}  // namespace

void App::Impl::attach_take() {
  Attach& a = attach;
  if (a.started && !lab.attached()) {
    // The user opened something else (a scenario, the tour, a new cluster): the connection ends.
    a.live = false;
    a.calls.clear();
    return;
  }
  if (!a.started) {
    const int servers = a.reader.servers();
    if (servers < 1 || servers > kNodesMax) return;  // the first lines have not said how many yet
    a.started = true;
    lab.attach(servers);
    after_new_session();
    vs.scenario_banner = false;
    vs.paused = false;
    touched = true;
    set_notice("Attached to " + a.where + ": " + std::to_string(servers) +
               " real servers, drawn from their event streams and checked as they go. Click a server to crash or "
               "restart it; the timeline scrubs what was recorded.");
  }
  std::vector<sim::Observed> records = a.reader.take(a.live ? kAttachHoldUs : 0);
  const Time present = std::max<Time>(lab.end_time(), a.reader.newest() - (a.live ? kAttachHoldUs : 0));
  if (!records.empty() || present > lab.end_time()) lab.record(std::move(records), present);
  if (lab.problems().size() > a.problems_noticed) {
    // Records that did not fit the mirror (the stream lost lines): skipped, and said once each.
    a.problems_noticed = lab.problems().size();
    set_notice("A record from " + a.where + " was skipped: " + lab.problems().back().text);
  }
  if (!lab.cluster().checking() && !a.unchecked_noticed) {
    a.unchecked_noticed = true;
    set_notice(lab.cluster().unchecked_why());
  }
  for (const sim::TraceReader::Answer& answer : a.reader.take_answers()) {
    const auto it = std::find_if(a.asked.begin(), a.asked.end(), [&](const auto& p) { return p.first == answer.id; });
    if (it != a.asked.end()) a.asked.erase(it);
    if (answer.ok) {
      show_toast(vs, answer.text);
    } else {
      set_notice("The cluster refused: " + answer.text);
    }
  }
  const std::vector<std::string> errors = a.reader.take_errors();
  if (!errors.empty()) set_notice("Lines from " + a.where + " that are not trace records were skipped: " + errors.front());
  if (lab.recording_full() && a.live) {
    a.live = false;
    set_notice("The recording is full (" + std::to_string(sim::Lab::kRecordsMax) +
               " records): it stops here. Download it (Share, Download trace), then attach again.");
  }
}

std::string App::Impl::attach_act(const sim::Statement& s) {
  Attach& a = attach;
  const sim::Cluster& c = lab.cluster();
  std::string err;
  if (!a.live) {
    err = "This recording is not connected to a cluster: attach to one to act on it (Settings, Attach).";
  } else if (const auto* crash = s.as<sim::stmt::Crash>()) {
    a.calls.push_back(call("crash", a.next_id, field("node", node_name(crash->node))));
  } else if (s.as<sim::stmt::CrashLeader>()) {
    if (c.leader() == kNoNode) err = "There is no leader to crash.";
    else a.calls.push_back(call("crash", a.next_id, field("node", node_name(c.leader()))));
  } else if (const auto* restart = s.as<sim::stmt::Restart>()) {
    a.calls.push_back(call("restart", a.next_id, field("node", node_name(restart->node))));
  } else if (const auto* p = s.as<sim::stmt::Partition>()) {
    // raftctl lab wants every server in a group: one not named is on its own.
    NodeMask named = 0;
    std::string groups = ",\"groups\":[";
    const auto group = [&](const std::vector<NodeId>& members) {
      if (groups.back() != '[') groups += ',';
      groups += '[';
      for (size_t i = 0; i < members.size(); ++i) {
        if (i > 0) groups += ',';
        sim::append_json_string(groups, node_name(members[i]));
        named |= node_bit(members[i]);
      }
      groups += ']';
    };
    for (const auto& g : p->groups) group(g);
    for (NodeId n = 0; n < c.size(); ++n) {
      if (!has_node(named, n)) group({n});
    }
    groups += ']';
    a.calls.push_back(call("partition", a.next_id, groups));
  } else if (s.as<sim::stmt::Heal>()) {
    a.calls.push_back(call("heal", a.next_id));
  } else if (const auto* op = s.as<sim::stmt::ClientOp>()) {
    const Command& cmd = op->cmd;
    switch (cmd.op) {
      case Op::Put: a.calls.push_back(call("put", a.next_id, field("key", cmd.key) + field("value", cmd.value))); break;
      case Op::Get: a.calls.push_back(call("get", a.next_id, field("key", cmd.key))); break;
      case Op::Delete: a.calls.push_back(call("del", a.next_id, field("key", cmd.key))); break;
      case Op::Cas:
        a.calls.push_back(call("cas", a.next_id, field("key", cmd.key) + field("from", cmd.expect) + field("to", cmd.value)));
        break;
      default: err = "raftd's clients put, get, delete and cas; an append is not one of them.";
    }
  } else {
    err = "Not on a live cluster: raftctl lab can crash, restart, partition and heal its servers and send them client "
          "requests (" + sim::format_statement(s) + " is for the simulator).";
  }
  if (!err.empty()) {
    set_notice(err);
    return err;
  }
  a.asked.emplace_back(a.next_id++, sim::format_statement(s));
  show_toast(vs, "Sent to the cluster: " + sim::format_statement(s));
  touched = true;
  ++revision;
  return "";
}

void App::attach_begin(const std::string& where) {
  Impl& m = *impl_;
  m.attach = Impl::Attach{};
  m.attach.live = true;
  m.attach.where = where;
  if (where.size() < sizeof m.vs.attach_url) std::snprintf(m.vs.attach_url, sizeof m.vs.attach_url, "%s", where.c_str());
  m.set_notice("Connecting to " + where + " ...");
}

void App::attach_text(std::string_view text) {
  Impl& m = *impl_;
  Impl::Attach& a = m.attach;
  if (!a.live) return;
  if (a.raw.size() + text.size() <= Impl::kRawBytesMax) {
    a.raw.append(text);
  } else {
    a.raw_full = true;
  }
  a.reader.feed(text);
  m.attach_take();
}

void App::attach_end(const std::string& why) {
  Impl& m = *impl_;
  if (!m.attach.live) return;
  m.attach.reader.finish();
  m.attach.live = false;
  if (m.lab.attached()) {
    m.attach_take();
    m.set_notice("Disconnected from " + m.attach.where + (why.empty() ? "" : " (" + why + ")") +
                 ". The recording stays: scrub it, or download it (Share, Download trace).");
  } else {
    m.set_notice("Could not attach to " + m.attach.where + (why.empty() ? "" : ": " + why) +
                 ". Is `raftctl lab` running? Start a cluster with `raftctl start 5`, then `raftctl lab`.");
  }
  ++m.revision;
}

void App::set_can_attach(bool can) { impl_->vs.can_attach = can; }

std::string App::attach_url() const { return impl_->vs.attach_url; }
const std::string& App::attach_where() const { return impl_->attach.where; }

bool App::attached() const { return impl_->lab.attached(); }

std::string App::Impl::attach_jsonl() const {
  return attach.raw_full ? attach.raw + "{\"t\":0,\"ev\":\"note\",\"text\":\"the recording was cut here: over 256 MB\"}\n" : attach.raw;
}
bool App::attach_live() const { return impl_->attach.live; }

std::string App::take_control_call() {
  std::vector<std::string>& calls = impl_->attach.calls;
  if (calls.empty()) return "";
  std::string c = std::move(calls.front());
  calls.erase(calls.begin());
  return c;
}

bool App::open_recording(const std::string& text, std::string* error) {
  Impl& m = *impl_;
  sim::TraceReader reader;
  reader.feed(text);
  reader.finish();
  std::vector<sim::Observed> records = reader.take(0);
  const std::vector<std::string> errors = reader.take_errors();
  std::string why;
  if (!errors.empty()) why = "it has lines that are not trace records (" + errors.front() + ")";
  else if (records.empty() || reader.servers() < 1) why = "it holds no trace records";
  if (!why.empty()) {
    if (error) *error = why;
    m.set_notice("The recording could not be opened: " + why + ".");
    return false;
  }
  m.attach = Impl::Attach{};
  m.attach.where = "a recording";
  m.attach.started = true;
  m.attach.raw = text;
  m.lab.attach(reader.servers());
  const Time end = records.back().e.t;
  m.lab.record(std::move(records), end);
  m.after_new_session();
  m.vs.scenario_banner = false;
  m.touched = true;
  m.vs.paused = true;
  m.lab.seek(0);
  m.after_move();
  m.set_notice("Opened a recording of " + std::to_string(reader.servers()) + " servers: scrub the timeline to replay it.");
  return true;
}

}  // namespace raft::viz
