//! The dashboard's one stylesheet, shared by the fleet and usage sections.

pub(super) const STYLE: &str = r#"
:root{--bg:#f6f7f9;--fg:#1d2430;--muted:#5d6778;--card:#fff;--line:#dde1e7;--err:#c62828;--warn:#d98a00;--note:#3d7bd9;--ok:#2e7d32;--accent:#3949ab}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:1400px;margin:0 auto;padding:16px 20px 40px}
header h1{font-size:22px;margin:0 0 2px}
.meta{color:var(--muted);margin:0 0 14px}
h2{font-size:16px;margin:0 0 10px}
section,figure{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(125px,1fr));gap:10px;background:none;border:0;padding:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.card .v{font-size:26px;font-weight:650}
.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .s{color:var(--muted);font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px;margin-bottom:16px}
.charts figure{margin:0}
figcaption{font-weight:600;margin-bottom:8px}
.bar-row{display:grid;grid-template-columns:minmax(70px,140px) 1fr 44px;gap:8px;align-items:center;margin:3px 0;font-size:13px}
.bar-row .lab{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar-row .num{text-align:right;color:var(--muted)}
.bar{display:flex;height:14px;background:#eef0f4;border-radius:3px;overflow:hidden}
.bar span{display:block;height:100%}
.b-error{background:var(--err)}.b-warning{background:var(--warn)}.b-note{background:var(--note)}.b-main{background:var(--accent)}.b-ok{background:var(--ok)}
.legend{font-size:12px;color:var(--muted);margin-top:6px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:10px}
.controls input,.controls select{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:6px;background:#fff}
.controls input{min-width:220px}
.count{color:var(--muted);margin-left:auto}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f0f2f6;position:sticky;top:0;white-space:nowrap}
#repos th{cursor:pointer;user-select:none}
#repos th[aria-sort=ascending]::after{content:" \25B2";font-size:10px}
#repos th[aria-sort=descending]::after{content:" \25BC";font-size:10px}
td.n,th.n{text-align:right}
td.nw{white-space:nowrap}
tr.failed td{background:#fff4f4}
.small{font-size:12px;color:var(--muted)}
.errtext{color:var(--err);font-size:12px}
.badge{display:inline-block;min-width:22px;text-align:center;padding:1px 6px;border-radius:10px;font-weight:650;font-size:12px;color:#fff}
.g-A{background:#2e7d32}.g-B{background:#689f38}.g-C{background:#d98a00}.g-D{background:#e65100}.g-F,.g-failed{background:#c62828}
.pill{display:inline-block;padding:0 6px;border-radius:9px;font-size:12px;border:1px solid var(--line);white-space:nowrap}
.r-high,.f-stale,.f-missing,.x-expired{color:#fff;background:var(--err);border-color:var(--err)}
.r-medium,.x-expiring{color:#000;background:#ffd27a;border-color:#f0b840}
.r-low,.f-fresh{color:var(--ok);border-color:#9ccc9f}
.f-unknown{color:var(--muted)}
.e{color:var(--err);font-weight:600}.w{color:var(--warn);font-weight:600}
.empty{color:var(--muted);font-style:italic}
@media print{
body{background:#fff;font-size:10pt}
main{max-width:none;padding:0}
.controls{display:none}
section,figure,.card{border-color:#bbb;break-inside:avoid}
th{position:static}
tr{break-inside:avoid}
tr[hidden]{display:table-row}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.charts{grid-template-columns:1fr 1fr}
.rules,.usage div{display:block}
.cards{grid-template-columns:repeat(4,1fr)}
}
"#;
