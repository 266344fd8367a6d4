using System.Collections.Generic;
using CowPages.Core.Tests.Synthetic;
using Xunit;
using static CowPages.Core.Tests.Synthetic.Words;

namespace CowPages.Core.Tests;

/// <summary>
/// ForkComparer.CountSegment skips, with PAGEMAP_SCAN, the pages neither side has, and counts them NotPresent: the
/// counts must equal a plain read's, on a sparse reservation (a JVM- or Go-style heap) and on a dense one.
/// </summary>
public class ForkComparerScanTests
{
    private const ulong Page = PageGeometry.PageSize;
    private const ulong Reserved = 0x7f0000000000;
    // 1.25 GiB: more than one scan window.
    private const ulong ReservedPages = ForkComparer.ScanWindowPages + ForkComparer.ScanWindowPages / 4;

    private readonly SyntheticSource _source = new();

    /// <summary>Pages present on either side far apart, closer than the merge gap, at both ends, and one only the parent has.</summary>
    private (SyntheticProcess Parent, SyntheticProcess Child) Sparse()
    {
        SyntheticProcess parent = _source.Add(100, 1);
        SyntheticProcess child = _source.Add(200, 100);
        foreach (SyntheticProcess p in new[] { parent, child })
        {
            p.Map(Reserved, ReservedPages, null, "rw-p");
        }
        foreach (ulong page in new ulong[] { 0, 7, 30, 5000, 5060, 300_000, ReservedPages - 1 })
        {
            parent.Set(Reserved + page * Page, Anon(0x1000 + page));
            child.Set(Reserved + page * Page, Anon(0x1000 + page));
        }
        child.Set(Reserved + 30 * Page, Anon(0x90000, exclusive: true));
        child.Set(Reserved + 200_000 * Page, Anon(0x90001, exclusive: true));
        parent.Set(Reserved + 250_000 * Page, Anon(0x90002, exclusive: true));
        return (parent, child);
    }

    private static ForkStateCounts Count(SyntheticSource source, out ForkComparer comparer)
    {
        comparer = ForkComparer.Open(source, source.Processes[100], source.Processes[200], PageSelection.All);
        ForkSegment segment = Assert.Single(comparer.Segments);
        return comparer.CountSegment(segment);
    }

    [Fact]
    public void SkippingEmptyPagesGivesThePlainCountsAndReadsFarLess()
    {
        (SyntheticProcess parent, SyntheticProcess child) = Sparse();
        ForkStateCounts scanned = Count(_source, out ForkComparer comparer);
        long wordsScanned = child.WordsRead;

        parent.ScanSupported = child.ScanSupported = false;
        ForkStateCounts plain = Count(_source, out _);

        Assert.Equal(plain, scanned);
        Assert.Equal((6UL, 1UL, 1UL, 1UL), (scanned.Shared, scanned.Copied, scanned.ReferenceOnly, scanned.DifferenceOnly));
        Assert.Equal(ReservedPages, scanned.Total);
        Assert.True(comparer.SkippedPages > ReservedPages - 1000, $"skipped only {comparer.SkippedPages} pages");
        Assert.True(wordsScanned < 1000, $"read {wordsScanned} words of the child");
    }

    [Fact]
    public void ADenseRangeStopsScanningAfterItsFirstWindow()
    {
        SyntheticProcess parent = _source.Add(100, 1);
        SyntheticProcess child = _source.Add(200, 100);
        parent.Map(Reserved, ReservedPages);
        child.Map(Reserved, ReservedPages);
        // Every other page present: more than half the range lies within the merge gap of a present page.
        for (ulong page = 0; page < ReservedPages; page += 2)
        {
            parent.Set(Reserved + page * Page, Anon(page + 1));
            child.Set(Reserved + page * Page, Anon(page + 1));
        }
        ForkStateCounts counts = Count(_source, out ForkComparer comparer);
        Assert.Equal((ReservedPages / 2, ReservedPages / 2), (counts.Shared, counts.NotPresent));
        // The first window ends where the child's run buffer filled, 2048 pages in; everything after is read plainly.
        Assert.InRange(comparer.SkippedPages, 0UL, (ulong)ScanWalk.MergeGap);
        Assert.InRange(child.WordsRead, (long)(ReservedPages - ScanWalk.MergeGap), (long)ReservedPages);
    }

    [Fact]
    public void AWindowUnmappedDuringTheScanIsLeftOutNotCountedAbsent()
    {
        (SyntheticProcess _, SyntheticProcess child) = Sparse();
        child.VanishedMappingStarts.Add(Reserved);
        ForkStateCounts counts = Count(_source, out ForkComparer comparer);
        Assert.Equal(0UL, counts.Total);
        Assert.NotEmpty(comparer.ChangedRanges);
        Assert.Equal(Reserved, comparer.ChangedRanges[0].Start);
    }
}
