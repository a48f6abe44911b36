// What `npm run build && npm run typecheck` do, for `npm test`, in one process and with one type check of src/ instead
// of two: tsconfig.json's program (src, test, bench, scripts), given tsconfig.build.json's emit options, reports
// tsconfig.json's diagnostics and the build's declaration diagnostics and writes dist/ byte for byte as
// `tsc -p tsconfig.build.json` does (the two configs may differ only in emit options: checked below, and
// allowImportingTsExtensions is in effect under both); then src/web/tsconfig.json's check and the explorer's Vite
// build. Diagnostics print as tsc prints them; any of them: exit code 2, and the tests do not run.
import { spawnSync } from "node:child_process";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const parse = (file) => {
  const c = ts.getParsedCommandLineOfConfigFile(join(root, file), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => report([d]) });
  if (c === undefined) process.exit(2);
  report(c.errors);
  return c;
};
let failed = false;
const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" };
/** Prints diagnostics as tsc does (with context on a terminal, one line each otherwise), each once. */
function report(diagnostics) {
  if (diagnostics.length === 0) return;
  failed = true;
  const unique = ts.sortAndDeduplicateDiagnostics(diagnostics);
  process.stdout.write(process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext(unique, host) : ts.formatDiagnostics(unique, host));
}

const main = parse("tsconfig.json");
const build = parse("tsconfig.build.json");
const web = parse("src/web/tsconfig.json");

// The options that differ between the two configs must be emit options only: anything else, and this shortcut
// would check src under other rules than the build; then it stops and says so.
const EMIT_ONLY = new Set(["noEmit", "allowImportingTsExtensions", "rewriteRelativeImportExtensions", "rootDir", "outDir", "declaration", "sourceMap", "configFilePath"]);
const differing = [...new Set([...Object.keys(main.options), ...Object.keys(build.options)])].filter(
  (k) => JSON.stringify(main.options[k]) !== JSON.stringify(build.options[k]) && !EMIT_ONLY.has(k),
);
const buildFiles = new Set(build.fileNames);
const missing = build.fileNames.filter((f) => !main.fileNames.includes(f));
if (differing.length > 0 || missing.length > 0) {
  console.error(`scripts/check-and-build.mjs: tsconfig.build.json differs from tsconfig.json in ${[...differing, ...missing].join(", ")}; run npm run build && npm run typecheck instead`);
  process.exit(2);
}

// tsconfig.json's files under the build's options, minus rootDir (the tests lie outside src/); outputs are mapped back
const srcDir = build.options.rootDir;
const outDir = build.options.outDir;
const options = { ...build.options, rootDir: undefined };
// what rootDir checked: every source file the build's files import lies in src/ (tsc would refuse it, TS6059)
const reached = new Set();
for (const stack = [...buildFiles]; stack.length > 0; ) {
  const f = stack.pop();
  if (reached.has(f)) continue;
  reached.add(f);
  for (const { fileName } of ts.preProcessFile(ts.sys.readFile(f) ?? "", true, true).importedFiles) {
    const r = ts.resolveModuleName(fileName, f, options, ts.sys, undefined, undefined, ts.ModuleKind.ESNext).resolvedModule;
    if (r !== undefined && !r.isExternalLibraryImport && !r.resolvedFileName.endsWith(".d.ts")) stack.push(r.resolvedFileName);
  }
}
const outside = [...reached].filter((f) => relative(srcDir, f).startsWith(".."));
if (outside.length > 0) {
  console.error(`error TS6059: files outside rootDir ${relative(root, srcDir)}, imported by the build: ${outside.map((f) => relative(root, f)).join(", ")}`);
  failed = true;
}
const program = ts.createProgram({ rootNames: main.fileNames, options, projectReferences: main.projectReferences });
const diagnostics = [
  ...program.getConfigFileParsingDiagnostics(),
  ...program.getOptionsDiagnostics(),
  ...program.getGlobalDiagnostics(),
  ...program.getSyntacticDiagnostics(),
  ...program.getSemanticDiagnostics(),
];
const common = program.getCommonSourceDirectory();
const writeFile = (fileName, text, bom) => {
  const rel = relative(outDir, fileName);
  ts.sys.writeFile(join(outDir, relative(srcDir, join(common, rel))), text, bom);
};
for (const sf of program.getSourceFiles()) {
  if (!buildFiles.has(sf.fileName)) continue;
  diagnostics.push(...program.getDeclarationDiagnostics(sf), ...program.emit(sf, writeFile).diagnostics);
}
report(diagnostics);

const webProgram = ts.createProgram({ rootNames: web.fileNames, options: web.options });
report(ts.getPreEmitDiagnostics(webProgram));
if (failed) process.exit(2);

// the CLI bundle bin/papi.mjs runs (as `npm run build` makes it): without it the CLI tests would run a stale bundle
const bundle = spawnSync(process.execPath, [join(root, "scripts/bundle-cli.mjs")], { cwd: root, stdio: "inherit" });
if (bundle.status !== 0) process.exit(bundle.status ?? 2);
const vite = spawnSync(process.execPath, [join(root, "node_modules/vite/bin/vite.js"), "build", "-c", "vite.config.ts"], { cwd: root, stdio: "inherit" });
process.exit(vite.status ?? 2);
