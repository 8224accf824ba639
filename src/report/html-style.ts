/**
 * The HTML report's one inline stylesheet. System fonts only (no web fonts: the file must
 * open offline and carry no external reference); print rules start each major section on
 * a new page, repeat table headers and keep rows whole where the browser can.
 */
export const REPORT_CSS = `
:root { --fg: #1d2330; --muted: #5b6472; --line: #d5dae1; --accent: #2f6fb2;
  --ok: #2e7d32; --bad: #b3261e; --bg-soft: #f4f6f9; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0 auto; max-width: 1200px; padding: 2rem 2.5rem 4rem; color: var(--fg);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.45; background: #fff; }
h1 { font-size: 1.9rem; margin: 0 0 .4rem; }
h2 { font-size: 1.35rem; margin: 2.4rem 0 .8rem; padding-bottom: .3rem;
  border-bottom: 2px solid var(--accent); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .85em;
  overflow-wrap: anywhere; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.ok { color: var(--ok); font-weight: 600; }
.bad { color: var(--bad); font-weight: 600; }
.none { color: var(--muted); font-style: italic; }
header.report { border-bottom: 1px solid var(--line); padding-bottom: 1rem; }
header.report dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .6rem 0 0; }
header.report dt, .integrity dt { font-weight: 600; }
header.report dd, .integrity dd { margin: 0; }
nav.toc ol { columns: 2; margin: .8rem 0 0; padding-left: 1.4rem; }
section#integrity { border: 1px solid var(--line); border-left: 4px solid var(--accent);
  background: var(--bg-soft); padding: .2rem 1.2rem 1rem; margin-top: 1.5rem; }
section#integrity h2 { border: 0; margin-top: .8rem; }
.integrity { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: .8rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .7rem .9rem; }
.card .num { display: block; font-size: 1.9rem; font-weight: 700; line-height: 1.1; }
.card .label { color: var(--muted); font-size: .9rem; }
.card.alert { border-color: var(--bad); }
.card.alert .num { color: var(--bad); }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem 3rem; margin-top: 1.5rem; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: .4rem; }
svg.chart { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
thead th { background: var(--bg-soft); border-bottom: 2px solid var(--line); }
table.metrics { max-width: 820px; }
table.metrics td:nth-child(2) { white-space: nowrap; font-weight: 600; }
.num { font-variant-numeric: tabular-nums; }
time, code.sha { white-space: nowrap; }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.plain li + li { margin-top: .25rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@page { size: A4 landscape; margin: 14mm; }
@media print {
  html { font-size: 11pt; }
  body { max-width: none; padding: 0; }
  nav.toc { display: none; }
  a { color: inherit; text-decoration: underline; }
  section.major { break-before: page; }
  h2 { break-after: avoid; }
  thead { display: table-header-group; }
  tr, li, .card { break-inside: avoid; }
  thead th, section#integrity { background: none; }
  svg.chart { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;
