using System.Collections.Generic;
using System.Linq;
using CowPages.Core.Tests.Synthetic;
using Xunit;
using static CowPages.Core.Tests.Synthetic.Words;

namespace CowPages.Core.Tests;

/// <summary>Get-PageMap's walk on a synthetic process.</summary>
public class PageMapQueryTests
{
    private const ulong Page = PageGeometry.PageSize;
    private const ulong Big = 0x10000000;

    private readonly SyntheticSource _source = new();
    private readonly RecordingObserver _observer = new();

    /// <summary>A 4096-page mapping with a page present every 500 pages, a swapped one and a guard marker.</summary>
    private SyntheticProcess Sparse()
    {
        SyntheticProcess process = _source.Add(300, 1);
        process.Map(Big, 4096);
        for (ulong i = 0; i < 4096; i += 500)
        {
            process.Set(Big + i * Page, Anon(0x7000 + i, exclusive: true));
        }
        process.Set(Big + 77 * Page, Swapped(2, 9));
        process.Set(Big + 78 * Page, GuardMarker);
        return process;
    }

    private List<PageMapEntry> Entries(bool presentOnly, PageSelection? selection = null) =>
        PageMapQuery.Entries(_source, 300, selection ?? PageSelection.All, presentOnly, _observer).ToList();

    [Fact]
    public void YieldsEveryPageOfTheSelection()
    {
        Sparse();
        List<PageMapEntry> all = Entries(presentOnly: false);
        Assert.Equal(4096, all.Count);
        PageMapEntry swapped = all[77];
        Assert.Equal((true, false, 2u, 9UL), (swapped.Swapped, swapped.Present, swapped.SwapType!.Value, swapped.SwapOffset!.Value));
        Assert.True(all[78].Guard);
        Assert.Null(all[78].SwapType);
        Assert.Equal(0x7000UL + 500, all[500].Pfn);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PresentOnlyGivesThePresentPagesWithOrWithoutAScan(bool scan)
    {
        SyntheticProcess process = Sparse();
        process.ScanSupported = scan;
        List<PageMapEntry> present = Entries(presentOnly: true);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => Big + (ulong)i * 500 * Page), present.Select(e => e.Address));
        Assert.All(present, e => Assert.True(e.Present));
        Assert.Empty(_observer.Notices);
    }

    [Fact]
    public void TheScanSkipsTheEmptyPartsWithoutReadingThem()
    {
        SyntheticProcess process = Sparse();
        Entries(presentOnly: true);
        long withScan = process.WordsRead;
        process.ScanSupported = false;
        Entries(presentOnly: true);
        long plain = process.WordsRead - withScan;
        Assert.Equal(4096, plain);
        // Nine present pages, and the swapped page and guard marker beside each other: runs closer than the merge gap
        // are read together, and every word read is within such a run.
        Assert.InRange(withScan, 11, 11 + 9 * (long)ScanWalk.MergeGap);
    }

    [Fact]
    public void HiddenFramesAreNullAndSaidOnce()
    {
        Sparse();
        _source.HideFrames();
        List<PageMapEntry> all = Entries(presentOnly: false);
        Assert.All(all, e => Assert.Null(e.Pfn));
        Assert.All(all, e => Assert.Null(e.SwapOffset));
        ScanNotice notice = Assert.Single(_observer.Notices);
        Assert.Equal((ScanNoticeKind.FramesHidden, 300), (notice.Kind, notice.ProcessId));
    }

    [Fact]
    public void FramesHiddenDespiteThePrivilegeAreNullFromThePageThatShowsIt()
    {
        SyntheticProcess process = Sparse();
        process.Set(Big, Present);
        List<PageMapEntry> present = Entries(presentOnly: true);
        Assert.All(present, e => Assert.Null(e.Pfn));
        Assert.Single(_observer.Notices, n => n.Kind == ScanNoticeKind.FramesHidden);
    }

    [Fact]
    public void TheSelectionClipsTheWalk()
    {
        Sparse();
        List<PageMapEntry> some = Entries(presentOnly: false, new PageSelection(null, Big + 499 * Page, 3));
        Assert.Equal(new[] { Big + 499 * Page, Big + 500 * Page, Big + 501 * Page }, some.Select(e => e.Address));
    }
}
