using System;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace CowPages.Core.Tests;

[CollectionDefinition(nameof(ProcessRaceTests), DisableParallelization = true)]
public class ProcessRaceTestsCollection
{
}

/// <summary>
/// Processes that exit and mappings that vanish while they are being read. Each race is made deterministic by
/// doing the "concurrent" step between two calls of the walk. The tests map and unmap memory in the test host itself,
/// so they run alone: a hole they leave must not be filled by another test's thread between two of their steps.
/// </summary>
[Collection(nameof(ProcessRaceTests))]
public class ProcessRaceTests
{
    /// <summary>Maps a private anonymous region in the test host and writes its first page, so that page is present.</summary>
    private static nint MapRegion(nuint length)
    {
        nint region = OwnMemory.Map(length, OwnMemory.ProtReadWrite);
        Marshal.WriteByte(region, 1);
        return region;
    }

    [Fact]
    public void ProcessExitingMidWalkIsReportedAsExitedNotAsEmptyPages()
    {
        using Process sleeper = Process.Start("sleep", "60");
        using IProcessSource process = LiveProcessTests.Open(sleeper.Id);
        using PageWalker walker = PageWalker.Open(process, PageSelection.All, chunkPages: 4);
        using var chunks = walker.Chunks().GetEnumerator();
        Assert.True(chunks.MoveNext());

        sleeper.Kill();
        sleeper.WaitForExit();

        var e = Assert.Throws<ProcfsException>(() => { while (chunks.MoveNext()) { } });
        Assert.Equal(ProcfsErrorKind.ProcessExited, e.Kind);
        Assert.Equal(sleeper.Id, e.ProcessId);
        Assert.Contains($"/proc/{sleeper.Id}/pagemap", e.Message);
    }

    [Fact]
    public void ProcessExitingBetweenMapsAndPagemapIsNotFound()
    {
        using Process sleeper = Process.Start("sleep", "60");
        using IProcessSource process = LiveProcessTests.Open(sleeper.Id);
        Assert.NotEmpty(process.ReadMaps());

        sleeper.Kill();
        sleeper.WaitForExit();

        var e = Assert.Throws<ProcfsException>(() => process.ReadPagemap(0x400, new ulong[1]));
        Assert.Equal(ProcfsErrorKind.NotFound, e.Kind);
        Assert.Contains($"/proc/{sleeper.Id}/pagemap", e.Message);
    }

    [Fact]
    public void MappingUnmappedDuringWalkIsLeftOutAndReported()
    {
        const int pages = 16;
        nuint length = pages * 4096;
        nint region = MapRegion(length);
        ulong start = (ulong)region;

        using IProcessSource self = LiveProcessTests.Open(Environment.ProcessId);
        using PageWalker walker = PageWalker.Open(self, new PageSelection(null, start, pages));
        Assert.Single(walker.Ranges);
        Assert.Equal(0, OwnMemory.Unmap(region, length));

        var chunks = walker.Chunks().Select(c => c.Count).ToList();
        Assert.Empty(chunks);
        Assert.Equal(new[] { new AddressRange(start, start + length) }, walker.ChangedRanges.ToArray());
    }

    [Fact]
    public void MappingSplitDuringWalkIsStillWalked()
    {
        const int pages = 16;
        nuint length = pages * 4096;
        nint region = MapRegion(length);
        try
        {
            using IProcessSource self = LiveProcessTests.Open(Environment.ProcessId);
            using PageWalker walker = PageWalker.Open(self, new PageSelection(null, (ulong)region, pages));
            // mprotect of the middle splits the VMA in three; the pages stay where they were.
            Assert.Equal(0, OwnMemory.Protect(region + 4 * 4096, 4 * 4096, OwnMemory.ProtRead));
            int walked = walker.Chunks().Sum(c => c.Count);
            Assert.Equal(pages, walked);
            Assert.Empty(walker.ChangedRanges);
        }
        finally
        {
            OwnMemory.Unmap(region, length);
        }
    }

    [Fact]
    public void MappingPartlyUnmappedDuringWalkDropsOnlyTheChunksItLost()
    {
        const int pages = 16;
        nuint length = pages * 4096;
        nint region = MapRegion(length);
        ulong start = (ulong)region;
        try
        {
            using IProcessSource self = LiveProcessTests.Open(Environment.ProcessId);
            using PageWalker walker = PageWalker.Open(self, new PageSelection(null, start, pages), chunkPages: 4);
            Assert.Equal(0, OwnMemory.Unmap(region + 8 * 4096, 4 * 4096));
            var firstAddresses = walker.Chunks().Select(c => c.FirstAddress).ToList();
            Assert.Equal(new[] { start, start + 4 * 4096, start + 12 * 4096 }, firstAddresses);
            Assert.Equal(new[] { new AddressRange(start + 8 * 4096, start + 12 * 4096) }, walker.ChangedRanges.ToArray());
        }
        finally
        {
            // Only the pieces still ours: another thread of the test host may have mapped something into the hole.
            OwnMemory.Unmap(region, 8 * 4096);
            OwnMemory.Unmap(region + 12 * 4096, 4 * 4096);
        }
    }

    [Fact]
    public void MappingStillPresentIsWalked()
    {
        const int pages = 16;
        nuint length = pages * 4096;
        nint region = MapRegion(length);
        try
        {
            using IProcessSource self = LiveProcessTests.Open(Environment.ProcessId);
            using PageWalker walker = PageWalker.Open(self, new PageSelection(null, (ulong)region, pages));
            var words = walker.Chunks().SelectMany(c => c.Words.ToArray()).ToList();
            Assert.Equal(pages, words.Count);
            Assert.True(new PagemapWord(words[0]).Present);
            Assert.False(new PagemapWord(words[1]).Present);
            Assert.Empty(walker.ChangedRanges);
        }
        finally
        {
            OwnMemory.Unmap(region, length);
        }
    }
}
