using System;
using System.Collections.Generic;

namespace CowPages.Sources;

/// <summary>
/// One process's files: status, maps, smaps, and pagemap read by ranges. Every method may throw
/// <see cref="ProcfsException"/> naming the process and the file: NotFound for a process that does not exist,
/// AccessDenied, or ProcessExited for one that exited while it was read.
/// </summary>
public interface IProcessSource : IDisposable
{
    int ProcessId { get; }

    /// <summary>The path errors name for the pagemap, such as <c>/proc/42/pagemap</c>.</summary>
    string PagemapPath { get; }

    ProcessStatus ReadStatus();

    /// <summary>The VMAs in address order; empty for a kernel thread or zombie, which have no user memory.</summary>
    IReadOnlyList<MemoryMapping> ReadMaps();

    SmapsEntry ReadSmapsRollup();

    /// <summary>One entry per VMA.</summary>
    IReadOnlyList<SmapsEntry> ReadSmaps();

    /// <summary>
    /// How many of the process's pages KSM has merged (<c>/proc/PID/ksm_merging_pages</c>, Linux 5.19+); null where the
    /// kernel does not say.
    /// </summary>
    ulong? ReadKsmMergingPages();

    /// <summary>
    /// Fills <paramref name="words"/> with the pagemap entries of consecutive pages from virtual page
    /// <paramref name="firstPage"/>. Returns how many were read: fewer than asked means the range ran past the task
    /// size; none at a user address means the process has exited.
    /// </summary>
    int ReadPagemap(ulong firstPage, Span<ulong> words);

    /// <summary>False once the source has shown it cannot scan (PAGEMAP_SCAN is Linux 6.7+); callers then read plainly.</summary>
    bool CanScan { get; }

    /// <summary>
    /// Finds the runs of [<paramref name="start"/>, <paramref name="end"/>) whose pages fall in the categories of
    /// <paramref name="query"/>, up to <paramref name="regions"/>.Length runs or <paramref name="maxPages"/> pages
    /// (0: no limit). Returns how many runs were written and, in <paramref name="walkEnd"/>, where the scan stopped;
    /// -1 when the source cannot scan, after which <see cref="CanScan"/> is false.
    /// </summary>
    int ScanPagemap(ulong start, ulong end, PageScanQuery query, ulong maxPages, Span<PageRegion> regions, out ulong walkEnd);

    /// <summary>
    /// True when mappings of the same file (or anonymous memory) still cover all of [start, end) after its words were
    /// read: a range unmapped meanwhile reads as zeros, which must not be reported as absent pages.
    /// </summary>
    bool StillMapped(MemoryMapping mapping, ulong start, ulong end);
}
