#!/usr/bin/env bash
# Creates the k3d cluster `tributary` (unless it exists), builds the images from
# apps/*/Dockerfile, imports them into the cluster, starts a throwaway Postgres and Temporal,
# and installs the chart. Needs Docker, k3d and kubectl; helm comes from tools/ensure-helm.sh.
#   k3d/install.sh            # then: open http://localhost:8080 (web UI); curl http://api.localhost:8080/api/v1/health
#   k3d cluster delete tributary
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in docker k3d kubectl; do
  command -v "$tool" >/dev/null || { echo "k3d/install.sh needs $tool on PATH" >&2; exit 1; }
done
helm="$(bash tools/ensure-helm.sh)"
version="$(sed -n 's/^appVersion: "\(.*\)"/\1/p' charts/tributary/Chart.yaml)"

k3d cluster list tributary >/dev/null 2>&1 || k3d cluster create --config k3d/cluster.yaml
images=()
for app in server worker bootloader pod-sweeper cron webapp orchestrator; do
  docker build -f "apps/$app/Dockerfile" -t "tributary/tributary-$app:$version" .
  images+=("tributary/tributary-$app:$version")
done
# the first-party connectors as images, for replication pods (TRIBUTARY_LAUNCHER=kubernetes)
for connector in source-sample destination-postgres destination-jsonl destination-dev-null; do
  docker build -f libs/connectors/Dockerfile --build-arg "CONNECTOR=$connector" -t "tributary/$connector:$version" .
  images+=("tributary/$connector:$version")
done
k3d image import --cluster tributary "${images[@]}"

kubectl --context k3d-tributary apply -f k3d/dependencies.yaml
kubectl --context k3d-tributary wait --for=condition=available --timeout=300s deployment/postgresql deployment/temporal
"$helm" --kube-context k3d-tributary upgrade --install tributary charts/tributary -f k3d/values.yaml --wait --timeout 10m
echo "Tributary: web UI http://localhost:8080, API http://api.localhost:8080/api/docs (admin token in k3d/values.yaml)"
