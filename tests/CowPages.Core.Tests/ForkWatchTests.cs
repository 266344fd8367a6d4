using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CowPages.Core.Tests.Synthetic;
using CowPages.Watch;
using Xunit;
using static CowPages.Core.Tests.Synthetic.Words;

namespace CowPages.Core.Tests;

/// <summary>Watch-ForkPages' orchestrator on a synthetic family, with a clock that moves only when the test says.</summary>
public class ForkWatchTests
{
    private const ulong Page = PageGeometry.PageSize;
    private const ulong Heap = 0x10000000, Data = 0x20000000, More = 0x30000000;
    private const int Pages = 16;
    private static readonly TimeSpan Boot = TimeSpan.FromHours(1);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private readonly SyntheticSource _source = new();
    private readonly FakeWatchClock _clock = new();
    private readonly RecordingObserver _observer = new();
    private readonly List<ProcfsException> _failures = new();
    private readonly CancellationTokenSource _cancel = new();
    private ulong _nextPfn = 0x80000;

    public ForkWatchTests() => _source.Uptime = () => Boot + _clock.Elapsed;

    /// <summary>A parent whose [heap] and [anon] pages a new child shares, every one of them, as right after fork().</summary>
    private SyntheticProcess Parent(int id = 100)
    {
        SyntheticProcess parent = _source.Add(id, 1, "parent");
        parent.StartTime = Boot - TimeSpan.FromMinutes(5);
        parent.Map(Heap, Pages, "[heap]");
        parent.Map(Data, Pages);
        for (ulong i = 0; i < Pages; i++)
        {
            parent.Set(Heap + i * Page, Anon(0x1000 + i));
            parent.Set(Data + i * Page, Anon(0x2000 + i));
        }
        return parent;
    }

    private SyntheticProcess Fork(SyntheticProcess parent, int id, TimeSpan? startedAt = null)
    {
        SyntheticProcess child = _source.Add(id, parent.ProcessId, "child");
        child.StartTime = startedAt ?? Boot - TimeSpan.FromSeconds(30);
        foreach (MemoryMapping m in parent.ReadMaps())
        {
            child.Map(m.Start, (m.End - m.Start) / Page, m.Path);
        }
        foreach ((ulong page, ulong word) in parent.Words)
        {
            child.Words[page] = word;
        }
        return child;
    }

    /// <summary>The child writes <paramref name="count"/> more of its [anon] pages: each becomes a copy of its own.</summary>
    private void Write(SyntheticProcess child, int count)
    {
        foreach (ulong page in child.Words.Keys.Where(p => p >= PageGeometry.PageOf(Data)).OrderBy(p => p).ToList())
        {
            if (count == 0)
            {
                return;
            }
            if (!new PagemapWord(child.Words[page]).Exclusive)
            {
                child.Words[page] = Anon(_nextPfn++, exclusive: true);
                count--;
            }
        }
    }

    private List<ForkSample> Run(TimeSpan? duration, IReadOnlyList<int>? differenceIds = null, bool byMapping = false,
        CowMethod? method = null, TimeSpan? interval = null, int referenceId = 100) =>
        ForkWatch.Run(_source, new ForkWatchSettings
        {
            ReferenceId = referenceId,
            DifferenceIds = differenceIds,
            Interval = interval ?? Second,
            Duration = duration,
            ByMapping = byMapping,
            Method = method,
        }, _clock, _observer, _failures.Add, _cancel.Token).ToList();

    private static TimeSpan[] Seconds(params double[] values) => values.Select(TimeSpan.FromSeconds).ToArray();

    [Fact]
    public void SamplesEachChildOnceATickOnTheScheduleUntilTheDurationIsOver()
    {
        Fork(Parent(), 200);
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(3));
        Assert.Equal(Seconds(0, 1, 2, 3), samples.Select(s => s.Elapsed));
        Assert.All(samples, s => Assert.Equal((100, 200, CowMethod.Pfn, (string?)null), (s.ReferenceId, s.DifferenceId, s.Method, s.Mapping)));
        Assert.Equal(samples.Select(s => FakeWatchClock.Origin + s.Elapsed), samples.Select(s => s.Timestamp));
        // The child started 30 s before the watch: its age grows with the clock.
        Assert.Equal(Seconds(30, 31, 32, 33), samples.Select(s => s.ChildAge));
        Assert.Equal(Seconds(1, 2, 3), _clock.Waits.Skip(1));
    }

    [Fact]
    public void CountsWhatCompareForkPagesCountsOverTheWholeAddressSpace()
    {
        SyntheticProcess parent = Parent();
        SyntheticProcess child = Fork(parent, 200);
        Write(child, 5);
        child.Words.Remove(PageGeometry.PageOf(Heap));
        parent.Words.Remove(PageGeometry.PageOf(Heap + Page));
        ForkSample sample = Run(TimeSpan.FromSeconds(1)).Last();
        List<ForkComparison> ranges = ForkAnalysis.CompareRanges(_source, 200, 100, PageSelection.All, new RecordingObserver()).ToList();
        Assert.Equal((5UL, 2UL * Pages - 5 - 2, 1UL, 1UL), (sample.Copied, sample.Shared, sample.ReferenceOnly, sample.DifferenceOnly));
        Assert.Equal(((ulong)ranges.Sum(r => (long)r.Shared), (ulong)ranges.Sum(r => (long)r.Copied),
                (ulong)ranges.Sum(r => (long)r.ReferenceOnly), (ulong)ranges.Sum(r => (long)r.DifferenceOnly)),
            (sample.Shared, sample.Copied, sample.ReferenceOnly, sample.DifferenceOnly));
        Assert.Equal((5 * Page, sample.Shared * Page), (sample.CopiedBytes, sample.SharedBytes));
    }

    [Fact]
    public void TheRateIsTheGrowthOfCopiesSinceTheChildsPreviousSample()
    {
        SyntheticProcess child = Fork(Parent(), 200);
        // Before the first tick nothing, then two pages a second, a pause, and four pages in a second.
        var writes = new Queue<int>(new[] { 0, 2, 2, 0, 4 });
        _clock.AtWait = _ => Write(child, writes.Count > 0 ? writes.Dequeue() : 0);
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(4));
        Assert.Equal(new ulong[] { 0, 2, 4, 4, 8 }, samples.Select(s => s.Copied));
        Assert.Equal(new double?[] { null, 2 * Page, 2 * Page, 0, 4 * Page }, samples.Select(s => s.CopiedBytesPerSecond));
    }

    [Fact]
    public void ASlowTickDelaysOnlyTheNextTickAndTheLatenessIsReportedNotAccumulated()
    {
        SyntheticProcess child = Fork(Parent(), 200);
        bool slowed = false;
        child.BeforePagemapRead = () =>
        {
            if (_clock.Elapsed == Second && !slowed)
            {
                // The tick at 1 s takes 2.5 s: it ends at 3.5 s, past the slots at 2 s and 3 s.
                slowed = true;
                _clock.Advance(TimeSpan.FromSeconds(2.5));
            }
        };
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(5));
        Assert.Equal(Seconds(0, 1, 3.5, 4, 5), samples.Select(s => s.Elapsed));
        ScanNotice late = Assert.Single(_observer.Notices, n => n.Kind == ScanNoticeKind.TickLate);
        Assert.Contains("started 0.500 s late", late.Message);
        Assert.Contains("1 tick(s)", late.Message);
    }

    [Fact]
    public void ASlotLeftOutIsReportedEvenWhenTheTickAfterItIsBarelyLate()
    {
        SyntheticProcess child = Fork(Parent(), 200);
        bool slowed = false;
        child.BeforePagemapRead = () =>
        {
            if (_clock.Elapsed == Second && !slowed)
            {
                slowed = true;
                _clock.Advance(TimeSpan.FromSeconds(2.01));
            }
        };
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(4));
        Assert.Equal(Seconds(0, 1, 3.01, 4), samples.Select(s => s.Elapsed));
        Assert.Contains("1 tick(s)", Assert.Single(_observer.Notices, n => n.Kind == ScanNoticeKind.TickLate).Message);
    }

    [Fact]
    public void AChildForkedDuringTheWatchJoinsAtItsNextTick()
    {
        SyntheticProcess parent = Parent();
        Fork(parent, 200);
        _clock.AtWait = until =>
        {
            if (until == TimeSpan.FromSeconds(2))
            {
                Fork(parent, 300, startedAt: Boot + TimeSpan.FromSeconds(1.5));
            }
        };
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(3));
        Assert.Equal(Seconds(0, 1, 2, 3), samples.Where(s => s.DifferenceId == 200).Select(s => s.Elapsed));
        List<ForkSample> late = samples.Where(s => s.DifferenceId == 300).ToList();
        Assert.Equal(Seconds(2, 3), late.Select(s => s.Elapsed));
        Assert.Equal(Seconds(0.5, 1.5), late.Select(s => s.ChildAge));
        Assert.Null(late[0].CopiedBytesPerSecond);
        // Within a tick, children come in PID order.
        Assert.Equal(new[] { 200, 300 }, samples.Where(s => s.Elapsed == TimeSpan.FromSeconds(2)).Select(s => s.DifferenceId));
    }

    [Fact]
    public void AChildThatExitsEndsItsSeriesWhileTheWatchGoesOn()
    {
        SyntheticProcess parent = Parent();
        Fork(parent, 200);
        Fork(parent, 201);
        _clock.AtWait = until =>
        {
            if (until == TimeSpan.FromSeconds(2))
            {
                _source.Exit(200);
            }
        };
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(3));
        Assert.Equal(Seconds(0, 1), samples.Where(s => s.DifferenceId == 200).Select(s => s.Elapsed));
        Assert.Equal(Seconds(0, 1, 2, 3), samples.Where(s => s.DifferenceId == 201).Select(s => s.Elapsed));
        Assert.Empty(_failures);
    }

    [Fact]
    public void AChildThatExitsMidComparisonEndsItsSeriesWithoutAnError()
    {
        SyntheticProcess child = Fork(Parent(), 200);
        child.BeforePagemapRead = () =>
        {
            if (_clock.Elapsed == TimeSpan.FromSeconds(2))
            {
                child.Exited = true;
            }
        };
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(3));
        Assert.Equal(Seconds(0, 1), samples.Select(s => s.Elapsed));
        Assert.Empty(_failures);
    }

    [Fact]
    public void APidReusedByANewChildStartsANewSeries()
    {
        SyntheticProcess parent = Parent();
        SyntheticProcess first = Fork(parent, 200);
        Write(first, 3);
        _clock.AtWait = until =>
        {
            if (until == TimeSpan.FromSeconds(2))
            {
                _source.Exit(200);
                Fork(parent, 200, startedAt: Boot + TimeSpan.FromSeconds(1.75));
            }
        };
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(3));
        Assert.Equal(new ulong[] { 3, 3, 0, 0 }, samples.Select(s => s.Copied));
        Assert.Equal(new double?[] { null, 0, null, 0 }, samples.Select(s => s.CopiedBytesPerSecond));
        Assert.Equal(TimeSpan.FromSeconds(0.25), samples[2].ChildAge);
    }

    [Fact]
    public void TheWatchEndsWhenTheReferenceExits()
    {
        SyntheticProcess parent = Parent();
        SyntheticProcess child = Fork(parent, 200);
        _clock.AtWait = until =>
        {
            if (until == TimeSpan.FromSeconds(2))
            {
                _source.Exit(100);
                child.ParentId = 1;
            }
        };
        List<ForkSample> samples = Run(duration: null);
        Assert.Equal(Seconds(0, 1), samples.Select(s => s.Elapsed));
    }

    [Fact]
    public void TheWatchEndsWhenTheReferenceBecomesAZombie()
    {
        SyntheticProcess parent = Parent();
        Fork(parent, 200);
        _clock.AtWait = until => parent.State = until == TimeSpan.FromSeconds(3) ? 'Z' : parent.State;
        Assert.Equal(3, Run(duration: null).Count);
    }

    [Fact]
    public void WithGivenProcessesTheWatchEndsWhenAllOfThemHaveExited()
    {
        SyntheticProcess parent = Parent();
        SyntheticProcess first = Fork(parent, 200);
        Fork(parent, 201);
        Fork(parent, 202);
        _clock.AtWait = until =>
        {
            if (until == TimeSpan.FromSeconds(2))
            {
                _source.Exit(200);
            }
            if (until == TimeSpan.FromSeconds(3))
            {
                // A zombie has exited too: its parent has not reaped it yet.
                _source.Processes[201].State = 'Z';
            }
        };
        List<ForkSample> samples = Run(duration: null, differenceIds: new[] { 200, 201 });
        Assert.Equal(new[] { 200, 201, 200, 201, 201 }, samples.Select(s => s.DifferenceId));
        // Child 202 is not followed: only the processes given are.
        Assert.DoesNotContain(samples, s => s.DifferenceId == 202);
        Assert.Equal(Seconds(1, 2, 3), _clock.Waits.Skip(1));
    }

    [Fact]
    public void AGivenProcessThatDoesNotExistIsReportedAndTheOthersAreWatched()
    {
        Fork(Parent(), 200);
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(1), differenceIds: new[] { 999, 200 });
        Assert.Equal(2, samples.Count);
        ProcfsException missing = Assert.Single(_failures);
        Assert.Equal((ProcfsErrorKind.NotFound, 999), (missing.Kind, missing.ProcessId));
    }

    [Fact]
    public void WhenNoGivenProcessExistsNothingIsWatched()
    {
        Parent();
        Assert.Empty(Run(TimeSpan.FromSeconds(5), differenceIds: new[] { 999 }));
        Assert.Single(_failures);
        Assert.Empty(_clock.Waits);
    }

    [Fact]
    public void AReferenceWithoutChildrenAndNoDurationIsAnError()
    {
        Parent();
        ProcfsException e = Assert.Throws<ProcfsException>(() => Run(duration: null));
        Assert.Equal((ProcfsErrorKind.NoChildren, 100), (e.Kind, e.ProcessId));
        Assert.Contains("process 100 has no child processes", e.Message);
        Assert.Contains("-Duration", e.Message);
    }

    [Fact]
    public void AReferenceWithoutChildrenAndADurationWaitsForOne()
    {
        SyntheticProcess parent = Parent();
        _clock.AtWait = until =>
        {
            if (until == TimeSpan.FromSeconds(2))
            {
                Fork(parent, 200);
            }
        };
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(3));
        Assert.Equal(Seconds(2, 3), samples.Select(s => s.Elapsed));
        ScanNotice wait = Assert.Single(_observer.Notices, n => n.Kind == ScanNoticeKind.NoChildrenYet);
        Assert.Equal(100, wait.ProcessId);
    }

    [Fact]
    public void AReferenceThatDoesNotExistIsNotFound()
    {
        ProcfsException e = Assert.Throws<ProcfsException>(() => Run(TimeSpan.FromSeconds(1), referenceId: 4242));
        Assert.Equal((ProcfsErrorKind.NotFound, 4242), (e.Kind, e.ProcessId));
    }

    [Fact]
    public void AKernelThreadReferenceHasNoUserMemoryToCompare()
    {
        SyntheticProcess kthreadd = _source.Add(2, 0, "kthreadd");
        _source.Add(3, 2, "pool_workqueue");
        ProcfsException e = Assert.Throws<ProcfsException>(() => Run(TimeSpan.FromSeconds(1), referenceId: kthreadd.ProcessId));
        Assert.Equal((ProcfsErrorKind.NoUserMemory, 2), (e.Kind, e.ProcessId));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AnIntervalOrDurationThatIsNotPositiveIsRejected(double seconds)
    {
        Fork(Parent(), 200);
        Assert.Throws<ArgumentOutOfRangeException>(() => Run(TimeSpan.FromSeconds(1), interval: TimeSpan.FromSeconds(seconds)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Run(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void CancellationEndsTheWatchInTheWaitWithoutAnError()
    {
        Fork(Parent(), 200);
        _clock.AtWait = until =>
        {
            if (until == TimeSpan.FromSeconds(2))
            {
                _cancel.Cancel();
            }
        };
        Assert.Equal(Seconds(0, 1), Run(duration: null).Select(s => s.Elapsed));
    }

    [Fact]
    public void CancellationDuringAComparisonEndsTheWatchWithoutAnError()
    {
        SyntheticProcess child = Fork(Parent(), 200);
        child.BeforePagemapRead = () =>
        {
            if (_clock.Elapsed == Second)
            {
                _cancel.Cancel();
            }
        };
        Assert.Single(Run(duration: null));
    }

    [Fact]
    public void ByMappingGivesOneSamplePerMappingNameWithItsOwnRate()
    {
        SyntheticProcess parent = Parent();
        // A second anonymous range: its pages add to the same [anon] sample.
        parent.Map(More, 4);
        parent.Set(More, Anon(0x3000));
        SyntheticProcess child = Fork(parent, 200);
        _clock.AtWait = _ => Write(child, 1);
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(2), byMapping: true);
        Assert.Equal(new[] { "[heap]", "[anon]", "[heap]", "[anon]", "[heap]", "[anon]" }, samples.Select(s => s.Mapping));
        List<ForkSample> anon = samples.Where(s => s.Mapping == "[anon]").ToList();
        Assert.Equal(new ulong[] { Pages, Pages - 1, Pages - 2 }, anon.Select(s => s.Shared));
        Assert.Equal(new double?[] { null, Page, Page }, anon.Select(s => s.CopiedBytesPerSecond));
        Assert.All(samples.Where(s => s.Mapping == "[heap]"), s => Assert.Equal(0UL, s.Copied));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void KeepsEveryProcessOpenAcrossTicksAndReadsIntoTheSameBuffers(bool framesVisible)
    {
        Fork(Parent(), 200);
        _ = Run(TimeSpan.FromSeconds(2));
        Assert.Equal((1, 1), (_source.Opens[100], _source.Opens[200]));

        // Ten more ticks allocate far less than one pair of read buffers (2 x 32 KiB) each; without frames, also less
        // than the zero-page scans' two run buffers (2 x 6 KiB).
        var longer = new ForkWatchTests();
        if (!framesVisible)
        {
            longer._source.HideFrames();
        }
        longer.Fork(longer.Parent(), 200);
        _ = longer.Run(TimeSpan.FromSeconds(2));
        long before = GC.GetAllocatedBytesForCurrentThread();
        _ = longer.Run(TimeSpan.FromSeconds(2));
        long three = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        _ = longer.Run(TimeSpan.FromSeconds(12));
        long thirteen = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True((thirteen - three) / 10 < 8 * 1024, $"each tick allocated {(thirteen - three) / 10} bytes");
    }

    [Fact]
    public void AChildThatCannotBeReadIsReportedOnceAndTheOthersGoOn()
    {
        SyntheticProcess parent = Parent();
        Fork(parent, 200);
        Fork(parent, 201).Denied = true;
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(3));
        Assert.Equal(4, samples.Count(s => s.DifferenceId == 200));
        ProcfsException denied = Assert.Single(_failures);
        Assert.Equal((ProcfsErrorKind.AccessDenied, 201), (denied.Kind, denied.ProcessId));
    }

    [Fact]
    public void ReadsTheReferencesMapsOnceATickHoweverManyChildrenItHas()
    {
        SyntheticProcess parent = Parent();
        for (int id = 200; id < 205; id++)
        {
            Fork(parent, id);
        }
        int forking = parent.MapsReads;
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(3));
        Assert.Equal(20, samples.Count);
        // Once at the start, to tell a process without user memory, then once for each of the four ticks.
        Assert.Equal(5, parent.MapsReads - forking);
    }

    [Fact]
    public void AChildWhoseStartTimeCannotBeReadIsReportedOnceAndTheOthersGoOn()
    {
        SyntheticProcess parent = Parent();
        Fork(parent, 200);
        Fork(parent, 201).StatDenied = true;
        List<ForkSample> samples = Run(TimeSpan.FromSeconds(3));
        Assert.Equal(4, samples.Count(s => s.DifferenceId == 200));
        Assert.DoesNotContain(samples, s => s.DifferenceId == 201);
        ProcfsException denied = Assert.Single(_failures);
        Assert.Equal((ProcfsErrorKind.AccessDenied, 201), (denied.Kind, denied.ProcessId));
    }

    [Fact]
    public void ExclusiveBitWhenAskedForWithoutSayingItIsApproximate()
    {
        Fork(Parent(), 200);
        Assert.All(Run(TimeSpan.FromSeconds(1), method: CowMethod.ExclusiveBit), s => Assert.Equal(CowMethod.ExclusiveBit, s.Method));
        Assert.DoesNotContain(_observer.Notices, n => n.Kind == ScanNoticeKind.ExclusiveBitMethod);
    }

    [Fact]
    public void WithoutFramesTheWatchSaysOnceThatItIsApproximate()
    {
        Fork(Parent(), 200);
        _source.FramesVisible = false;
        Assert.All(Run(TimeSpan.FromSeconds(2)), s => Assert.Equal(CowMethod.ExclusiveBit, s.Method));
        Assert.Single(_observer.Notices, n => n.Kind == ScanNoticeKind.ExclusiveBitMethod);
    }

    [Fact]
    public void PfnWithoutFramesIsAnError()
    {
        Fork(Parent(), 200);
        _source.FramesVisible = false;
        ProcfsException e = Assert.Throws<ProcfsException>(() => Run(TimeSpan.FromSeconds(1), method: CowMethod.Pfn));
        Assert.Equal(ProcfsErrorKind.AccessDenied, e.Kind);
        Assert.Contains("-Method Pfn", e.Message);
    }
}
