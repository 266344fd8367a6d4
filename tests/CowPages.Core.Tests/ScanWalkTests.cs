using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace CowPages.Core.Tests;

/// <summary>
/// The steps of a scanned walk, which the page walker and the fork comparer both read by: fed scans with known runs,
/// it must hand out the runs merged, then the rest plainly once a window is dense or a scan fails.
/// </summary>
public class ScanWalkTests
{
    private const ulong Page = PageGeometry.PageSize;

    private static PageRegion Run(ulong first, ulong pages) => new() { Start = first * Page, End = (first + pages) * Page };

    /// <summary>Answers each scan with the next window of a script: its end page and its runs, or null for a failure.</summary>
    private sealed class ScriptedScanner : IRangeScanner
    {
        private readonly Queue<(ulong End, PageRegion[] Runs)?> _windows;

        public ScriptedScanner(params (ulong End, PageRegion[] Runs)?[] windows) => _windows = new(windows);

        public List<ulong> ScannedFrom { get; } = new();

        public ScanOutcome Scan(ulong page, ulong endPage, out ReadOnlySpan<PageRegion> first, out ReadOnlySpan<PageRegion> second,
            out ulong windowEnd)
        {
            ScannedFrom.Add(page);
            second = default;
            if (_windows.Dequeue() is not { } window)
            {
                first = default;
                windowEnd = page;
                return ScanOutcome.Failed;
            }
            first = window.Runs;
            windowEnd = window.End;
            return ScanOutcome.Found;
        }
    }

    private static List<ScanStep> Steps(ScriptedScanner scanner, ulong endPage, bool skipFirstWindow = false)
    {
        var steps = new List<ScanStep>();
        ScanWalk walk = ScanWalk.Scanning(0, endPage, new PageRegion[16], default);
        while (walk.Next(scanner, out ScanStep step))
        {
            steps.Add(step);
            if (skipFirstWindow && step.Kind == ScanStepKind.Window && step.FirstPage == 0)
            {
                walk.SkipWindow();
            }
        }
        return steps;
    }

    [Fact]
    public void ASparseWindowIsScannedPastAndADenseOneEndsTheScanning()
    {
        var scanner = new ScriptedScanner(
            (1000, new[] { Run(10, 5), Run(40, 20), Run(500, 1) }),
            (2000, new[] { Run(1000, 300), Run(1320, 300) }));
        List<ScanStep> steps = Steps(scanner, 5000);
        Assert.Equal(new[]
        {
            new ScanStep(ScanStepKind.Window, 0, 1000),
            new ScanStep(ScanStepKind.Run, 10, 60),
            new ScanStep(ScanStepKind.Run, 500, 501),
            new ScanStep(ScanStepKind.Passed, 0, 1000, 949),
            new ScanStep(ScanStepKind.Window, 1000, 2000),
            new ScanStep(ScanStepKind.Run, 1000, 1620),
            new ScanStep(ScanStepKind.Passed, 1000, 2000, 380),
            new ScanStep(ScanStepKind.Rest, 2000, 5000),
        }, steps);
        Assert.Equal(new ulong[] { 0, 1000 }, scanner.ScannedFrom);
    }

    [Fact]
    public void AFailedScanHandsOutTheRestFromWhereItStood()
    {
        var scanner = new ScriptedScanner((1000, new[] { Run(3, 1) }), null);
        List<ScanStep> steps = Steps(scanner, 5000);
        Assert.Equal(new ScanStep(ScanStepKind.Rest, 1000, 5000), steps[^1]);
        Assert.Equal(4, steps.Count);
    }

    [Fact]
    public void ASkippedWindowIsNeitherReadNorCountedAndTheScanGoesOn()
    {
        var scanner = new ScriptedScanner((1000, new[] { Run(0, 1000) }), (5000, Array.Empty<PageRegion>()));
        List<ScanStep> steps = Steps(scanner, 5000, skipFirstWindow: true);
        Assert.Equal(new[]
        {
            new ScanStep(ScanStepKind.Window, 0, 1000),
            new ScanStep(ScanStepKind.Window, 1000, 5000),
            new ScanStep(ScanStepKind.Passed, 1000, 5000, 4000),
        }, steps);
    }

    [Fact]
    public void APlainWalkIsOneRestStep()
    {
        ScanWalk walk = ScanWalk.Plain(7, 9);
        var scanner = new ScriptedScanner();
        Assert.True(walk.Next(scanner, out ScanStep step));
        Assert.Equal(new ScanStep(ScanStepKind.Rest, 7, 9), step);
        Assert.False(walk.Next(scanner, out _));
        Assert.Empty(scanner.ScannedFrom);
    }

    [Fact]
    public void MergingJoinsNeighboursCloserThanTheGapAndClipsToTheWindow()
    {
        PageRegion[] reference = { Run(0, 1), Run(100, 10), Run(1000, 5) };
        PageRegion[] difference = { Run(2, 3), Run(300, 1), Run(1002, 50) };
        var merged = new PageRegion[6];
        int count = ScanWalk.Merge(reference, difference, 0, 1010 * Page, merged);
        Assert.Equal(new[] { (0UL, 5UL), (100UL, 110UL), (300UL, 301UL), (1000UL, 1010UL) },
            merged.Take(count).Select(r => (r.Start / Page, r.End / Page)));

        count = ScanWalk.Merge(reference, difference, 103 * Page, 1010 * Page, merged);
        Assert.Equal(new[] { (103UL, 110UL), (300UL, 301UL), (1000UL, 1010UL) },
            merged.Take(count).Select(r => (r.Start / Page, r.End / Page)));
    }
}
