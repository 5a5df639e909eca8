#include "shell/raftctl/history.h"

#include <nlohmann/json.hpp>

namespace raft::raftctl {

namespace {

using json = nlohmann::json;
using sim::KvOpKind;

Classified malformed(int status, const std::string& body, const std::string& why) {
  return {Outcome::Malformed, "answer " + std::to_string(status) + " " + body.substr(0, 200) + ": " + why};
}

}  // namespace

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::Ok: return "ok";
    case Outcome::NotDone: return "not done";
    case Outcome::Unknown: return "unknown";
    case Outcome::Malformed: return "malformed";
  }
  return "?";
}

Classified classify(sim::HistoryOp& op, int status, const std::string& body, bool sent) {
  if (status == 0) return {sent ? Outcome::Unknown : Outcome::NotDone, {}};
  if (status == 307) return {Outcome::NotDone, {}};
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return malformed(status, body, "not a JSON object");
  if (status == 503) {
    const std::string e = j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "";
    if (e.find("may or may not") != std::string::npos) return {Outcome::Unknown, {}};
    if (e.find("no leader known") != std::string::npos || e.find("did not take") != std::string::npos) return {Outcome::NotDone, {}};
    return malformed(status, body, "a 503 that says neither 'may or may not' nor that the command was not taken");
  }
  const auto value = [&](std::optional<std::string>& out) -> bool {
    if (!j.contains("value")) return false;
    if (j["value"].is_null()) out.reset();
    else if (j["value"].is_string()) out = j["value"].get<std::string>();
    else return false;
    return true;
  };
  if (status == 404 && op.kind == KvOpKind::Get) {
    op.result.reset();
    return {Outcome::Ok, {}};
  }
  if (status == 409 && op.kind == KvOpKind::Cas) {
    if (!value(op.result)) return malformed(status, body, "no \"value\" (string or null)");
    if (op.result && *op.result == op.expect) return malformed(status, body, "a cas refused although the value is 'from'");
    op.cas_swapped = false;
    return {Outcome::Ok, {}};
  }
  if (status != 200) return malformed(status, body, "unexpected status");
  if (!value(op.result)) return malformed(status, body, "no \"value\" (string or null)");
  switch (op.kind) {
    case KvOpKind::Put:
    case KvOpKind::Append:
      if (op.result != op.value) return malformed(status, body, "a put that answers another value");
      break;
    case KvOpKind::Cas:
      if (op.result != op.value) return malformed(status, body, "a cas that answers a value other than 'to'");
      op.cas_swapped = true;
      break;
    case KvOpKind::Delete:
      if (op.result) return malformed(status, body, "a delete that answers a value");
      break;
    case KvOpKind::Get:
      break;
  }
  return {Outcome::Ok, {}};
}

}  // namespace raft::raftctl
