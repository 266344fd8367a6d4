using System.Collections.Generic;
using System.IO;
using System.Linq;
using CowPages.Map;

namespace CowPages.Report;

/// <summary>
/// The table of a comparison's ranges, sortable without script: the rows are written sorted by copied bytes (the
/// order any reader shows, even one without CSS), and radio buttons re-sort them through CSS alone, by giving each
/// row its rank in every other order as a custom property that the checked button's rule turns into flex order.
/// </summary>
internal static class RangeTable
{
    private static readonly (string Key, string Label)[] Orders =
    {
        ("copied", "copied bytes"), ("shared", "shared bytes"), ("pages", "pages"), ("address", "address"), ("mapping", "mapping"),
    };

    internal static void Write(TextWriter w, IReadOnlyList<RangeRow> rows, string id)
    {
        List<RangeRow> byCopied = rows.OrderByDescending(r => r.Counts.Copied).ThenBy(r => r.Start).ToList();
        Dictionary<RangeRow, int> address = Ranks(rows.OrderBy(r => r.Start).ThenBy(r => r.MappedIn));
        Dictionary<RangeRow, int> shared = Ranks(rows.OrderByDescending(r => r.Counts.Shared).ThenBy(r => r.Start));
        Dictionary<RangeRow, int> pages = Ranks(rows.OrderByDescending(r => r.Pages).ThenBy(r => r.Start));
        Dictionary<RangeRow, int> mapping = Ranks(rows.OrderBy(r => r.Mapping, System.StringComparer.Ordinal).ThenBy(r => r.Start));

        w.Write("<div class=\"sorter\">\n");
        foreach ((string key, _) in Orders)
        {
            string check = key == "copied" ? " checked=\"checked\"" : "";
            w.Write($"<input type=\"radio\" name=\"{id}-sort\" id=\"{id}-by-{key}\" class=\"by-{key}\"{check}/>");
        }
        w.Write("\n<p class=\"sort\">Sort by:");
        foreach ((string key, string label) in Orders)
        {
            w.Write($" <label for=\"{id}-by-{key}\" class=\"s-{key}\">{label}</label>");
        }
        w.Write("</p>\n<table class=\"ranges\" id=\"" + id + "\">\n<thead><tr>");
        w.Write($"<th><label for=\"{id}-by-mapping\">Mapping</label></th><th>Perm</th><th><label for=\"{id}-by-address\">Start</label></th>");
        w.Write($"<th><label for=\"{id}-by-pages\">Pages</label></th><th>Shared</th><th>Copied</th><th>Zero</th><th>ReferenceOnly</th><th>DifferenceOnly</th>");
        w.Write($"<th>Swapped</th><th>NotPresent</th><th><label for=\"{id}-by-copied\">CopiedBytes</label></th>");
        w.Write($"<th><label for=\"{id}-by-shared\">SharedBytes</label></th><th>MappedIn</th></tr></thead>\n<tbody>\n");
        foreach (RangeRow r in byCopied)
        {
            ForkStateCounts c = r.Counts;
            w.Write($"<tr style=\"--address:{address[r]};--shared:{shared[r]};--pages:{pages[r]};--mapping:{mapping[r]}\" " +
                $"data-mapping=\"{Html.Escape(r.Mapping)}\" data-start=\"{Html.Hex(r.Start)}\" data-end=\"{Html.Hex(r.End)}\" " +
                $"data-copied-bytes=\"{r.CopiedBytes}\" data-shared-bytes=\"{r.SharedBytes}\">");
            w.Write($"<td class=\"mapping\">{Html.Escape(r.Mapping)}</td><td>{Html.Escape(r.Permissions)}</td><td>{Html.Hex(r.Start)}</td>");
            w.Write($"<td class=\"pages\">{Html.Number(r.Pages)}</td><td class=\"shared\">{Html.Number(c.Shared)}</td><td class=\"copied\">{Html.Number(c.Copied)}</td>");
            w.Write($"<td class=\"zero\">{Html.Number(c.Zero)}</td><td class=\"referenceonly\">{Html.Number(c.ReferenceOnly)}</td>");
            w.Write($"<td class=\"differenceonly\">{Html.Number(c.DifferenceOnly)}</td><td class=\"swapped\">{Html.Number(c.Swapped)}</td>");
            w.Write($"<td class=\"notpresent\">{Html.Number(c.NotPresent)}</td>");
            w.Write($"<td class=\"copiedbytes\" title=\"{r.CopiedBytes} bytes\">{MapText.Bytes(r.CopiedBytes)}</td>");
            w.Write($"<td class=\"sharedbytes\" title=\"{r.SharedBytes} bytes\">{MapText.Bytes(r.SharedBytes)}</td><td>{r.MappedIn}</td></tr>\n");
        }
        w.Write("</tbody>\n</table>\n</div>\n");
    }

    private static Dictionary<RangeRow, int> Ranks(IEnumerable<RangeRow> ordered)
    {
        var ranks = new Dictionary<RangeRow, int>(ReferenceEqualityComparer.Instance);
        foreach (RangeRow row in ordered)
        {
            ranks[row] = ranks.Count;
        }
        return ranks;
    }
}
