/** Runs the CLI from source with the process's arguments (for tests that need a real executable). */
import { main } from "../src/main.js";

process.exitCode = await main(process.argv.slice(2));
