using System;
using System.Collections.Generic;

namespace CowPages.Sources;

/// <summary>
/// A process whose maps are fixed to the ones already read: the capture stores the maps text it read and walks exactly
/// the mappings parsed from it, not those of a second read that may differ; a watch reads the reference's maps once a
/// tick, not once for each child it compares with it.
/// </summary>
internal sealed class PinnedMapsProcess : IProcessSource
{
    private readonly IProcessSource _process;
    private readonly IReadOnlyList<MemoryMapping> _maps;

    internal PinnedMapsProcess(IProcessSource process, IReadOnlyList<MemoryMapping> maps)
    {
        _process = process;
        _maps = maps;
    }

    public int ProcessId => _process.ProcessId;

    public string PagemapPath => _process.PagemapPath;

    public bool CanScan => _process.CanScan;

    public IReadOnlyList<MemoryMapping> ReadMaps() => _maps;

    public ProcessStatus ReadStatus() => _process.ReadStatus();

    public TimeSpan ReadStartTime() => _process.ReadStartTime();

    public SmapsEntry ReadSmapsRollup() => _process.ReadSmapsRollup();

    public IReadOnlyList<SmapsEntry> ReadSmaps() => _process.ReadSmaps();

    public ulong? ReadKsmMergingPages() => _process.ReadKsmMergingPages();

    public int ReadPagemap(ulong firstPage, Span<ulong> words) => _process.ReadPagemap(firstPage, words);

    public int ScanPagemap(ulong start, ulong end, PageScanQuery query, ulong maxPages, Span<PageRegion> regions, out ulong walkEnd) =>
        _process.ScanPagemap(start, end, query, maxPages, regions, out walkEnd);

    public bool StillMapped(MemoryMapping mapping, ulong start, ulong end) => _process.StillMapped(mapping, start, end);

    /// <summary>The process stays its owner's.</summary>
    public void Dispose()
    {
    }
}
