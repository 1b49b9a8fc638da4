// Installs and removes our CustomResourceDefinitions.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/client/client.h"

namespace kapp::crds {

// The embedded CRDs as objects, in a stable order.
std::vector<nlohmann::json> definitions();

using Progress = std::function<void(const std::string&)>;

struct InstallOptions {
  bool dry_run = false;
  std::chrono::milliseconds timeout{60000};
};

// Server-side applies every CRD and waits until each is Established. Returns the applied objects.
std::vector<nlohmann::json> install(client::Client& client, const InstallOptions& options,
                                    const Progress& progress);

struct UninstallOptions {
  bool force = false;  // delete even while objects of our kinds exist (they go with their CRD)
  bool dry_run = false;
  bool wait = true;
  std::chrono::milliseconds timeout{120000};
};

// Deletes every CRD; refuses while objects of our kinds exist unless forced.
void uninstall(client::Client& client, const UninstallOptions& options, const Progress& progress);

// "applications.kubectl-app.io" -> the REST type of its custom resources.
client::ResourceType served_type(const nlohmann::json& crd);

}  // namespace kapp::crds
