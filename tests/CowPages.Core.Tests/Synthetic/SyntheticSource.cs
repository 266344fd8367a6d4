using System;
using System.Collections.Generic;
using System.Linq;

namespace CowPages.Core.Tests.Synthetic;

/// <summary>
/// A made-up kernel for the orchestrators' tests: processes with hand-written maps and pagemap words, and a frame
/// table, so that what live processes cannot produce here (swap slots, migration entries, hidden PFNs, KSM, the zero
/// page, ranges that vanish mid-walk, a process exiting mid-walk) can be fed through the real analyses.
/// </summary>
internal sealed class SyntheticSource : IProcfsSource
{
    public Dictionary<int, SyntheticProcess> Processes { get; } = new();

    /// <summary>kpageflags, kpagecount and kpagecgroup words by PFN; frames below <see cref="FrameCount"/> exist.</summary>
    public Dictionary<ulong, (ulong Flags, ulong Count, ulong Cgroup)> Frames { get; } = new();

    public ulong FrameCount { get; set; } = 1 << 20;

    public string Name => "synthetic";

    public KernelInfo Kernel { get; } = new("6.18.0-synthetic", "testhost");

    public bool FramesVisible { get; set; } = true;

    public ulong ZeroPfn { get; set; }

    public KernelQuirks Quirks { get; set; }

    /// <summary>The time since boot <see cref="ReadUptime"/> returns; a test with a clock of its own ties it to that clock.</summary>
    public Func<TimeSpan> Uptime { get; set; } = () => TimeSpan.FromHours(1);

    /// <summary>How often each process was opened.</summary>
    public Dictionary<int, int> Opens { get; } = new();

    public SyntheticProcess Add(int processId, int parentId, string name = "fixture")
    {
        var process = new SyntheticProcess(processId, parentId, name);
        Processes[processId] = process;
        return process;
    }

    /// <summary>
    /// Turns this into what a reader without CAP_SYS_ADMIN sees: the kernel zeroes the PFN and swap fields of every
    /// pagemap word (bits 0-54) and keeps the kpage* files closed.
    /// </summary>
    public void HideFrames()
    {
        foreach (SyntheticProcess process in Processes.Values)
        {
            foreach (ulong page in process.Words.Keys.ToList())
            {
                process.Words[page] &= ~PagemapWord.FrameMask;
            }
        }
        FramesVisible = false;
    }

    public IReadOnlyList<int> ProcessIds() => Processes.Keys.OrderBy(p => p).ToList();

    /// <summary>The process exits: it leaves the source, and whoever still holds it open sees it gone.</summary>
    public void Exit(int processId)
    {
        Processes[processId].Exited = true;
        Processes.Remove(processId);
    }

    public IProcessSource OpenProcess(int processId)
    {
        Opens[processId] = Opens.GetValueOrDefault(processId) + 1;
        return Processes.TryGetValue(processId, out SyntheticProcess? process)
            ? process
            : new MissingProcess(processId);
    }

    public IReadOnlyList<int> ChildrenOf(int processId) =>
        Processes.Values.Where(p => p.ParentId == processId).Select(p => p.ProcessId).OrderBy(p => p).ToList();

    public IReadOnlyDictionary<int, int> ParentIds() => Processes.Values.ToDictionary(p => p.ProcessId, p => p.ParentId);

    public TimeSpan ReadUptime() => Uptime();

    public IFrameSource OpenFrames(FrameFields fields) => FramesVisible
        ? new SyntheticFrames(this, fields | FrameFields.Flags)
        : throw new ProcfsException(ProcfsErrorKind.AccessDenied, "/proc/kpageflags", null, 13, "synthetic: frames hidden");

    public void Dispose()
    {
    }

    private sealed class MissingProcess : IProcessSource
    {
        public MissingProcess(int processId) => ProcessId = processId;

        public int ProcessId { get; }

        public string PagemapPath => $"/proc/{ProcessId}/pagemap";

        public bool CanScan => false;

        private ProcfsException Missing(string file) =>
            new(ProcfsErrorKind.NotFound, $"/proc/{ProcessId}/{file}", ProcessId, 2, $"process {ProcessId}: no such process");

        public ProcessStatus ReadStatus() => throw Missing("status");

        public TimeSpan ReadStartTime() => throw Missing("stat");

        public IReadOnlyList<MemoryMapping> ReadMaps() => throw Missing("maps");

        public SmapsEntry ReadSmapsRollup() => throw Missing("smaps_rollup");

        public IReadOnlyList<SmapsEntry> ReadSmaps() => throw Missing("smaps");

        public ulong? ReadKsmMergingPages() => throw Missing("ksm_merging_pages");

        public int ReadPagemap(ulong firstPage, Span<ulong> words) => throw Missing("pagemap");

        public int ScanPagemap(ulong start, ulong end, PageScanQuery query, ulong maxPages, Span<PageRegion> regions, out ulong walkEnd) =>
            throw Missing("pagemap");

        public bool StillMapped(MemoryMapping mapping, ulong start, ulong end) => false;

        public void Dispose()
        {
        }
    }

    private sealed class SyntheticFrames : IFrameSource
    {
        private readonly SyntheticSource _source;

        public SyntheticFrames(SyntheticSource source, FrameFields fields)
        {
            _source = source;
            Fields = fields;
        }

        public FrameFields Fields { get; }

        public string PathOf(FrameFields field) => field == FrameFields.MapCount ? "/proc/kpagecount" : "/proc/kpageflags";

        public int Read(FrameFields field, ulong firstPfn, Span<ulong> words)
        {
            int n = 0;
            for (; n < words.Length && firstPfn + (ulong)n < _source.FrameCount; n++)
            {
                _source.Frames.TryGetValue(firstPfn + (ulong)n, out var frame);
                words[n] = field switch
                {
                    FrameFields.Flags => frame.Flags,
                    FrameFields.MapCount => frame.Count,
                    _ => frame.Cgroup,
                };
            }
            return n;
        }

        public void Dispose()
        {
        }
    }
}
