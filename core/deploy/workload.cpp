// The controller's Deployment and the Service Prometheus scrapes it through.
#include "core/deploy/objects.h"

namespace kapp::deploy::detail {
namespace {

using nlohmann::json;

// The image's user (Dockerfile: USER 65532), stated again so runAsNonRoot can be verified
// whatever image --image names.
constexpr int kNonRootUser = 65532;
constexpr int kMetricsPort = 8080;
constexpr int kHealthPort = 8081;

// A Deployment's selector is immutable: only labels that never change across versions.
json selector_labels() {
  return {{"app.kubernetes.io/name", "kubectl-app"}, {"app.kubernetes.io/component", "controller"}};
}

json pod_labels() {
  auto labels = common_labels();
  labels.update(selector_labels());
  return labels;
}

json args(const DeployOptions& options) {
  return {"run-controller",
          "--leader-elect",
          "--leader-election-namespace=" + options.namespace_name,
          "--metrics-bind-address=:" + std::to_string(kMetricsPort),
          "--health-probe-bind-address=:" + std::to_string(kHealthPort),
          "--log-format=" + options.log_format};
}

json probe(const std::string& path, int initial_delay, int period) {
  return {{"httpGet", {{"path", path}, {"port", kHealthPort}}},
          {"initialDelaySeconds", initial_delay},
          {"periodSeconds", period}};
}

// The restricted Pod Security Standard, so the pod runs in namespaces that enforce it.
json container_security() {
  return {{"allowPrivilegeEscalation", false},
          {"readOnlyRootFilesystem", true},
          {"runAsNonRoot", true},
          {"capabilities", {{"drop", {"ALL"}}}}};
}

json pod_security() {
  return {{"runAsNonRoot", true},
          {"runAsUser", kNonRootUser},
          {"runAsGroup", kNonRootUser},
          {"seccompProfile", {{"type", "RuntimeDefault"}}}};
}

json container(const DeployOptions& options) {
  return {
      {"name", "controller"},
      {"image", options.image},
      {"command", {"/kubectl-app"}},
      {"args", args(options)},
      // The controller's own namespace, without asking the API server who it is.
      {"env",
       {{{"name", "POD_NAMESPACE"},
         {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.namespace"}}}}}}}},
      {"ports",
       {{{"name", "metrics"}, {"containerPort", kMetricsPort}, {"protocol", "TCP"}},
        {{"name", "health"}, {"containerPort", kHealthPort}, {"protocol", "TCP"}}}},
      {"livenessProbe", probe("/healthz", 15, 20)},
      {"readinessProbe", probe("/readyz", 5, 10)},
      {"resources",
       {{"requests", {{"cpu", "10m"}, {"memory", "32Mi"}}},
        {"limits", {{"cpu", "500m"}, {"memory", "128Mi"}}}}},
      {"securityContext", container_security()},
  };
}

}  // namespace

json controller_deployment(const DeployOptions& options) {
  auto deployment = new_object("apps/v1", "Deployment", kControllerName, options.namespace_name);
  deployment["metadata"]["labels"].update(selector_labels());
  deployment["spec"] = {
      {"replicas", options.replicas},
      {"selector", {{"matchLabels", selector_labels()}}},
      {"template",
       {{"metadata",
         {{"labels", pod_labels()},
          {"annotations", {{"kubectl.kubernetes.io/default-container", "controller"}}}}},
        {"spec",
         {{"serviceAccountName", kControllerName},
          {"securityContext", pod_security()},
          // Shutdown is graceful (the work queue drains, the Lease is released) and quick.
          {"terminationGracePeriodSeconds", 10},
          {"containers", {container(options)}}}}}},
  };
  return deployment;
}

json metrics_service(const std::string& ns) {
  auto service = new_object("v1", "Service", kMetricsServiceName, ns);
  service["metadata"]["labels"].update(selector_labels());
  service["spec"] = {
      {"type", "ClusterIP"},
      {"selector", selector_labels()},
      {"ports",
       {{{"name", "metrics"},
         {"port", kMetricsPort},
         {"targetPort", "metrics"},
         {"protocol", "TCP"}}}},
  };
  return service;
}

}  // namespace kapp::deploy::detail
