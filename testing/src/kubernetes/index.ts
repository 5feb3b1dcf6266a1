/**
 * `@tributary/testing/kubernetes`: a real kube-apiserver and etcd for a test file, and a fake
 * kubelet that runs pods as local processes (no Docker needed).
 */
export {
  KUBERNETES_START_TIMEOUT_MS,
  SERVICE_ACCOUNT_ISSUER,
  kubeApiserverBinary,
  startTestKubernetes,
  type TestKubernetes,
} from './apiserver.js';
export { FakeKubelet, type FakeKubeletOptions, type ImageRuntime } from './fake-kubelet.js';
