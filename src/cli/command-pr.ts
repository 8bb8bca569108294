// `slipway pr list|show|approve|close|comment|watch`: the pull requests runs opened, the local
// forge's review requests (a person approves or closes them here; Slipway never merges), and the
// shepherding of open ones (command-pr-watch.ts).
import type { Command } from "commander";
import { slipwayCommentMarker } from "../forge/forge.ts";
import { localForgeName } from "../forge/local/local-forge.ts";
import { approveLocalReview, closeLocalReview } from "../forge/local/local-review.ts";
import type { GlobalOptions } from "./app-context.ts";
import { noStoreLine } from "./app-context.ts";
import { registerComment, registerWatch } from "./command-pr-watch.ts";
import { positiveInteger } from "./option-parsers.ts";
import { renderPullRequest, renderPullRequestTable } from "./pr-format.ts";
import { findOne, forgeName, noPullRequest, pullRequestNumber, withApp } from "./pr-lookup.ts";

interface JsonFlag {
  json: boolean;
}

function registerList(pr: Command, global: () => GlobalOptions): void {
  pr.command("list")
    .description("list pull requests and review requests, newest first")
    .option("--limit <n>", "how many", positiveInteger, 50)
    .option("--forge <name>", "only this forge's (local, github, gitlab)", forgeName)
    .option("--json", "print JSON", false)
    .action((flags: JsonFlag & { limit: number; forge?: string }) =>
      withApp(
        global,
        async (app) => {
          const records = await app.store.listPullRequests({ forge: flags.forge, limit: flags.limit });
          return flags.json ? JSON.stringify(records, null, 2) : renderPullRequestTable(records);
        },
        (dataDir) => (flags.json ? "[]" : noStoreLine(dataDir)),
      ),
    );
}

function registerShow(pr: Command, global: () => GlobalOptions): void {
  pr.command("show")
    .description("print one pull request: state, branch, run, body and comments")
    .argument("<number>", "its number, as `slipway pr list` shows it", pullRequestNumber)
    .option("--forge <name>", "which forge's #<number>, when several have one", forgeName)
    .option("--json", "print JSON", false)
    .action((number: number, flags: JsonFlag & { forge?: string }) =>
      withApp(
        global,
        async (app) => {
          const record = await findOne(app, number, flags.forge);
          const comments = await app.store.listPullRequestComments(record);
          return flags.json
            ? JSON.stringify({ pullRequest: record, comments }, null, 2)
            : renderPullRequest(
                record,
                // The marker is for machines; a person reading the thread sees the author instead.
                comments.map((comment) => ({
                  ...comment,
                  body: comment.body.replace(slipwayCommentMarker, ""),
                })),
              );
        },
        noPullRequest(number),
      ),
    );
}

function registerReviewAction(
  pr: Command,
  global: () => GlobalOptions,
  name: "approve" | "close",
  description: string,
): void {
  pr.command(name)
    .description(description)
    .argument("<number>", "the local review request's number", pullRequestNumber)
    .option("--json", "print the review request as JSON", false)
    .action((number: number, flags: JsonFlag) =>
      withApp(
        global,
        async (app) => {
          const record =
            name === "approve"
              ? await approveLocalReview(app.store, number)
              : await closeLocalReview(app.store, number);
          if (flags.json) return JSON.stringify(record, null, 2);
          return name === "approve"
            ? `approved review request #${number} at ${record.headSha.slice(0, 12)}: merge ${record.head} into ${record.base} in ${record.repository} when you are ready (Slipway never merges)`
            : `closed review request #${number}; branch ${record.head} stays in ${record.repository}, and Slipway will not reopen it`;
        },
        noPullRequest(number),
      ),
    );
}

export function registerPrCommand(program: Command, global: () => GlobalOptions): void {
  const pr = program
    .command("pr")
    .description(
      `pull requests runs opened: list, show, watch (CI and /slipway follow-ups); approve, close or comment on the ${localForgeName} forge's review requests`,
    );
  registerList(pr, global);
  registerShow(pr, global);
  registerReviewAction(pr, global, "approve", "approve a local review request (Slipway never merges)");
  registerReviewAction(pr, global, "close", "close a local review request; Slipway will not reopen it");
  registerComment(pr, global);
  registerWatch(pr, global);
  for (const command of pr.commands) command.exitOverride();
  pr.exitOverride();
}
