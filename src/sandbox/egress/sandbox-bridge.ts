// The inside half of the egress path: the sandbox's network namespace holds only `lo`, so a tiny
// bridge listens on 127.0.0.1:<bridgePort> there and forwards each connection to the egress
// proxy's Unix socket, bind-mounted read-only at `insideSocketDirectory`. Programs find it through
// the usual proxy variables. The bridge is socat (or, in a container without socat, node).

/** Where the proxy's socket directory appears inside a sandbox. */
export const insideSocketDirectory = "/run/slipway-egress";
/** The proxy's socket file name, in its directory on the host and inside. */
export const proxySocketName = "proxy.sock";
/** The in-sandbox path of the proxy's socket. */
export const insideSocketPath = `${insideSocketDirectory}/${proxySocketName}`;
/** The port the bridge listens on inside the sandbox (its own network namespace: no clash). */
export const bridgePort = 3128;
/** Connections the socat bridge serves at once (one child process each). */
export const bridgeMaxChildren = 64;
/** A Unix socket path must fit in sockaddr_un.sun_path (108 bytes with the final NUL). */
export const maxSocketPathBytes = 107;

/**
 * The proxy variables for the sandbox: curl, git, pip, npm, cargo and go read them; node reads them
 * for fetch and http with NODE_USE_ENV_PROXY=1. Local addresses bypass the proxy, so a test suite's
 * own servers on localhost keep working (the proxy would refuse them anyway).
 */
export function proxyEnvironment(port: number = bridgePort): Record<string, string> {
  const url = `http://127.0.0.1:${port}`;
  const local = "localhost,127.0.0.1,::1";
  return {
    HTTP_PROXY: url,
    HTTPS_PROXY: url,
    http_proxy: url,
    https_proxy: url,
    NO_PROXY: local,
    no_proxy: local,
    NODE_USE_ENV_PROXY: "1",
  };
}

/** `0100007F:0C38`: how /proc/net/tcp writes 127.0.0.1:<port> (little-endian address, hex port). */
function procNetLocal(port: number): string {
  return `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * A shell fragment defining `slipway_bridge_ready`, which succeeds once something listens on
 * 127.0.0.1:`port` in this network namespace. It reads /proc/net/tcp with shell builtins (no grep
 * needed): first without pausing, as the bridge usually listens within a few reads and a `sleep`
 * would cost more than the wait, then every 10 ms; it gives up after 2,000 + 200 reads (~3 s).
 */
export function waitForBridgeScript(port: number = bridgePort): string {
  return [
    "slipway_bridge_ready() {",
    "  i=0",
    '  while [ "$i" -lt 2200 ]; do',
    "    while read -r _ local _ state _; do",
    `      [ "$local" = ${procNetLocal(port)} ] && [ "$state" = 0A ] && return 0`,
    "    done < /proc/net/tcp",
    "    i=$((i + 1))",
    '    [ "$i" -gt 2000 ] && sleep 0.01',
    "  done",
    "  return 1",
    "}",
  ].join("\n");
}

/** The socat arguments of the bridge: TCP on 127.0.0.1:`port` to the Unix socket `socketPath`. */
export function socatBridgeArguments(
  socketPath: string = insideSocketPath,
  port: number = bridgePort,
): string[] {
  return [
    `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,backlog=64,max-children=${bridgeMaxChildren}`,
    `UNIX-CONNECT:${socketPath}`,
  ];
}

const bridgeFailed =
  'echo "slipway: the egress bridge did not start inside the sandbox; no allowed host can be reached" >&2';

/**
 * The argv that starts the socat bridge (`socatPath`, a path valid inside), waits until it listens,
 * then execs `argv`. The bridge is started from a subshell so it is not the command's child: a
 * command that waits for all its children does not wait for it. It dies with the sandbox's pid
 * namespace when the command ends.
 */
export function bridgedArgv(socatPath: string, argv: string[]): string[] {
  const script = [
    waitForBridgeScript(),
    "s=$1; shift",
    `("$s" ${socatBridgeArguments()
      .map((argument) => `'${argument}'`)
      .join(" ")} </dev/null >/dev/null 2>&1 &)`,
    `slipway_bridge_ready || { ${bridgeFailed}; exit 125; }`,
    'exec "$@"',
  ].join("\n");
  return ["sh", "-c", script, "slipway-egress", socatPath, ...argv];
}

/**
 * A node program (run with `node -e`) that does what the socat bridge does, for a container with
 * node and no socat: one process, each connection piped to a new connection to the socket.
 */
export const nodeBridgeProgram = [
  'const net = require("node:net");',
  "const server = net.createServer((client) => {",
  `  const proxy = net.connect(${JSON.stringify(insideSocketPath)});`,
  "  const end = () => { client.destroy(); proxy.destroy(); };",
  '  client.on("error", end); proxy.on("error", end); client.on("close", end); proxy.on("close", end);',
  "  client.pipe(proxy); proxy.pipe(client);",
  "});",
  `server.maxConnections = ${bridgeMaxChildren};`,
  `server.listen(${bridgePort}, "127.0.0.1");`,
].join("\n");

/**
 * The argv (for a container) that starts a long-lived bridge in its own session, detached from
 * this exec's output, and exits 0 once it listens (1 if it does not within ~2 s). `program` is
 * `socat` or `node`, found on the container's PATH.
 */
export function detachedBridgeArgv(program: "socat" | "node", pidFile?: string): string[] {
  const start =
    program === "socat"
      ? `setsid socat ${socatBridgeArguments()
          .map((argument) => `'${argument}'`)
          .join(" ")}`
      : 'setsid node -e "$1"';
  const script = [
    waitForBridgeScript(),
    `${start} </dev/null >/dev/null 2>&1 &`,
    // Recorded so the container's reaper of leftover processes spares the bridge.
    ...(pidFile ? [`echo $! > '${pidFile}'`] : []),
    "slipway_bridge_ready",
  ].join("\n");
  return ["sh", "-c", script, "slipway-egress-bridge", nodeBridgeProgram];
}
