using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace CowPages.Core.Tests.Snapshots;

/// <summary>What an analysis told its observer besides its objects.</summary>
internal sealed class RecordingObserver : IScanObserver
{
    public List<ScanNotice> Notices { get; } = new();

    public int ProgressReports { get; private set; }

    public void Progress(in ScanProgress progress) => ProgressReports++;

    public void Notice(ScanNotice notice) => Notices.Add(notice);
}

/// <summary>
/// Runs every analysis on two sources that should hold the same processes, and asserts that they give the same objects
/// and notices, except that frame numbers may be renumbered: equal frames on one side must be equal frames on the
/// other, across every process and every analysis (a bijection).
/// </summary>
internal sealed class SourceEquivalence
{
    private readonly IProcfsSource _a;
    private readonly IProcfsSource _b;
    private readonly Dictionary<ulong, ulong> _aToB = new();
    private readonly Dictionary<ulong, ulong> _bToA = new();

    public SourceEquivalence(IProcfsSource a, IProcfsSource b)
    {
        _a = a;
        _b = b;
    }

    /// <summary>How many distinct frames the comparisons have paired.</summary>
    public int FramesPaired => _aToB.Count;

    public ulong Pair(ulong? a, ulong? b)
    {
        Assert.Equal(a is null, b is null);
        if (a is not ulong x || b is not ulong y)
        {
            return 0;
        }
        Assert.True(_aToB.TryAdd(x, y) || _aToB[x] == y, $"frame {x} is {y} here but {_aToB[x]} elsewhere");
        Assert.True(_bToA.TryAdd(y, x) || _bToA[y] == x, $"frame {y} stands for {x} here but for {_bToA[y]} elsewhere");
        return y;
    }

    /// <summary>Raw words: every bit equal except a present page's frame field, which must pair.</summary>
    private void PairRaw(ulong a, ulong b)
    {
        Assert.Equal(a & ~PagemapWord.FrameMask, b & ~PagemapWord.FrameMask);
        if (new PagemapWord(a).Present && _a.FramesVisible)
        {
            Pair(a & PagemapWord.FrameMask, b & PagemapWord.FrameMask);
        }
        else
        {
            Assert.Equal(a & PagemapWord.FrameMask, b & PagemapWord.FrameMask);
        }
    }

    public void PageMaps(int processId, bool presentOnly)
    {
        var observerA = new RecordingObserver();
        var observerB = new RecordingObserver();
        List<PageMapEntry> a = PageMapQuery.Entries(_a, processId, PageSelection.All, presentOnly, observerA).ToList();
        List<PageMapEntry> b = PageMapQuery.Entries(_b, processId, PageSelection.All, presentOnly, observerB).ToList();
        Assert.Equal(a.Count, b.Count);
        Assert.NotEmpty(a);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(Describe(a[i]), Describe(b[i]));
            Pair(a[i].Pfn, b[i].Pfn);
            PairRaw(a[i].Raw, b[i].Raw);
        }
        SameNotices(observerA, observerB);
    }

    public void Summaries(int processId, CowMethod? method, bool byMapping)
    {
        var observerA = new RecordingObserver();
        var observerB = new RecordingObserver();
        using CowSummarizer summarizerA = CowSummarizer.Create(_a, method);
        using CowSummarizer summarizerB = CowSummarizer.Create(_b, method);
        List<CowSummary> a = summarizerA.Summarize(processId, byMapping, observerA).ToList();
        List<CowSummary> b = summarizerB.Summarize(processId, byMapping, observerB).ToList();
        Assert.NotEmpty(a);
        Assert.Equal(a.Select(Describe), b.Select(Describe));
        SameNotices(observerA, observerB);
    }

    public void Comparisons(int differenceId)
    {
        var observerA = new RecordingObserver();
        var observerB = new RecordingObserver();
        List<ForkComparison> a = ForkAnalysis.CompareRanges(_a, differenceId, null, PageSelection.All, observerA).ToList();
        List<ForkComparison> b = ForkAnalysis.CompareRanges(_b, differenceId, null, PageSelection.All, observerB).ToList();
        Assert.NotEmpty(a);
        Assert.Equal(a.Select(Describe), b.Select(Describe));
        SameNotices(observerA, observerB);

        List<ForkPage> pagesA = ForkAnalysis.ComparePages(_a, differenceId, null, PageSelection.All, NullScanObserver.Instance).ToList();
        List<ForkPage> pagesB = ForkAnalysis.ComparePages(_b, differenceId, null, PageSelection.All, NullScanObserver.Instance).ToList();
        Assert.Equal(pagesA.Count, pagesB.Count);
        for (int i = 0; i < pagesA.Count; i++)
        {
            Assert.Equal($"{pagesA[i].ReferenceId} {pagesA[i].DifferenceId} {pagesA[i].Address:x} {pagesA[i].Mapping} {pagesA[i].State}",
                $"{pagesB[i].ReferenceId} {pagesB[i].DifferenceId} {pagesB[i].Address:x} {pagesB[i].Mapping} {pagesB[i].State}");
            Pair(pagesA[i].ReferencePfn, pagesB[i].ReferencePfn);
            Pair(pagesA[i].DifferencePfn, pagesB[i].DifferencePfn);
            PairRaw(pagesA[i].ReferenceRaw, pagesB[i].ReferenceRaw);
            PairRaw(pagesA[i].DifferenceRaw, pagesB[i].DifferenceRaw);
        }
    }

    /// <summary>The frames of every pair seen so far, looked up on each side: the same words.</summary>
    public void Frames()
    {
        using FrameQuery queryA = FrameQuery.Open(_a);
        using FrameQuery queryB = FrameQuery.Open(_b);
        var a = queryA.Lookup(_aToB.Keys.Select(p => new FrameRequest(p, null, null)).ToList()).ToList();
        var b = queryB.Lookup(_aToB.Values.Select(p => new FrameRequest(p, null, null)).ToList()).ToList();
        Assert.NotEmpty(a);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.NotNull(a[i].Frame);
            Assert.NotNull(b[i].Frame);
            Assert.Equal($"{a[i].Frame!.Flags} {a[i].Frame!.MapCount} {a[i].Frame!.CgroupInode}",
                $"{b[i].Frame!.Flags} {b[i].Frame!.MapCount} {b[i].Frame!.CgroupInode}");
        }
    }

    /// <summary>The same kinds, processes and messages, once the sources' own names are taken out of the messages.</summary>
    private void SameNotices(RecordingObserver a, RecordingObserver b)
    {
        Assert.Equal(a.Notices.Select(n => $"{n.Kind} {n.ProcessId} {Neutral(n.Message, _a)}"),
            b.Notices.Select(n => $"{n.Kind} {n.ProcessId} {Neutral(n.Message, _b)}"));
    }

    private static string Neutral(string message, IProcfsSource source) => message.Replace(source.Name + ": ", "").Replace(source.Name, "SOURCE");

    private static string Describe(PageMapEntry e) =>
        $"{e.ProcessId} {e.Address:x} P{e.Present} S{e.Swapped} {e.SwapType}/{e.SwapOffset} D{e.SoftDirty} X{e.Exclusive} F{e.FileOrSharedAnon} U{e.UffdWriteProtected} G{e.Guard} {e.Mapping} {e.Permissions}";

    private static string Describe(CowSummary s) =>
        $"{s.ProcessId} {s.Name} {s.ParentId} {s.Mapping} {s.Rss} {s.Pss} {s.Uss} {s.Swap} {s.Anonymous} {s.File} {s.Shmem} {s.CowShared} {s.CowPrivate} {s.FileCopies} {s.Ksm} {s.Zero} {s.LargeFolio} {s.Method}";

    private static string Describe(ForkComparison c) =>
        $"{c.ReferenceId} {c.DifferenceId} {c.Mapping} {c.Start:x}-{c.End:x} {c.Permissions} {c.MappedIn} {c.Pages} {c.Shared} {c.Copied} {c.Zero} {c.ReferenceOnly} {c.DifferenceOnly} {c.Swapped} {c.NotPresent} {c.Method}";
}
