/** `repo`, `branch` and `tag`: create, list, show and delete. */
import type { Command } from "commander";
import { repositories } from "lakefs-ts";
import { contextOf, refUri, repo, repositoryUri } from "../context.js";
import { UsageError } from "../exit-codes.js";
import type { CliIO } from "../output.js";

function requireYes(flags: { yes?: boolean }, what: string): void {
  if (!flags.yes) throw new UsageError(`deleting ${what} needs --yes`);
}

export function registerRefs(program: Command, io: CliIO): void {
  const repoCommand = program.command("repo").description("repositories");
  repoCommand
    .command("list")
    .description("list repositories")
    .action(async (_flags: unknown, command: Command) => {
      const context = contextOf(command, io);
      const rows: {
        id: string;
        default_branch: string;
        storage_namespace: string;
        creation_date: number;
      }[] = [];
      for await (const r of repositories({ client: context.client })) {
        const p = await r.properties();
        rows.push({
          id: p.id,
          default_branch: p.defaultBranch,
          storage_namespace: p.storageNamespace,
          creation_date: Math.floor(p.creationDate.getTime() / 1000),
        });
      }
      context.output.result(rows, () =>
        rows.map((r) => `${r.id}\t${r.default_branch}\t${r.storage_namespace}`),
      );
    });
  repoCommand
    .command("create")
    .description("create a repository")
    .argument("<uri>", "lakefs://repository")
    .argument("<storage-namespace>", "e.g. local://name or s3://bucket/path")
    .option("-d, --default-branch <name>", "default branch", "main")
    .option("--sample-data", "fill it with the server's sample data")
    .action(
      async (
        uri: string,
        namespace: string,
        flags: { defaultBranch: string; sampleData?: boolean },
        command: Command,
      ) => {
        const context = contextOf(command, io);
        const created = await repo(context, repositoryUri(uri)).create(namespace, {
          defaultBranch: flags.defaultBranch,
          includeSamples: flags.sampleData,
        });
        const p = await created.properties();
        context.output.result(
          { id: p.id, default_branch: p.defaultBranch, storage_namespace: p.storageNamespace },
          () =>
            `Repository: ${uri}\nRepository '${p.id}' created:\nstorage namespace: ${p.storageNamespace}\ndefault branch: ${p.defaultBranch}`,
        );
      },
    );
  repoCommand
    .command("delete")
    .description("delete a repository")
    .argument("<uri>", "lakefs://repository")
    .option("-y, --yes", "confirm")
    .action(async (uri: string, flags: { yes?: boolean }, command: Command) => {
      const context = contextOf(command, io);
      const id = repositoryUri(uri);
      requireYes(flags, `repository ${id}`);
      await repo(context, id).delete();
      context.output.result({ deleted: id }, () => `Repository '${id}' deleted`);
    });

  const branch = program.command("branch").description("branches");
  branch
    .command("list")
    .description("list branches")
    .argument("<uri>", "lakefs://repository")
    .action(async (uri: string, _flags: unknown, command: Command) => {
      const context = contextOf(command, io);
      const rows: { id: string; commit_id: string }[] = [];
      for await (const b of repo(context, repositoryUri(uri)).branches()) {
        rows.push({ id: b.id, commit_id: (await b.getCommit()).id });
      }
      context.output.result(rows, () => rows.map((b) => `${b.id}\t${b.commit_id}`));
    });
  branch
    .command("create")
    .description("create a branch")
    .argument("<uri>", "lakefs://repository/branch")
    .requiredOption("-s, --source <uri>", "lakefs://repository/ref to branch from")
    .action(async (uri: string, flags: { source: string }, command: Command) => {
      const context = contextOf(command, io);
      const target = refUri(uri);
      const source = refUri(flags.source);
      if (source.repository !== target.repository) {
        throw new UsageError("source and branch must be in the same repository");
      }
      const created = await repo(context, target.repository).branch(target.ref).create(source.ref);
      const head = await created.getCommit();
      context.output.result(
        { id: target.ref, commit_id: head.id },
        () => `created branch '${target.ref}' ${head.id}`,
      );
    });
  branch
    .command("show")
    .description("show a branch's head commit")
    .argument("<uri>", "lakefs://repository/branch")
    .action(async (uri: string, _flags: unknown, command: Command) => {
      const context = contextOf(command, io);
      const target = refUri(uri);
      const head = await repo(context, target.repository).branch(target.ref).getCommit();
      context.output.result({ id: target.ref, commit_id: head.id }, () => `Commit ID: ${head.id}`);
    });
  branch
    .command("delete")
    .description("delete a branch")
    .argument("<uri>", "lakefs://repository/branch")
    .option("-y, --yes", "confirm")
    .action(async (uri: string, flags: { yes?: boolean }, command: Command) => {
      const context = contextOf(command, io);
      const target = refUri(uri);
      requireYes(flags, `branch ${target.ref}`);
      await repo(context, target.repository).branch(target.ref).delete();
      context.output.result({ deleted: target.ref }, () => `Branch '${target.ref}' deleted`);
    });
  branch
    .command("reset")
    .description("drop a branch's uncommitted changes")
    .argument("<uri>", "lakefs://repository/branch")
    .option("-y, --yes", "confirm")
    .action(async (uri: string, flags: { yes?: boolean }, command: Command) => {
      const context = contextOf(command, io);
      const target = refUri(uri);
      requireYes(flags, `the uncommitted changes of ${target.ref}`);
      await repo(context, target.repository).branch(target.ref).resetChanges();
      context.output.result({ reset: target.ref }, () => `Branch '${target.ref}' reset`);
    });

  const tag = program.command("tag").description("tags");
  tag
    .command("list")
    .description("list tags")
    .argument("<uri>", "lakefs://repository")
    .action(async (uri: string, _flags: unknown, command: Command) => {
      const context = contextOf(command, io);
      const rows: { id: string; commit_id: string }[] = [];
      for await (const t of repo(context, repositoryUri(uri)).tags()) {
        rows.push({ id: t.id, commit_id: (await t.getCommit()).id });
      }
      context.output.result(rows, () => rows.map((t) => `${t.id}\t${t.commit_id}`));
    });
  tag
    .command("create")
    .description("create a tag")
    .argument("<uri>", "lakefs://repository/tag")
    .argument("<ref>", "lakefs://repository/ref to tag")
    .action(async (uri: string, ref: string, _flags: unknown, command: Command) => {
      const context = contextOf(command, io);
      const target = refUri(uri);
      const source = refUri(ref);
      if (source.repository !== target.repository) {
        throw new UsageError("tag and ref must be in the same repository");
      }
      const created = await repo(context, target.repository).tag(target.ref).create(source.ref);
      const commit = await created.getCommit();
      context.output.result(
        { id: target.ref, commit_id: commit.id },
        () => `Created tag '${target.ref}' (${commit.id})`,
      );
    });
  tag
    .command("delete")
    .description("delete a tag")
    .argument("<uri>", "lakefs://repository/tag")
    .option("-y, --yes", "confirm")
    .action(async (uri: string, flags: { yes?: boolean }, command: Command) => {
      const context = contextOf(command, io);
      const target = refUri(uri);
      requireYes(flags, `tag ${target.ref}`);
      await repo(context, target.repository).tag(target.ref).delete();
      context.output.result({ deleted: target.ref }, () => `Tag '${target.ref}' deleted`);
    });
}
