// The project's names as the cluster sees them: API group and version, field manager, label
// keys, finalizer. In one place so that controllers, renderers and the CLI agree.
#pragma once

namespace kapp::names {

inline constexpr const char* kGroup = "kubectl-app.io";
inline constexpr const char* kApiVersion = "kubectl-app.io/v1alpha1";
// The server-side apply field manager of everything the controllers write.
inline constexpr const char* kFieldManager = "kubectl-app";
// app.kubernetes.io/managed-by on every object we make (the recommended labels).
inline constexpr const char* kManagedBy = "kubectl-app";

// Selector labels of a component's objects and pods: never change after creation.
inline constexpr const char* kApplicationLabel = "kubectl-app.io/application";
inline constexpr const char* kComponentLabel = "kubectl-app.io/component";
// An AppLink's objects in another namespace carry no owner reference (the API forbids one
// across namespaces); these labels lead back to the link.
inline constexpr const char* kLinkLabel = "kubectl-app.io/applink";
inline constexpr const char* kLinkNamespaceLabel = "kubectl-app.io/applink-namespace";
// Holds an AppLink's deletion until its objects in the other namespace are gone.
inline constexpr const char* kLinkFinalizer = "kubectl-app.io/applink-cleanup";

}  // namespace kapp::names
