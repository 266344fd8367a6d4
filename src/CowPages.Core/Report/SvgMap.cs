using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CowPages.Map;

namespace CowPages.Report;

/// <summary>
/// A <see cref="CowMap"/> as inline SVG: the terminal map's rows, states, colours and legend. Neighbouring cells that
/// look the same are drawn as one rectangle, and each state's rectangles of a row as one path, so that the size grows
/// with what the map shows, not with the memory it stands for.
/// </summary>
internal static class SvgMap
{
    private const double CellWidth = 6;
    private const double CellHeight = 12;
    private const double Pitch = 15;
    private const double BarX = 100;
    private const double Top = 62;
    private const int NameLength = 44;

    internal static void Write(TextWriter w, CowMap map, string id)
    {
        List<MapRow> rows = map.Rows().ToList();
        double barEnd = BarX + map.CellsPerRow * CellWidth;
        double copiedX = barEnd + 76, sharedX = barEnd + 152, nameX = barEnd + 162;
        double width = nameX + NameLength * 6.7 + 8;
        double height = Top + rows.Count * Pitch + 30;
        w.Write($"<svg class=\"map\" id=\"{id}\" viewBox=\"0 0 {Html.Coordinate(width)} {Html.Coordinate(height)}\" " +
            $"width=\"{Html.Coordinate(width)}\" height=\"{Html.Coordinate(height)}\" role=\"img\" aria-labelledby=\"{id}-title\" " +
            $"data-difference=\"{map.DifferenceId}\" data-reference=\"{map.ReferenceId}\" data-cell-bytes=\"{map.CellBytes}\" data-rows=\"{rows.Count}\">\n");
        w.Write($"<title id=\"{id}-title\">Map of process {map.DifferenceId} compared with {map.ReferenceId}</title>\n");
        Legend(w);
        w.Write($"<text class=\"head\" x=\"0\" y=\"{Top - 6}\">Address</text><text class=\"head\" x=\"{BarX}\" y=\"{Top - 6}\">Cells</text>");
        w.Write($"<text class=\"head\" x=\"{Html.Coordinate(copiedX)}\" y=\"{Top - 6}\" text-anchor=\"end\">Copied</text>");
        w.Write($"<text class=\"head\" x=\"{Html.Coordinate(sharedX)}\" y=\"{Top - 6}\" text-anchor=\"end\">Shared</text>");
        w.Write($"<text class=\"head\" x=\"{Html.Coordinate(nameX)}\" y=\"{Top - 6}\">Mapping</text>\n");
        double y = Top;
        foreach (MapRow row in rows)
        {
            Row(w, row, y, copiedX, sharedX, nameX);
            y += Pitch;
        }
        w.Write($"<text class=\"scale\" x=\"0\" y=\"{Html.Coordinate(y + 18)}\">{Html.Escape(MapText.Total(map))}</text>\n</svg>\n");
    }

    private static void Legend(TextWriter w)
    {
        w.Write("<g class=\"legend\">");
        double x = 0;
        foreach (MapStateStyle state in MapPalette.States)
        {
            string outline = state.State == MapState.NotCompared ? " swatch-nc" : "";
            w.Write($"<rect class=\"{state.CssClass}{outline}\" x=\"{Html.Coordinate(x)}\" y=\"8\" width=\"12\" height=\"12\"><title>{Html.Escape(state.Meaning)}</title></rect>");
            w.Write($"<text x=\"{Html.Coordinate(x + 16)}\" y=\"18\">{state.Name}</text>");
            x += 16 + state.Name.Length * 6.7 + 14;
            if (state.State == MapState.Copied)
            {
                w.Write($"<rect class=\"{MapPalette.Of(MapState.Shared).CssClass}\" x=\"{Html.Coordinate(x)}\" y=\"8\" width=\"12\" height=\"12\"/>");
                w.Write($"<rect class=\"{state.CssClass}\" x=\"{Html.Coordinate(x)}\" y=\"17\" width=\"12\" height=\"3\"><title>at least one page of the cell copied, drawn in eighths, rounded up</title></rect>");
                w.Write($"<text x=\"{Html.Coordinate(x + 16)}\" y=\"18\">partly copied</text>");
                x += 16 + 13 * 6.7 + 14;
            }
        }
        w.Write("</g>\n");
    }

    private static void Row(TextWriter w, MapRow row, double y, double copiedX, double sharedX, double nameX)
    {
        MapRange range = row.Range;
        string name = range.Placed ? range.Mapping : range.Mapping + " *";
        w.Write($"<g class=\"row\" data-mapping=\"{Html.Escape(range.Mapping)}\" data-start=\"{Html.Hex(row.Start)}\" data-end=\"{Html.Hex(row.End)}\" " +
            $"data-copied=\"{row.Counts.Copied}\" data-shared=\"{row.Counts.Shared}\" data-pages=\"{row.Counts.Total + row.NotCompared}\">");
        w.Write($"<title>{Html.Escape(range.Mapping)} {Html.Hex(row.Start)}-{Html.Hex(row.End)}: {Html.Number(row.Counts.Copied)} pages copied, " +
            $"{Html.Number(row.Counts.Shared)} shared</title>");
        w.Write($"<text x=\"0\" y=\"{Html.Coordinate(y + 10)}\">{row.Start:x12}</text>");
        Cells(w, row, y);
        w.Write($"<text x=\"{Html.Coordinate(copiedX)}\" y=\"{Html.Coordinate(y + 10)}\" text-anchor=\"end\">{MapText.Bytes(PageGeometry.Bytes(row.Counts.Copied))}</text>");
        w.Write($"<text x=\"{Html.Coordinate(sharedX)}\" y=\"{Html.Coordinate(y + 10)}\" text-anchor=\"end\">{MapText.Bytes(PageGeometry.Bytes(row.Counts.Shared))}</text>");
        w.Write($"<text x=\"{Html.Coordinate(nameX)}\" y=\"{Html.Coordinate(y + 10)}\">{Html.Escape(MapText.Name(name, NameLength))}</text></g>\n");
    }

    /// <summary>
    /// One path per fill state and one for the copies drawn over the fills. Fills and copies are merged into runs
    /// separately, so that a stripe of equally copied cells over one fill is two rectangles.
    /// </summary>
    private static void Cells(TextWriter w, MapRow row, double y)
    {
        var looks = new MapLook[row.CellCount];
        for (int i = 0; i < looks.Length; i++)
        {
            looks[i] = row.Cell(i).Look;
        }
        var fills = new SortedDictionary<MapState, StringBuilder>();
        var copies = new StringBuilder();
        for (int i = 0, run; i < looks.Length; i += run)
        {
            MapState fill = looks[i].CopiedEighths == 8 ? MapState.Copied : looks[i].Fill;
            for (run = 1; i + run < looks.Length && (looks[i + run].CopiedEighths == 8 ? MapState.Copied : looks[i + run].Fill) == fill; run++)
            {
            }
            if (fill != MapState.Copied)
            {
                if (!fills.TryGetValue(fill, out StringBuilder? path))
                {
                    fills[fill] = path = new StringBuilder();
                }
                Rectangle(path, BarX + i * CellWidth, y, run * CellWidth, CellHeight);
            }
        }
        for (int i = 0, run; i < looks.Length; i += run)
        {
            int eighths = looks[i].CopiedEighths;
            for (run = 1; i + run < looks.Length && looks[i + run].CopiedEighths == eighths; run++)
            {
            }
            if (eighths > 0)
            {
                double copied = CellHeight * eighths / 8;
                Rectangle(copies, BarX + i * CellWidth, y + CellHeight - copied, run * CellWidth, copied);
            }
        }
        foreach ((MapState state, StringBuilder path) in fills)
        {
            w.Write($"<path class=\"{MapPalette.Of(state).CssClass}\" d=\"{path}\"/>");
        }
        if (copies.Length > 0)
        {
            w.Write($"<path class=\"{MapPalette.Of(MapState.Copied).CssClass}\" d=\"{copies}\"/>");
        }
    }

    private static void Rectangle(StringBuilder path, double x, double y, double width, double height) =>
        path.Append('M').Append(Html.Coordinate(x)).Append(' ').Append(Html.Coordinate(y))
            .Append('h').Append(Html.Coordinate(width)).Append('v').Append(Html.Coordinate(height))
            .Append('h').Append(Html.Coordinate(-width)).Append('z');
}
