using System.Collections.Generic;
using CowPages.Map;
using Xunit;

namespace CowPages.Core.Tests;

public class MapScaleTests
{
    [Fact]
    public void SmallRangesGetOnePagePerCell()
    {
        var ranges = new List<(ulong, ulong)> { (0x100, 0x140), (0x200, 0x201) };
        Assert.Equal(1UL, MapScale.PagesPerCell(ranges, new MapShape(64, 4)));
    }

    [Fact]
    public void ALongRangeScalesTheCellsUntilTheWrappedRowsFitTheBudget()
    {
        // 8 GiB: 2 Mi pages. At 64 cells a row and 24 extra rows, 25 rows hold 1,600 cells, so a cell needs 1,311+ pages.
        var ranges = new List<(ulong, ulong)> { (0x10000, 0x10000 + (8UL << 18)), (0x7f0000000, 0x7f0000001) };
        ulong pagesPerCell = MapScale.PagesPerCell(ranges, new MapShape(64, 24));
        Assert.Equal(2048UL, pagesPerCell);
        ulong rows = MapScale.RowsOf(0x10000, 0x10000 + (8UL << 18), pagesPerCell, 64);
        Assert.True(rows - 1 <= 24, $"{rows} rows");
        Assert.True(MapScale.RowsOf(0x10000, 0x10000 + (8UL << 18), pagesPerCell / 2, 64) - 1 > 24, "a finer scale would not have fitted");
    }

    [Fact]
    public void AFixedScaleWins()
    {
        var ranges = new List<(ulong, ulong)> { (0, 1UL << 30) };
        Assert.Equal(512UL, MapScale.PagesPerCell(ranges, new MapShape(64, 0, 512)));
    }

    [Theory]
    [InlineData(0UL, 512UL, 512UL, 1UL)]
    [InlineData(1UL, 513UL, 512UL, 2UL)]
    [InlineData(511UL, 512UL, 512UL, 1UL)]
    [InlineData(10UL, 10UL, 4UL, 0UL)]
    [InlineData(3UL, 9UL, 4UL, 3UL)]
    public void CellsSitOnAGridFromAddressZero(ulong start, ulong end, ulong pagesPerCell, ulong cells) =>
        Assert.Equal(cells, MapScale.CellsOf(start, end, pagesPerCell));
}
