using System;
using Xunit;

namespace CowPages.Core.Tests;

public class PageSelectionTests
{
    private const ulong Page = 4096;

    private static MemoryMapping Map(ulong start, ulong end, string? path = "/lib/x.so") =>
        new(start, end, "r--p", 0, "fe:00", path is null ? 0UL : 1UL, path, false);

    [Fact]
    public void AllCoversEverything()
    {
        Assert.Equal(0UL, PageSelection.All.Start);
        Assert.Equal(ulong.MaxValue, PageSelection.All.End);
        Assert.Equal((0xffffffffff600000UL, 0xffffffffff601000UL),
            PageSelection.All.Clip(Map(0xffffffffff600000, 0xffffffffff601000, "[vsyscall]")));
    }

    [Fact]
    public void UnalignedStartRoundsDownToItsPage()
    {
        var s = new PageSelection(null, 0x7f0000001234, 2);
        Assert.Equal(0x7f0000001000UL, s.Start);
        Assert.Equal(0x7f0000003000UL, s.End);
    }

    [Fact]
    public void NoCountRunsToTheEndOfTheAddressSpace()
    {
        var s = new PageSelection(null, 0x1fff, null);
        Assert.Equal(0x1000UL, s.Start);
        Assert.Equal(ulong.MaxValue, s.End);
    }

    [Fact]
    public void ZeroCountThrows()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new PageSelection(null, 0x1000, 0));
        Assert.Equal("pageCount", e.ParamName);
    }

    [Theory]
    [InlineData(0UL, 1UL << 52)]                  // 2^52 pages = 2^64 bytes: End would wrap to 0
    [InlineData(0UL, ulong.MaxValue)]             // count * 4096 itself would wrap
    [InlineData(0xffffffffffffe000UL, 2UL)]
    [InlineData(0xfffffffffffff000UL, 1UL)]       // the last page has no representable End
    public void CountPastTheAddressSpaceThrows(ulong start, ulong count)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new PageSelection(null, start, count));
        Assert.Equal("pageCount", e.ParamName);
    }

    [Theory]
    [InlineData(0UL, (1UL << 52) - 1, 0xfffffffffffff000UL)]
    [InlineData(0xffffffffffffe000UL, 1UL, 0xfffffffffffff000UL)]
    public void LargestCountThatFitsIsAccepted(ulong start, ulong count, ulong end)
    {
        Assert.Equal(end, new PageSelection(null, start, count).End);
    }

    [Fact]
    public void ClipHonoursTheMappingFilter()
    {
        var s = new PageSelection(m => m.Name == "[heap]", null, null);
        Assert.Null(s.Clip(Map(0x1000, 0x5000)));
        Assert.Equal((0x1000UL, 0x5000UL), s.Clip(Map(0x1000, 0x5000, "[heap]")));
    }

    [Fact]
    public void ClipWithoutFilterTakesAnyMapping()
    {
        var s = new PageSelection(null, 0x1000, 4);
        Assert.Equal((0x2000UL, 0x3000UL), s.Clip(Map(0x2000, 0x3000, null)));
    }

    [Theory]
    [InlineData(0x0000UL, 0x3000UL, 0x2000UL, 0x3000UL)]   // mapping starts before the selection
    [InlineData(0x4000UL, 0x9000UL, 0x4000UL, 0x6000UL)]   // mapping ends after it
    [InlineData(0x0000UL, 0x9000UL, 0x2000UL, 0x6000UL)]   // mapping contains it
    [InlineData(0x3000UL, 0x4000UL, 0x3000UL, 0x4000UL)]   // selection contains the mapping
    public void ClipTrimsPartialOverlap(ulong mapStart, ulong mapEnd, ulong clipStart, ulong clipEnd)
    {
        var s = new PageSelection(null, 0x2000, 4);   // [0x2000, 0x6000)
        Assert.Equal((clipStart, clipEnd), s.Clip(Map(mapStart, mapEnd)));
    }

    [Theory]
    [InlineData(0x0000UL, 0x2000UL)]   // ends exactly where the selection starts
    [InlineData(0x6000UL, 0x8000UL)]   // starts exactly where it ends
    [InlineData(0x9000UL, 0xa000UL)]
    public void ClipWithoutOverlapIsNull(ulong mapStart, ulong mapEnd)
    {
        var s = new PageSelection(null, 0x2000, 4);
        Assert.Null(s.Clip(Map(mapStart, mapEnd)));
    }
}
