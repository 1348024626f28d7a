#include "jit/plan.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace jitcache::jit {

namespace {

using nlohmann::json;

json
shape_json(const Shape& shape)
{
  json dims = json::array();
  for (const auto& dim : shape) {
    dims.push_back(dim.is_static() ? json(dim.size) : json(dim.symbol));
  }
  return dims;
}

std::unexpected<Error>
plan_error(std::string_view what)
{
  return make_error(ErrorCode::corrupt, fmt::format("launch plan: {}", what));
}

} // namespace

std::string
Plan::to_json() const
{
  json root;
  root["version"] = 1;
  json buffer_list = json::array();
  for (const auto& buffer : buffers) {
    buffer_list.push_back({{"dtype", to_string(buffer.dtype)},
                           {"shape", shape_json(buffer.shape)},
                           {"parameter", buffer.parameter}});
  }
  root["buffers"] = std::move(buffer_list);
  json launch_list = json::array();
  for (const auto& launch : launches) {
    launch_list.push_back(
      {{"kernel", launch.kernel}, {"buffers", launch.buffers}, {"symbols", launch.symbols}});
  }
  root["launches"] = std::move(launch_list);
  root["outputs"] = outputs;
  return root.dump();
}

Expected<Plan>
Plan::from_json(std::string_view text, size_t kernel_count)
{
  const json root = json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return plan_error("not a JSON object");
  }
  if (root.value("version", 0) != 1) {
    return make_error(ErrorCode::unsupported, "launch plan: unknown version");
  }
  try {
    Plan plan;
    for (const auto& item : root.at("buffers")) {
      PlanBuffer buffer;
      auto dtype = parse_dtype(item.at("dtype").get<std::string>());
      if (!dtype) {
        return plan_error("unknown dtype");
      }
      buffer.dtype = *dtype;
      for (const auto& dim : item.at("shape")) {
        buffer.shape.push_back(dim.is_string() ? Dim::named(dim.get<std::string>())
                                               : Dim::of(dim.get<int64_t>()));
      }
      buffer.parameter = item.at("parameter").get<int64_t>();
      plan.buffers.push_back(std::move(buffer));
    }
    for (const auto& item : root.at("launches")) {
      PlanLaunch launch;
      launch.kernel = item.at("kernel").get<uint32_t>();
      launch.buffers = item.at("buffers").get<std::vector<uint32_t>>();
      launch.symbols = item.at("symbols").get<std::vector<std::string>>();
      if (launch.kernel >= kernel_count || launch.buffers.empty()) {
        return plan_error("a launch names a kernel that is not listed");
      }
      for (auto id : launch.buffers) {
        if (id >= plan.buffers.size()) {
          return plan_error("a launch names a buffer that does not exist");
        }
      }
      plan.launches.push_back(std::move(launch));
    }
    plan.outputs = root.at("outputs").get<std::vector<uint32_t>>();
    for (auto id : plan.outputs) {
      if (id >= plan.buffers.size()) {
        return plan_error("an output names a buffer that does not exist");
      }
    }
    return plan;
  } catch (const json::exception& error) {
    return plan_error(error.what());
  }
}

} // namespace jitcache::jit
