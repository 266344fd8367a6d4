using System;
using System.Collections.Generic;
using Xunit;

namespace CowPages.Core.Tests;

/// <summary>The live process source's pagemap reads at the edges of the address space, on the test process's own pagemap.</summary>
public class LiveProcessTests
{
    internal static IProcessSource Open(int processId) => LiveProcfsSource.Open().OpenProcess(processId);

    [Fact]
    public void ReadingPastTheTaskSizeReturnsNothingRatherThanFailing()
    {
        using IProcessSource process = Open(Environment.ProcessId);
        var words = new ulong[16];
        // 0x8000_0000_0000 is past the 47-bit user address space of x86_64.
        Assert.Equal(0, process.ReadPagemap(PageGeometry.PageOf(0x800000000000UL), words));
    }

    [Fact]
    public void ReadingAtAPageWhoseOffsetOverflowsReturnsNothing()
    {
        using IProcessSource process = Open(Environment.ProcessId);
        Assert.Equal(0, process.ReadPagemap(ulong.MaxValue >> 1, new ulong[4]));
    }

    [Fact]
    public void AShortReadStraddlingTheTaskSizeReturnsOnlyTheWordsBelowIt()
    {
        using IProcessSource process = Open(Environment.ProcessId);
        ulong lastUserPage = PageGeometry.PageOf(0x800000000000UL) - 2;
        int got = process.ReadPagemap(lastUserPage, new ulong[8]);
        Assert.InRange(got, 1, 7);
    }

    [Fact]
    public void ReadingTheMissingProcessNamesItsFile()
    {
        using IProcessSource process = Open(int.MaxValue - 1);
        var e = Assert.Throws<ProcfsException>(() => process.ReadPagemap(0, new ulong[1]));
        Assert.Equal(ProcfsErrorKind.NotFound, e.Kind);
        Assert.Equal($"/proc/{int.MaxValue - 1}/pagemap", e.Path);
        Assert.Equal(int.MaxValue - 1, e.ProcessId);
    }

    [Fact]
    public void OpeningAProcessReadsNothingUntilAsked()
    {
        // A kernel thread or zombie is walked without its pagemap ever being opened; so opening must not fail early.
        using IProcessSource process = Open(int.MaxValue - 1);
        Assert.Equal(int.MaxValue - 1, process.ProcessId);
        Assert.Throws<ProcfsException>(() => process.ReadMaps());
    }

    [Fact]
    public void AProcessStartedAfterBootAndBeforeNow()
    {
        using LiveProcfsSource source = LiveProcfsSource.Open();
        using IProcessSource self = source.OpenProcess(Environment.ProcessId);
        TimeSpan started = self.ReadStartTime();
        Assert.InRange(started, TimeSpan.FromTicks(1), source.ReadUptime());
        // This process has run at least as long as the test host took to get here, by the kernel's own count.
        Assert.InRange((DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalSeconds,
            (source.ReadUptime() - started).TotalSeconds - 1, double.MaxValue);
    }

    [Fact]
    public void FindsAChildItJustStartedAndItsStartTime()
    {
        using LiveProcfsSource source = LiveProcfsSource.Open();
        TimeSpan before = source.ReadUptime();
        using var child = System.Diagnostics.Process.Start("sleep", "30");
        try
        {
            Assert.Contains(child.Id, source.ChildrenOf(Environment.ProcessId));
            IReadOnlyDictionary<int, int> parents = source.ParentIds();
            Assert.Equal(Environment.ProcessId, parents[child.Id]);
            Assert.Equal(source.OpenProcess(Environment.ProcessId).ReadStatus().ParentId, parents[Environment.ProcessId]);
            using IProcessSource process = source.OpenProcess(child.Id);
            // stat counts in 10 ms ticks, so the start may read up to one tick before the uptime taken earlier.
            Assert.InRange(process.ReadStartTime(), before - TimeSpan.FromMilliseconds(10), source.ReadUptime());
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
        Assert.DoesNotContain(child.Id, source.ChildrenOf(Environment.ProcessId));
    }

    [Fact]
    public void AProcessThatDoesNotExistHasNoChildrenAndNoStartTime()
    {
        using LiveProcfsSource source = LiveProcfsSource.Open();
        Assert.Empty(source.ChildrenOf(int.MaxValue - 1));
        using IProcessSource process = source.OpenProcess(int.MaxValue - 1);
        ProcfsException e = Assert.Throws<ProcfsException>(() => process.ReadStartTime());
        Assert.Equal((ProcfsErrorKind.NotFound, $"/proc/{int.MaxValue - 1}/stat"), (e.Kind, e.Path));
    }
}
