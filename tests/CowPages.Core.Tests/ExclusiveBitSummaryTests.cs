using System.Collections.Generic;
using System.Linq;
using CowPages.Core.Tests.Synthetic;
using Xunit;
using static CowPages.Core.Tests.Synthetic.Words;

namespace CowPages.Core.Tests;

/// <summary>
/// The exclusive-bit summary (no frames) made to agree with the kernel's smaps: zero pages found with PAGEMAP_SCAN or
/// by comparing with smaps, the huge zero page, and PMD-mapped THPs whose exclusive bit is one page's for all 512.
/// </summary>
public class ExclusiveBitSummaryTests
{
    private const ulong Page = PageGeometry.PageSize;
    private const ulong Heap = 0x10000000, Thp = 0x40000000;

    private readonly SyntheticSource _source = new() { FramesVisible = false };
    private readonly RecordingObserver _observer = new();

    private static SmapsEntry Smaps(ulong start, ulong anonymousPages, ulong privatePages = 0, ulong anonHugePages = 0, ulong pss = 0) =>
        new(start, new Dictionary<string, ulong>
        {
            ["Anonymous"] = anonymousPages * Page,
            ["Private_Dirty"] = privatePages * Page,
            ["AnonHugePages"] = anonHugePages * Page,
            ["Pss"] = pss,
        });

    /// <summary>A heap with 2 pages of its own, 3 shared after the fork and 4 zero-page mappings (read, never written).</summary>
    private SyntheticProcess ReadButNeverWritten()
    {
        SyntheticProcess process = _source.Add(400, 1);
        process.Map(Heap, 16, "[heap]");
        for (ulong i = 0; i < 2; i++)
        {
            process.Set(Heap + i * Page, Present | Exclusive);
        }
        for (ulong i = 2; i < 9; i++)
        {
            process.Set(Heap + i * Page, Present);
        }
        for (ulong i = 5; i < 9; i++)
        {
            process.ZeroPages.Add(PageGeometry.PageOf(Heap + i * Page));
        }
        process.Rollup = Smaps(0, anonymousPages: 5, privatePages: 2, pss: 123_000);
        process.PerMapping.Add(Smaps(Heap, anonymousPages: 5, privatePages: 2, pss: 123_000));
        return process;
    }

    private CowSummary Summarize(bool byMapping = false) =>
        CowSummarizer.Create(_source).Summarize(400, byMapping, _observer).Single();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LeavesZeroPagesOutOfRssAsSmapsDoes(bool scan)
    {
        SyntheticProcess process = ReadButNeverWritten();
        process.ScanSupported = scan;
        CowSummary s = Summarize();
        Assert.Equal(CowMethod.ExclusiveBit, s.Method);
        Assert.Equal((5 * Page, 5 * Page, 4 * Page), (s.Rss, s.Anonymous, s.Zero));
        Assert.Equal((2 * Page, 3 * Page), (s.CowPrivate, s.CowShared));
        string said = Assert.Single(_observer.Notices, n => n.Kind == ScanNoticeKind.ExclusiveBitMethod).Message;
        Assert.Contains(scan ? "found with PAGEMAP_SCAN" : "comparing with the kernel's smaps", said);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FindsZeroPagesPerMappingToo(bool scan)
    {
        SyntheticProcess process = ReadButNeverWritten();
        process.ScanSupported = scan;
        CowSummary heap = Summarize(byMapping: true);
        Assert.Equal(("[heap]", 4 * Page, 3 * Page), (heap.Mapping, heap.Zero, heap.CowShared));
    }

    [Fact]
    public void CountsTheHugeZeroPageAsZero()
    {
        // A read fault on a 2 MiB-aligned anonymous range with THP "always" maps the huge zero page: pagemap gives
        // its 512 entries the file bit, in a mapping that has no file.
        SyntheticProcess process = _source.Add(400, 1);
        process.Map(Thp, 512);
        for (ulong i = 0; i < 512; i++)
        {
            process.Set(Thp + i * Page, Present | File);
        }
        process.Rollup = Smaps(0, 0);
        CowSummary s = Summarize();
        Assert.Equal((512 * Page, 0UL, 0UL, 0UL), (s.Zero, s.Rss, s.File, s.Anonymous));
    }

    [Fact]
    public void TakesTheSplitOfAPmdMappedThpFromTheKernel()
    {
        // A parent whose child wrote page 7 of a shared THP: page 7 is now the parent's alone, but every one of the 512
        // entries carries page 0's bit (shared). smaps counts page 7 as private.
        SyntheticProcess process = _source.Add(400, 1);
        process.Map(Thp, 512);
        process.Map(Heap, 4, "[heap]");
        for (ulong i = 0; i < 512; i++)
        {
            process.Set(Thp + i * Page, Present);
        }
        process.Set(Heap, Present | Exclusive);
        process.Rollup = Smaps(0, anonymousPages: 513, privatePages: 2, anonHugePages: 512);
        process.PerMapping.Add(Smaps(Thp, anonymousPages: 512, privatePages: 1, anonHugePages: 512));
        process.PerMapping.Add(Smaps(Heap, anonymousPages: 1, privatePages: 1));
        CowSummary s = Summarize();
        Assert.Equal((2 * Page, 511 * Page), (s.CowPrivate, s.CowShared));
        Assert.Equal(2 * Page, s.Uss);
        Assert.Equal(513 * Page, s.Anonymous);
    }

    [Fact]
    public void LeavesTheExclusiveBitAloneWhereThereAreNoHugePages()
    {
        SyntheticProcess process = ReadButNeverWritten();
        // Figures that would change the split if they were used: with no THP they must not be.
        process.PerMapping.Clear();
        process.PerMapping.Add(Smaps(Heap, anonymousPages: 5, privatePages: 5));
        CowSummary s = Summarize();
        Assert.Equal((2 * Page, 3 * Page), (s.CowPrivate, s.CowShared));
    }
}
