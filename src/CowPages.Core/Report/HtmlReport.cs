using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using CowPages.Map;

namespace CowPages.Report;

/// <summary>
/// One self-contained HTML file for a ticket: inline CSS and SVG, no script, font or any other file to load (a
/// Content-Security-Policy says so to the browser too). Sections, each only when it has input: comparisons (the
/// map and the sortable table of ranges), CowSummary objects (a bar chart of Rss) and ForkSample objects (a time
/// chart per child). The markup is well-formed XML as well as HTML.
/// </summary>
public sealed class HtmlReport
{
    private const string Policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    private readonly ReportFacts _facts;
    private readonly List<(CowMap Map, IReadOnlyList<RangeRow> Rows)> _comparisons = new();
    private readonly List<CowSummary> _summaries = new();
    private readonly List<ReportSample> _samples = new();

    public HtmlReport(ReportFacts facts) => _facts = facts;

    public bool IsEmpty => _comparisons.Count == 0 && _summaries.Count == 0 && _samples.Count == 0;

    /// <summary>Adds a comparison: its map, and the rows of its table (by default the map's own ranges).</summary>
    public void AddComparison(CowMap map, IReadOnlyList<RangeRow>? rows = null) =>
        _comparisons.Add((map, rows ?? map.Ranges.Select(RangeRow.From).ToList()));

    public void AddSummaries(IEnumerable<CowSummary> summaries) => _summaries.AddRange(summaries);

    public void AddSamples(IEnumerable<ReportSample> samples) => _samples.AddRange(samples);

    public string ToHtml()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(writer);
        return writer.ToString();
    }

    public void Write(TextWriter w)
    {
        w.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        w.Write($"<meta http-equiv=\"Content-Security-Policy\" content=\"{Policy}\"/>\n");
        w.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        w.Write($"<meta name=\"generator\" content=\"{Html.Escape(_facts.Generator)}\"/>\n");
        w.Write($"<title>{Html.Escape(_facts.Title)}</title>\n<style>\n{ReportStyles.Css()}</style>\n</head>\n<body>\n");
        Header(w);
        int n = 0;
        foreach ((CowMap map, IReadOnlyList<RangeRow> rows) in _comparisons)
        {
            Comparison(w, map, rows, $"cmp{n++}");
        }
        if (_summaries.Count > 0)
        {
            w.Write($"<section class=\"summaries\" id=\"summaries\">\n<h2>Memory of {_summaries.Count} {(_summaries.Count == 1 ? "summary" : "summaries")}</h2>\n");
            w.Write("<p class=\"note\">Rss split into anonymous pages still shared copy-on-write (CowShared), anonymous pages mapped once " +
                "(CowPrivate: copies, or memory allocated since the fork), page-cache pages (File) and the rest (shmem, KSM); swap is drawn after it.</p>\n");
            SummaryChart.Write(w, _summaries, "summary");
            w.Write("</section>\n");
        }
        if (_samples.Count > 0)
        {
            w.Write("<section class=\"samples\" id=\"samples\">\n<h2>Copy-on-write over time</h2>\n");
            w.Write("<p class=\"note\">Copied and shared bytes of each child against the left axis, copied bytes per second dashed against the right " +
                "one; seconds count from the first sample in this report.</p>\n");
            SampleChart.Write(w, _samples, "samples");
            w.Write("</section>\n");
        }
        if (IsEmpty)
        {
            w.Write("<p class=\"note\">Nothing was given to report.</p>\n");
        }
        w.Write($"<footer>Written by {Html.Escape(_facts.Generator)}. This file is all there is: it loads no script, font or other file. " +
            "The tables re-sort with their \"Sort by\" links without JavaScript.</footer>\n</body>\n</html>\n");
    }

    private void Header(TextWriter w)
    {
        w.Write($"<header>\n<h1>{Html.Escape(_facts.Title)}</h1>\n<dl class=\"facts\">\n");
        w.Write($"<dt>Host</dt><dd id=\"host\">{Html.Escape(_facts.HostName)}</dd>\n");
        w.Write($"<dt>Kernel</dt><dd id=\"kernel\">{Html.Escape(_facts.KernelRelease)}</dd>\n");
        w.Write($"<dt>Time</dt><dd><time id=\"time\" datetime=\"{_facts.GeneratedAt.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture)}\">" +
            $"{_facts.GeneratedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)}</time></dd>\n");
        w.Write($"<dt>Processes</dt><dd id=\"pids\">{Html.Escape(Processes())}</dd>\n");
        w.Write($"<dt>Method</dt><dd id=\"method\">{Html.Escape(Methods())}</dd>\n</dl>\n");
        if (_comparisons.Count + (_summaries.Count > 0 ? 1 : 0) + (_samples.Count > 0 ? 1 : 0) > 1)
        {
            w.Write("<nav>");
            for (int i = 0; i < _comparisons.Count; i++)
            {
                w.Write($"<a href=\"#cmp{i}\">{_comparisons[i].Map.DifferenceId} against {_comparisons[i].Map.ReferenceId}</a>");
            }
            w.Write(_summaries.Count > 0 ? "<a href=\"#summaries\">Summaries</a>" : "");
            w.Write(_samples.Count > 0 ? "<a href=\"#samples\">Over time</a>" : "");
            w.Write("</nav>\n");
        }
        w.Write("</header>\n");
    }

    private string Processes()
    {
        var parts = new List<string>();
        parts.AddRange(_comparisons.Select(c => $"{c.Map.DifferenceId} compared with {c.Map.ReferenceId}"));
        if (_summaries.Count > 0)
        {
            parts.Add("summarised: " + string.Join(", ", _summaries.Select(s => s.ProcessId).Distinct()));
        }
        if (_samples.Count > 0)
        {
            parts.Add("sampled: " + string.Join(", ", _samples.Select(s => $"{s.DifferenceId} with {s.ReferenceId}").Distinct()));
        }
        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }

    private string Methods()
    {
        IEnumerable<string?> methods = _comparisons.Select(c => c.Map.Method?.ToString())
            .Concat(_summaries.Select(s => s.Method.ToString()))
            .Concat(_samples.Select(s => s.Method));
        string list = string.Join(", ", methods.Where(m => !string.IsNullOrEmpty(m)).Distinct());
        return list.Length == 0 ? "not known" : list;
    }

    private static void Comparison(TextWriter w, CowMap map, IReadOnlyList<RangeRow> rows, string id)
    {
        ulong copied = 0, shared = 0;
        foreach (RangeRow row in rows)
        {
            copied += row.CopiedBytes;
            shared += row.SharedBytes;
        }
        w.Write($"<section class=\"comparison\" id=\"{id}\" data-difference=\"{map.DifferenceId}\" data-reference=\"{map.ReferenceId}\" " +
            $"data-copied-bytes=\"{copied}\" data-shared-bytes=\"{shared}\">\n");
        w.Write($"<h2>Process {map.DifferenceId} compared with {map.ReferenceId}</h2>\n");
        w.Write($"<p class=\"totals\">{MapText.Bytes(copied)} copied and {MapText.Bytes(shared)} still shared, in {rows.Count} {(rows.Count == 1 ? "range" : "ranges")}" +
            $"{(map.Method is CowMethod m ? $" (Method {m})" : "")}.</p>\n");
        if (map.Ranges.Any(r => !r.Placed))
        {
            w.Write("<p class=\"note\">Ranges marked * could not be read again, so the map spreads their pages evenly; the table has their numbers as compared.</p>\n");
        }
        SvgMap.Write(w, map, id + "-map");
        w.Write("<h3>Ranges, most copied first</h3>\n");
        RangeTable.Write(w, rows, id + "-ranges");
        w.Write("</section>\n");
    }
}
