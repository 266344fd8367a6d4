using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using CowPages.Sources;

namespace CowPages.Walk;

/// <summary>
/// Walks the pagemap of one process, mapping by mapping, in chunks read into one reusable buffer.
/// Memory use is bounded by the chunk size and the mapping list, never by the size of the address space.
/// Callers that need only present or swapped pages can ask it to skip empty ranges with <c>PAGEMAP_SCAN</c>.
/// </summary>
public sealed class PageWalker : IDisposable, IRangeScanner
{
    /// <summary>Words per read: 1 MiB of pagemap, describing 512 MiB of address space.</summary>
    public const int DefaultChunkPages = 128 * 1024;

    /// <summary>
    /// Small mappings no more than this many pages apart are read with one pread: the words of the hole between them
    /// cost the kernel about 5 ns each, a call about 2 µs, and a library or a JIT heap is many small neighbours.
    /// </summary>
    internal const ulong ReadMergeGap = 64;

    /// <summary>Runs asked of PAGEMAP_SCAN per call (24 bytes each).</summary>
    private const int ScanRegions = 1024;

    // A scan's runs, and the same merged across small gaps: rented on the first scan, like the buffer below.
    private PageRegion[]? _regions;
    private PageRegion[]? _mergedRuns;

    private readonly List<(MemoryMapping Mapping, ulong Start, ulong End)> _ranges;
    // Rented on the first chunk and returned on Dispose: a sweep over every process on the machine would otherwise
    // allocate and zero a fresh megabyte per process, kernel threads included, which cost more than reading them.
    private ulong[]? _buffer;
    private readonly int _chunkPages;
    // The pages the buffer holds, which may run past the chunk last asked for into the mappings after it.
    private ulong _bufferFirstPage;
    private int _bufferCount;
    private readonly List<AddressRange> _changed = new();
    private readonly IProcessSource _process;

    private PageWalker(IProcessSource process, List<(MemoryMapping, ulong, ulong)> ranges, int chunkPages)
    {
        _process = process;
        _ranges = ranges;
        _chunkPages = chunkPages;
        foreach ((_, ulong start, ulong end) in ranges)
        {
            TotalPages += (end - start) >> PageGeometry.PageShift;
        }
    }

    public int ProcessId => _process.ProcessId;

    /// <summary>The selected mappings, in address order, with the part of each that the walk covers.</summary>
    public IReadOnlyList<(MemoryMapping Mapping, ulong Start, ulong End)> Ranges => _ranges;

    /// <summary>How many pages the walk covers.</summary>
    public ulong TotalPages { get; }

    /// <summary>How many of <see cref="TotalPages"/> the walk has passed, read or skipped: for progress.</summary>
    public ulong PagesDone { get; private set; }

    /// <summary>
    /// Ranges left out because their mapping was unmapped or replaced while the walk ran (a race with munmap/mmap).
    /// Callers report them: their pages were neither read nor counted.
    /// </summary>
    public IReadOnlyList<AddressRange> ChangedRanges => _changed;

    /// <summary>
    /// Reads the maps of <paramref name="process"/>, which stays the caller's to dispose. A kernel thread or zombie
    /// has no mappings; its pagemap is then never read and the walk is empty.
    /// </summary>
    /// <exception cref="ProcfsException">The process does not exist, or its maps cannot be read.</exception>
    public static PageWalker Open(IProcessSource process, PageSelection selection, int chunkPages = DefaultChunkPages)
    {
        var ranges = new List<(MemoryMapping, ulong, ulong)>();
        foreach (MemoryMapping mapping in process.ReadMaps())
        {
            if (mapping.Start >= PageGeometry.KernelHalf)
            {
                continue;
            }
            if (selection.Clip(mapping) is (ulong start, ulong end))
            {
                ranges.Add((mapping, start, end));
            }
        }
        return new PageWalker(process, ranges, chunkPages);
    }

    /// <summary>
    /// Yields the selected pages chunk by chunk. Each chunk's words are valid until the next one is asked for.
    /// With <paramref name="skipEmpty"/> the chunks may leave out pages that are neither present nor swapped (the
    /// kernel's PAGEMAP_SCAN finds them, Linux 6.7+); without the ioctl every page is read, as without the flag.
    /// </summary>
    /// <exception cref="ProcfsException">The process exited during the walk (<see cref="ProcfsErrorKind.ProcessExited"/>).</exception>
    public IEnumerable<PagemapChunk> Chunks(CancellationToken cancel = default, bool skipEmpty = false)
    {
        ulong before = 0;
        for (int index = 0; index < _ranges.Count; index++)
        {
            (MemoryMapping mapping, ulong start, ulong end) = _ranges[index];
            ulong firstPage = start >> PageGeometry.PageShift;
            ulong endPage = end >> PageGeometry.PageShift;
            ScanWalk walk = Scanned(firstPage, endPage, skipEmpty)
                ? ScanWalk.Scanning(firstPage, endPage, _mergedRuns ??= ArrayPool<PageRegion>.Shared.Rent(ScanRegions), cancel)
                : ScanWalk.Plain(firstPage, endPage);
            while (walk.Next(this, out ScanStep step))
            {
                if (step.Kind == ScanStepKind.Passed)
                {
                    PagesDone = before + (step.EndPage - firstPage);
                    continue;
                }
                if (step.Kind == ScanStepKind.Window)
                {
                    continue;
                }
                for (ulong page = step.FirstPage; page < step.EndPage;)
                {
                    cancel.ThrowIfCancellationRequested();
                    int want = (int)Math.Min((ulong)_chunkPages, step.EndPage - page);
                    // A run's read stays within the run: reading ahead would read the gaps the scan skipped.
                    bool readAhead = step.Kind == ScanStepKind.Rest && page == firstPage;
                    PagemapChunk chunk = ReadChunk(mapping, index, page, want, readAhead, skipEmpty);
                    page += (ulong)chunk.Count;
                    PagesDone = before + (page - firstPage);
                    if (StillMapped(chunk))
                    {
                        yield return chunk;
                    }
                }
            }
            before += endPage - firstPage;
        }
    }

    /// <summary>
    /// Whether a range is walked by scanning: one rule for the walk and the read-ahead, which must not read into a range
    /// the walk will scan.
    /// </summary>
    private bool Scanned(ulong firstPage, ulong endPage, bool skipEmpty) =>
        skipEmpty && _process.CanScan && endPage - firstPage >= ScanWalk.MinPages;

    /// <summary>
    /// One scan of at most a buffer's worth of pages: a dense range then costs one short extra walk before the
    /// density test turns scanning off for the rest of it.
    /// </summary>
    ScanOutcome IRangeScanner.Scan(ulong page, ulong endPage, out ReadOnlySpan<PageRegion> first,
        out ReadOnlySpan<PageRegion> second, out ulong windowEnd)
    {
        _regions ??= ArrayPool<PageRegion>.Shared.Rent(ScanRegions);
        int found = _process.ScanPagemap(page << PageGeometry.PageShift, endPage << PageGeometry.PageShift,
            PageScanQuery.NotEmpty, (ulong)_chunkPages, _regions.AsSpan(0, ScanRegions), out ulong walkEnd);
        windowEnd = walkEnd >> PageGeometry.PageShift;
        first = found < 0 ? default : _regions.AsSpan(0, found);
        second = default;
        return found < 0 || windowEnd <= page || windowEnd > endPage ? ScanOutcome.Failed : ScanOutcome.Found;
    }

    /// <summary>
    /// Where to stop reading when range <paramref name="index"/> starts: at its own end, or, if it fits in the buffer,
    /// at the end of the run of small ranges close after it that will be read without a scan as well.
    /// </summary>
    private ulong ReadAheadEnd(int index, bool skipEmpty)
    {
        ulong first = _ranges[index].Start >> PageGeometry.PageShift;
        ulong end = _ranges[index].End >> PageGeometry.PageShift;
        for (int next = index + 1; next < _ranges.Count; next++)
        {
            ulong nextFirst = _ranges[next].Start >> PageGeometry.PageShift;
            ulong nextEnd = _ranges[next].End >> PageGeometry.PageShift;
            if (Scanned(nextFirst, nextEnd, skipEmpty) || nextFirst < end || nextFirst - end > ReadMergeGap
                || nextEnd - first > (ulong)_chunkPages)
            {
                break;
            }
            end = nextEnd;
        }
        return end;
    }

    /// <summary>
    /// The words of <paramref name="want"/> pages from <paramref name="page"/>: from the buffer if an earlier read ran
    /// ahead over them, otherwise read, with <paramref name="readAhead"/> on over the small mappings that follow.
    /// </summary>
    private PagemapChunk ReadChunk(MemoryMapping mapping, int index, ulong page, int want, bool readAhead, bool skipEmpty)
    {
        ulong address = page << PageGeometry.PageShift;
        if (_buffer is not null && page >= _bufferFirstPage && page + (ulong)want <= _bufferFirstPage + (ulong)_bufferCount)
        {
            return new PagemapChunk(mapping, index, address, _buffer, (int)(page - _bufferFirstPage), want);
        }
        _buffer ??= ArrayPool<ulong>.Shared.Rent(_chunkPages);
        // Only on a miss: each range is then looked at by one read-ahead at most, so the walk stays linear in mappings.
        ulong readEnd = readAhead ? ReadAheadEnd(index, skipEmpty) : page + (ulong)want;
        int length = (int)Math.Min((ulong)_chunkPages, Math.Max(readEnd - page, (ulong)want));
        int got = _process.ReadPagemap(page, _buffer.AsSpan(0, length));
        if (got == 0)
        {
            // The kernel returns nothing for user addresses only once the mm is gone.
            throw ProcfsException.ProcessExited(ProcessId, _process.PagemapPath);
        }
        _bufferFirstPage = page;
        _bufferCount = got;
        return new PagemapChunk(mapping, index, address, _buffer, 0, Math.Min(got, want));
    }

    /// <summary>
    /// Asks the kernel whether the chunk's mapping still covers it, now that its words are read; a range unmapped
    /// meanwhile reads as zeros, which must not be reported as absent pages.
    /// </summary>
    private bool StillMapped(in PagemapChunk chunk)
    {
        ulong end = chunk.AddressOf(chunk.Count);
        if (_process.StillMapped(chunk.Mapping, chunk.FirstAddress, end))
        {
            return true;
        }
        AddChanged(chunk.FirstAddress, end);
        return false;
    }

    /// <summary>Records a dropped range, merged with the previous one when they touch.</summary>
    private void AddChanged(ulong start, ulong end)
    {
        if (_changed.Count > 0 && _changed[^1].End == start)
        {
            _changed[^1] = _changed[^1] with { End = end };
            return;
        }
        _changed.Add(new AddressRange(start, end));
    }

    /// <summary>Returns the buffers; the process source stays open for its owner.</summary>
    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<ulong>.Shared.Return(_buffer);
            _buffer = null;
        }
        if (_regions is not null)
        {
            ArrayPool<PageRegion>.Shared.Return(_regions);
            _regions = null;
        }
        if (_mergedRuns is not null)
        {
            ArrayPool<PageRegion>.Shared.Return(_mergedRuns);
            _mergedRuns = null;
        }
    }
}
