using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using CowPages.Map;

namespace CowPages.Report;

/// <summary>
/// ForkSample objects as a time chart per child: copied and shared bytes against the left axis, the copy rate as a
/// dashed line against the right one, over seconds since the first sample of the report. Samples taken per mapping
/// are added up per time.
/// </summary>
internal static class SampleChart
{
    private const double Left = 84, Right = 820, Top = 34, Bottom = 214, Width = 910, Height = 250;

    /// <summary>At most this many points per line: more only add bytes a screen cannot show.</summary>
    private const int MaxPoints = 1200;

    internal sealed record Point(DateTimeOffset Time, double Seconds, ulong Copied, ulong Shared, double Rate);

    internal sealed record Series(int DifferenceId, int ReferenceId, IReadOnlyList<Point> Points, string Method);

    internal static List<Series> Group(IReadOnlyList<ReportSample> samples)
    {
        DateTimeOffset origin = samples.Min(s => s.Timestamp);
        var series = new List<Series>();
        foreach (IGrouping<int, ReportSample> child in samples.GroupBy(s => s.DifferenceId))
        {
            List<Point> points = child.GroupBy(s => s.Timestamp).OrderBy(g => g.Key).Select(g => new Point(g.Key, (g.Key - origin).TotalSeconds,
                (ulong)g.Sum(s => (decimal)s.CopiedBytes), (ulong)g.Sum(s => (decimal)s.SharedBytes), g.Sum(s => s.CopiedBytesPerSecond))).ToList();
            string method = string.Join(", ", child.Select(s => s.Method).Where(m => !string.IsNullOrEmpty(m)).Distinct());
            series.Add(new Series(child.Key, child.First().ReferenceId, points, method));
        }
        return series;
    }

    internal static void Write(TextWriter w, IReadOnlyList<ReportSample> samples, string id)
    {
        List<Series> all = Group(samples);
        int n = 0;
        foreach (Series s in all)
        {
            Chart(w, s, $"{id}-{n++}");
        }
        w.Write($"<table class=\"plain samples\" id=\"{id}-table\"><thead><tr><th>Child</th><th>Reference</th><th>Samples</th><th>First</th><th>Seconds</th>" +
            "<th>Last copied</th><th>Last shared</th><th>Peak copied/s</th><th>Method</th></tr></thead>\n<tbody>\n");
        foreach (Series s in all)
        {
            Point last = s.Points[^1];
            double peak = s.Points.Max(p => p.Rate);
            w.Write($"<tr data-difference=\"{s.DifferenceId}\" data-reference=\"{s.ReferenceId}\" data-samples=\"{s.Points.Count}\" " +
                $"data-last-copied=\"{last.Copied}\" data-last-shared=\"{last.Shared}\" data-peak-rate=\"{Html.Number(peak, "R")}\">");
            w.Write($"<td>{s.DifferenceId}</td><td>{s.ReferenceId}</td><td>{s.Points.Count}</td>" +
                $"<td>{s.Points[0].Time.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)}</td>" +
                $"<td>{Html.Number(last.Seconds - s.Points[0].Seconds, "0.0")}</td><td title=\"{last.Copied} bytes\">{MapText.Bytes(last.Copied)}</td>" +
                $"<td title=\"{last.Shared} bytes\">{MapText.Bytes(last.Shared)}</td><td>{MapText.Bytes((ulong)Math.Max(0, peak))}/s</td><td>{Html.Escape(s.Method)}</td></tr>\n");
        }
        w.Write("</tbody></table>\n");
    }

    private static void Chart(TextWriter w, Series s, string id)
    {
        double maxSeconds = Math.Max(s.Points[^1].Seconds, 1e-3);
        double minSeconds = s.Points[0].Seconds;
        if (maxSeconds <= minSeconds)
        {
            maxSeconds = minSeconds + 1;
        }
        double maxBytes = NiceCeiling(Math.Max(PageGeometry.PageSize, s.Points.Max(p => (double)Math.Max(p.Copied, p.Shared))));
        double maxRate = NiceCeiling(Math.Max(1, s.Points.Max(p => p.Rate)));
        double X(double seconds) => Left + (Right - Left) * (seconds - minSeconds) / (maxSeconds - minSeconds);
        double Y(double value, double max) => Bottom - (Bottom - Top) * value / max;

        w.Write($"<svg class=\"samples\" id=\"{id}\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-labelledby=\"{id}-title\" " +
            $"data-difference=\"{s.DifferenceId}\" data-points=\"{s.Points.Count}\">\n<title id=\"{id}-title\">Process {s.DifferenceId}: copied and shared bytes over time, and the copy rate</title>\n");
        w.Write($"<text class=\"head\" x=\"0\" y=\"14\">Process {s.DifferenceId} (reference {s.ReferenceId})</text>");
        w.Write($"<line class=\"ln ln-copied\" x1=\"300\" y1=\"10\" x2=\"324\" y2=\"10\"/><text x=\"330\" y=\"14\">Copied</text>");
        w.Write($"<line class=\"ln ln-shared\" x1=\"400\" y1=\"10\" x2=\"424\" y2=\"10\"/><text x=\"430\" y=\"14\">Shared</text>");
        w.Write($"<line class=\"ln ln-rate\" x1=\"500\" y1=\"10\" x2=\"524\" y2=\"10\"/><text x=\"530\" y=\"14\">Copied per second (right axis)</text>\n");
        for (int i = 0; i <= 4; i++)
        {
            double y = Y(maxBytes * i / 4, maxBytes);
            w.Write($"<line class=\"grid\" x1=\"{Left}\" y1=\"{Html.Coordinate(y)}\" x2=\"{Right}\" y2=\"{Html.Coordinate(y)}\"/>");
            w.Write($"<text x=\"{Left - 6}\" y=\"{Html.Coordinate(y + 4)}\" text-anchor=\"end\">{MapText.Bytes((ulong)(maxBytes * i / 4))}</text>");
            w.Write($"<text x=\"{Right + 6}\" y=\"{Html.Coordinate(y + 4)}\">{MapText.Bytes((ulong)(maxRate * i / 4))}/s</text>");
            double seconds = minSeconds + (maxSeconds - minSeconds) * i / 4;
            w.Write($"<text x=\"{Html.Coordinate(X(seconds))}\" y=\"{Bottom + 16}\" text-anchor=\"middle\">{Html.Number(seconds, "0.#")} s</text>");
        }
        w.Write($"<path class=\"axis\" d=\"M{Left} {Top}V{Bottom}H{Right}V{Top}\"/>\n");
        IReadOnlyList<Point> points = Thin(s.Points);
        Line(w, "ln-copied", points, p => X(p.Seconds), p => Y(p.Copied, maxBytes));
        Line(w, "ln-shared", points, p => X(p.Seconds), p => Y(p.Shared, maxBytes));
        Line(w, "ln-rate", points, p => X(p.Seconds), p => Y(p.Rate, maxRate));
        w.Write("</svg>\n");
    }

    private static void Line(TextWriter w, string css, IReadOnlyList<Point> points, Func<Point, double> x, Func<Point, double> y)
    {
        var coordinates = new StringBuilder(points.Count * 14);
        foreach (Point p in points)
        {
            coordinates.Append(Html.Coordinate(x(p))).Append(',').Append(Html.Coordinate(y(p))).Append(' ');
        }
        w.Write($"<polyline class=\"ln {css}\" points=\"{coordinates.ToString().TrimEnd()}\"/>\n");
    }

    /// <summary>Every k-th point and the last, so that a long watch stays a small file; the table keeps the exact figures.</summary>
    private static IReadOnlyList<Point> Thin(IReadOnlyList<Point> points)
    {
        if (points.Count <= MaxPoints)
        {
            return points;
        }
        int step = (points.Count + MaxPoints - 1) / MaxPoints;
        var thinned = new List<Point>(MaxPoints + 1);
        for (int i = 0; i < points.Count; i += step)
        {
            thinned.Add(points[i]);
        }
        if (!ReferenceEquals(thinned[^1], points[^1]))
        {
            thinned.Add(points[^1]);
        }
        return thinned;
    }

    /// <summary>The smallest 1, 2 or 5 times a power of ten, or power of 1024 times those, at or above <paramref name="value"/>, so ticks fall on round values.</summary>
    internal static double NiceCeiling(double value)
    {
        double unit = 1;
        while (value / unit >= 1024)
        {
            unit *= 1024;
        }
        double scaled = value / unit;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(scaled)));
        foreach (double step in new[] { 1.0, 2, 4, 5, 8, 10 })
        {
            if (step * magnitude >= scaled)
            {
                return step * magnitude * unit;
            }
        }
        return 10 * magnitude * unit;
    }
}
