/**
 * A real Kubernetes API server for a test file: Debian's etcd and a kube-apiserver built from
 * tools/kube-apiserver (tools/ensure-kube-apiserver.sh: built once into the per-user cache, so
 * the very first call takes about 8 minutes; give beforeAll KUBERNETES_START_TIMEOUT_MS).
 *
 *   let kube: TestKubernetes;
 *   beforeAll(async () => { kube = await startTestKubernetes(); }, KUBERNETES_START_TIMEOUT_MS);
 *   afterAll(() => kube.stop());
 *   // kube.kubeConfig: a KubeConfig for @kubernetes/client-node, as cluster admin
 *   // kube.kubeconfigPath: the same as a file, for helm
 *   // await kube.createNamespace('jobs'): a namespace with its `default` service account
 *   // kube.kubeletTls: a serving certificate the API server trusts, for FakeKubelet's log endpoint
 *
 * Everything listens on loopback ports picked free at start, with TLS from a CA made for this
 * server alone; authentication by static bearer tokens, authorization by RBAC. There is no
 * controller manager, scheduler or kubelet: see fake-kubelet.ts for the node.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AuthenticationV1TokenRequest } from '@kubernetes/client-node';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { freePort } from '../ports.js';

const run = promisify(execFile);
const ensureScript = fileURLToPath(new URL('../../../tools/ensure-kube-apiserver.sh', import.meta.url));

/** The first start of a clean machine builds kube-apiserver (about 8 minutes on 2 cores). */
export const KUBERNETES_START_TIMEOUT_MS = 30 * 60_000;

/** The audience and issuer of the service-account tokens this server signs. */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface TestKubernetes {
  /** https://127.0.0.1:<port> */
  server: string;
  /** PEM of the CA that signed the server's certificate */
  caPem: string;
  /**
   * a serving certificate for 127.0.0.1 signed by that CA (PEM), for a kubelet: the API server
   * proxies `pods/log` to the kubelet endpoint of the pod's Node and checks it against the CA
   */
  kubeletTls: { cert: string; key: string };
  /** bearer token of a cluster admin (group system:masters) */
  adminToken: string;
  /** cluster admin KubeConfig */
  kubeConfig: KubeConfig;
  /** a kubeconfig file with the same (for helm, kubectl) */
  kubeconfigPath: string;
  /** a KubeConfig that authenticates as `serviceAccount` in `namespace` (a real signed token) */
  kubeConfigFor(namespace: string, serviceAccount: string): Promise<KubeConfig>;
  /** creates `name` (random when omitted) with the `default` service account the controller manager would make */
  createNamespace(name?: string): Promise<string>;
  /** pids of etcd and kube-apiserver, e.g. to check they are gone */
  pids: number[];
  stop(): Promise<void>;
}

/** The kube-apiserver binary (building it on first use) after making sure etcd is installed. */
export async function kubeApiserverBinary(): Promise<string> {
  const { stdout } = await run('bash', [ensureScript], { maxBuffer: 64 * 1024 * 1024, timeout: KUBERNETES_START_TIMEOUT_MS });
  const path = stdout.trim().split('\n').pop();
  if (!path) throw new Error('tools/ensure-kube-apiserver.sh printed no path');
  return path;
}

export async function startTestKubernetes(): Promise<TestKubernetes> {
  const binary = await kubeApiserverBinary();
  const dir = await mkdtemp(join(tmpdir(), 'tributary-kube-'));
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    // the API server first: it must not see its store vanish while it still serves
    for (const p of processes.reverse()) await p.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const pki = await writePki(dir);
    const adminToken = randomBytes(24).toString('hex');
    await writeFile(join(dir, 'tokens.csv'), `${adminToken},tributary-test-admin,tributary-test-admin,system:masters\n`, { mode: 0o600 });

    const [etcdPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = startProcess('etcd', 'etcd', [
      '--name=test',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=test=${peerUrl}`,
      '--logger=zap',
      '--log-level=error',
    ]);
    processes.push(etcd);
    await waitUntil(etcd, 30_000, async () => {
      const response = await fetch(`${etcdUrl}/health`);
      return response.ok && ((await response.json()) as { health?: string }).health === 'true';
    });

    const server = `https://127.0.0.1:${apiPort}`;
    const apiserver = startProcess('kube-apiserver', binary, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'certs')}`,
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      // pods/log: the API server calls the node's kubelet endpoint at its InternalIP, over TLS it verifies
      `--kubelet-certificate-authority=${pki.caCert}`,
      '--kubelet-preferred-address-types=InternalIP',
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
      `--service-account-key-file=${pki.serviceAccountPublicKey}`,
      `--service-account-signing-key-file=${pki.serviceAccountPrivateKey}`,
      `--api-audiences=${SERVICE_ACCOUNT_ISSUER}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      // a test server: fewer goroutines and less CPU on a shared 2-core machine
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=0',
    ]);
    processes.push(apiserver);
    await waitUntil(apiserver, 120_000, () => isReady(server, pki.caPem, adminToken));

    const kubeConfig = kubeConfigWith(server, pki.caPem, 'tributary-test-admin', adminToken);
    const kubeconfigPath = join(dir, 'kubeconfig.json');
    await writeFile(kubeconfigPath, kubeConfig.exportConfig(), { mode: 0o600 });
    const core = kubeConfig.makeApiClient(CoreV1Api);

    return {
      server,
      caPem: pki.caPem,
      kubeletTls: pki.kubeletTls,
      adminToken,
      kubeConfig,
      kubeconfigPath,
      pids: processes.map((p) => p.pid),
      stop,
      async createNamespace(name = `test-${randomBytes(4).toString('hex')}`) {
        await core.createNamespace({ body: { metadata: { name } } });
        // the ServiceAccount admission plugin refuses pods whose service account does not exist
        await core.createNamespacedServiceAccount({ namespace: name, body: { metadata: { name: 'default' } } });
        return name;
      },
      async kubeConfigFor(namespace, serviceAccount) {
        const request: AuthenticationV1TokenRequest = { spec: { audiences: [SERVICE_ACCOUNT_ISSUER], expirationSeconds: 3600 } };
        const answer = await core.createNamespacedServiceAccountToken({ name: serviceAccount, namespace, body: request });
        const token = answer.status?.token;
        if (!token) throw new Error(`no token issued for ${namespace}/${serviceAccount}`);
        return kubeConfigWith(server, pki.caPem, `system:serviceaccount:${namespace}:${serviceAccount}`, token);
      },
    };
  } catch (error) {
    const output = processes.map((p) => `--- ${p.name}:\n${p.output()}`).join('\n');
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${output}`, { cause: error });
  }
}

function kubeConfigWith(server: string, caPem: string, user: string, token: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'test', server, caData: Buffer.from(caPem).toString('base64') }],
    users: [{ name: user, token }],
    contexts: [{ name: 'test', cluster: 'test', user }],
    currentContext: 'test',
  });
  return kubeConfig;
}

interface Pki {
  caPem: string;
  caCert: string;
  kubeletTls: { cert: string; key: string };
  serverCert: string;
  serverKey: string;
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
}

/** A CA, serving certificates for 127.0.0.1 signed by it (API server, kubelet), and the service-account signing key pair. */
async function writePki(dir: string): Promise<Pki> {
  const file = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-days',
    '3',
    '-subj',
    '/CN=tributary-test-ca',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
  ]);
  const serving = async (name: string, subjectAltName: string) => {
    await run('openssl', ['req', ...ec, '-subj', `/CN=${name}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`)]);
    await writeFile(file(`${name}.ext`), `subjectAltName=${subjectAltName}\nextendedKeyUsage=serverAuth\n`);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '3',
      '-extfile',
      file(`${name}.ext`),
      '-out',
      file(`${name}.crt`),
    ]);
  };
  await serving('kube-apiserver', 'IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc');
  await serving('kubelet', 'IP:127.0.0.1,DNS:localhost');
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(file('sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(file('sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return {
    caPem: await readFile(file('ca.crt'), 'utf8'),
    caCert: file('ca.crt'),
    kubeletTls: { cert: await readFile(file('kubelet.crt'), 'utf8'), key: await readFile(file('kubelet.key'), 'utf8') },
    serverCert: file('kube-apiserver.crt'),
    serverKey: file('kube-apiserver.key'),
    serviceAccountPublicKey: file('sa.pub'),
    serviceAccountPrivateKey: file('sa.key'),
  };
}

/** GET /readyz: every post-start hook (RBAC bootstrap roles, system namespaces) has run. */
function isReady(server: string, caPem: string, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${server}/readyz`, { ca: caPem, headers: { authorization: `Bearer ${token}` }, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

interface ManagedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function startProcess(name: string, command: string, args: string[]): ManagedProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // a test process that dies without afterAll must not leave servers behind
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let out = '';
  // the last lines say why a server gave up
  const keep = (chunk: Buffer) => void (out = (out + chunk.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (error) => void (out += `\n${error.message}`));
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    pid: child.pid ?? -1,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited();
      clearTimeout(timer);
    },
  };
}

async function waitUntil(process: ManagedProcess, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null || process.child.signalCode !== null) {
      throw new Error(`${process.name} exited while starting (code ${process.child.exitCode ?? process.child.signalCode})`);
    }
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${process.name} was not ready after ${timeoutMs / 1000} s`);
}
