// Go setup: `go mod download` fetches the modules go.mod and go.sum name, through the Go proxy.
import { firstRegularFile } from "../repo-files.ts";
import { type SetupDetector, setupCommand } from "../setup-detector.ts";

export const goSetup: SetupDetector = {
  name: "go",
  async detect(worktree) {
    if (!(await firstRegularFile(worktree, ["go.mod"]))) return undefined;
    return {
      ecosystem: "go",
      commands: [setupCommand(["go", "mod", "download"])],
      allowHosts: ["proxy.golang.org", "sum.golang.org"],
      producedDirectories: [],
      notes: ["go.mod: go mod download"],
    };
  },
};
