#include "core/objects/builders.h"

#include <sstream>

#include "core/errors.h"

namespace kapp::objects {
namespace {

constexpr const char* kApiVersion = "kubectl-app.io/v1alpha1";

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

int to_int(const std::string& text, const std::string& what) {
  try {
    std::size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw UsageError(what + " must be a number, not \"" + text + "\"");
}

// [name:]port[:targetPort]
json port_from(const std::string& text) {
  const auto parts = split(text, ':');
  json port;
  std::size_t i = 0;
  if (!parts.empty() && !parts[0].empty() && !std::isdigit(static_cast<unsigned char>(parts[0][0])))
    port["name"] = parts[i++];
  if (i >= parts.size())
    throw UsageError("port \"" + text + "\" needs a number: [name:]port[:targetPort]");
  port["port"] = to_int(parts[i++], "port");
  if (i < parts.size()) port["targetPort"] = to_int(parts[i++], "targetPort");
  return port;
}

// name:mountPath:size[:storageClass]
json volume_from(const std::string& text) {
  const auto parts = split(text, ':');
  if (parts.size() < 3)
    throw UsageError("volume \"" + text + "\" must be name:mountPath:size[:storageClass]");
  json volume = {{"name", parts[0]}, {"mountPath", parts[1]}, {"size", parts[2]}};
  if (parts.size() > 3) volume["storageClassName"] = parts[3];
  return volume;
}

json meta(const std::string& name, const std::string& ns) {
  return {{"name", name}, {"namespace", ns}};
}

}  // namespace

json component_from_flag(const std::string& text) {
  json c = json::object();
  for (const auto& pair : split(text, ',')) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos)
      throw UsageError("--component wants key=value pairs, not \"" + pair + "\"");
    const auto key = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (key == "name" || key == "image" || key == "workload") {
      c[key] = value;
    } else if (key == "replicas") {
      c["replicas"] = to_int(value, "replicas");
    } else if (key == "port") {
      c["ports"].push_back(port_from(value));
    } else if (key == "expose") {
      c["expose"] = {{"type", value}};
    } else if (key == "metrics") {
      c["isExposingMetrics"] = true;
      c["metrics"] = {{"port", value}};
    } else if (key == "volume") {
      c["volumes"].push_back(volume_from(value));
    } else {
      throw UsageError("unknown --component key \"" + key +
                       "\"; use name, image, replicas, workload, port, expose, metrics or volume");
    }
  }
  if (!c.contains("name") || !c.contains("image"))
    throw UsageError("--component needs at least name= and image=");
  return c;
}

json communication_from_flag(const std::string& text) {
  const auto arrow = text.find("->");
  if (arrow == std::string::npos)
    throw UsageError("--communication must be FROM->TO[:PORT,...], not \"" + text + "\"");
  const auto from = text.substr(0, arrow);
  auto to = text.substr(arrow + 2);
  json k = {{"from", from}};
  if (const auto colon = to.find(':'); colon != std::string::npos) {
    for (const auto& p : split(to.substr(colon + 1), ',')) k["ports"].push_back(to_int(p, "port"));
    to = to.substr(0, colon);
  }
  k["to"] = to;
  return k;
}

json application(const std::string& name, const std::string& ns,
                 const std::vector<json>& components, const std::vector<json>& communications) {
  json spec = {{"components", components}};
  if (!communications.empty()) spec["internalCommunications"] = communications;
  return {{"apiVersion", kApiVersion},
          {"kind", "Application"},
          {"metadata", meta(name, ns)},
          {"spec", spec}};
}

json component(const std::string& ns, const std::string& app, json spec) {
  const auto name = spec.value("name", "");
  spec.erase("name");
  spec["application"] = app;
  return {{"apiVersion", kApiVersion},
          {"kind", "Component"},
          {"metadata", meta(name, ns)},
          {"spec", spec}};
}

json coinflip(const std::string& name, const std::string& ns, const CoinFlipFlags& flags) {
  json notify = {{"url", flags.notify}};
  if (!flags.credentials_secret.empty())
    notify["credentialsSecretRef"] = {{"name", flags.credentials_secret}};
  json spec = {{"interval", flags.interval}, {"threshold", flags.threshold}, {"notify", notify}};
  if (flags.seed) spec["seed"] = *flags.seed;
  if (flags.max_flips) spec["maxFlips"] = *flags.max_flips;
  return {{"apiVersion", kApiVersion},
          {"kind", "CoinFlip"},
          {"metadata", meta(name, ns)},
          {"spec", spec}};
}

json app_link(const std::string& name, const std::string& ns, const std::string& from,
              const std::string& to, const std::string& to_namespace, const std::vector<int>& ports,
              const std::string& alias) {
  auto app_and_component = [](const std::string& ref, const char* which) {
    const auto slash = ref.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == ref.size() ||
        ref.find('/', slash + 1) != std::string::npos) {
      throw UsageError(std::string(which) + " must be APP/COMPONENT (e.g. shop/frontend), not \"" +
                       ref + "\"");
    }
    return json{{"application", ref.substr(0, slash)}, {"component", ref.substr(slash + 1)}};
  };
  auto target = app_and_component(to, "TO");
  target["namespace"] = to_namespace;
  json spec = {{"from", app_and_component(from, "FROM")}, {"to", target}};
  if (!ports.empty()) spec["ports"] = ports;
  if (!alias.empty()) spec["alias"] = alias;
  return {{"apiVersion", kApiVersion},
          {"kind", "AppLink"},
          {"metadata", meta(name, ns)},
          {"spec", spec}};
}

}  // namespace kapp::objects
