import { closeSync, openSync, readSync } from "node:fs";
import { UserError } from "../core/errors.ts";
import { MAX_CSV_LINE_BYTES } from "./csv-file.ts";

/**
 * Streams the lines of a UTF-8 text file (a sweep journal) in 4 MiB chunks: constant memory however long the file.
 * `onLine` gets each line without its line break and its 1-based number; a line longer than `maxLineBytes` is a
 * one-line error naming the file and line (the same bound as CSV lines, src/node/csv-file.ts).
 */
export function forEachFileLine(path: string, onLine: (line: string, lineNo: number) => void, maxLineBytes = MAX_CSV_LINE_BYTES, chunkBytes = 4 << 20): void {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new UserError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const buf = Buffer.allocUnsafe(Math.max(chunkBytes, maxLineBytes + 1));
    let held = 0;
    let lineNo = 0;
    for (;;) {
      const n = readSync(fd, buf, held, buf.length - held, null);
      const end = held + n;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0 && nl < end; nl = buf.indexOf(10, start)) {
        if (nl - start > maxLineBytes) break;
        onLine(buf.toString("utf8", start, nl), ++lineNo);
        start = nl + 1;
      }
      if (end - start > maxLineBytes) throw new UserError(`${path}:${lineNo + 1}: a line longer than ${maxLineBytes} bytes; the file is damaged`);
      if (n === 0) {
        if (end > start) onLine(buf.toString("utf8", start, end), ++lineNo);
        return;
      }
      buf.copy(buf, 0, start, end);
      held = end - start;
    }
  } finally {
    closeSync(fd);
  }
}
