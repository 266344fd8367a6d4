using System;
using System.Collections.Generic;
using System.Linq;
using CowPages.Core.Tests.Synthetic;
using Xunit;

namespace CowPages.Core.Tests;

/// <summary>Get-PageFlags' lookups on a synthetic frame table.</summary>
public class FrameQueryTests
{
    private readonly SyntheticSource _source = new() { FrameCount = 1000 };

    public FrameQueryTests()
    {
        for (ulong pfn = 0; pfn < 1000; pfn++)
        {
            _source.Frames[pfn] = (pfn * 3, pfn % 5, 40 + pfn % 2);
        }
    }

    [Fact]
    public void LooksUpABatchInItsOwnOrderWithRepeatsAndTheirContext()
    {
        using FrameQuery query = FrameQuery.Open(_source);
        var requests = new List<FrameRequest> { new(900, 7, 0x1000), new(3, null, null), new(900, 8, 0x2000), new(5000, 9, null) };
        List<FrameResult> results = query.Lookup(requests).ToList();
        Assert.Equal(new ulong[] { 900, 3, 900, 5000 }, results.Select(r => r.Pfn));
        Assert.Equal((PageFlags)2700, results[0].Frame!.Flags);
        Assert.Equal((0UL, 40UL, 7, 0x1000UL), (results[0].Frame!.MapCount, results[0].Frame!.CgroupInode!.Value, results[0].Frame!.ProcessId!.Value, results[0].Frame!.Address!.Value));
        Assert.Equal(8, results[2].Frame!.ProcessId);
        Assert.Null(results[3].Frame);
    }

    [Fact]
    public void ReadsARangeUpToTheEndOfPhysicalMemory()
    {
        using FrameQuery query = FrameQuery.Open(_source);
        List<FrameResult> results = query.Range(990, 50, null, NullScanObserver.Instance).ToList();
        Assert.Equal(Enumerable.Range(990, 10).Select(i => (ulong)i), results.Select(r => r.Pfn));
        Assert.All(results, r => Assert.Equal((PageFlags)(r.Pfn * 3), r.Frame!.Flags));
    }

    [Fact]
    public void ARangeStartingBeyondTheEndSaysSoOnce()
    {
        using FrameQuery query = FrameQuery.Open(_source);
        FrameResult result = Assert.Single(query.Range(5000, 10, null, NullScanObserver.Instance));
        Assert.Equal((5000UL, (PageFrame?)null), (result.Pfn, result.Frame));
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(ulong.MaxValue, 2UL)]
    public void AnImpossibleRangeIsRefusedBeforeAnythingIsRead(ulong first, ulong count)
    {
        using FrameQuery query = FrameQuery.Open(_source);
        Assert.Throws<ArgumentOutOfRangeException>(() => query.Range(first, count, null, NullScanObserver.Instance));
    }

    [Fact]
    public void HiddenFramesCannotBeOpened()
    {
        _source.FramesVisible = false;
        var e = Assert.Throws<ProcfsException>(() => FrameQuery.Open(_source));
        Assert.Equal(ProcfsErrorKind.AccessDenied, e.Kind);
    }
}
