using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using CowPages.Decoding;
using CowPages.Frames;
using CowPages.Reporting;
using CowPages.Sources;
using CowPages.Walk;

namespace CowPages.Summary;

/// <summary>
/// Summarises processes' memory by streaming their pagemaps VMA by VMA. With frames visible each chunk's frames are
/// looked up in kpageflags and kpagecount in sorted, coalesced windows; without them only the pagemap bits are used,
/// and Pss comes from the kernel's smaps. One instance serves many processes and reuses its buffers.
/// </summary>
public sealed class CowSummarizer : IDisposable
{
    /// <summary>
    /// From this resident size up, the kernel's smaps is read while the pagemap is walked (see Summarize): below it the
    /// thread hand-off costs about as much as the overlap saves.
    /// </summary>
    private const ulong OverlapSmapsKiB = 8 * 1024;

    private readonly IProcfsSource _source;
    // One chunk's worth of PFNs, frames, lookup slots and zero-page flags (5.6 MiB), rented on first need and returned
    // on Dispose: a summarizer is made per command, and zeroing fresh arrays cost more (4 ms a command) than summarising
    // a small process, while a kernel thread, or the exclusive-bit method, needs none or one of them.
    private ulong[]? _pfns;
    private FrameInfo[]? _frames;
    private int[]? _countSlots;
    private bool[]? _zero;
    private FrameReader? _reader;

    // An explicit -Method Pfn must not quietly become ExclusiveBit when the kernel hides the PFNs.
    private readonly bool _pfnRequired;

    // Asking for ExclusiveBit is asking for its approximations: no need to say they are approximate.
    private readonly bool _exclusiveBitChosen;

    private CowSummarizer(IProcfsSource source, FrameReader? reader, bool pfnRequired, bool exclusiveBitChosen)
    {
        _source = source;
        _reader = reader;
        _pfnRequired = pfnRequired;
        _exclusiveBitChosen = exclusiveBitChosen;
    }

    /// <summary>Pfn when the kpage* files are in use, ExclusiveBit otherwise.</summary>
    public CowMethod Method => _reader is null ? CowMethod.ExclusiveBit : CowMethod.Pfn;

    /// <summary>
    /// A summarizer for <paramref name="method"/>; with none, the exact Pfn method where the source shows frames and
    /// ExclusiveBit otherwise. ExclusiveBit may be chosen as root too: it leaves the kpage* files alone, which makes
    /// whole-machine sweeps several times faster (their lookups cost more than the pagemap walk itself).
    /// </summary>
    /// <exception cref="ProcfsException">Pfn was asked for but frames are hidden, or the kpage* files cannot be opened.</exception>
    public static CowSummarizer Create(IProcfsSource source, CowMethod? method = null)
    {
        if (method == CowMethod.ExclusiveBit)
        {
            return new CowSummarizer(source, null, pfnRequired: false, exclusiveBitChosen: true);
        }
        bool required = method == CowMethod.Pfn;
        if (!source.FramesVisible)
        {
            return required ? throw PfnUnavailable(source, null) : new CowSummarizer(source, null, false, false);
        }
        try
        {
            return new CowSummarizer(source, FrameReader.Open(source, FrameFields.Flags | FrameFields.MapCount), required, false);
        }
        catch (ProcfsException e) when (e.Kind == ProcfsErrorKind.AccessDenied && !required)
        {
            return new CowSummarizer(source, null, false, false);
        }
    }

    private static ProcfsException PfnUnavailable(IProcfsSource source, IProcessSource? process) =>
        ProcfsException.PfnUnavailable(source.Name, process);

    /// <summary>
    /// Summarises <paramref name="processId"/>: one summary for the process, or one per mapping name with
    /// <paramref name="byMapping"/>. Nothing for a kernel thread or zombie, which have no user memory.
    /// </summary>
    /// <exception cref="ProcfsException">The process is missing, unreadable, or exited during the walk.</exception>
    public IEnumerable<CowSummary> Summarize(int processId, bool byMapping, IScanObserver observer, CancellationToken cancel = default)
    {
        using IProcessSource process = _source.OpenProcess(processId);
        foreach (CowSummary summary in Summarize(process, byMapping, observer, cancel))
        {
            yield return summary;
        }
    }

    private IEnumerable<CowSummary> Summarize(IProcessSource process, bool byMapping, IScanObserver observer, CancellationToken cancel)
    {
        using PageWalker walker = PageWalker.Open(process, PageSelection.All);
        if (walker.Ranges.Count == 0)
        {
            yield break;
        }
        ProcessStatus status = process.ReadStatus();
        var groups = new SummaryGroups(byMapping);
        bool exact = _reader is not null;
        bool ksmFlagTrusted = (_source.Quirks & KernelQuirks.KsmFlagOnAnonymousPages) == 0;
        // Without frames, Pss comes from the kernel's smaps, itself a walk of the page tables about as long as ours. For a
        // large process it is read on another thread meanwhile, so that the two walks overlap instead of adding up. A
        // small one reads it after the walk, as close as possible to the pagemap words it is reported with.
        Task<IReadOnlyList<SmapsEntry>>? kernelSmaps = !exact && status.ResidentKiB >= OverlapSmapsKiB
            ? Task.Run(() => ReadKernelSmaps(process, byMapping))
            : null;
        var zeroPages = exact ? null : new ZeroPageFinder(_source, process);
        bool zeroKnown = true;
        bool framesHidden = false;
        // Empty pages add nothing to any counter, so the walk may skip them.
        foreach (PagemapChunk chunk in walker.Chunks(cancel, skipEmpty: true))
        {
            if (exact)
            {
                if (!AddExact(ref groups.For(chunk.Mapping, perVma: false), chunk, ksmFlagTrusted))
                {
                    framesHidden = true;
                    break;
                }
            }
            else
            {
                // Private anonymous VMAs are counted on their own: the kernel's per-VMA figures may correct them.
                bool[] zero = _zero ??= Rent<bool>();
                zeroKnown &= zeroPages!.Find(chunk, zero);
                AddFromFlags(ref groups.For(chunk.Mapping, perVma: chunk.Mapping.IsPrivateAnonymous), chunk, zero);
            }
            observer.Progress(new ScanProgress(process.ProcessId, walker.PagesDone, walker.TotalPages, chunk.Mapping, chunk.FirstAddress));
        }
        if (framesHidden)
        {
            // CAP_SYS_ADMIN outside the initial user namespace: PFNs read as 0, so start over without them.
            if (_pfnRequired)
            {
                throw PfnUnavailable(_source, process);
            }
            _reader?.Dispose();
            _reader = null;
            foreach (CowSummary summary in Summarize(process, byMapping, observer, cancel))
            {
                yield return summary;
            }
            yield break;
        }
        if (walker.ChangedRanges.Count > 0)
        {
            observer.Notice(ScanNotice.RangesChanged(process.ProcessId, process.PagemapPath, walker.ChangedRanges));
        }

        if (exact)
        {
            if (!ksmFlagTrusted)
            {
                KsmFromTheKernel(process, groups, byMapping, NamesByStart(walker), observer);
            }
            for (int slot = 0; slot < groups.Count; slot++)
            {
                yield return groups[slot].ToSummary(process.ProcessId, status, groups.NameOf(slot), CowMethod.Pfn);
            }
            yield break;
        }
        IReadOnlyList<SmapsEntry> smaps = kernelSmaps?.GetAwaiter().GetResult() ?? ReadKernelSmaps(process, byMapping);
        KernelCorrections.Apply(process, groups, smaps, byMapping, zeroKnown);
        if (!_exclusiveBitChosen)
        {
            observer.Notice(ExclusiveBitNotice(process.ProcessId, zeroKnown));
        }
        foreach (CowSummary summary in WithKernelPss(process.ProcessId, status, byMapping, NamesByStart(walker), groups, smaps))
        {
            yield return summary;
        }
    }

    /// <summary>
    /// On a kernel that flags every anonymous page KSM, the flag was ignored; if KSM did merge pages of this process,
    /// the kernel's smaps says how many, and they are taken out of the shared pages, where merged pages sit.
    /// </summary>
    private void KsmFromTheKernel(IProcessSource process, SummaryGroups groups, bool byMapping,
        IReadOnlyDictionary<ulong, string> namesByStart, IScanObserver observer)
    {
        ulong merging = process.ReadKsmMergingPages() ?? 0;
        string release = _source.Kernel.Release;
        if (merging == 0)
        {
            observer.Notice(new ScanNotice(ScanNoticeKind.KernelQuirk, process.ProcessId,
                $"Linux {release} sets the KSM flag on every anonymous page in /proc/kpageflags, merged or not. KSM has merged " +
                "none of this process's pages (/proc/PID/ksm_merging_pages is 0), so CowPages ignores the flag and the " +
                "CowShared, CowPrivate and Ksm figures are exact."));
            return;
        }
        foreach (SmapsEntry entry in ReadKernelSmaps(process, byMapping))
        {
            int? slot = !byMapping ? 0 : namesByStart.TryGetValue(entry.Start, out string? name) ? groups.SlotOfName(name) : null;
            if (slot is int s && s < groups.Count)
            {
                groups[s].MoveSharedToKsm(PageGeometry.PageOf(entry["KSM"]));
            }
        }
        observer.Notice(new ScanNotice(ScanNoticeKind.KernelQuirk, process.ProcessId,
            $"Linux {release} sets the KSM flag on every anonymous page in /proc/kpageflags, merged or not. KSM has merged " +
            $"{merging} pages of process {process.ProcessId}, so Ksm comes from the kernel's smaps and those pages are " +
            "taken out of CowShared; which pages they are cannot be told, so a merged page mapped only once is misplaced."));
    }

    private static ScanNotice ExclusiveBitNotice(int processId, bool zeroKnown) => new(ScanNoticeKind.ExclusiveBitMethod, processId,
        "Without CAP_SYS_ADMIN the kpage* files are closed, so CowShared and CowPrivate come from the pagemap's " +
        "exclusive bit (Method ExclusiveBit), corrected with the kernel's per-VMA smaps where transparent huge pages make " +
        "that bit wrong; Pss and LargeFolio come from smaps. KSM pages cannot be recognised and count as CowShared or " +
        "CowPrivate. " + (zeroKnown
            ? "Zero pages were found with PAGEMAP_SCAN. "
            : "This kernel has no PAGEMAP_SCAN (before 6.7), so zero pages were found by comparing with the kernel's " +
              "smaps, which is exact only while the process does not change. ") +
        "Run as root for exact results.");

    private static IReadOnlyList<SmapsEntry> ReadKernelSmaps(IProcessSource process, bool byMapping) => byMapping
        ? process.ReadSmaps()
        : new[] { process.ReadSmapsRollup() };

    /// <summary>The walked mappings' names by start address, to match the kernel's per-VMA figures to them.</summary>
    private static Dictionary<ulong, string> NamesByStart(PageWalker walker)
    {
        var names = new Dictionary<ulong, string>();
        foreach ((MemoryMapping mapping, _, _) in walker.Ranges)
        {
            names[mapping.Start] = mapping.Name;
        }
        return names;
    }

    /// <summary>
    /// Adds a chunk using frame data; false if the kernel hid the PFNs. Every present page's flags are looked up, but its
    /// map count only where the pagemap has not already given it: a small page with the exclusive bit is mapped once.
    /// That spares a kpagecount read for most private pages, which cost the kernel as much as their flags.
    /// </summary>
    private bool AddExact(ref CowCounters sum, in PagemapChunk chunk, bool ksmFlagTrusted)
    {
        _pfns ??= Rent<ulong>();
        _frames ??= Rent<FrameInfo>();
        _countSlots ??= Rent<int>();
        int n = 0;
        for (int i = 0; i < chunk.Count; i++)
        {
            PagemapWord word = chunk[i];
            if (word.Present)
            {
                if (word.FrameHidden)
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
        ulong zeroPfn = _source.ZeroPfn;
        for (int i = 0; i < chunk.Count; i++)
        {
            PagemapWord word = chunk[i];
            FrameInfo frame = word.Present ? _frames[next++] : default;
            sum.AddExact(word, frame, zeroPfn, fileBacked, ksmFlagTrusted);
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
            ref FrameInfo frame = ref _frames![slot];
            if (CowCounters.MappedOnceByExclusiveBit(word.Exclusive, frame))
            {
                frame.MapCount = 1;
                continue;
            }
            _pfns![wanted] = word.Pfn;
            _countSlots![wanted++] = slot;
        }
        if (wanted > 0)
        {
            _reader!.Lookup(_pfns.AsSpan(0, wanted), _frames, FrameFields.MapCount, _countSlots.AsSpan(0, wanted));
        }
    }

    private static void AddFromFlags(ref CowCounters sum, in PagemapChunk chunk, bool[] zero)
    {
        MemoryMapping mapping = chunk.Mapping;
        bool fileBacked = mapping.IsFileBacked, shmem = mapping.LooksLikeShmem, privateAnonymous = mapping.IsPrivateAnonymous;
        ReadOnlySpan<ulong> words = chunk.Words;
        for (int i = 0; i < words.Length; i++)
        {
            sum.AddFromFlags(new PagemapWord(words[i]), fileBacked, shmem, privateAnonymous, zero[i]);
        }
    }

    /// <summary>Without map counts Pss cannot be computed from pages, so it comes from the kernel's smaps, as do PMD-mapped THPs.</summary>
    private static IEnumerable<CowSummary> WithKernelPss(int processId, ProcessStatus status, bool byMapping,
        IReadOnlyDictionary<ulong, string> namesByStart, SummaryGroups groups, IReadOnlyList<SmapsEntry> smaps)
    {
        if (!byMapping)
        {
            SmapsEntry rollup = smaps[0];
            yield return groups[0].ToSummary(processId, status, null, CowMethod.ExclusiveBit, rollup["Pss"], LargeFolioFrom(rollup));
            yield break;
        }
        var pss = new ulong[groups.Count];
        var large = new ulong[groups.Count];
        foreach (SmapsEntry entry in smaps)
        {
            if (namesByStart.TryGetValue(entry.Start, out string? name) && groups.SlotOfName(name) is int slot)
            {
                pss[slot] += entry["Pss"];
                large[slot] += LargeFolioFrom(entry);
            }
        }
        for (int slot = 0; slot < groups.Count; slot++)
        {
            yield return groups[slot].ToSummary(processId, status, groups.NameOf(slot), CowMethod.ExclusiveBit, pss[slot], large[slot]);
        }
    }

    private static ulong LargeFolioFrom(SmapsEntry entry) =>
        entry["AnonHugePages"] + entry["ShmemPmdMapped"] + entry["FilePmdMapped"];

    public void Dispose()
    {
        _reader?.Dispose();
        _reader = null;
        Return(ref _pfns);
        Return(ref _frames);
        Return(ref _countSlots);
        Return(ref _zero);
    }

    private static T[] Rent<T>() => ArrayPool<T>.Shared.Rent(PageWalker.DefaultChunkPages);

    private static void Return<T>(ref T[]? array)
    {
        if (array is not null)
        {
            ArrayPool<T>.Shared.Return(array);
            array = null;
        }
    }
}
