using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CowPages.Map;

/// <summary>
/// The map as lines of text: a legend first, then per map a heading, one line per row (start address, cells, copied
/// and shared bytes, mapping name) and a total line with the scale last.
/// </summary>
public static class MapText
{
    /// <summary>The narrowest map: room for 8 cells beside the columns.</summary>
    public const int MinimumWidth = 64;

    private const int AddressWidth = 12;
    private const int BytesWidth = 10;

    /// <summary>Characters of a line that are not cells or the name: address, bytes and the spaces between.</summary>
    private const int Columns = AddressWidth + 1 + 1 + BytesWidth + 1 + BytesWidth + 1;

    /// <summary>How many cells a row of a map <paramref name="width"/> characters wide holds.</summary>
    public static int CellsPerRow(int width) => Math.Max(MinimumWidth, width) - Columns - NameWidth(width);

    /// <summary>The legend, for the top of the output, wrapped at <paramref name="width"/> characters.</summary>
    public static IEnumerable<string> Legend(MapTextStyle style, int width)
    {
        var entries = new List<(int Visible, string Text)>();
        foreach (MapStateStyle state in MapPalette.States)
        {
            string sample = state.State == MapState.NotCompared ? "(blank)" : style.Sample(state.State);
            int sampleWidth = state.State == MapState.NotCompared ? 7 : 1;
            entries.Add((sampleWidth + 1 + state.Name.Length, sample + " " + state.Name));
            if (state.State == MapState.Copied)
            {
                const string partly = " partly copied (at least one page)";
                entries.Add(((style.Coloured ? 3 : 1) + partly.Length, style.PartlyCopiedSample() + partly));
            }
        }
        foreach (string line in Wrap("Legend:", entries, width))
        {
            yield return line;
        }
        string[] words = "Rows: start address, cells, copied bytes, shared bytes, mapping; the scale is on the last line.".Split(' ');
        foreach (string line in Wrap(words[0], words.Skip(1).Select(w => (w.Length, w)).ToList(), width, "  ", " "))
        {
            yield return line;
        }
    }

    /// <summary>Joins entries after a first word, starting a new indented line where the next would run past the width.</summary>
    private static IEnumerable<string> Wrap(string first, List<(int Visible, string Text)> entries, int width, string indent = "        ", string gap = "  ")
    {
        var line = new StringBuilder(first);
        int visible = first.Length;
        foreach ((int length, string text) in entries)
        {
            if (visible + gap.Length + length > width && visible > indent.Length)
            {
                yield return line.ToString();
                line.Clear().Append(indent).Append(text);
                visible = indent.Length + length;
                continue;
            }
            line.Append(gap).Append(text);
            visible += gap.Length + length;
        }
        yield return line.ToString();
    }

    /// <summary>One map's lines, <paramref name="width"/> characters wide at most (the total line may run longer).</summary>
    public static IEnumerable<string> Lines(CowMap map, int width, MapTextStyle style)
    {
        int cells = map.CellsPerRow;
        int nameWidth = Math.Max(8, width - Columns - cells);
        string method = map.Method is CowMethod m ? $", Method {m}" : "";
        yield return $"Process {map.DifferenceId} compared with {map.ReferenceId}{method}";
        if (map.Ranges.Count == 0)
        {
            yield return "  (no ranges to draw)";
        }
        else
        {
            yield return $"{"Address",-AddressWidth} {"Cells".PadRight(cells)} {"Copied",BytesWidth} {"Shared",BytesWidth} Mapping";
        }
        foreach (MapRow row in map.Rows())
        {
            yield return Row(row, cells, nameWidth, style);
        }
        yield return Total(map);
    }

    /// <summary>The last line of a map: what it adds up to, and the scale.</summary>
    public static string Total(CowMap map)
    {
        ForkStateCounts totals = map.Totals;
        string unplaced = map.Ranges.Any(r => !r.Placed) ? "; * pages spread evenly: where they lie could not be read" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"Total: {Bytes(PageGeometry.Bytes(totals.Copied))} copied, {Bytes(PageGeometry.Bytes(totals.Shared))} shared, " +
            $"{totals.Total:N0} pages compared in {map.Ranges.Count} {(map.Ranges.Count == 1 ? "range" : "ranges")}; 1 cell = {Bytes(map.CellBytes)}{unplaced}");
    }

    /// <summary>
    /// Bytes in a binary unit, exactly where four digits and one decimal can: 48 KiB, 2044 KiB, 3.5 MiB, 8 GiB.
    /// Otherwise rounded to one decimal in the largest unit (15.8 MiB), so a figure never looks rounder than it is.
    /// </summary>
    public static string Bytes(ulong bytes)
    {
        if (bytes == 0)
        {
            return "0";
        }
        string[] units = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        int largest = 0;
        while (largest < units.Length - 1 && bytes >> (10 * (largest + 1)) > 0)
        {
            largest++;
        }
        for (int unit = largest; unit >= 0; unit--)
        {
            decimal value = (decimal)bytes / (1UL << (10 * unit));
            if (value * 10 == decimal.Truncate(value * 10) && value < 10000)
            {
                return value.ToString("0.#", CultureInfo.InvariantCulture) + " " + units[unit];
            }
        }
        double rounded = (double)bytes / (1UL << (10 * largest));
        return rounded.ToString(rounded >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture) + " " + units[largest];
    }

    private static string Row(MapRow row, int cells, int nameWidth, MapTextStyle style)
    {
        var line = new StringBuilder(AddressWidth + cells * 2 + 64);
        line.Append(row.Start.ToString("x" + AddressWidth, CultureInfo.InvariantCulture)).Append(' ');
        string current = "";
        for (int i = 0; i < row.CellCount; i++)
        {
            (char glyph, string escape) = style.Draw(row.Cell(i).Look);
            if (escape != current)
            {
                line.Append(style.Reset).Append(escape);
                current = escape;
            }
            line.Append(glyph);
        }
        if (current.Length > 0)
        {
            line.Append(style.Reset);
        }
        line.Append(' ', cells - row.CellCount + 1);
        line.Append(Bytes(PageGeometry.Bytes(row.Counts.Copied)).PadLeft(BytesWidth)).Append(' ');
        line.Append(Bytes(PageGeometry.Bytes(row.Counts.Shared)).PadLeft(BytesWidth)).Append(' ');
        line.Append(Name(row.Range.Placed ? row.Range.Mapping : row.Range.Mapping + " *", nameWidth));
        return line.ToString();
    }

    /// <summary>Long names keep their end, where a file's name is.</summary>
    internal static string Name(string name, int width) => name.Length <= width ? name : "…" + name[^(width - 1)..];

    private static int NameWidth(int width) => width >= 120 ? 24 : 20;
}
