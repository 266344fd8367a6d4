using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CowPages.Decoding;
using CowPages.Reading;

namespace CowPages.Analysis;

/// <summary>
/// Summarises processes' memory by streaming their pagemaps VMA by VMA. As root each chunk's frames are looked up in
/// kpageflags and kpagecount in sorted, coalesced windows; without root only the pagemap bits are used, and Pss comes
/// from the kernel's smaps. One instance serves many processes and reuses its buffers.
/// </summary>
public sealed class CowSummarizer : IDisposable
{
    /// <summary>
    /// From this resident size up, the kernel's smaps is read while the pagemap is walked (see Summarize): below it the
    /// thread hand-off costs about as much as the overlap saves.
    /// </summary>
    private const ulong OverlapSmapsKiB = 8 * 1024;

    private readonly ulong[] _pfns = new ulong[PageWalker.DefaultChunkPages];
    private readonly FrameInfo[] _frames = new FrameInfo[PageWalker.DefaultChunkPages];
    private readonly int[] _countSlots = new int[PageWalker.DefaultChunkPages];
    private FrameReader? _reader;
    private readonly ulong _zeroPfn;

    // An explicit -Method Pfn must not quietly become ExclusiveBit when the kernel hides the PFNs.
    private readonly bool _pfnRequired;

    private CowSummarizer(FrameReader? reader, bool pfnRequired)
    {
        _reader = reader;
        _pfnRequired = pfnRequired;
        _zeroPfn = reader is null ? 0 : ZeroPage.Pfn;
    }

    /// <summary>The ranges the last <see cref="Summarize"/> left out because the process unmapped or replaced them meanwhile.</summary>
    public IReadOnlyList<(ulong Start, ulong End)> LastChangedRanges { get; private set; } = Array.Empty<(ulong, ulong)>();

    /// <summary>Pfn when the kpage* files are in use (root), ExclusiveBit otherwise.</summary>
    public CowMethod Method => _reader is null ? CowMethod.ExclusiveBit : CowMethod.Pfn;

    /// <summary>
    /// A summarizer for <paramref name="method"/>; with none, the exact Pfn method where the privileges allow it and
    /// ExclusiveBit otherwise. ExclusiveBit may be chosen as root too: it leaves the kpage* files alone, which makes
    /// whole-machine sweeps several times faster (their lookups cost more than the pagemap walk itself).
    /// </summary>
    /// <exception cref="ProcfsException">Pfn was asked for without CAP_SYS_ADMIN, or the kpage* files cannot be opened.</exception>
    public static CowSummarizer Create(CowMethod? method = null)
    {
        if (method == CowMethod.ExclusiveBit)
        {
            return new CowSummarizer(null, pfnRequired: false);
        }
        bool required = method == CowMethod.Pfn;
        if (!Privilege.HasSysAdmin)
        {
            return required ? throw PfnUnavailable(null) : new CowSummarizer(null, pfnRequired: false);
        }
        try
        {
            return new CowSummarizer(FrameReader.Open(FrameFields.Flags | FrameFields.MapCount), required);
        }
        catch (ProcfsException e) when (e.Kind == ProcfsErrorKind.AccessDenied && !required)
        {
            return new CowSummarizer(null, pfnRequired: false);
        }
    }

    private static ProcfsException PfnUnavailable(int? processId) => new(ProcfsErrorKind.AccessDenied,
        processId is null ? FrameReader.FlagsPath : $"/proc/{processId}/pagemap", processId, 1,
        (processId is null ? "" : $"process {processId}: ") +
        "-Method Pfn needs CAP_SYS_ADMIN in the initial user namespace: without it the kernel hides the PFNs in " +
        "/proc/PID/pagemap and keeps /proc/kpageflags and /proc/kpagecount to root. Run as root, or use -Method ExclusiveBit.");

    /// <summary>
    /// Summarises <paramref name="processId"/>: one summary for the process, or one per mapping name with
    /// <paramref name="byMapping"/>. Empty for a kernel thread or zombie, which have no user memory.
    /// </summary>
    /// <exception cref="ProcfsException">The process is missing, unreadable, or exited during the walk.</exception>
    public List<CowSummary> Summarize(int processId, bool byMapping, CancellationToken cancel = default, Action<ulong, ulong>? progress = null)
    {
        using PageWalker walker = PageWalker.Open(processId, PageSelection.All);
        LastChangedRanges = walker.ChangedRanges;
        var results = new List<CowSummary>();
        if (walker.Ranges.Count == 0)
        {
            return results;
        }
        ProcessStatus status = ProcessStatus.Read(processId);

        var names = new List<string>();
        var counters = new List<CowCounters>();
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        bool exact = _reader is not null;
        // Without root, Pss comes from the kernel's smaps, itself a walk of the page tables about as long as ours. For a
        // large process it is read on another thread meanwhile, so that the two walks overlap instead of adding up. A
        // small one reads it after the walk, as close as possible to the pagemap words it is reported with.
        Task<List<SmapsReader.Entry>>? kernelSmaps = !exact && status.ResidentKiB >= OverlapSmapsKiB
            ? Task.Run(() => ReadKernelSmaps(processId, byMapping))
            : null;
        // Empty pages add nothing to any counter, so the walk may skip them.
        foreach (PagemapChunk chunk in walker.Chunks(cancel, skipEmpty: true))
        {
            string key = byMapping ? chunk.Mapping.Name : "";
            if (!indexOf.TryGetValue(key, out int slot))
            {
                slot = names.Count;
                indexOf[key] = slot;
                names.Add(key);
                counters.Add(default);
            }
            CowCounters sum = counters[slot];
            if (exact && !AddExact(ref sum, chunk))
            {
                // CAP_SYS_ADMIN outside the initial user namespace: PFNs read as 0, so start over without them.
                return SummarizeWithoutFrames(processId, byMapping, cancel, progress);
            }
            if (!exact)
            {
                AddFromFlags(ref sum, chunk);
            }
            counters[slot] = sum;
            progress?.Invoke(walker.PagesDone, walker.TotalPages);
        }

        if (exact)
        {
            for (int i = 0; i < names.Count; i++)
            {
                results.Add(new CowSummary(processId, status.Name, status.ParentId, byMapping ? names[i] : null, counters[i], null, null, CowMethod.Pfn));
            }
            return results;
        }
        List<SmapsReader.Entry> smaps = kernelSmaps?.GetAwaiter().GetResult() ?? ReadKernelSmaps(processId, byMapping);
        return WithKernelPss(processId, status, byMapping, walker, names, counters, smaps);
    }

    private static List<SmapsReader.Entry> ReadKernelSmaps(int processId, bool byMapping) => byMapping
        ? SmapsReader.ReadPerMapping(processId)
        : new List<SmapsReader.Entry> { SmapsReader.ReadRollup(processId) };

    private List<CowSummary> SummarizeWithoutFrames(int processId, bool byMapping, CancellationToken cancel, Action<ulong, ulong>? progress)
    {
        if (_pfnRequired)
        {
            throw PfnUnavailable(processId);
        }
        _reader?.Dispose();
        _reader = null;
        return Summarize(processId, byMapping, cancel, progress);
    }

    /// <summary>
    /// Adds a chunk using frame data; false if the kernel hid the PFNs. Every present page's flags are looked up, but its
    /// map count only where the pagemap has not already given it: a small page with the exclusive bit is mapped once.
    /// That spares a kpagecount read for most private pages, which cost the kernel as much as their flags.
    /// </summary>
    private bool AddExact(ref CowCounters sum, in PagemapChunk chunk)
    {
        int n = 0;
        for (int i = 0; i < chunk.Count; i++)
        {
            PagemapWord word = chunk[i];
            if (word.Present)
            {
                if (word.Pfn == 0)
                {
                    return false;
                }
                _pfns[n++] = word.Pfn;
            }
        }
        if (n > 0)
        {
            _reader!.Lookup(_pfns.AsSpan(0, n), _frames.AsSpan(0, n), FrameFields.Flags, default);
            LookUpMapCounts(chunk);
        }
        int next = 0;
        bool fileBacked = chunk.Mapping.IsFileBacked;
        for (int i = 0; i < chunk.Count; i++)
        {
            PagemapWord word = chunk[i];
            FrameInfo frame = word.Present ? _frames[next++] : default;
            sum.AddExact(word, frame, _zeroPfn, fileBacked);
        }
        return true;
    }

    private void LookUpMapCounts(in PagemapChunk chunk)
    {
        int wanted = 0, next = 0;
        for (int i = 0; i < chunk.Count; i++)
        {
            PagemapWord word = chunk[i];
            if (!word.Present)
            {
                continue;
            }
            int slot = next++;
            ref FrameInfo frame = ref _frames[slot];
            // Large folios are left to kpagecount: there the bit and the count follow different rules on 6.x.
            if (word.Exclusive && frame.Found && ((ulong)frame.PageFlags & CowCounters.LargeFolioFlags) == 0)
            {
                frame.MapCount = 1;
                continue;
            }
            _pfns[wanted] = word.Pfn;
            _countSlots[wanted++] = slot;
        }
        if (wanted > 0)
        {
            _reader!.Lookup(_pfns.AsSpan(0, wanted), _frames, FrameFields.MapCount, _countSlots.AsSpan(0, wanted));
        }
    }

    private static void AddFromFlags(ref CowCounters sum, in PagemapChunk chunk)
    {
        bool fileBacked = chunk.Mapping.IsFileBacked;
        bool shmem = chunk.Mapping.LooksLikeShmem;
        foreach (ulong raw in chunk.Words)
        {
            sum.AddFromFlags(new PagemapWord(raw), fileBacked, shmem);
        }
    }

    /// <summary>Without map counts Pss cannot be computed from pages, so it comes from the kernel's smaps, as do PMD-mapped THPs.</summary>
    private static List<CowSummary> WithKernelPss(int processId, ProcessStatus status, bool byMapping, PageWalker walker,
        List<string> names, List<CowCounters> counters, List<SmapsReader.Entry> smaps)
    {
        var results = new List<CowSummary>();
        if (!byMapping)
        {
            SmapsReader.Entry rollup = smaps[0];
            results.Add(new CowSummary(processId, status.Name, status.ParentId, null, counters[0], rollup["Pss"],
                LargeFolioFrom(rollup), CowMethod.ExclusiveBit));
            return results;
        }
        var nameByStart = new Dictionary<ulong, string>();
        foreach ((MemoryMapping mapping, _, _) in walker.Ranges)
        {
            nameByStart[mapping.Start] = mapping.Name;
        }
        var pss = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var large = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (SmapsReader.Entry entry in smaps)
        {
            if (nameByStart.TryGetValue(entry.Start, out string? name))
            {
                pss[name] = pss.GetValueOrDefault(name) + entry["Pss"];
                large[name] = large.GetValueOrDefault(name) + LargeFolioFrom(entry);
            }
        }
        for (int i = 0; i < names.Count; i++)
        {
            results.Add(new CowSummary(processId, status.Name, status.ParentId, names[i], counters[i],
                pss.GetValueOrDefault(names[i]), large.GetValueOrDefault(names[i]), CowMethod.ExclusiveBit));
        }
        return results;
    }

    private static ulong LargeFolioFrom(SmapsReader.Entry entry) =>
        entry["AnonHugePages"] + entry["ShmemPmdMapped"] + entry["FilePmdMapped"];

    public void Dispose()
    {
        _reader?.Dispose();
        _reader = null;
    }
}
