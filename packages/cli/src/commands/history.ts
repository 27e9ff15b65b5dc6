/** `commit`, `log`, `diff` and `merge`. */
import type { Command } from "commander";
import type { Change, Commit } from "lakefs-ts";
import { collect, contextOf, keyValues, positiveInteger, refUri, repo } from "../context.js";
import { UsageError } from "../exit-codes.js";
import type { CliIO } from "../output.js";

function commitJson(commit: Commit) {
  return {
    id: commit.id,
    parents: commit.parents,
    committer: commit.committer,
    message: commit.message,
    creation_date: Math.floor(commit.creationDate.getTime() / 1000),
    meta_range_id: commit.metaRangeId,
    metadata: commit.metadata,
  };
}

function commitLines(commit: Commit): string[] {
  const lines = [
    `ID:            ${commit.id}`,
    `Author:        ${commit.committer}`,
    `Date:          ${commit.creationDate.toISOString()}`,
  ];
  if (commit.parents.length > 1) lines.push(`Merge:         ${commit.parents.join(" ")}`);
  lines.push("", `    ${commit.message}`);
  for (const [k, v] of Object.entries(commit.metadata)) lines.push(`    ${k} = ${v}`);
  return [...lines, ""];
}

const SIGN: Record<string, string> = { added: "+", removed: "-", changed: "~", conflict: "!" };

function changeJson(change: Change) {
  return {
    type: change.type,
    path: change.path,
    path_type: change.pathType,
    size_bytes: change.sizeBytes,
  };
}

export function registerHistory(program: Command, io: CliIO): void {
  program
    .command("commit")
    .description("commit a branch's staged changes")
    .argument("<uri>", "lakefs://repository/branch")
    .requiredOption("-m, --message <message>", "commit message")
    .option("--meta <key=value>", "commit metadata (repeatable)", collect)
    .option("--allow-empty", "commit even when nothing changed")
    .action(
      async (
        uri: string,
        flags: { message: string; meta?: string[]; allowEmpty?: boolean },
        command: Command,
      ) => {
        const context = contextOf(command, io);
        const target = refUri(uri);
        const commit = await repo(context, target.repository)
          .branch(target.ref)
          .commit(flags.message, { metadata: keyValues(flags.meta), allowEmpty: flags.allowEmpty });
        context.output.result(commitJson(commit), () => [
          `Branch: ${uri}`,
          "Commit for branch completed.",
          "",
          ...commitLines(commit),
        ]);
      },
    );

  program
    .command("log")
    .description("commit history of a ref, newest first")
    .argument("<uri>", "lakefs://repository/ref")
    .option("-n, --amount <n>", "at most this many commits", positiveInteger)
    .option("--first-parent", "follow only the first parent of merges")
    .action(
      async (uri: string, flags: { amount?: number; firstParent?: boolean }, command: Command) => {
        const context = contextOf(command, io);
        const target = refUri(uri);
        const commits: Commit[] = [];
        const log = repo(context, target.repository)
          .ref(target.ref)
          .log({ maxAmount: flags.amount, firstParent: flags.firstParent });
        for await (const commit of log) commits.push(commit);
        context.output.result(commits.map(commitJson), () => commits.flatMap(commitLines));
      },
    );

  program
    .command("diff")
    .description("uncommitted changes of a branch, or the changes between two refs")
    .argument("<left>", "lakefs://repository/ref (alone: a branch's uncommitted changes)")
    .argument("[right]", "lakefs://repository/ref to compare with")
    .option("--prefix <prefix>", "only paths under this prefix")
    .option("--two-way", "tree against tree instead of changes since the merge base")
    .action(
      async (
        left: string,
        right: string | undefined,
        flags: { prefix?: string; twoWay?: boolean },
        command: Command,
      ) => {
        const context = contextOf(command, io);
        const from = refUri(left);
        const repository = repo(context, from.repository);
        let changes: AsyncIterable<Change>;
        if (right === undefined) {
          changes = repository.branch(from.ref).uncommitted({ prefix: flags.prefix });
        } else {
          const to = refUri(right);
          if (to.repository !== from.repository)
            throw new UsageError("diff compares refs of one repository");
          changes = repository.ref(from.ref).diff(to.ref, {
            prefix: flags.prefix,
            type: flags.twoWay ? "two_dot" : "three_dot",
          });
        }
        const rows: Change[] = [];
        for await (const change of changes) rows.push(change);
        context.output.result(rows.map(changeJson), () =>
          rows.length === 0
            ? "No changes"
            : rows.map((c) => `${SIGN[c.type] ?? "?"} ${c.type} ${c.path}`),
        );
      },
    );

  program
    .command("merge")
    .description("merge a ref into a branch")
    .argument("<source>", "lakefs://repository/ref")
    .argument("<destination>", "lakefs://repository/branch")
    .option("-m, --message <message>", "merge commit message")
    .option("--strategy <strategy>", "resolve conflicts: dest-wins or source-wins")
    .option("--squash", "squash the source's history into one commit")
    .action(
      async (
        from: string,
        to: string,
        flags: { message?: string; strategy?: string; squash?: boolean },
        command: Command,
      ) => {
        const context = contextOf(command, io);
        const source = refUri(from);
        const destination = refUri(to);
        if (source.repository !== destination.repository)
          throw new UsageError("merge works within one repository");
        if (
          flags.strategy !== undefined &&
          flags.strategy !== "dest-wins" &&
          flags.strategy !== "source-wins"
        ) {
          throw new UsageError(
            `--strategy must be dest-wins or source-wins, got ${flags.strategy}`,
          );
        }
        const merged = await repo(context, source.repository)
          .ref(source.ref)
          .mergeInto(destination.ref, {
            message: flags.message,
            strategy: flags.strategy as "dest-wins" | "source-wins" | undefined,
            squashMerge: flags.squash,
          });
        const reference = merged.id;
        context.output.result({ reference, commit: commitJson(merged) }, () => [
          `Source: ${from}`,
          `Destination: ${to}`,
          `Merged "${source.ref}" into "${destination.ref}" to get "${reference}".`,
        ]);
      },
    );
}
