import type { Command } from "commander";

export function registerExplore(program: Command): void {
  program
    .command("explore")
    .description("the interactive explorer in your browser: serve it on localhost, or --build DIR to write it as one static page (works offline and from file://)")
    .option("--port <n>", "port on 127.0.0.1 (0 = any free port)", "8317")
    .option("--open", "open the page in the default browser")
    .option("--build <dir>", "write the page (index.html, self-contained) into DIR instead of serving it")
    .action(async (o: { port: string; open?: boolean; build?: string }) => {
      const { buildExplorer, serveExplorer } = await import("../actions/explore.ts");
      if (o.build !== undefined) await buildExplorer(o.build);
      else await serveExplorer(o);
    });
}
