// The vocabulary of the bwrap mount layout: one typed step per bwrap mount option, in order.

/** What the sandboxed user is called and where its world lives inside the sandbox. */
export const sandboxUser = { uid: 1000, gid: 1000, name: "sandbox", home: "/home/sandbox" } as const;

/**
 * One mount operation, applied by bwrap in order. Anything not named by a step does not exist
 * inside the sandbox: the root is an empty tmpfs.
 */
export type MountStep =
  | { kind: "ro-bind"; source: string; target: string }
  | { kind: "bind"; source: string; target: string }
  | { kind: "symlink"; linkTarget: string; path: string }
  | { kind: "dir"; path: string }
  | { kind: "tmpfs"; path: string; sizeBytes: number; mode: string }
  | { kind: "proc"; path: string }
  | { kind: "dev"; path: string }
  | { kind: "remount-ro"; path: string };

/** The bwrap options for one step. */
export function mountStepArguments(step: MountStep): string[] {
  switch (step.kind) {
    case "ro-bind":
      return ["--ro-bind", step.source, step.target];
    case "bind":
      return ["--bind", step.source, step.target];
    case "symlink":
      return ["--symlink", step.linkTarget, step.path];
    case "dir":
      return ["--dir", step.path];
    case "tmpfs":
      return ["--size", String(step.sizeBytes), "--perms", step.mode, "--tmpfs", step.path];
    case "proc":
      return ["--proc", step.path];
    case "dev":
      return ["--dev", step.path];
    case "remount-ro":
      return ["--remount-ro", step.path];
  }
}
