// Byte relay that carries kube-router's API connection out of the node network
// namespace without any route or veth to the machine's own interfaces: a TCP
// listener on the node namespace's loopback forwards to a unix socket, and the
// test process (in the host namespace) forwards that socket to the API server
// on the host's 127.0.0.1. A socket file is reachable from every namespace.
//
// usage (inside the node namespace): node relay.ts <listen-port> <unix.sock>
import net from 'node:net';

const [portArg, sock] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || !sock) {
  process.stderr.write('usage: relay.ts <listen-port> <unix.sock>\n');
  process.exit(2);
}
const server = net.createServer((client) => {
  const upstream = net.connect(sock);
  client.pipe(upstream).pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
server.listen({ port, host: '127.0.0.1' }, () => process.stdout.write('ready\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
