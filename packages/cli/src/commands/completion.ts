/**
 * Shell completion. `lakefs-ts completion <bash|zsh|fish>` prints a script that asks the CLI
 * itself for candidates (`lakefs-ts __complete <words…>`, answered by `main` before any
 * parsing, since the words are half-typed), so completion always matches the installed command
 * tree: subcommands, then the options of the command reached.
 */
import type { Command, Option } from "commander";
import { InvalidArgumentError } from "commander";
import type { CliIO } from "../output.js";

const SHELLS = ["bash", "zsh", "fish"] as const;
type Shell = (typeof SHELLS)[number];

const SCRIPTS: Record<Shell, string> = {
  bash: `_lakefs_ts() {
  local IFS=$'\\n'
  COMPREPLY=( $(lakefs-ts __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _lakefs_ts lakefs-ts
`,
  zsh: `#compdef lakefs-ts
_lakefs_ts() {
  local -a candidates
  candidates=("\${(@f)$(lakefs-ts __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if (( \${#candidates[@]} )) && [[ -n "\${candidates[1]}" ]]; then
    compadd -a candidates
  else
    _files
  fi
}
compdef _lakefs_ts lakefs-ts
`,
  fish: `complete -c lakefs-ts -f -a '(lakefs-ts __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`,
};

const visible = (command: Command) =>
  command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);

/** An option that consumes the next word as its value. */
const takesValue = (option: Option) => option.required || option.optional;

function findOption(command: Command, word: string): Option | undefined {
  for (let c: Command | null = command; c; c = c.parent) {
    const found = c.options.find((o) => o.long === word || o.short === word);
    if (found) return found;
  }
  return undefined;
}

/**
 * The candidates for the last word of `words` (the words after the program name, the one being
 * completed last, possibly empty): subcommands of the command reached, or its options (and the
 * root's) once the word starts with `-`.
 */
export function completionCandidates(root: Command, words: readonly string[]): string[] {
  const partial = words.at(-1) ?? "";
  let command = root;
  for (let i = 0; i < words.length - 1; i++) {
    const word = words[i]!;
    if (word.startsWith("-")) {
      const option = findOption(command, word);
      if (option && takesValue(option) && !word.includes("=")) i++;
      continue;
    }
    const sub = visible(command).find((c) => c.name() === word || c.aliases().includes(word));
    if (sub) command = sub;
  }
  if (partial.startsWith("-")) {
    const flags = new Set<string>();
    for (let c: Command | null = command; c; c = c.parent) {
      for (const option of c.options) if (option.long && !option.hidden) flags.add(option.long);
    }
    flags.add("--help");
    if (command !== root) flags.delete("--version"); // the root's only
    return [...flags].filter((f) => f.startsWith(partial)).sort();
  }
  return visible(command)
    .map((c) => c.name())
    .filter((name) => name.startsWith(partial) && name !== "help")
    .sort();
}

/** The hidden first argument under which the scripts ask for candidates. */
export const COMPLETE_COMMAND = "__complete";

export function registerCompletion(program: Command, io: CliIO): void {
  program
    .command("completion")
    .description("print a shell completion script (bash, zsh or fish)")
    .argument("<shell>", SHELLS.join(", "), (value: string) => {
      if (!(SHELLS as readonly string[]).includes(value)) {
        throw new InvalidArgumentError(`one of ${SHELLS.join(", ")}`);
      }
      return value as Shell;
    })
    .addHelpText(
      "after",
      "\nInstall, for example:\n" +
        "  bash: lakefs-ts completion bash > ~/.local/share/bash-completion/completions/lakefs-ts\n" +
        "  zsh:  lakefs-ts completion zsh > ~/.zfunc/_lakefs-ts   (a directory on $fpath)\n" +
        "  fish: lakefs-ts completion fish > ~/.config/fish/completions/lakefs-ts.fish",
    )
    .action((shell: Shell) => {
      io.stdout.write(SCRIPTS[shell]);
    });
}
