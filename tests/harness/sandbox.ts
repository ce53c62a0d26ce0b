// The sealed network of tests/enforcement: one "node" network namespace and, for
// every pod or outside host, a namespace of its own joined to the node by a veth
// pair. Everything here lives in namespaces this file creates (names start with
// PREFIX): the node namespace is connected to the pod and host namespaces only —
// no veth or route to the machine's own interfaces, no NAT, no default route —
// so a packet a policy lets through can only reach another harness namespace.
// kube-router runs inside the node namespace; it reaches the API server through
// a unix-socket relay (see relay.ts), not through a route.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { openSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './cluster.ts';
import { ENFORCEMENT_TOOLS } from './prerequisites.ts';

const execFileAsync = promisify(execFile);

/** Every network namespace the harness creates starts with this; leftovers from a crash are recognised by it. */
export const PREFIX = 'floe-enf-';
export const NODE_NS = `${PREFIX}node`;
export const NODE_NAME = `${PREFIX}node`;
export const NODE_IP = '10.250.0.1';
export const POD_CIDR = '10.244.0.0/24';
export const SERVICE_CIDR = '10.0.0.0/24';
const RELAY_PORT = 6443;
const AGENT = join(REPO_ROOT, 'tests/harness/netns/agent.ts');
const RELAY = join(REPO_ROOT, 'tests/harness/netns/relay.ts');
const KUBE_ROUTER_BUILD = join(REPO_ROOT, 'tests/harness/build-kube-router.sh');

export type Protocol = 'TCP' | 'UDP';
export interface PortSpec {
  port: number;
  protocol: Protocol;
}
export interface EndpointSpec {
  /** Unique name; the agent answers probes with it, so a probe that reaches the wrong host fails. */
  name: string;
  ip: string;
  ports: PortSpec[];
}
interface Endpoint extends EndpointSpec {
  netns: string;
  veth: string;
  control: string;
  agent?: ChildProcess;
  conn?: net.Socket;
  pending: Map<number, (result: string) => void>;
}

async function sh(script: string): Promise<string> {
  try {
    return (await execFileAsync('bash', ['-euo', 'pipefail', '-c', script], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`sandbox command failed: ${e.stderr?.trim() || e.message}\n--- script ---\n${script}`);
  }
}

async function onPath(tool: string): Promise<boolean> {
  try {
    await execFileAsync('bash', ['-c', `command -v ${tool}`]);
    return true;
  } catch {
    return false;
  }
}

export async function kubeRouterPath(): Promise<string> {
  const { stdout } = await execFileAsync('bash', [KUBE_ROUTER_BUILD, '--print-dir']);
  return join(stdout.trim(), 'kube-router');
}

/** What this machine lacks for the enforcement suite, each with its fix; empty when it can run. */
export async function missingPrerequisites(): Promise<string[]> {
  const missing: string[] = [];
  if (process.platform !== 'linux') missing.push(`Linux network namespaces (this is ${process.platform})`);
  if (process.getuid?.() !== 0) missing.push('root: network namespaces, veth pairs and iptables need it (run as root, e.g. in the CI container)');
  for (const [tool, pkg] of ENFORCEMENT_TOOLS) {
    if (!(await onPath(tool))) missing.push(`${tool} (Debian package "${pkg}": apt-get install -y ${pkg}; ./pnpmw test does this as root)`);
  }
  const kr = await kubeRouterPath();
  if (!existsSync(kr)) missing.push(`kube-router binary ${kr} (build it: ./pnpmw cluster:build)`);
  return missing;
}

/** The host namespace's firewall and routing state; must be identical before and after a run. */
export async function hostSnapshot(): Promise<string> {
  // Comments carry timestamps and chain counters move with unrelated traffic; neither is state.
  const clean = (s: string) =>
    s
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) => l.replace(/\[\d+:\d+\]$/, ''))
      .join('\n');
  const parts = await Promise.all([
    sh('iptables-save').then(clean),
    sh('ip6tables-save').then(clean),
    sh('ipset list -n'),
    sh('ip route'),
    sh('ip -6 route'),
    sh('ip -o link show | cut -d: -f2'),
  ]);
  return ['iptables', 'ip6tables', 'ipsets', 'routes', 'routes6', 'links'].map((k, i) => `## ${k}\n${parts[i]}`).join('\n');
}

/** Removes every namespace (and with it every veth, iptables rule and ipset inside) and process a previous run left. */
export async function reapLeftovers(): Promise<string[]> {
  const list = await sh('ip netns list | cut -d" " -f1');
  const ours = list.split('\n').filter((n) => n.startsWith(PREFIX));
  for (const ns of ours) {
    // Only processes inside our own namespace are killed, by pid.
    const pids = (await sh(`ip netns pids ${ns} || true`)).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sh(`ip netns del ${ns} || true`);
  }
  return ours;
}

function waitReady(child: ChildProcess, what: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what} not ready after ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited ${code} before it was ready: ${err.trim()}`));
    });
  });
}

export interface KubeRouterOptions {
  /** The test kubeconfig, flattened (`kubectl config view --raw --minify --flatten -o json`); its server must be on the host's loopback. */
  kubeconfig: { clusters?: { cluster?: { server?: string } }[] };
  extraArgs?: string[];
}

export class Sandbox {
  readonly runDir: string;
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly byIp = new Map<string, Endpoint>();
  private relayServer?: net.Server;
  private relay?: ChildProcess;
  private kubeRouter?: ChildProcess;
  private nextIndex = 0;
  private nextId = 0;

  private constructor(runDir: string) {
    this.runDir = runDir;
  }

  /** A fresh node namespace (leftovers of a crashed run are removed first). */
  static async create(runDir: string): Promise<Sandbox> {
    await reapLeftovers();
    await mkdir(runDir, { recursive: true });
    const sandbox = new Sandbox(runDir);
    // Per-namespace sysctls: forwarding between the pod veths, proxy ARP so a pod's
    // on-link default route reaches every other harness address, no reverse-path filter,
    // and no ICMP rate limit, so every REJECT answers at once instead of timing out.
    await sh(`
      ip netns add ${NODE_NS}
      ip -n ${NODE_NS} link set lo up
      ip -n ${NODE_NS} addr add ${NODE_IP}/32 dev lo
      ip netns exec ${NODE_NS} sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
        net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.default.proxy_arp=1 \
        net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=1000000 net.ipv4.icmp_msgs_burst=1000000
    `);
    return sandbox;
  }

  /** Namespaces, veths and /32 routes for the endpoints, then one agent each (listeners + prober). */
  async addEndpoints(specs: EndpointSpec[]): Promise<void> {
    const created: Endpoint[] = [];
    let script = '';
    for (const spec of specs) {
      if (this.endpoints.has(spec.name)) throw new Error(`endpoint ${spec.name} exists`);
      const i = this.nextIndex++;
      const ep: Endpoint = {
        ...spec,
        netns: `${PREFIX}e${i}`,
        veth: `fenf${i}`,
        control: join(this.runDir, `e${i}.sock`),
        pending: new Map(),
      };
      created.push(ep);
      this.endpoints.set(ep.name, ep);
      this.byIp.set(ep.ip, ep);
      // The pair is created inside the node namespace, so no interface ever appears in the host's.
      // Proxy ARP answers after a random delay of up to 0.8 s unless proxy_delay is 0.
      script += `
        ip netns add ${ep.netns}
        ip -n ${NODE_NS} link add ${ep.veth} type veth peer name eth0 netns ${ep.netns}
        ip -n ${ep.netns} link set lo up
        ip -n ${ep.netns} addr add ${ep.ip}/32 dev eth0
        ip -n ${ep.netns} link set eth0 up
        ip -n ${ep.netns} route add default dev eth0
        ip -n ${NODE_NS} link set ${ep.veth} up
        ip -n ${NODE_NS} route add ${ep.ip}/32 dev ${ep.veth}
        ip netns exec ${NODE_NS} sysctl -qw net.ipv4.neigh.${ep.veth}.proxy_delay=0
      `;
    }
    await sh(script);
    await Promise.all(created.map((ep) => this.startAgent(ep)));
  }

  private async startAgent(ep: Endpoint): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', ep.netns, process.execPath, AGENT, ep.name, ep.control, JSON.stringify(ep.ports)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    ep.agent = child;
    await waitReady(child, `agent ${ep.name}`);
    const conn = net.connect(ep.control);
    await new Promise<void>((resolve, reject) => {
      conn.once('connect', resolve);
      conn.once('error', reject);
    });
    let buffer = '';
    conn.on('data', (chunk) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const { id, result } = JSON.parse(buffer.slice(0, nl)) as { id: number; result: string };
        buffer = buffer.slice(nl + 1);
        ep.pending.get(id)?.(result);
        ep.pending.delete(id);
      }
    });
    ep.conn = conn;
  }

  endpoint(name: string): EndpointSpec {
    const ep = this.endpoints.get(name);
    if (!ep) throw new Error(`no endpoint ${name}`);
    return ep;
  }

  /**
   * Whether `from` can open a connection to `toIp:port` (TCP: the peer's banner is read back;
   * UDP: an answer arrives). Runs inside the source's namespace. Returns "ok" or why not.
   */
  async probe(from: string, toIp: string, port: number, protocol: Protocol, timeoutMs = 1500): Promise<string> {
    const src = this.endpoints.get(from);
    const dst = this.byIp.get(toIp);
    if (!src?.conn) throw new Error(`no running endpoint ${from}`);
    if (!dst) throw new Error(`${toIp} is not a harness address: probes never leave the sandbox`);
    const id = this.nextId++;
    return new Promise((resolve) => {
      src.pending.set(id, resolve);
      src.conn!.write(`${JSON.stringify({ id, host: toIp, port, protocol, timeoutMs, expect: dst.name })}\n`);
    });
  }

  async canConnect(from: string, toIp: string, port: number, protocol: Protocol, timeoutMs?: number): Promise<boolean> {
    return (await this.probe(from, toIp, port, protocol, timeoutMs)) === 'ok';
  }

  /** kube-router's firewall only, inside the node namespace, talking to the API server through the relay. */
  async startKubeRouter(options: KubeRouterOptions): Promise<void> {
    const cluster = options.kubeconfig.clusters?.[0]?.cluster;
    const server = /^https:\/\/127\.0\.0\.1:(\d+)\/?$/.exec(cluster?.server ?? '');
    if (!cluster || !server) throw new Error(`the enforcement suite needs the local control plane (server https://127.0.0.1:<port>), not ${cluster?.server}`);
    const apiPort = Number(server[1]);
    const sock = join(this.runDir, 'api.sock');
    await rm(sock, { force: true });
    this.relayServer = net.createServer((client) => {
      const upstream = net.connect({ host: '127.0.0.1', port: apiPort });
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.relayServer!.listen(sock, resolve));
    this.relay = spawn('ip', ['netns', 'exec', NODE_NS, process.execPath, RELAY, String(RELAY_PORT), sock], { stdio: ['pipe', 'pipe', 'pipe'] });
    await waitReady(this.relay, 'API relay');

    const nodeKubeconfig = join(this.runDir, 'node-kubeconfig');
    // The API server's certificate covers 127.0.0.1, which is the relay's address inside the node namespace.
    cluster.server = `https://127.0.0.1:${RELAY_PORT}`;
    await writeFile(nodeKubeconfig, JSON.stringify(options.kubeconfig), { mode: 0o600 });
    const log = openSync(join(this.runDir, 'kube-router.log'), 'w');
    this.kubeRouter = spawn(
      'ip',
      [
        'netns', 'exec', NODE_NS, await kubeRouterPath(),
        `--kubeconfig=${nodeKubeconfig}`,
        '--run-firewall=true', '--run-router=false', '--run-service-proxy=false',
        `--hostname-override=${NODE_NAME}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--health-port=0', '--metrics-port=0',
        // Tests change policies through API events; a periodic resync mid-probe would only add
        // moments where a sync has written its ipsets but not yet its rules.
        '--iptables-sync-period=1h',
        ...(options.extraArgs ?? []),
      ],
      { stdio: ['ignore', log, log] },
    );
  }

  get kubeRouterLog(): string {
    return join(this.runDir, 'kube-router.log');
  }

  kubeRouterAlive(): boolean {
    return this.kubeRouter !== undefined && this.kubeRouter.exitCode === null && this.kubeRouter.signalCode === null;
  }

  /** The node namespace's iptables rules (where kube-router writes). */
  nodeRules(): Promise<string> {
    return sh(`ip netns exec ${NODE_NS} iptables-save`);
  }

  /** The node namespace's routes and interface names, to show it is sealed. */
  async nodeNetwork(): Promise<{ routes: string[]; routes6: string[]; links: string[]; addresses: string[] }> {
    const lines = (t: string) => t.split('\n').map((l) => l.trim()).filter(Boolean);
    return {
      routes: lines(await sh(`ip -n ${NODE_NS} -4 route show`)),
      routes6: lines(await sh(`ip -n ${NODE_NS} -6 route show`)),
      links: lines(await sh(`ip -n ${NODE_NS} -o link show | cut -d: -f2 | cut -d@ -f1`)),
      addresses: lines(await sh(`ip -n ${NODE_NS} -o addr show | awk '{print $2" "$4}'`)),
    };
  }

  /** The node namespace's ipsets (kube-router's pod and ipBlock sets). */
  nodeIpsets(): Promise<string> {
    return sh(`ip netns exec ${NODE_NS} ipset save`);
  }

  async teardown(): Promise<void> {
    for (const ep of this.endpoints.values()) {
      ep.conn?.destroy();
      ep.agent?.kill('SIGKILL');
    }
    this.relay?.kill('SIGKILL');
    this.kubeRouter?.kill('SIGTERM');
    await new Promise<void>((resolve) => (this.relayServer ? this.relayServer.close(() => resolve()) : resolve()));
    // Deleting the namespaces removes the veths, routes, iptables chains and ipsets inside them.
    await reapLeftovers();
    await rm(this.runDir, { recursive: true, force: true });
  }
}
