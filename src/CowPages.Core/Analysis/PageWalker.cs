using System;
using System.Collections.Generic;
using System.Threading;
using CowPages.Reading;

namespace CowPages.Analysis;

/// <summary>
/// Walks the pagemap of one process, mapping by mapping, in chunks read into one reusable buffer.
/// Memory use is bounded by the chunk size and the mapping list, never by the size of the address space.
/// </summary>
public sealed class PageWalker : IDisposable
{
    /// <summary>Words per read: 1 MiB of pagemap, describing 512 MiB of address space.</summary>
    public const int DefaultChunkPages = 128 * 1024;

    /// <summary>Addresses from here up belong to the kernel ([vsyscall]); pagemap does not describe them.</summary>
    private const ulong KernelHalf = 1UL << 63;

    private readonly List<(MemoryMapping Mapping, ulong Start, ulong End)> _ranges;
    private readonly ulong[] _buffer;
    private readonly List<(ulong Start, ulong End)> _changed = new();
    private PagemapReader? _reader;
    private MappingProbe? _probe;

    private PageWalker(int processId, List<(MemoryMapping, ulong, ulong)> ranges, PagemapReader? reader, MappingProbe? probe, int chunkPages)
    {
        ProcessId = processId;
        _ranges = ranges;
        _reader = reader;
        _probe = probe;
        _buffer = new ulong[chunkPages];
        foreach ((_, ulong start, ulong end) in ranges)
        {
            TotalPages += (end - start) >> PagemapReader.PageShift;
        }
    }

    public int ProcessId { get; }

    /// <summary>The selected mappings, in address order, with the part of each that the walk covers.</summary>
    public IReadOnlyList<(MemoryMapping Mapping, ulong Start, ulong End)> Ranges => _ranges;

    /// <summary>How many pages the walk covers.</summary>
    public ulong TotalPages { get; }

    /// <summary>
    /// Ranges left out because their mapping was unmapped or replaced while the walk ran (a race with munmap/mmap).
    /// Callers report them: their pages were neither read nor counted.
    /// </summary>
    public IReadOnlyList<(ulong Start, ulong End)> ChangedRanges => _changed;

    /// <summary>
    /// Reads the maps of <paramref name="processId"/> and opens its pagemap. A kernel thread or zombie has no
    /// mappings; its pagemap is then never opened and the walk is empty.
    /// </summary>
    /// <exception cref="ProcfsException">The process does not exist, or its files cannot be opened.</exception>
    public static PageWalker Open(int processId, PageSelection selection, int chunkPages = DefaultChunkPages)
    {
        var ranges = new List<(MemoryMapping, ulong, ulong)>();
        foreach (MemoryMapping mapping in MapsReader.Read(processId))
        {
            if (mapping.Start >= KernelHalf)
            {
                continue;
            }
            if (selection.Clip(mapping) is (ulong start, ulong end))
            {
                ranges.Add((mapping, start, end));
            }
        }
        if (ranges.Count == 0)
        {
            return new PageWalker(processId, ranges, null, null, chunkPages);
        }
        PagemapReader reader = PagemapReader.Open(processId);
        return new PageWalker(processId, ranges, reader, MappingProbe.Open(processId), chunkPages);
    }

    /// <summary>
    /// Yields the selected pages chunk by chunk. Each chunk's words are valid until the next one is asked for.
    /// </summary>
    /// <exception cref="ProcfsException">The process exited during the walk (<see cref="ProcfsErrorKind.ProcessExited"/>).</exception>
    public IEnumerable<PagemapChunk> Chunks(CancellationToken cancel = default)
    {
        for (int index = 0; index < _ranges.Count; index++)
        {
            (MemoryMapping mapping, ulong start, ulong end) = _ranges[index];
            ulong page = start >> PagemapReader.PageShift;
            ulong endPage = end >> PagemapReader.PageShift;
            while (page < endPage)
            {
                cancel.ThrowIfCancellationRequested();
                int want = (int)Math.Min((ulong)_buffer.Length, endPage - page);
                int got = Reader.Read(page, _buffer.AsSpan(0, want));
                if (got == 0)
                {
                    // The kernel returns nothing for user addresses only once the mm is gone.
                    throw ProcfsException.ProcessExited(ProcessId, Reader.Path);
                }
                ulong chunkStart = page << PagemapReader.PageShift;
                ulong chunkEnd = (page + (ulong)got) << PagemapReader.PageShift;
                page += (ulong)got;
                if (_probe is not null && !_probe.StillMapped(mapping, chunkStart, chunkEnd))
                {
                    AddChanged(chunkStart, chunkEnd);
                    continue;
                }
                yield return new PagemapChunk(mapping, index, chunkStart, _buffer, got);
            }
        }
    }

    /// <summary>Records a dropped range, merged with the previous one when they touch.</summary>
    private void AddChanged(ulong start, ulong end)
    {
        if (_changed.Count > 0 && _changed[^1].End == start)
        {
            _changed[^1] = (_changed[^1].Start, end);
            return;
        }
        _changed.Add((start, end));
    }

    private PagemapReader Reader => _reader ?? throw new ObjectDisposedException(nameof(PageWalker));

    public void Dispose()
    {
        _reader?.Dispose();
        _reader = null;
        _probe?.Dispose();
        _probe = null;
    }
}
