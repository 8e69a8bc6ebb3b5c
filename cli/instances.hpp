// The source instances of the reductions as JSON, written into META by `krelu reduce` and read
// back by `krelu decode`, so that decode needs nothing but META and the network.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common.hpp"

#include "krelu/problems/graph.hpp"
#include "krelu/problems/hypergraph.hpp"
#include "krelu/problems/monotone_circuit.hpp"
#include "krelu/problems/set_cover.hpp"

namespace krelu::cli {

/// The problems `krelu reduce` and `krelu decode` know, in the order the help lists them.
const std::vector<std::string>& problem_names();

/// Throws InputError naming the valid problems unless `name` is one of them.
void check_problem(const std::string& name);

/// A circuit with the names of its wires (from a .bench file or x0.., g0.. for random ones).
struct NamedCircuit {
  problems::MonotoneCircuit circuit;
  std::vector<std::string> wire_names;
};

/// Default wire names: x0, x1, ... for inputs, g0, g1, ... for gates.
std::vector<std::string> default_wire_names(const problems::MonotoneCircuit& c);

nlohmann::json to_json(const problems::SetCover& sc);
nlohmann::json to_json(const NamedCircuit& c);
nlohmann::json to_json(const problems::Graph& g);
nlohmann::json to_json(const problems::Hypergraph& h);

/// Readers of the forms above; InputError naming `where` if the JSON is malformed, and the
/// problems' own std::invalid_argument if the instance is invalid.
problems::SetCover set_cover_from_json(const nlohmann::json& j, const std::string& where);
NamedCircuit circuit_from_json(const nlohmann::json& j, const std::string& where);
problems::Graph graph_from_json(const nlohmann::json& j, const std::string& where);
problems::Hypergraph hypergraph_from_json(const nlohmann::json& j, const std::string& where);

/// j[key] as T, or InputError naming `where` and the key.
template <class T>
T json_field(const nlohmann::json& j, const std::string& key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw InputError(where + ": the field \"" + key + "\" is missing");
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where + ": the field \"" + key + "\" has the wrong type (" + e.what() + ")");
  }
}


}  // namespace krelu::cli
