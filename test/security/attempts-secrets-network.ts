// Attempts on the environment and network walls: the canary secret from the environment and from
// other processes' environ files; the internet, the host's loopback, its private addresses and the
// Docker engine's socket. Each first shows, from the host, that its target is really there.
import { environHolds, fetchFromHost, socketAnswers } from "./attack-servers.ts";
import {
  type AttackResult,
  type Attempt,
  blocked,
  breached,
  gist,
  inconclusive,
  nothingLeaked,
  notRun,
  type Verdict,
} from "./attempt.ts";

const canaryFromEnv: Attempt = {
  name: "read the canary secret from env",
  proves: "platform",
  async run({ sh, world }) {
    const result = await sh("env; printenv; set");
    return nothingLeaked(
      result,
      [world.canary],
      "the canary",
      process.env.SLIPWAY_ATTACK_MODEL_API_KEY === world.canary,
    );
  },
};

const canaryFromInit: Attempt = {
  name: "read the canary from /proc/1/environ",
  proves: "platform",
  async run({ sh, world }) {
    const result = await sh(
      "tr '\\0' '\\n' < /proc/1/environ; echo; tr '\\0' '\\n' < /proc/1/task/1/environ",
    );
    // The control: the file exists; read, or refused (docker's init is root's: Permission denied).
    const read = !/no such file/i.test(result.output);
    return nothingLeaked(result, [world.canary], "the canary", read);
  },
};

const canaryFromParent: Attempt = {
  name: "read the canary from a platform process's environ",
  // Two walls stand here: the pid namespace hides the process, and the user namespace refuses a
  // ptrace-read of a process of the host's namespace even once it is visible (shown: without the
  // pid namespace alone this is still blocked, "Permission denied"); only both gone breaches it.
  proves: "unsandboxed",
  async run({ sh, world }) {
    const holder = world.hostSleeper.pid ?? 0;
    const script = [
      `tr '\\0' '\\n' < /proc/${holder}/environ`,
      "tr '\\0' '\\n' < /proc/$PPID/environ",
      `tr '\\0' '\\n' < /proc/${process.pid}/environ`,
      "for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\"; done 2>/dev/null",
    ].join("\n");
    const result = await sh(script);
    return nothingLeaked(
      result,
      [world.canary],
      `the canary (in pid ${holder}'s environ)`,
      environHolds(holder, world.canary),
    );
  },
};

/** A node program that sends a request to each TCP target and prints one line per try (with what came back). */
function probeProgram(targets: { host: string; port: number }[]): string {
  return `const net = require("node:net");
    const interfaces = require("node:fs").readFileSync("/proc/net/dev", "utf8").split("\\n").slice(2)
      .map((line) => line.split(":")[0].trim()).filter(Boolean);
    console.log("interfaces " + interfaces.join(","));
    for (const { host, port } of ${JSON.stringify(targets)}) {
      const socket = net.connect(port, host);
      let received = "";
      socket.setTimeout(5000, () => { console.log("failed " + host + " timeout"); socket.destroy(); });
      socket.on("connect", () => { console.log("connected " + host + ":" + port); socket.write("GET / HTTP/1.0\\r\\n\\r\\n"); });
      socket.on("data", (chunk) => { received += chunk; });
      socket.on("end", () => console.log("received " + JSON.stringify(received)));
      socket.on("error", (e) => console.log("failed " + host + " " + e.code));
    }`;
}

/**
 * Breached when a probe connected, the host's canary came back, or a host server counted a new
 * connection; inconclusive when the command never ran or the host itself could not reach its target.
 */
function noConnection(
  result: AttackResult,
  world: { networkCanary: string; loopback: { connections: number }; wildcard: { connections: number } },
  before: number,
  control: { reachable: boolean; what: string },
): Verdict {
  const { output } = result;
  const reached = world.loopback.connections + world.wildcard.connections > before;
  if (reached || /^connected /m.test(output) || output.includes(world.networkCanary))
    return breached(gist(output.replace(/^interfaces .*\n/m, "")));
  const didNotRun = notRun(result);
  if (didNotRun) return didNotRun;
  if (!control.reachable) return inconclusive(`the host itself cannot reach ${control.what}`);
  const interfaces = /^interfaces (.*)$/m.exec(output)?.[1];
  const failures = [...new Set([...output.matchAll(/^failed \S+ (\S+)$/gm)].map((match) => match[1]))];
  const seen = interfaces === undefined ? "" : `interfaces: ${interfaces}; `;
  return blocked(`${seen}${failures.join(", ") || gist(output)}; the host reaches ${control.what}`);
}

/** The host's own check: it reads the network canary from `host:port`. */
async function hostReaches(world: { networkCanary: string }, host: string, port: number): Promise<boolean> {
  return (await fetchFromHost(host, port)).includes(world.networkCanary);
}

const connections = (world: { loopback: { connections: number }; wildcard: { connections: number } }) =>
  world.loopback.connections + world.wildcard.connections;

const reachInternet: Attempt = {
  name: "reach the internet (a host server standing in for it)",
  proves: "network",
  async run({ node, world }) {
    // The stand-in on the host's loopback is the target that is surely there (outside the sandbox,
    // reachable from the host). No public address is ever a target: a weakened run would really
    // reach it, and this machine may send traffic only to itself.
    const reachable = await hostReaches(world, "127.0.0.1", world.loopback.port);
    const before = connections(world);
    const targets = [{ host: "127.0.0.1", port: world.loopback.port }];
    const result = await node(probeProgram(targets));
    return noConnection(result, world, before, { reachable, what: "its stand-in server" });
  },
};

const reachLoopback: Attempt = {
  name: "reach a loopback service on the host",
  proves: "network",
  async run({ node, world }) {
    const reachable =
      (await hostReaches(world, "127.0.0.1", world.loopback.port)) &&
      (await hostReaches(world, "127.0.0.1", world.wildcard.port));
    const before = connections(world);
    const targets = [
      { host: "127.0.0.1", port: world.loopback.port },
      { host: "localhost", port: world.loopback.port },
      { host: "127.0.0.1", port: world.wildcard.port },
      { host: "::1", port: world.wildcard.port },
    ];
    const result = await node(probeProgram(targets));
    return noConnection(result, world, before, { reachable, what: "both loopback servers" });
  },
};

const reachPrivateAddress: Attempt = {
  name: "reach a private address (the host's LAN and bridge IPs)",
  proves: "network",
  async run({ node, world }) {
    const answering: string[] = [];
    for (const address of world.privateAddresses)
      if (await hostReaches(world, address, world.wildcard.port)) answering.push(address);
    const before = connections(world);
    // Only this host's own addresses, where its own server listens: other private addresses would
    // leave the machine in a weakened run.
    const targets = world.privateAddresses.map((host) => ({ host, port: world.wildcard.port }));
    const result = await node(probeProgram(targets));
    const what = `its server on ${answering.join(", ") || "no private address"}`;
    return noConnection(result, world, before, { reachable: answering.length > 0, what });
  },
};

const reachDockerSocket: Attempt = {
  name: "talk to the Docker engine's socket",
  proves: "host-root",
  async run({ node, world }) {
    const listening: string[] = [];
    for (const socket of world.sockets.paths) if (await socketAnswers(socket)) listening.push(socket);
    const code = `for (const socket of ${JSON.stringify(world.sockets.paths)}) {
      require("node:net").connect(socket)
        .on("connect", function () { console.log("connected " + socket); this.destroy(); })
        .on("error", (e) => console.log("failed " + socket + " " + e.code));
    }`;
    const result = await node(code);
    if (/^connected /m.test(result.output)) return breached(gist(result.output));
    const didNotRun = notRun(result);
    if (didNotRun) return didNotRun;
    if (listening.length < world.sockets.paths.length)
      return inconclusive(`only ${listening.join(", ") || "none"} of the sockets answer the host`);
    const failures = [
      ...new Set([...result.output.matchAll(/^failed \S+ (\S+)$/gm)].map((match) => match[1])),
    ];
    return blocked(
      `${failures.join(", ") || gist(result.output)}; ${listening.length} sockets answer the host`,
    );
  },
};

export const secretAndNetworkAttempts: Attempt[] = [
  canaryFromEnv,
  canaryFromInit,
  canaryFromParent,
  reachInternet,
  reachLoopback,
  reachPrivateAddress,
  reachDockerSocket,
];
