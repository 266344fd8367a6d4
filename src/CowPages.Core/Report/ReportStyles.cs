using System.Text;
using CowPages.Map;

namespace CowPages.Report;

/// <summary>
/// The report's only stylesheet, inline. The state colours come from <see cref="MapPalette"/>, the table the terminal
/// map draws from too. Fonts are the reader's own: nothing is downloaded.
/// </summary>
internal static class ReportStyles
{
    /// <summary>Colours of the summary chart's parts that are not page states.</summary>
    internal const string FileColour = "#9c7a3c";
    internal const string OtherColour = "#8fa3b8";
    internal const string RateColour = "#333333";

    internal static string Css()
    {
        var css = new StringBuilder(Base);
        foreach (MapStateStyle state in MapPalette.States)
        {
            css.Append('.').Append(state.CssClass).Append("{fill:").Append(state.HtmlColour).Append(";background:").Append(state.HtmlColour).Append("}\n");
            css.Append(".ln-").Append(state.Name.ToLowerInvariant()).Append("{stroke:").Append(state.HtmlColour).Append("}\n");
        }
        css.Append(".part-file{fill:").Append(FileColour).Append(";background:").Append(FileColour).Append("}\n");
        css.Append(".part-other{fill:").Append(OtherColour).Append(";background:").Append(OtherColour).Append("}\n");
        css.Append(".ln-rate{stroke:").Append(RateColour).Append(";stroke-dasharray:4 3}\n");
        return css.ToString();
    }

    private const string Base = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1d;background:#fff;margin:0 auto;padding:16px 24px;max-width:1400px}
h1{font-size:22px;margin:0 0 8px}
h2{font-size:18px;margin:28px 0 6px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 12px}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
p.note{color:#555;margin:4px 0}
nav a{margin-right:14px}
svg{display:block;height:auto;max-width:100%;margin:8px 0}
svg text{font:11px ui-monospace,"DejaVu Sans Mono",monospace;fill:#1d1d1d}
svg text.head{font-weight:700}
svg .axis{stroke:#999;stroke-width:1;fill:none}
svg .grid{stroke:#e4e4e4;stroke-width:1;fill:none}
svg .ln{fill:none;stroke-width:2}
svg .swatch-nc{stroke:#bbb;stroke-width:1}
.sorter{position:relative;margin:8px 0 0;overflow-x:auto}
.sorter>input{position:absolute;opacity:0;width:1px;height:1px;pointer-events:none}
.sorter p.sort{margin:0 0 4px;color:#555}
.sorter p.sort label{cursor:pointer;text-decoration:underline;margin-left:8px}
table.ranges{display:block;border-collapse:collapse;font:12px ui-monospace,"DejaVu Sans Mono",monospace;min-width:1280px}
table.ranges thead,table.ranges tbody{display:flex;flex-direction:column}
table.ranges tr{display:grid;grid-template-columns:minmax(16em,1fr) 3.5em 10em 6em 6em 6em 5em 8em 8em 6em 7.5em 8em 8em 6em;border-bottom:1px solid #eee}
table.ranges th,table.ranges td{display:block;padding:2px 6px;text-align:right;overflow-wrap:anywhere}
table.ranges th:first-child,table.ranges td:first-child{text-align:left}
table.ranges th{font-weight:600;background:#f6f6f6;white-space:nowrap}
table.ranges label{cursor:pointer;text-decoration:underline dotted}
.sorter>.by-copied:checked~p .s-copied,.sorter>.by-address:checked~p .s-address,.sorter>.by-shared:checked~p .s-shared,.sorter>.by-mapping:checked~p .s-mapping,.sorter>.by-pages:checked~p .s-pages{font-weight:700;text-decoration:none}
.sorter>.by-address:checked~table tbody tr{order:var(--address)}
.sorter>.by-shared:checked~table tbody tr{order:var(--shared)}
.sorter>.by-mapping:checked~table tbody tr{order:var(--mapping)}
.sorter>.by-pages:checked~table tbody tr{order:var(--pages)}
table.plain{border-collapse:collapse;font:12px ui-monospace,"DejaVu Sans Mono",monospace}
table.plain th,table.plain td{padding:2px 8px;text-align:right;border-bottom:1px solid #eee}
table.plain th:first-child,table.plain td:first-child{text-align:left}
table.plain th{background:#f6f6f6}
span.sw{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:-1px}
footer{margin-top:32px;color:#777;font-size:12px}

""";
}
