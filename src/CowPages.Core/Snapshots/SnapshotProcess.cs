using System;
using System.Collections.Generic;
using System.Text;
using CowPages.Decoding;
using CowPages.Sources;

namespace CowPages.Snapshots;

/// <summary>
/// One process of a snapshot. Its text files are parsed on demand by the same parsers as live ones, and errors name
/// the snapshot and the file inside it. Safe to read from several threads: nothing in it changes.
/// </summary>
internal sealed class SnapshotProcess : IProcessSource, IProcessFiles
{
    private readonly string _snapshot;
    private readonly ProcessImage _image;
    private readonly ulong _zeroFrameId;
    private IReadOnlyList<MemoryMapping>? _maps;
    private volatile bool _cannotScan;

    /// <param name="zeroFrameId">The zero page's frame id where the snapshot holds frames, or 0.</param>
    internal SnapshotProcess(string snapshot, ProcessImage image, ulong zeroFrameId)
    {
        _snapshot = snapshot;
        _image = image;
        _zeroFrameId = zeroFrameId;
        _cannotScan = !image.CanScan;
        PagemapPath = PathOf("pagemap");
    }

    public int ProcessId => _image.ProcessId;

    public string PagemapPath { get; }

    public bool CanScan => !_cannotScan;

    public ProcessStatus ReadStatus() => StatusParser.Parse(Text(_image.Status), PathOf("status"), ProcessId);

    /// <exception cref="NotSupportedException">Always: a snapshot records no start times.</exception>
    public TimeSpan ReadStartTime() => throw NoClock(_snapshot);

    // A snapshot is one moment; what needs time (Watch-ForkPages' child ages and rates) reads the live kernel only.
    internal static NotSupportedException NoClock(string snapshot) =>
        new($"the snapshot {snapshot} is one moment, and records no uptime or start times.");

    public IReadOnlyList<MemoryMapping> ReadMaps() => _maps ??= MapsParser.Parse(_image.Maps, PathOf("maps"), ProcessId);

    public SmapsEntry ReadSmapsRollup() => SmapsParser.ParseRollup(Text(_image.SmapsRollup), PathOf("smaps_rollup"), ProcessId);

    public IReadOnlyList<SmapsEntry> ReadSmaps() => SmapsParser.Parse(Text(_image.Smaps), PathOf("smaps"), ProcessId);

    public ulong? ReadKsmMergingPages() => _image.KsmMergingPages;

    public byte[] ReadFile(ProcessFile file) => _image.File(file);

    public int ReadPagemap(ulong firstPage, Span<ulong> words) => _image.Pagemap.Read(firstPage, words);

    /// <summary>
    /// Answered from the stored words, for the categories they hold exactly: present, swapped, and the zero page (by its
    /// frame id, or, without frames, as PAGEMAP_SCAN marked the pages at capture). A query for any other category
    /// (soft-dirty, huge, written) cannot be answered, and the caller reads plainly instead; so does every query of a
    /// process the capture could not scan (a kernel before 6.7), as it would have live. A range that changed during the
    /// capture is reported as a run of its own, though no words are stored for it, so that a walk visits it, finds
    /// through <see cref="StillMapped"/> that it changed, and says so, as the capture's walk did.
    /// </summary>
    public int ScanPagemap(ulong start, ulong end, PageScanQuery query, ulong maxPages, Span<PageRegion> regions, out ulong walkEnd)
    {
        if (((query.Required | query.AnyOf | query.Returned) & ~PagemapImage.ScannableCategories) != 0)
        {
            _cannotScan = true;
        }
        if (_cannotScan)
        {
            walkEnd = start;
            return -1;
        }
        // Only a walk's query of what is there is answered with the changed ranges; a changed range holds no zero page.
        IReadOnlyList<AddressRange> changedRanges = (query.Required & ~PageCategories.Present) == 0
            ? _image.ChangedRanges
            : Array.Empty<AddressRange>();
        foreach (AddressRange changed in changedRanges)
        {
            if (changed.End <= start || changed.Start >= end)
            {
                continue;
            }
            if (changed.Start > start)
            {
                end = changed.Start;
                break;
            }
            walkEnd = Math.Min(changed.End, end);
            if (maxPages != 0 && (walkEnd - start) >> PageGeometry.PageShift > maxPages)
            {
                walkEnd = start + PageGeometry.Bytes(maxPages);
            }
            if (regions.IsEmpty)
            {
                walkEnd = start;
                return 0;
            }
            regions[0] = new PageRegion { Start = start, End = walkEnd, Categories = query.Returned & PageCategories.Present };
            return 1;
        }
        int found = _image.Pagemap.Scan(PageGeometry.PageOf(start), PageGeometry.PageOf(end), query, maxPages, regions, out ulong walkEndPage,
            _zeroFrameId);
        walkEnd = PageGeometry.AddressOf(walkEndPage);
        return found;
    }

    /// <summary>False only where the mapping changed during the capture: those pages were not stored.</summary>
    public bool StillMapped(MemoryMapping mapping, ulong start, ulong end)
    {
        foreach (AddressRange changed in _image.ChangedRanges)
        {
            if (changed.Start < end && start < changed.End)
            {
                return false;
            }
        }
        return true;
    }

    public void Dispose()
    {
    }

    private string PathOf(string file) => $"{_snapshot}: /proc/{ProcessId}/{file}";

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
