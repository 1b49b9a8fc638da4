// Many Applications of one component each in one namespace, created in a burst, and the
// object-by-object check of what the controller made of them: for fault tests, which must
// show that nothing is missing, duplicated or left behind after the fault.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::test {

// How far down the ownership chain leftovers() looks.
enum class Depth {
  Children,      // Applications and the children the controller makes
  Grandchildren  // and the ReplicaSets and Pods those children own (kube's garbage collector)
};

class Fleet {
 public:
  // `size` Applications app-000.. in `ns`, each with one component c-NNN (component names are
  // the children's names, so they must differ across the namespace).
  Fleet(std::string ns, int size);

  const std::string& ns() const { return ns_; }
  int size() const { return static_cast<int>(members_.size()); }
  // Application i is meant to exist (after a create during the test) or to be gone.
  void expect(int i) { members_.insert(i); }
  void expect_gone(int i) { members_.erase(i); }
  std::string app(int i) const;
  // The names of the Applications meant to exist, in order.
  std::vector<std::string> apps() const;
  nlohmann::json manifest(int i) const;

  // Creates Application i with admin(), retrying through a server outage for up to `timeout`
  // (a create whose answer was lost may have happened: AlreadyExists counts as done). Throws
  // the last error when the deadline passes.
  void create(int i, std::chrono::milliseconds timeout = std::chrono::seconds(120)) const;

  // What differs from the converged state, one line each; empty when the namespace holds
  // exactly the fleet's Applications, each Running at its generation, and exactly the children
  // the renderer (core/render) makes for them, each controlled by its own Application (by uid),
  // with the replicas the Application asks for.
  std::vector<std::string> problems() const;
  // What is still in the namespace of the fleet's making, "Kind/name": Applications, their
  // children and, to Depth::Grandchildren, the ReplicaSets and Pods those own.
  std::vector<std::string> leftovers(Depth depth = Depth::Grandchildren) const;
  // Deletes every Application in the namespace (the garbage collector does the rest, following
  // the children's owner references); returns the names of those it deleted.
  std::vector<std::string> remove_all() const;

 private:
  std::string ns_;
  std::set<int> members_;
};

// "a; b; c" for a failure message (at most `limit` items and the count of the rest).
std::string summary(const std::vector<std::string>& items, std::size_t limit = 10);

}  // namespace kapp::test
