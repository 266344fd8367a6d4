using System;
using CowPages.Reading;
using Xunit;

namespace CowPages.Core.Tests;

/// <summary>The pagemap reader at the edges of the address space, on the test process's own pagemap.</summary>
public class PagemapReaderTests
{
    [Fact]
    public void ReadingPastTheTaskSizeReturnsNothingRatherThanFailing()
    {
        using PagemapReader reader = PagemapReader.Open(Environment.ProcessId);
        var words = new ulong[16];
        // 0x8000_0000_0000 is past the 47-bit user address space of x86_64.
        Assert.Equal(0, reader.Read(0x800000000000UL >> PagemapReader.PageShift, words));
    }

    [Fact]
    public void ReadingAtAPageWhoseOffsetOverflowsReturnsNothing()
    {
        using PagemapReader reader = PagemapReader.Open(Environment.ProcessId);
        Assert.Equal(0, reader.Read(ulong.MaxValue >> 1, new ulong[4]));
    }

    [Fact]
    public void AShortReadStraddlingTheTaskSizeReturnsOnlyTheWordsBelowIt()
    {
        using PagemapReader reader = PagemapReader.Open(Environment.ProcessId);
        ulong lastUserPage = (0x800000000000UL >> PagemapReader.PageShift) - 2;
        int got = reader.Read(lastUserPage, new ulong[8]);
        Assert.InRange(got, 1, 7);
    }

    [Fact]
    public void OpeningTheMissingProcessNamesItsFile()
    {
        var e = Assert.Throws<ProcfsException>(() => PagemapReader.Open(int.MaxValue - 1));
        Assert.Equal(ProcfsErrorKind.NotFound, e.Kind);
        Assert.Equal($"/proc/{int.MaxValue - 1}/pagemap", e.Path);
    }
}
