// Go setup: `go mod download` fetches the modules go.mod and go.sum name, through the Go proxy. Each
// module in its own folder (a tools/ module beside the root one) downloads its own, unless a go.work
// at the root makes them one workspace.
import { firstRegularFile } from "../repo-files.ts";
import { inFolder, type SetupDetector, setupCommand } from "../setup-detector.ts";

export const goSetup: SetupDetector = {
  name: "go",
  isManifest: (name) => name === "go.mod" || name === "go.work",
  async detect(worktree, directory) {
    const manifest = await firstRegularFile(worktree, [
      inFolder(directory, "go.work"),
      inFolder(directory, "go.mod"),
    ]);
    if (!manifest) return undefined;
    return {
      ecosystem: "go",
      commands: [setupCommand(["go", "mod", "download"], directory)],
      allowHosts: ["proxy.golang.org", "sum.golang.org"],
      producedDirectories: [],
      notes: [`${manifest}: go mod download`],
    };
  },
  async installsOnItsOwn(worktree) {
    // A go.work at the root downloads every module of the workspace; otherwise each module is separate.
    return (await firstRegularFile(worktree, ["go.work"])) === undefined;
  },
};
