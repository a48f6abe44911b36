/**
 * A small, dependency-free Markdown to HTML converter for papi's report. Supported: ATX headings (#..######),
 * paragraphs, pipe tables (with :--: alignment), bullet (-, *) and numbered (1.) lists (one level),
 * fenced code blocks, block quotes, horizontal rules (---), and inline code, **bold**, *italic*,
 * [links](url) and ![images](src). Raw HTML is not passed through: every character of the input is escaped,
 * and link targets other than http(s), mailto, relative paths and #anchors become "#".
 */
export function markdownToHtml(md: string, title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${markdownBody(md)}
</main>
</body>
</html>
`;
}

const CSS = `
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; line-height: 1.5; color: #222; margin: 0; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.6em 0 0.6em; }
h1 { border-bottom: 2px solid #ddd; padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 4px 10px; }
th { background: #f3f3f3; }
tbody tr:nth-child(even) { background: #fafafa; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; background: #f3f3f3; padding: 0 3px; border-radius: 3px; }
pre { background: #f6f6f6; padding: 10px 14px; overflow-x: auto; border-radius: 4px; }
pre code { background: none; padding: 0; }
img { max-width: 100%; height: auto; display: block; margin: 1em 0; }
img[src$=".svg"] { width: 960px; }
td { vertical-align: top; }
blockquote { margin: 1em 0; padding: 0.2em 1em; border-left: 4px solid #ddd; color: #555; }
hr { border: none; border-top: 1px solid #ddd; margin: 2em 0; }
`.trim();

/** The converted body (no page wrapper). */
export function markdownBody(md: string): string {
  const lines = md.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let i = 0;
  const isBlank = (l: string | undefined): boolean => l === undefined || l.trim() === "";
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
      continue;
    }
    const fence = /^\s*(```|~~~)\s*([\w-]*)\s*$/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++; // closing fence (or end of input)
      const cls = fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : "";
      out.push(`<pre><code${cls}>${escapeHtml(body.join("\n"))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = heading[1].length;
      out.push(`<h${level} id="${slug(heading[2])}">${inline(heading[2])}</h${level}>`);
      i++;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push("<hr>");
      i++;
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && isTableSeparator(lines[i + 1])) {
      const header = splitRow(line);
      const aligns = splitRow(lines[i + 1]).map((c) => (c.startsWith(":") && c.endsWith(":") ? "center" : c.endsWith(":") ? "right" : c.startsWith(":") ? "left" : ""));
      const cell = (tag: string, text: string, k: number): string =>
        `<${tag}${aligns[k] ? ` style="text-align:${aligns[k]}"` : ""}>${inline(text)}</${tag}>`;
      const rows: string[] = [];
      i += 2;
      while (i < lines.length && !isBlank(lines[i]) && lines[i].includes("|")) {
        const cells = splitRow(lines[i++]);
        rows.push(`<tr>${header.map((_, k) => cell("td", cells[k] ?? "", k)).join("")}</tr>`);
      }
      out.push(`<table>\n<thead><tr>${header.map((h, k) => cell("th", h, k)).join("")}</tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table>`);
      continue;
    }
    const listKind = listItem(line);
    if (listKind) {
      const items: string[] = [];
      while (i < lines.length && listItem(lines[i])?.tag === listKind.tag) {
        let text = listItem(lines[i])!.text;
        i++;
        // Indented continuation lines belong to the item.
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]) && !listItem(lines[i])) text += " " + lines[i++].trim();
        items.push(`<li>${inline(text)}</li>`);
      }
      out.push(`<${listKind.tag}>\n${items.join("\n")}\n</${listKind.tag}>`);
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) quoted.push(lines[i++].replace(/^\s*>\s?/, ""));
      out.push(`<blockquote>\n${markdownBody(quoted.join("\n"))}\n</blockquote>`);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && !isBlank(lines[i]) && !startsBlock(lines, i)) para.push(lines[i++].trim());
    if (para.length === 0) para.push(lines[i++].trim()); // a line that looked like a block start but was not one
    out.push(`<p>${inline(para.join("\n"))}</p>`);
  }
  return out.join("\n");
}

function startsBlock(lines: string[], i: number): boolean {
  const l = lines[i];
  return (
    /^(#{1,6})\s/.test(l) ||
    /^\s*(```|~~~)/.test(l) ||
    listItem(l) !== undefined ||
    /^\s*>/.test(l) ||
    (l.includes("|") && i + 1 < lines.length && isTableSeparator(lines[i + 1]))
  );
}

function listItem(line: string): { tag: "ul" | "ol"; text: string } | undefined {
  const ul = /^\s{0,3}[-*+]\s+(.*)$/.exec(line);
  if (ul) return { tag: "ul", text: ul[1] };
  const ol = /^\s{0,3}\d{1,9}[.)]\s+(.*)$/.exec(line);
  return ol ? { tag: "ol", text: ol[1] } : undefined;
}

function isTableSeparator(line: string): boolean {
  return /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line) && line.includes("-");
}

/** Splits `| a | b |` into trimmed cells; `\|` is a literal bar. */
function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

/**
 * Inline markup on one block's text. Code spans, images and links are replaced by placeholders first so that
 * emphasis never reaches inside them (or their URLs); link labels get emphasis on their own.
 */
export function inline(text: string): string {
  const held: string[] = [];
  const hold = (html: string): string => `\u0000${held.push(html) - 1}\u0000`;
  let s = text.replace(/\u0000/g, "");
  s = s.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_m, _ticks: string, code: string) => hold(`<code>${escapeHtml(code.trim())}</code>`));
  s = s.replace(/!\[([^\]]*)\]\(([^)\s]+)(?:\s+"([^"]*)")?\)/g, (_m, alt: string, src: string, t?: string) =>
    hold(`<img src="${safeUrl(src)}" alt="${escapeHtml(alt)}"${t ? ` title="${escapeHtml(t)}"` : ""}>`),
  );
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, href: string) => hold(`<a href="${safeUrl(href)}">${emphasis(escapeHtml(label))}</a>`));
  s = emphasis(escapeHtml(s)).replace(/ {2,}\n/g, "<br>\n");
  return s.replace(/\u0000(\d+)\u0000/g, (_m, n: string) => held[Number(n)]);
}

function emphasis(s: string): string {
  return s
    .replace(/\*\*(?=\S)(.+?)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^\w*])\*(?=\S)([^*]+?)\*(?!\w)/g, "$1<em>$2</em>")
    .replace(/(^|[^\w])_(?=\S)([^_]+?)_(?!\w)/g, "$1<em>$2</em>");
}

/** Escaped URL for an attribute: http(s), mailto, #anchors and relative paths; other schemes (javascript:, data:) become "#". */
function safeUrl(url: string): string {
  const scheme = /^\s*([a-zA-Z][\w+.-]*):/.exec(url);
  if (scheme && !["http", "https", "mailto"].includes(scheme[1].toLowerCase())) return "#";
  return escapeHtml(url);
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** The id a heading gets (for links to it, e.g. a table of contents). */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[`*_[\]()]/g, "")
    .replace(/[^\w]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
