// A "workload" inside one harness network namespace (run with `ip netns exec`):
// answers on the TCP and UDP ports its pod declares, and probes other addresses
// on request from the test process. Requests arrive over a unix socket, which
// lives in the filesystem and so crosses network namespaces without any route.
//
// usage: node agent.ts <name> <control.sock> '<[{"port":8080,"protocol":"TCP"},...]>'
// Prints "ready" once every listener and the control socket are bound.
import dgram from 'node:dgram';
import net from 'node:net';
import { rmSync } from 'node:fs';

interface Port {
  port: number;
  protocol: 'TCP' | 'UDP';
}
interface ProbeRequest {
  id: number;
  host: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  timeoutMs: number;
  /** The agent name expected to answer; a different answer is a failure, not a success. */
  expect: string;
}

const [name, control, portsJson] = process.argv.slice(2);
if (!name || !control || !portsJson) {
  process.stderr.write('usage: agent.ts <name> <control.sock> <ports-json>\n');
  process.exit(2);
}
const banner = `floe-agent ${name}\n`;

function listenTcp(port: number): Promise<void> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end(banner);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '0.0.0.0' }, () => resolve());
  });
}

function listenUdp(port: number): Promise<void> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (_msg, rinfo) => socket.send(banner, rinfo.port, rinfo.address));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '0.0.0.0', () => resolve());
  });
}

function probeTcp(req: ProbeRequest): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    const socket = net.connect({ host: req.host, port: req.port });
    const finish = (result: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish('timeout'), req.timeoutMs);
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\n')) finish(data === `floe-agent ${req.expect}\n` ? 'ok' : `wrong peer: ${data.trim()}`);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.on('end', () => finish(data ? `wrong peer: ${data.trim()}` : 'closed'));
  });
}

// UDP probes take their source ports in turn from this range, never a random ephemeral port: a
// reused port would repeat the 5-tuple of an earlier, allowed probe, and the firewall's conntrack
// entry for it (ESTABLISHED, kept 30-120 s) would let the datagram through whatever the policies now say.
const UDP_SOURCE_FIRST = 40_000;
const UDP_SOURCE_COUNT = 20_000;
let udpSourceNext = 0;

function probeUdp(req: ProbeRequest, attempt = 0): Promise<string> {
  const sourcePort = UDP_SOURCE_FIRST + (udpSourceNext++ % UDP_SOURCE_COUNT);
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    let done = false;
    const finish = (result: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    // A UDP probe passes only on an answer: a datagram that was sent proves nothing.
    const timer = setTimeout(() => finish('timeout'), req.timeoutMs);
    socket.on('message', (msg) => finish(msg.toString() === `floe-agent ${req.expect}\n` ? 'ok' : `wrong peer: ${msg.toString().trim()}`));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' && attempt < 10 && !done) {
        done = true;
        clearTimeout(timer);
        socket.close();
        resolve(probeUdp(req, attempt + 1));
      } else finish(error.code ?? error.message);
    });
    // Connected, so an ICMP port-unreachable (a REJECT) surfaces as ECONNREFUSED instead of a timeout.
    socket.bind(sourcePort, '0.0.0.0', () => socket.connect(req.port, req.host, () => socket.send('probe')));
  });
}

const ports = JSON.parse(portsJson) as Port[];
await Promise.all(ports.map((p) => (p.protocol === 'UDP' ? listenUdp(p.port) : listenTcp(p.port))));

rmSync(control, { force: true });
const server = net.createServer((conn) => {
  let buffer = '';
  conn.on('error', () => {});
  conn.on('data', (chunk) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const req = JSON.parse(buffer.slice(0, nl)) as ProbeRequest;
      buffer = buffer.slice(nl + 1);
      void (req.protocol === 'UDP' ? probeUdp(req) : probeTcp(req)).then((result) => {
        if (!conn.destroyed) conn.write(`${JSON.stringify({ id: req.id, result })}\n`);
      });
    }
  });
});
server.listen(control, () => process.stdout.write('ready\n'));
// The test process owns this agent: when it goes away (stdin closes), so does the agent.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
