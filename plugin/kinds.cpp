#include "plugin/kinds.h"

#include <map>

#include "core/errors.h"

namespace kapp::cli {

namespace res = client::resources;

const std::vector<const client::ResourceType*>& all_kinds() {
  static const std::vector<const client::ResourceType*> kinds = {
      &res::kApplication, &res::kComponent, &res::kAppLink, &res::kCoinFlip};
  return kinds;
}

namespace {

const std::map<std::string, const client::ResourceType*>& names() {
  static const std::map<std::string, const client::ResourceType*> names = {
      {"application", &res::kApplication},
      {"applications", &res::kApplication},
      {"kapp", &res::kApplication},
      {"component", &res::kComponent},
      {"components", &res::kComponent},
      {"kcomp", &res::kComponent},
      {"applink", &res::kAppLink},
      {"applinks", &res::kAppLink},
      {"link", &res::kAppLink},
      {"coinflip", &res::kCoinFlip},
      {"coinflips", &res::kCoinFlip}};
  return names;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> kind_names() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, type] : names()) out.emplace_back(name, type->resource);
  return out;
}

const client::ResourceType& kind_named(const std::string& name) {
  auto lower = name;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto dot = lower.find(".kubectl-app.io");
  if (dot != std::string::npos) lower = lower.substr(0, dot);
  auto it = names().find(lower);
  if (it == names().end()) {
    throw UsageError("unknown kind \"" + name +
                     "\"; use application (kapp), component (kcomp), applink or coinflip");
  }
  return *it->second;
}

}  // namespace kapp::cli
