import { Marked, type Tokens } from "marked";

/**
 * Markdown to a standalone HTML page for papi's reports, with marked (GitHub-flavoured Markdown: tables with
 * alignment, lists, fenced code, quotes, rules, inline markup, links and images). Raw HTML is never passed
 * through (it is escaped), and link/image targets other than http(s), mailto, relative paths and #anchors become
 * "#". Headings get ids from their text, so the report's contents can link to them.
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
td { vertical-align: top; }
blockquote { margin: 1em 0; padding: 0.2em 1em; border-left: 4px solid #ddd; color: #555; }
hr { border: none; border-top: 1px solid #ddd; margin: 2em 0; }
`.trim();

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Link and image targets we keep; anything else (javascript:, data:, ...) becomes "#". */
export function safeUrl(url: string): string {
  const u = url.trim();
  return /^(https?:|mailto:|#|\.{0,2}\/|[\w.-]+(\/|$|[?#]))/i.test(u) && !/^[\w+.-]+:/.test(u.replace(/^(https?|mailto):/i, "")) ? u : "#";
}

/** Heading ids: lower case, non-alphanumerics to "-", as GitHub does (without de-duplication). */
export function slug(text: string): string {
  // each run of non-alphanumerics is one "-" by then, so a single leading and trailing "-" is all there is to trim
  return text.toLowerCase().replace(/<[^>]*>/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

// Stryker disable next-line ObjectLiteral: these are marked's defaults, spelled out so an upgrade that changes them does not change the report
const marked = new Marked({ gfm: true, breaks: false, async: false });
marked.use({
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(token.text);
    },
    heading(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, token: Tokens.Heading): string {
      return `<h${token.depth} id="${slug(token.text)}">${this.parser.parseInline(token.tokens)}</h${token.depth}>\n`;
    },
    link(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, token: Tokens.Link): string {
      return `<a href="${escapeHtml(safeUrl(token.href))}">${this.parser.parseInline(token.tokens)}</a>`;
    },
    image(token: Tokens.Image): string {
      return `<img src="${escapeHtml(safeUrl(token.href))}" alt="${escapeHtml(token.text)}">`;
    },
  },
});

/** The converted body (no page wrapper). */
export function markdownBody(md: string): string {
  return (marked.parse(md) as string).trim();
}

/** One line of inline Markdown (no paragraph wrapper). */
export function inline(md: string): string {
  return marked.parseInline(md) as string;
}
