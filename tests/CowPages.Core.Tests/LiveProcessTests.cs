using System;
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
}
