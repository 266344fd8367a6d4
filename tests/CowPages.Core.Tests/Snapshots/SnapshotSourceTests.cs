using System;
using Xunit;

namespace CowPages.Core.Tests.Snapshots;

/// <summary>What a snapshot answers about its processes and frames beyond their files: families, time, frame ids.</summary>
public sealed class SnapshotSourceTests
{
    [Fact]
    public void ChildrenAreTheCapturedProcessesWhoseCapturedParentIsTheOneAsked()
    {
        SnapshotSource snapshot = SyntheticSnapshot.Source();
        Assert.Equal(new[] { SyntheticSnapshot.Child, SyntheticSnapshot.Changed }, snapshot.ChildrenOf(SyntheticSnapshot.Parent));
        Assert.Empty(snapshot.ChildrenOf(SyntheticSnapshot.Child));
        Assert.Empty(snapshot.ChildrenOf(424242));
        Assert.Equal(SyntheticSnapshot.Parent, snapshot.ParentIds()[SyntheticSnapshot.Child]);
        Assert.Equal(1, snapshot.ParentIds()[SyntheticSnapshot.Parent]);
    }

    [Fact]
    public void ASnapshotHasNoClockAndSaysSoNamingItself()
    {
        SnapshotSource snapshot = SyntheticSnapshot.Source();
        NotSupportedException uptime = Assert.Throws<NotSupportedException>(() => snapshot.ReadUptime());
        Assert.Contains(snapshot.Name, uptime.Message);
        NotSupportedException start = Assert.Throws<NotSupportedException>(() => snapshot.OpenProcess(SyntheticSnapshot.Child).ReadStartTime());
        Assert.Contains(snapshot.Name, start.Message);
    }

    [Fact]
    public void FrameIdsStartAtOneSoThatCountingAllFramesSkipsTheNoFrameId()
    {
        SnapshotSource snapshot = SyntheticSnapshot.Source();
        using FlagsMeter meter = FlagsMeter.Open(snapshot);
        ulong pages = 0;
        foreach (PageFlagsCount row in meter.MeasureFrames(null, null, NullScanObserver.Instance))
        {
            pages += row.Pages;
        }
        Assert.Equal((ulong)SyntheticSnapshot.FrameCount, pages);
    }
}
