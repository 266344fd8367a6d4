using System.Collections.Generic;
using System.Linq;
using CowPages.Map;
using Xunit;

namespace CowPages.Core.Tests;

public class CowMapBuilderTests
{
    private const ulong Page = PageGeometry.PageSize;
    private const ulong Thp = 0x7f0000000000;

    private static MapRange Range(ulong start, ulong pages, string name = "[anon]", ForkMappingSide side = ForkMappingSide.Both) =>
        new(name, "rw-p", start, start + pages * Page, side);

    [Fact]
    public void OneCopiedPageInAHugePageStaysVisibleAtEveryScale()
    {
        foreach (ulong pagesPerCell in new ulong[] { 1, 16, 512, 4096 })
        {
            MapRange thp = Range(Thp, 512);
            var builder = new CowMapBuilder(100, 200, new[] { thp }, new MapShape(64, 0, pagesPerCell));
            builder.Add(Thp, 5, ForkPageState.Shared);
            builder.Add(Thp + 5 * Page, 1, ForkPageState.Copied);
            builder.Add(Thp + 6 * Page, 506, ForkPageState.Shared);
            CowMap map = builder.Build(CowMethod.Pfn);

            Assert.Equal((511UL, 1UL), (map.Totals.Shared, map.Totals.Copied));
            MapCell[] cells = thp.Cells;
            Assert.Equal((int)System.Math.Max(1, 512 / pagesPerCell), cells.Length);
            MapCell withCopy = Assert.Single(cells, c => c.Counts.Copied > 0);
            Assert.True(withCopy.Look.CopiedEighths >= 1, $"{pagesPerCell} pages per cell");
            Assert.Equal(pagesPerCell == 1 ? 8 : 1, withCopy.Look.CopiedEighths);
            Assert.All(cells.Where(c => c.Counts.Copied == 0), c => Assert.Equal(new MapLook(MapState.Shared, 0), c.Look));
            Assert.Equal(System.Array.IndexOf(cells, withCopy), (int)(5 / pagesPerCell));
        }
    }

    [Fact]
    public void CellsFollowTheGridSoARangeMayStartAndEndInPartCells()
    {
        MapRange r = Range(Thp + 3 * Page, 10);
        var builder = new CowMapBuilder(1, 2, new[] { r }, new MapShape(8, 0, 4));
        builder.Add(r.Start, 10, ForkPageState.Copied);
        builder.Build(null);
        Assert.Equal(new ulong[] { 1, 4, 4, 1 }, r.Cells.Select(c => c.Pages));
        Assert.Equal((Thp / Page) / 4, r.FirstCell);
    }

    [Fact]
    public void RangesOnlyOneSideMapsAreNotComparedAndTakeNoPages()
    {
        MapRange both = Range(0x1000000, 4), late = Range(0x2000000, 4, side: ForkMappingSide.DifferenceOnly);
        var builder = new CowMapBuilder(1, 2, new[] { late, both }, new MapShape(8, 0));
        Assert.Equal(4UL, builder.Add(0x1000000, 4, ForkPageState.Shared));
        Assert.Equal(0UL, builder.Add(0x2000000, 4, ForkPageState.Copied));
        CowMap map = builder.Build(CowMethod.Pfn);
        Assert.Equal(new[] { both, late }, map.Ranges);
        Assert.Equal(4UL, late.NotCompared);
        Assert.All(late.Cells, c => Assert.Equal(MapState.NotCompared, c.Look.Fill));
        Assert.Equal(4UL, map.Totals.Total);
    }

    [Fact]
    public void PagesOutsideEveryRangeAreNotCountedAndRunsMaySpanRanges()
    {
        MapRange a = Range(0x1000000, 4), b = Range(0x1004000, 4);
        var builder = new CowMapBuilder(1, 2, new[] { a, b }, new MapShape(8, 0));
        Assert.Equal(8UL, builder.Add(0x1000000, 8, ForkPageState.Zero));
        Assert.Equal(0UL, builder.Add(0x9000000, 3, ForkPageState.Copied));
        builder.Build(null);
        Assert.Equal((4UL, 4UL), (a.Counts.Zero, b.Counts.Zero));
    }

    [Fact]
    public void SpreadingKeepsTheTotalsExactAndMarksTheRange()
    {
        MapRange r = Range(0x1000000, 1000);
        var builder = new CowMapBuilder(1, 2, new[] { r }, new MapShape(7, 0, 3));
        builder.Spread(r, new ForkStateCounts { Shared = 333, Copied = 667 });
        builder.Build(null);
        Assert.False(r.Placed);
        Assert.Equal((333UL, 667UL), (r.Counts.Shared, r.Counts.Copied));
        Assert.All(r.Cells, c => Assert.Equal(c.Pages, System.Math.Min(3UL, c.Pages)));
        Assert.All(r.Cells.Where(c => c.Pages == 3), c => Assert.InRange(c.Counts.Copied, 1UL, 3UL));
    }

    [Fact]
    public void RowsCutLongRangesAtTheRowWidthAndAddUpToTheRange()
    {
        MapRange r = Range(0x1000000, 100);
        var builder = new CowMapBuilder(1, 2, new[] { r }, new MapShape(8, 100, 4));
        builder.Add(r.Start, 50, ForkPageState.Copied);
        builder.Add(r.Start + 50 * Page, 50, ForkPageState.Shared);
        CowMap map = builder.Build(CowMethod.Pfn);
        List<MapRow> rows = map.Rows().ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal(new[] { 8, 8, 8, 1 }, rows.Select(row => row.CellCount));
        Assert.Equal(r.Start, rows[0].Start);
        Assert.Equal(r.End, rows[^1].End);
        Assert.All(rows.Zip(rows.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
        Assert.Equal(50UL, (ulong)rows.Sum(row => (long)row.Counts.Copied));
        Assert.False(rows[0].Continues);
        Assert.True(rows[1].Continues);
    }

    [Fact]
    public void AFixedScaleTooFineForTheRangesIsRefused()
    {
        MapRange r = Range(0, 1UL << 30);
        Assert.Throws<System.ArgumentOutOfRangeException>(() => new CowMapBuilder(1, 2, new[] { r }, new MapShape(64, 0, 1)));
    }

    [Fact]
    public void PageRunsRebuildTheRangesAndStatesOfForkPages()
    {
        var runs = new PageRuns();
        for (ulong i = 0; i < 64; i++)
        {
            runs.Add(100, 200, "[heap]", 0x1000000 + i * Page, i % 4 == 0 ? ForkPageState.Copied : ForkPageState.Shared);
        }
        for (ulong i = 0; i < 8; i++)
        {
            runs.Add(100, 200, "[stack]", 0x7ff000000 + i * Page, ForkPageState.NotPresent);
        }
        runs.Add(100, 300, "[heap]", 0x1000000, ForkPageState.Zero);
        List<CowMap> maps = runs.Build(new MapShape(16, 0, 4)).ToList();
        Assert.Equal(new[] { 200, 300 }, maps.Select(m => m.DifferenceId));
        CowMap map = maps[0];
        Assert.Equal(new[] { "[heap]", "[stack]" }, map.Ranges.Select(r => r.Mapping));
        Assert.Equal((16UL, 48UL, 8UL), (map.Totals.Copied, map.Totals.Shared, map.Totals.NotPresent));
        Assert.All(map.Ranges[0].Cells, c => Assert.Equal(new MapLook(MapState.Shared, 2), c.Look));
    }
}
