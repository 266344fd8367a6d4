using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CowPages.Map;

namespace CowPages.Report;

/// <summary>
/// CowSummary objects as a bar chart: each process's (or mapping's) Rss split into CowShared, CowPrivate, File and the
/// rest (shmem, KSM), with its swap drawn on after the resident part; and the same numbers as a table.
/// </summary>
internal static class SummaryChart
{
    private const double LabelWidth = 260;
    private const double BarWidth = 760;
    private const double Pitch = 22;
    private const double Top = 40;

    /// <summary>The parts of a bar, in drawing order, with the class that colours them.</summary>
    private static readonly (string Name, string Class, Func<CowSummary, ulong> Bytes)[] Parts =
    {
        ("CowShared", MapPalette.Of(MapState.Shared).CssClass, s => s.CowShared),
        ("CowPrivate", MapPalette.Of(MapState.Copied).CssClass, s => s.CowPrivate),
        ("File", "part-file", s => s.File),
        ("Other resident", "part-other", Other),
        ("Swap", MapPalette.Of(MapState.Swapped).CssClass, s => s.Swap),
    };

    /// <summary>Resident bytes that are neither copy-on-write anonymous memory nor file pages: shmem and KSM pages.</summary>
    internal static ulong Other(CowSummary s)
    {
        ulong accounted = s.CowShared + s.CowPrivate + s.File;
        return s.Rss > accounted ? s.Rss - accounted : 0;
    }

    internal static void Write(TextWriter w, IReadOnlyList<CowSummary> summaries, string id)
    {
        ulong widest = Math.Max(1, summaries.Max(s => s.Rss + s.Swap));
        double height = Top + summaries.Count * Pitch + 12;
        double width = LabelWidth + BarWidth + 200;
        w.Write($"<svg class=\"summary\" id=\"{id}\" viewBox=\"0 0 {width} {Html.Coordinate(height)}\" width=\"{width}\" height=\"{Html.Coordinate(height)}\" " +
            $"role=\"img\" aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">Rss split into CowShared, CowPrivate, File and the rest, and Swap</title>\n<g class=\"legend\">");
        double x = 0;
        foreach ((string name, string css, _) in Parts)
        {
            w.Write($"<rect class=\"{css}\" x=\"{Html.Coordinate(x)}\" y=\"8\" width=\"12\" height=\"12\"/><text x=\"{Html.Coordinate(x + 16)}\" y=\"18\">{name}</text>");
            x += 16 + name.Length * 6.7 + 18;
        }
        w.Write("</g>\n");
        double y = Top;
        foreach (CowSummary s in summaries)
        {
            w.Write($"<g class=\"bar\" data-pid=\"{s.ProcessId}\" data-rss=\"{s.Rss}\" data-swap=\"{s.Swap}\">");
            w.Write($"<title>{Html.Escape(Label(s))}: Rss {MapText.Bytes(s.Rss)}, CowShared {MapText.Bytes(s.CowShared)}, CowPrivate {MapText.Bytes(s.CowPrivate)}, " +
                $"File {MapText.Bytes(s.File)}, other {MapText.Bytes(Other(s))}, Swap {MapText.Bytes(s.Swap)}</title>");
            w.Write($"<text x=\"0\" y=\"{Html.Coordinate(y + 11)}\">{Html.Escape(MapText.Name(Label(s), 38))}</text>");
            double at = LabelWidth;
            foreach ((_, string css, Func<CowSummary, ulong> bytes) in Parts)
            {
                double part = BarWidth * bytes(s) / widest;
                if (part > 0)
                {
                    w.Write($"<rect class=\"{css}\" x=\"{Html.Coordinate(at)}\" y=\"{Html.Coordinate(y)}\" width=\"{Html.Coordinate(Math.Max(part, 0.5))}\" height=\"14\"/>");
                    at += part;
                }
            }
            w.Write($"<text x=\"{Html.Coordinate(at + 6)}\" y=\"{Html.Coordinate(y + 11)}\">Rss {MapText.Bytes(s.Rss)}{(s.Swap > 0 ? ", Swap " + MapText.Bytes(s.Swap) : "")}</text></g>\n");
            y += Pitch;
        }
        w.Write("</svg>\n");
        Table(w, summaries, id + "-table");
    }

    private static void Table(TextWriter w, IReadOnlyList<CowSummary> summaries, string id)
    {
        w.Write($"<table class=\"plain summaries\" id=\"{id}\"><thead><tr><th>Process</th><th>ProcessId</th><th>Mapping</th><th>Rss</th><th>CowShared</th>" +
            "<th>CowPrivate</th><th>File</th><th>Other</th><th>Swap</th><th>Pss</th><th>Method</th></tr></thead>\n<tbody>\n");
        foreach (CowSummary s in summaries)
        {
            w.Write($"<tr data-pid=\"{s.ProcessId}\" data-mapping=\"{Html.Escape(s.Mapping)}\" data-rss=\"{s.Rss}\" data-cow-shared=\"{s.CowShared}\" " +
                $"data-cow-private=\"{s.CowPrivate}\" data-file=\"{s.File}\" data-other=\"{Other(s)}\" data-swap=\"{s.Swap}\" data-pss=\"{s.Pss}\">");
            w.Write($"<td>{Html.Escape(s.Name)}</td><td>{s.ProcessId}</td><td>{Html.Escape(s.Mapping ?? "")}</td>");
            foreach (ulong bytes in new[] { s.Rss, s.CowShared, s.CowPrivate, s.File, Other(s), s.Swap, s.Pss })
            {
                w.Write($"<td title=\"{bytes} bytes\">{MapText.Bytes(bytes)}</td>");
            }
            w.Write($"<td>{s.Method}</td></tr>\n");
        }
        w.Write("</tbody></table>\n");
    }

    private static string Label(CowSummary s) => s.Mapping is string mapping ? $"{s.ProcessId} {mapping}" : $"{s.ProcessId} {s.Name}";
}
