// Attempts on the environment and network walls: the canary secret from the environment and from
// other processes' environ files; the internet, the host's loopback, its private addresses and the
// Docker engine's socket.
import type { CountingServer } from "./attack-world.ts";
import { type Attempt, gist, nothingLeaked } from "./attempt.ts";

const canaryFromEnv: Attempt = {
  name: "read the canary secret from env",
  async run({ sh, world }) {
    const result = await sh("env; printenv; set");
    return nothingLeaked(result.output, [world.canary], "the canary");
  },
};

const canaryFromInit: Attempt = {
  name: "read the canary from /proc/1/environ",
  async run({ sh, world }) {
    const result = await sh(
      "tr '\\0' '\\n' < /proc/1/environ; echo; tr '\\0' '\\n' < /proc/1/task/1/environ",
    );
    return nothingLeaked(result.output, [world.canary], "the canary");
  },
};

const canaryFromParent: Attempt = {
  name: "read the canary from the parent's environ",
  async run({ sh, world }) {
    const script = [
      "tr '\\0' '\\n' < /proc/$PPID/environ",
      `tr '\\0' '\\n' < /proc/${process.pid}/environ`,
      `tr '\\0' '\\n' < /proc/${process.ppid}/environ`,
      "for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\"; done 2>/dev/null",
    ].join("\n");
    const result = await sh(script);
    return nothingLeaked(result.output, [world.canary], "the canary");
  },
};

/** A node program that tries each TCP target and DNS name and prints one line per try. */
function probeProgram(targets: { host: string; port: number }[], names: string[] = []): string {
  return `const net = require("node:net"), dns = require("node:dns");
    const interfaces = require("node:fs").readFileSync("/proc/net/dev", "utf8").split("\\n").slice(2)
      .map((line) => line.split(":")[0].trim()).filter(Boolean);
    console.log("interfaces " + interfaces.join(","));
    const tries = ${JSON.stringify(targets)}.map(({ host, port }) => new Promise((done) => {
      const socket = net.connect(port, host);
      socket.setTimeout(5000, () => { console.log("failed " + host + " timeout"); socket.destroy(); done(); });
      socket.on("connect", () => { console.log("connected " + host + ":" + port); socket.destroy(); done(); });
      socket.on("error", (e) => { console.log("failed " + host + " " + e.code); done(); });
    }));
    const lookups = ${JSON.stringify(names)}.map((name) => dns.promises.lookup(name)
      .then((a) => console.log("resolved " + name + " " + a.address), (e) => console.log("failed " + name + " " + e.code)));
    Promise.all([...tries, ...lookups]);`;
}

/** Blocked when no probe connected or resolved and `servers` saw no new connection. */
function noConnection(
  output: string,
  servers: { server: CountingServer; before: number }[],
): {
  blocked: boolean;
  evidence: string;
} {
  const reached = servers.some(({ server, before }) => server.connections > before);
  if (reached || /^(connected|resolved) /m.test(output))
    return { blocked: false, evidence: gist(output.replace(/^interfaces .*\n/m, "")) };
  const interfaces = /^interfaces (.*)$/m.exec(output)?.[1];
  const failures = [...new Set([...output.matchAll(/^failed \S+ (\S+)$/gm)].map((match) => match[1]))];
  const seen = interfaces === undefined ? "" : `interfaces: ${interfaces}; `;
  return { blocked: true, evidence: `${seen}${failures.join(", ") || gist(output)}` };
}

const reachInternet: Attempt = {
  name: "reach the internet",
  async run({ node }) {
    const targets = [
      { host: "1.1.1.1", port: 443 },
      { host: "8.8.8.8", port: 53 },
      { host: "2606:4700:4700::1111", port: 443 },
    ];
    const result = await node(probeProgram(targets, ["example.com", "registry.npmjs.org"]));
    return noConnection(result.output, []);
  },
};

const reachLoopback: Attempt = {
  name: "reach a loopback service on the host",
  async run({ node, world }) {
    const servers = [world.loopback, world.wildcard].map((server) => ({
      server,
      before: server.connections,
    }));
    const targets = [
      { host: "127.0.0.1", port: world.loopback.port },
      { host: "localhost", port: world.loopback.port },
      { host: "127.0.0.1", port: world.wildcard.port },
      { host: "::1", port: world.wildcard.port },
    ];
    const result = await node(probeProgram(targets));
    return noConnection(result.output, servers);
  },
};

const reachPrivateAddress: Attempt = {
  name: "reach a private address (the host's LAN and bridge IPs)",
  async run({ node, world }) {
    const servers = [{ server: world.wildcard, before: world.wildcard.connections }];
    const targets = [...world.privateAddresses, "10.0.0.1", "192.168.0.1", "169.254.169.254"].map((host) => ({
      host,
      port: world.privateAddresses.includes(host) ? world.wildcard.port : 80,
    }));
    const result = await node(probeProgram(targets));
    return noConnection(result.output, servers);
  },
};

const reachDockerSocket: Attempt = {
  name: "talk to the Docker engine's socket",
  async run({ node }) {
    const code = `for (const socket of ["/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock"]) {
      require("node:net").connect(socket)
        .on("connect", function () { console.log("connected " + socket); this.destroy(); })
        .on("error", (e) => console.log("failed " + socket + " " + e.code));
    }`;
    const result = await node(code);
    return noConnection(result.output, []);
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
