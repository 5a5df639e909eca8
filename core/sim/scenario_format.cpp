// The scenario printer: a config as header lines and a whole scenario as a file, through the
// statement table. parse_scenario(format_scenario(s)) gives back s.
#include <string>
#include <string_view>

#include "core/sim/scenario.h"
#include "core/sim/statement_table.h"

namespace raft::sim {

std::string format_header(const ClusterConfig& config) {
  std::string out;
  for (const detail::StatementSpec& spec : detail::statement_specs()) {
    if (spec.from_config == nullptr) continue;
    Statement s;
    if (spec.from_config(config, s)) out += format_statement(s) + "\n";
  }
  return out;
}

std::string format_scenario(const Scenario& scenario) {
  std::string out;
  if (!scenario.title.empty()) out += "# title: " + scenario.title + "\n";
  size_t p = 0;
  while (p < scenario.description.size()) {
    size_t q = scenario.description.find("\n\n", p);
    if (q == std::string::npos) q = scenario.description.size();
    const std::string_view para(scenario.description.data() + p, q - p);
    if (p > 0) out += "#\n";
    out += "# ";
    out += para;
    out += "\n";
    p = q + 2;
  }
  if (!out.empty()) out += "\n";
  out += format_header(scenario.config);
  for (const Statement& s : scenario.statements) out += format_statement(s) + "\n";
  return out;
}

}  // namespace raft::sim
