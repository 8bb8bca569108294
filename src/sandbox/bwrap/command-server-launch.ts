// How a bwrap sandbox's long-lived process space is started: the node that runs the command server
// and the server's file, both mounted read-only, and the server's settings (the egress bridge it
// keeps running when the sandbox allows hosts).
import { realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bridgePort, socatBridgeArguments } from "../egress/sandbox-bridge.ts";
import { isWithin, type ProtectedPaths, unsafeMountReason } from "../mount-safety.ts";
import type { MountStep } from "./mount-step.ts";
import { installationRoot, systemDirectories } from "./toolchain-mounts.ts";

// The server sits beside this file: `.ts` when run from source, `.js` when run from the build (dist/).
const ownExtension = path.extname(fileURLToPath(import.meta.url));

/**
 * Where the command server's file is mounted inside the sandbox. The built server is mounted as
 * `.mjs` so node reads it as a module there, where no package.json says `"type": "module"`.
 */
export const insideServerPath = `/run/slipway/command-server${ownExtension === ".ts" ? ".ts" : ".mjs"}`;

const serverSource = fileURLToPath(new URL(`./command-server${ownExtension}`, import.meta.url));

export interface CommandServerLayout {
  /** Mounts the server needs on top of the sandbox's layout (node's installation, the server file). */
  steps: MountStep[];
  /** The node executable, at the same path inside as on the host. */
  nodePath: string;
}

/**
 * The mounts that let the platform's own node run the command server inside, or the reason it
 * cannot (node installed inside a protected directory). `mountedDirectories` are those the layout
 * mounts already.
 */
export function commandServerLayout(
  protectedPaths: ProtectedPaths | readonly string[],
  mountedDirectories: string[],
  nodeExecutable: string = process.execPath,
): CommandServerLayout | { problem: string } {
  const nodePath = realpathSync(nodeExecutable);
  const root = installationRoot(nodePath, nodePath);
  const covered = [...systemDirectories, ...mountedDirectories].some((directory) =>
    isWithin(root, directory),
  );
  const steps: MountStep[] = [];
  if (!covered) {
    const unsafe = unsafeMountReason(root, protectedPaths);
    if (unsafe) return { problem: `node's installation ${root} cannot be mounted: ${unsafe}` };
    steps.push({ kind: "ro-bind", source: root, target: root });
  }
  steps.push({ kind: "ro-bind", source: realpathSync(serverSource), target: insideServerPath });
  return { steps, nodePath };
}

/** The argv inside the sandbox that runs the server, with the egress bridge when `socatPath` is given. */
export function commandServerArgv(nodePath: string, socatPath: string | undefined): string[] {
  const bridge = socatPath ? { argv: [socatPath, ...socatBridgeArguments()], port: bridgePort } : undefined;
  return [nodePath, "--no-warnings", path.posix.normalize(insideServerPath), JSON.stringify({ bridge })];
}

/** The sandbox's layout with the server's mounts added before the root is made read-only. */
export function withCommandServer(steps: MountStep[], server: CommandServerLayout): MountStep[] {
  const sealed = steps.findIndex((step) => step.kind === "remount-ro" && step.path === "/");
  const at = sealed === -1 ? steps.length : sealed;
  return [...steps.slice(0, at), ...server.steps, ...steps.slice(at)];
}
