import { test } from "node:test";
import assert from "node:assert/strict";
import { inline, markdownBody, markdownToHtml } from "../../src/report/html.ts";

test("a full page with an escaped title", () => {
  const html = markdownToHtml("# Results\n\nText.", "papi <report>");
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes("<title>papi &lt;report&gt;</title>"));
  assert.ok(html.includes('<h1 id="results">Results</h1>'));
  assert.ok(html.includes("<p>Text.</p>"));
  assert.ok(html.includes('<meta charset="utf-8">'));
});

test("raw HTML is escaped, never passed through", () => {
  const html = markdownToHtml('Hi <script>alert("x")</script> & **bold <b>**', "t");
  assert.ok(!html.includes("<script>"));
  assert.ok(html.includes('&lt;script&gt;alert("x")&lt;/script&gt; &amp; <strong>bold &lt;b&gt;</strong>'));
  assert.ok(!markdownBody("[x](javascript:alert(1))").includes("javascript"));
  assert.ok(!markdownBody('![a" onerror="x](f.svg)').includes('" onerror="'));
});

test("pipe tables with alignment and inline markup in cells", () => {
  const md = "| system | speedup |\n|:---|---:|\n| PAPI | **1.8×** |\n| `gpu` \\| base | 1 |\n\nAfter.";
  const html = markdownBody(md);
  assert.ok(html.includes('<th align="left">system</th>\n<th align="right">speedup</th>'));
  assert.ok(html.includes('<td align="left">PAPI</td>\n<td align="right"><strong>1.8×</strong></td>'));
  assert.ok(html.includes("<code>gpu</code> | base"));
  assert.equal((html.match(/<tr>/g) ?? []).length, 3);
  assert.ok(html.endsWith("<p>After.</p>"));
});

test("lists, code blocks, quotes and rules", () => {
  const md = "Intro:\n- one\n- two *it*\n  continued\n\n1. first\n2. second\n\n```ts\nconst a = 1 < 2;\n```\n\n> note\n\n---";
  const html = markdownBody(md);
  assert.ok(html.includes("<p>Intro:</p>\n<ul>\n<li>one</li>\n<li>two <em>it</em>\ncontinued</li>\n</ul>"));
  assert.ok(html.includes("<ol>\n<li>first</li>\n<li>second</li>\n</ol>"));
  assert.ok(html.includes('<pre><code class="language-ts">const a = 1 &lt; 2;\n</code></pre>'));
  assert.ok(html.includes("<blockquote>\n<p>note</p>\n</blockquote>"));
  assert.ok(html.endsWith("<hr>"));
});

test("inline: images, links, code keeps its stars, underscores in file names stay", () => {
  assert.equal(inline("![Speedup](fig_speedup_a.svg)"), '<img src="fig_speedup_a.svg" alt="Speedup">');
  assert.equal(inline("see [the *paper*](https://x.org/a_b_c)"), 'see <a href="https://x.org/a_b_c">the <em>paper</em></a>');
  assert.equal(inline("`a**b**c` and **d**"), "<code>a**b**c</code> and <strong>d</strong>");
  assert.equal(inline("snake_case_name stays"), "snake_case_name stays");
  assert.equal(inline("2 * 3 * 4"), "2 * 3 * 4");
});

test("heading ids: tags dropped, runs of other characters one dash, none at either end", async () => {
  const { slug } = await import("../../src/report/html.ts");
  assert.equal(slug("<b>Fig. 2</b>: roofline"), "fig-2-roofline");
  assert.equal(slug("<em class=\"x\">a</em>b"), "ab");
  assert.equal(slug("  -- Results (v2) --  "), "results-v2");
  assert.equal(slug("a - b"), "a-b");
  assert.equal(slug("***"), "");
  assert.ok(markdownBody("## <i>Speed</i>-up, per model!").startsWith('<h2 id="speed-up-per-model">'));
});

test("link targets: web, mail, anchors and relative paths kept (trimmed); other schemes become #", async () => {
  const { safeUrl, escapeHtml } = await import("../../src/report/html.ts");
  for (const u of ["https://x.org/a", "HTTP://x.org", "mailto:a@b.org", "#results", "./fig.svg", "../up.png", "/abs/p", "fig_2.svg", "dir/f.svg", "page?x=1", "page#top", "dir/a:b.svg"]) assert.equal(safeUrl(u), u, u);
  assert.equal(safeUrl("  fig.svg \n"), "fig.svg");
  for (const u of ["javascript:alert(1)", "JavaScript:x", "data:text/html,x", "vbscript:x", "https:javascript:x", "mailto:data:x", "file:///etc"]) assert.equal(safeUrl(u), "#", u);
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
});

test("the page carries its style sheet (tables with borders, the shipped font first) and a trimmed body", () => {
  const html = markdownToHtml("\n\nText.\n\n", "t");
  const css = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? "";
  assert.match(css, /^body \{ font-family: "DejaVu Sans"/);
  assert.match(css, /table \{ border-collapse: collapse;/);
  assert.match(css, /hr \{[^}]*\}$/, "trimmed");
  assert.ok(html.includes("<main>\n<p>Text.</p>\n</main>"));
  assert.equal(markdownBody("\n# A\n\n"), '<h1 id="a">A</h1>');
  assert.equal(inline("**b**"), "<strong>b</strong>");
});
