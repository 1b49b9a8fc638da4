// Where the CoinFlip controller reads and writes its objects. Reads come from the informer's
// cache, overlaid with this controller's own latest write until the cache has caught up with
// it: a timer can fire before the watch delivers our last write, and acting on the older copy
// would resend notifications already acknowledged (and then fail its write with a conflict).
// Writes replace the status subresource under the object's resourceVersion (optimistic
// concurrency): a stale copy fails with ApiError 409 and the work queue retries with fresh state.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/client/client.h"
#include "core/engine/controller.h"
#include "core/engine/informer.h"

namespace kapp::controllers::coinflip {

using nlohmann::json;

class StatusStore {
 public:
  StatusStore(client::Client& client, engine::Informer& informer);

  // The freshest copy this process knows of; nullopt once the object is gone.
  std::optional<json> get(const engine::Request& request);
  // PUT .../status with `status`; returns the object as stored. Throws ApiError (409 when
  // `object` is stale, 404 when it was deleted).
  json write_status(const json& object, const json& status);

 private:
  struct Written {
    json object;                     // as the server returned it
    std::set<std::string> outdated;  // resourceVersions our writes replaced
  };

  client::Client& client_;
  engine::Informer& informer_;
  std::mutex mutex_;
  std::map<std::string, Written> written_;  // key -> our latest write the cache may not show yet
};

}  // namespace kapp::controllers::coinflip
