using System.Collections.Generic;
using System.Linq;
using CowPages.Core.Tests.Synthetic;
using Xunit;
using static CowPages.Core.Tests.Synthetic.Words;

namespace CowPages.Core.Tests;

/// <summary>
/// A kernel whose kpageflags flag every anonymous page KSM (Debian's 6.12.117): the summary must still split the
/// anonymous pages into CowShared and CowPrivate, and take KSM from the kernel where KSM did merge something.
/// </summary>
public class KsmQuirkTests
{
    private const ulong Page = PageGeometry.PageSize;
    private const ulong Heap = 0x10000000;

    private readonly SyntheticSource _source = new() { Quirks = KernelQuirks.KsmFlagOnAnonymousPages };
    private readonly RecordingObserver _observer = new();

    /// <summary>Two pages of its own, three shared with a relative; every anonymous frame flagged KSM.</summary>
    private SyntheticProcess Child(ulong? merging)
    {
        SyntheticProcess child = _source.Add(500, 1, "child");
        child.Map(Heap, 8, "[heap]");
        for (ulong i = 0; i < 5; i++)
        {
            child.Set(Heap + i * Page, Anon(0x8000 + i, exclusive: i < 2));
            _source.Frames[0x8000 + i] = (AnonFlags | (ulong)PageFlags.Ksm, i < 2 ? 1UL : 2UL, 0);
        }
        child.KsmMergingPages = merging;
        return child;
    }

    private CowSummary Summarize() => CowSummarizer.Create(_source).Summarize(500, false, _observer).Single();

    [Fact]
    public void IgnoresTheFlagWhenKsmMergedNothingAndSaysWhy()
    {
        Child(merging: 0);
        CowSummary s = Summarize();
        Assert.Equal((0UL, 2 * Page, 3 * Page), (s.Ksm, s.CowPrivate, s.CowShared));
        ScanNotice notice = Assert.Single(_observer.Notices);
        Assert.Equal(ScanNoticeKind.KernelQuirk, notice.Kind);
        Assert.Contains("6.18.0-synthetic", notice.Message);
        Assert.Contains("exact", notice.Message);
    }

    [Fact]
    public void TakesKsmFromTheKernelWhenKsmMergedSome()
    {
        SyntheticProcess child = Child(merging: 2);
        child.Rollup = new SmapsEntry(0, new Dictionary<string, ulong> { ["KSM"] = 2 * Page });
        CowSummary s = Summarize();
        Assert.Equal((2 * Page, 2 * Page, Page), (s.Ksm, s.CowPrivate, s.CowShared));
        Assert.Equal(5 * Page, s.Anonymous);
        Assert.Contains("taken out of CowShared", Assert.Single(_observer.Notices).Message);
    }

    [Fact]
    public void TrustsTheFlagOnAKernelWithoutTheQuirk()
    {
        _source.Quirks = KernelQuirks.None;
        Child(merging: 0);
        CowSummary s = Summarize();
        Assert.Equal(5 * Page, s.Ksm);
        Assert.Empty(_observer.Notices);
    }
}

/// <summary>Get-PageFlags on the same kernel: the raw word stays, and each frame says the KSM bit is not to be trusted.</summary>
public class KsmQuirkFrameTests
{
    [Theory]
    [InlineData(KernelQuirks.KsmFlagOnAnonymousPages, false)]
    [InlineData(KernelQuirks.None, true)]
    public void FramesSayWhetherTheirKsmBitMeansAnything(KernelQuirks quirks, bool trusted)
    {
        var source = new SyntheticSource { Quirks = quirks, FrameCount = 10 };
        source.Frames[3] = (Words.AnonFlags | (ulong)PageFlags.Ksm, 1, 0);
        using FrameQuery query = FrameQuery.Open(source);
        PageFrame frame = query.Lookup(new[] { new FrameRequest(3, null, null) }).Single().Frame!;
        Assert.True(frame.Flags.HasFlag(PageFlags.Ksm));
        Assert.Equal(trusted, frame.KsmFlagTrusted);
    }
}
