// `slipway init`: write a commented slipway.yaml with every key at its default.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { renderConfigTemplate } from "../config/config-template.ts";
import { configFileName } from "../config/load-config.ts";
import { InputError } from "../core/errors.ts";

export function registerInitCommand(program: Command): void {
  program
    .command("init")
    .description(`write a commented ${configFileName} in the current directory`)
    .option("--force", "overwrite an existing file", false)
    .action((flags: { force: boolean }) => {
      const file = path.join(process.cwd(), configFileName);
      if (existsSync(file) && !flags.force) {
        throw new InputError(`${file} exists already: edit it, or pass --force to overwrite it`);
      }
      writeFileSync(file, renderConfigTemplate());
      process.stdout.write(`wrote ${file}\n`);
    });
}
