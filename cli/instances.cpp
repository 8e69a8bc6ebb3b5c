#include "instances.hpp"

#include <algorithm>

#include "common.hpp"

namespace krelu::cli {

const std::vector<std::string>& problem_names() {
  static const std::vector<std::string> names{"set-cover", "circuit", "densest-subgraph", "coloring", "gadget"};
  return names;
}

void check_problem(const std::string& name) {
  const auto& names = problem_names();
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  std::string list;
  for (const auto& n : names) {
    if (!list.empty()) list += ", ";
    list += n;
  }
  throw InputError("unknown problem '" + name + "': choose one of " + list);
}

std::vector<std::string> default_wire_names(const problems::MonotoneCircuit& c) {
  std::vector<std::string> names;
  for (int w = 0; w < c.num_wires(); ++w)
    names.push_back(c.is_input(w) ? "x" + std::to_string(w) : "g" + std::to_string(w - c.num_inputs()));
  return names;
}

nlohmann::json to_json(const problems::SetCover& sc) {
  return {{"universe", sc.universe_size()}, {"subsets", sc.subsets()}};
}

problems::SetCover set_cover_from_json(const nlohmann::json& j, const std::string& where) {
  return problems::SetCover(json_field<int>(j, "universe", where),
                            json_field<std::vector<std::vector<int>>>(j, "subsets", where));
}

nlohmann::json to_json(const NamedCircuit& c) {
  nlohmann::json gates = nlohmann::json::array();
  for (const auto& g : c.circuit.gates())
    gates.push_back({{"kind", g.kind == problems::GateKind::and_gate ? "and" : "or"}, {"inputs", g.inputs}});
  return {{"inputs", c.circuit.num_inputs()}, {"gates", gates}, {"output", c.circuit.output()}, {"wire_names", c.wire_names}};
}

NamedCircuit circuit_from_json(const nlohmann::json& j, const std::string& where) {
  std::vector<problems::Gate> gates;
  const auto list = json_field<nlohmann::json>(j, "gates", where);
  if (!list.is_array()) throw InputError(where + ": \"gates\" must be an array");
  for (const auto& g : list) {
    const auto kind = json_field<std::string>(g, "kind", where + " (a gate)");
    if (kind != "and" && kind != "or") throw InputError(where + ": gate kind '" + kind + "' is neither and nor or");
    gates.push_back({kind == "and" ? problems::GateKind::and_gate : problems::GateKind::or_gate,
                     json_field<std::vector<int>>(g, "inputs", where + " (a gate)")});
  }
  NamedCircuit c{problems::MonotoneCircuit(json_field<int>(j, "inputs", where), std::move(gates),
                                           json_field<int>(j, "output", where)),
                 json_field<std::vector<std::string>>(j, "wire_names", where)};
  if (c.wire_names.size() != static_cast<std::size_t>(c.circuit.num_wires()))
    throw InputError(where + ": \"wire_names\" must hold one name per wire");
  return c;
}

nlohmann::json to_json(const problems::Graph& g) {
  nlohmann::json edges = nlohmann::json::array();
  for (const auto& [u, v] : g.edges()) edges.push_back({u, v});
  return {{"vertices", g.num_vertices()}, {"edges", edges}};
}

problems::Graph graph_from_json(const nlohmann::json& j, const std::string& where) {
  std::vector<problems::Graph::Edge> edges;
  for (const auto& e : json_field<std::vector<std::vector<int>>>(j, "edges", where)) {
    if (e.size() != 2) throw InputError(where + ": every edge must be a pair [u, v]");
    edges.emplace_back(e[0], e[1]);
  }
  return problems::Graph(json_field<int>(j, "vertices", where), std::move(edges));
}

nlohmann::json to_json(const problems::Hypergraph& h) { return {{"vertices", h.vertices()}, {"edges", h.edges()}}; }

problems::Hypergraph hypergraph_from_json(const nlohmann::json& j, const std::string& where) {
  return problems::Hypergraph(json_field<int>(j, "vertices", where),
                              json_field<std::vector<std::vector<int>>>(j, "edges", where));
}

}  // namespace krelu::cli
