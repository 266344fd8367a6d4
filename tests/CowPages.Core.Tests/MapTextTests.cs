using System.Collections.Generic;
using System.Linq;
using CowPages.Map;
using Xunit;

namespace CowPages.Core.Tests;

public class MapTextTests
{
    private const ulong Page = PageGeometry.PageSize;

    private static CowMap Sample(int width, ulong? pagesPerCell = null)
    {
        var heap = new MapRange("[heap]", "rw-p", 0x1000000, 0x1000000 + 64 * Page, ForkMappingSide.Both);
        var lib = new MapRange("/usr/lib/x86_64-linux-gnu/a-very-long-library-name-indeed.so.6", "r--p", 0x7f0000000000, 0x7f0000000000 + 4000 * Page, ForkMappingSide.Both);
        var late = new MapRange("[anon]", "rw-p", 0x7f1000000000, 0x7f1000000000 + 2 * Page, ForkMappingSide.DifferenceOnly);
        var builder = new CowMapBuilder(100, 200, new[] { heap, lib, late }, new MapShape(MapText.CellsPerRow(width), 24, pagesPerCell));
        builder.Add(heap.Start, 12, ForkPageState.Copied);
        builder.Add(heap.Start + 12 * Page, 52, ForkPageState.Shared);
        builder.Add(lib.Start, 4000, ForkPageState.Shared);
        return builder.Build(CowMethod.Pfn);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(200)]
    public void TheLegendNamesEveryStateWithinTheWidth(int width)
    {
        List<string> legend = MapText.Legend(MapTextStyle.Plain, width).ToList();
        Assert.StartsWith("Legend:  = Shared  0 Zero  # Copied", legend[0]);
        string all = string.Join("\n", legend);
        Assert.All(MapPalette.States, s => Assert.Contains(s.Name, all));
        Assert.Contains("+ partly copied", all);
        Assert.All(legend, line => Assert.True(line.Length <= width, line));
        Assert.Equal(width >= 200 ? 2 : 6, legend.Count);
    }

    [Fact]
    public void TheColouredLegendWrapsByWhatShowsNotByTheSequences()
    {
        MapTextStyle style = MapTextStyle.Colour(name => $"\u001b[{name}]", name => $"\u001b[bg{name}]", "\u001b[0m");
        List<string> plain = MapText.Legend(MapTextStyle.Plain, 100).ToList();
        List<string> coloured = MapText.Legend(style, 100).ToList();
        Assert.Equal(plain.Count, coloured.Count);
        Assert.Contains("\u001b[Green]█\u001b[0m Shared", coloured[0]);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(80)]
    [InlineData(120)]
    [InlineData(200)]
    public void RowsFitTheWidthAndTheScaleComesLast(int width)
    {
        List<string> lines = MapText.Lines(Sample(width), width, MapTextStyle.Plain).ToList();
        Assert.Equal("Process 200 compared with 100, Method Pfn", lines[0]);
        Assert.All(lines.Take(lines.Count - 1), line => Assert.True(line.Length <= width, $"{line.Length} > {width}: {line}"));
        Assert.Matches(@"^Total: 48 KiB copied, 15\.8 MiB shared, 4,064 pages compared in 3 ranges; 1 cell = \d+(\.\d)? [KM]iB$", lines[^1]);
    }

    [Fact]
    public void EachRowEndsWithItsCopiedAndSharedBytesAndTheMapping()
    {
        List<string> lines = MapText.Lines(Sample(200, 1), 200, MapTextStyle.Plain).ToList();
        string heap = Assert.Single(lines, l => l.EndsWith("[heap]", System.StringComparison.Ordinal));
        Assert.Matches(@"^000001000000 #{12}={52}\s+48 KiB\s+208 KiB \[heap\]$", heap);
        Assert.Contains(lines, l => l.EndsWith(" …ibrary-name-indeed.so.6", System.StringComparison.Ordinal) && l.Length == 200);
        Assert.Contains(lines, l => l.StartsWith("7f1000000000   ", System.StringComparison.Ordinal) && l.EndsWith(" 0          0 [anon]", System.StringComparison.Ordinal));
    }

    [Fact]
    public void ColouredRowsCarryTheSequencesAndResetAtTheEnd()
    {
        MapTextStyle style = MapTextStyle.Colour(name => $"\u001b[{name}]", name => $"\u001b[bg{name}]", "\u001b[0m");
        string heap = MapText.Lines(Sample(200, 1), 200, style).Single(l => l.EndsWith("[heap]", System.StringComparison.Ordinal));
        Assert.StartsWith("000001000000 \u001b[0m\u001b[Red]████████████\u001b[0m\u001b[Green]", heap);
        Assert.Contains("\u001b[0m ", heap);
    }

    [Theory]
    [InlineData(0UL, "0")]
    [InlineData(4096UL, "4 KiB")]
    [InlineData(212992UL, "208 KiB")]
    [InlineData(2097152UL, "2 MiB")]
    [InlineData(1610612736UL, "1.5 GiB")]
    [InlineData(8589934592UL, "8 GiB")]
    [InlineData(2093056UL, "2044 KiB")]
    [InlineData(3670016UL, "3.5 MiB")]
    [InlineData(16596992UL, "15.8 MiB")]
    [InlineData(1000UL, "1000 B")]
    public void BytesReadAsBinaryUnits(ulong bytes, string text) => Assert.Equal(text, MapText.Bytes(bytes));
}
