using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CowPages.Decoding;
using CowPages.Frames;
using CowPages.Reporting;
using CowPages.Sources;
using CowPages.Walk;

namespace CowPages.Snapshots;

/// <summary>
/// Captures processes from a source (the live procfs, or another snapshot) into a snapshot file, one process at a
/// time, as close to one moment as the kernel allows without stopping anything. For each process it reads status and
/// maps, then the pagemap of every mapping (every word, holes included, in 1 MiB chunks), looking up the kpage* words
/// of each chunk's new frames right after the chunk, as the live cmdlets do; and smaps_rollup and smaps, after the
/// pagemap or, for a large process, meanwhile on another thread, as Get-CowSummary reads them. So a
/// process's maps, pagemap and frames are as close together in time as in a live Get-CowSummary, and a snapshot
/// answers as a live run would have at that moment. A process whose mapping changes while it is read has that range
/// recorded as changed, and analyses of the snapshot report it just as a live walk would.
/// <para>
/// What the analyses ask the kernel besides the files is recorded too: its quirks (once), each process's
/// ksm_merging_pages, whether PAGEMAP_SCAN works on it, and, without frames, which pages PAGEMAP_SCAN sees as the zero
/// page (asked per chunk of a private anonymous mapping, right after the chunk's words, as a live summary asks).
/// </para>
/// </summary>
public sealed class SnapshotCapture : IDisposable
{
    /// <summary>From this resident size up, smaps is read on another thread while the pagemap is walked.</summary>
    private const ulong OverlapSmapsKiB = 8 * 1024;

    /// <summary>Below this many new frames a chunk's kpagecgroup words are read on the capture's own thread.</summary>
    private const int ParallelLookupMinimum = 1024;

    private readonly IProcfsSource _source;
    private readonly SnapshotWriter _writer;
    private readonly SnapshotKernel _kernel;
    private readonly SnapshotBuffer _tokens = new(1 << 20);
    private readonly ulong[] _words = new ulong[PageWalker.DefaultChunkPages];
    private readonly bool[] _zero = new bool[PageWalker.DefaultChunkPages];
    private readonly PageRegion[] _probeRegion = new PageRegion[1];
    private ulong[] _newPfns = new ulong[PageWalker.DefaultChunkPages];
    private uint[] _newIds = new uint[PageWalker.DefaultChunkPages];
    private bool[] _newExclusive = new bool[PageWalker.DefaultChunkPages];
    private ulong[] _countPfns = new ulong[PageWalker.DefaultChunkPages];
    private int[] _countSlots = new int[PageWalker.DefaultChunkPages];
    private FrameInfo[] _newFrames = new FrameInfo[PageWalker.DefaultChunkPages];
    private FrameInfo[] _newCgroups = new FrameInfo[PageWalker.DefaultChunkPages];
    private readonly List<int> _captured = new();
    private FrameNumbering _numbering = new();
    private FrameReader? _frames;
    private FrameReader? _cgroups;
    private FrameColumns? _columns;
    private ulong _zeroId;
    private ulong _pages;
    private ulong _resident;
    private long _textBytes;
    private bool _completed;

    private SnapshotCapture(IProcfsSource source, SnapshotWriter writer, SnapshotKernel kernel, FrameReader? frames, FrameReader? cgroups)
    {
        _source = source;
        _writer = writer;
        _kernel = kernel;
        _frames = frames;
        _cgroups = cgroups;
        _columns = frames is null ? null : new FrameColumns(mapCounts: true, cgroups: cgroups is not null);
    }

    /// <summary>The processes stored so far, in capture order.</summary>
    public IReadOnlyList<int> ProcessIds => _captured;

    /// <summary>True while frames are stored: the source shows them and the kernel has not hidden them.</summary>
    public bool FramesVisible => _frames is not null;

    /// <summary>
    /// Starts a snapshot of <paramref name="source"/> to be written to <paramref name="path"/>. Without frames (no
    /// CAP_SYS_ADMIN) it captures what the kernel shows and says so once through <paramref name="observer"/>.
    /// </summary>
    /// <exception cref="System.IO.IOException">The file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to create the file.</exception>
    public static SnapshotCapture Begin(IProcfsSource source, string path, IScanObserver observer)
    {
        // kpagecgroup goes through a reader of its own, so that its words can be read on another thread while the
        // kpageflags and kpagecount words of the same frames are read on this one: each word costs the kernel about
        // the same, and these lookups are most of a capture's time.
        FrameReader? frames = null, cgroups = null;
        if (source.FramesVisible)
        {
            try
            {
                frames = FrameReader.Open(source, FrameFields.Flags | FrameFields.MapCount);
                cgroups = FrameReader.Open(source, FrameFields.Cgroup);
                if (!cgroups.HasCgroup)
                {
                    cgroups.Dispose();
                    cgroups = null;
                }
            }
            catch (ProcfsException e) when (e.Kind is ProcfsErrorKind.AccessDenied or ProcfsErrorKind.NotFound)
            {
                frames?.Dispose();
                cgroups?.Dispose();
                frames = cgroups = null;
            }
        }
        // To the millisecond, as the file keeps it, so that the SnapshotInfo returned says what a reader will see.
        DateTimeOffset capturedAt = source is SnapshotSource snapshot ? snapshot.CapturedAt
            : DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var kernel = new SnapshotKernel(WriterName, source.Kernel.Release, source.Kernel.HostName, capturedAt,
            (int)PageGeometry.PageSize, framesVisible: false, zeroFrameId: 0, source.Quirks);
        SnapshotWriter writer;
        try
        {
            writer = SnapshotWriter.Create(path);
        }
        catch
        {
            frames?.Dispose();
            cgroups?.Dispose();
            throw;
        }
        var capture = new SnapshotCapture(source, writer, kernel, frames, cgroups);
        try
        {
            writer.WriteKernel(kernel);
            if (frames is null)
            {
                observer.Notice(FramesHiddenNotice());
            }
            else if (source.ZeroPfn != 0)
            {
                capture._zeroId = capture.Number(source.ZeroPfn);
            }
            capture.LookUpNewFrames();
        }
        catch
        {
            capture.Dispose();
            throw;
        }
        return capture;
    }

    private static string WriterName => $"CowPages {typeof(SnapshotCapture).Assembly.GetName().Version?.ToString(3)}";

    /// <summary>
    /// Captures one process and appends it to the file. If it fails (it exited, it cannot be read), nothing of it is
    /// stored and the snapshot goes on with the next.
    /// </summary>
    /// <exception cref="ProcfsException">The process is missing, unreadable, or exited while it was read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
    public void Add(int processId, IScanObserver observer, CancellationToken cancel = default)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The snapshot is already complete.");
        }
        using IProcessSource process = _source.OpenProcess(processId);
        IProcessFiles files = process as IProcessFiles
            ?? throw new NotSupportedException($"{_source.Name} does not give the raw text files a snapshot stores.");
        while (true)
        {
            try
            {
                AddProcess(process, files, observer, cancel);
                return;
            }
            catch (FramesHiddenException)
            {
                // Root in a user namespace: CAP_SYS_ADMIN, but not in the initial namespace, so the kernel shows PFN 0.
                if (_captured.Count > 0)
                {
                    throw new ProcfsException(ProcfsErrorKind.AccessDenied, process.PagemapPath, processId, null,
                        $"process {processId}: the kernel hides its PFNs in {process.PagemapPath}, but showed those of the " +
                        "processes captured before it; take the snapshot as root in the initial user namespace.");
                }
                _frames?.Dispose();
                _frames = null;
                _cgroups?.Dispose();
                _cgroups = null;
                _columns = null;
                _numbering = new FrameNumbering();
                _newCount = 0;
                _zeroId = 0;
                observer.Notice(FramesHiddenNotice());
            }
        }
    }

    private void AddProcess(IProcessSource process, IProcessFiles files, IScanObserver observer, CancellationToken cancel)
    {
        int processId = process.ProcessId;
        byte[] status = files.ReadFile(ProcessFile.Status);
        byte[] maps = files.ReadFile(ProcessFile.Maps);
        string pagemapPath = process.PagemapPath;
        string folder = pagemapPath.EndsWith("pagemap", StringComparison.Ordinal) ? pagemapPath[..^"pagemap".Length] : pagemapPath + ": ";
        List<MemoryMapping> mappings = MapsParser.Parse(maps, folder + "maps", processId);
        ProcessStatus parsed = StatusParser.Parse(Encoding.UTF8.GetString(status), folder + "status", processId);

        // smaps is the kernel's own walk of the page tables, about as long as ours: for a large process it is read on
        // another thread meanwhile, as Get-CowSummary does, so that the two overlap instead of adding up.
        Task<(byte[] Rollup, byte[] Smaps)>? kernelTotals = parsed.ResidentKiB >= OverlapSmapsKiB && mappings.Count > 0
            ? Task.Run(() => ReadKernelTotals(files))
            : null;
        _tokens.Clear();
        var encoder = new PagemapEncoder(_tokens);
        ulong resident = 0;
        try
        {
            var pinned = new PinnedMapsProcess(process, mappings);
            using PageWalker walker = PageWalker.Open(pinned, PageSelection.All);
            // Whether PAGEMAP_SCAN works is recorded, so that the snapshot refuses scans where the kernel did. Without
            // frames the zero page has no id to be known by: the scan says which pages map it.
            bool canScan = mappings.Count > 0 ? ProbeScan(process, mappings[0]) : process.CanScan;
            ZeroPageFinder? zeroPages = _frames is null && canScan ? ZeroPageFinder.ByScan(pinned) : null;
            // Every word, not only present and swapped pages: a hole can carry bits (soft-dirty) that Get-PageMap shows.
            foreach (PagemapChunk chunk in walker.Chunks(cancel, skipEmpty: false))
            {
                resident += Renumber(chunk.Words);
                Span<bool> zero = _zero.AsSpan(0, chunk.Count);
                zero.Clear();
                if (zeroPages is not null && chunk.Mapping.IsPrivateAnonymous && !zeroPages.Find(chunk, zero))
                {
                    zero.Clear();
                }
                encoder.Append(PageGeometry.PageOf(chunk.FirstAddress), _words.AsSpan(0, chunk.Count), zero);
                LookUpNewFrames();
                observer.Progress(new ScanProgress(processId, walker.PagesDone, walker.TotalPages, chunk.Mapping, chunk.FirstAddress));
            }
            // A kernel thread or zombie has no memory, and no smaps to read (ESRCH): the analyses never ask for it.
            (byte[] rollup, byte[] smaps) = kernelTotals?.GetAwaiter().GetResult()
                ?? (mappings.Count == 0 ? (Array.Empty<byte>(), Array.Empty<byte>()) : ReadKernelTotals(files));
            kernelTotals = null;
            ulong? ksmMergingPages = mappings.Count == 0 ? null : process.ReadKsmMergingPages();
            encoder.Finish();
            cancel.ThrowIfCancellationRequested();
            _writer.WriteProcess(processId, status, maps, rollup, smaps, ksmMergingPages, canScan, walker.ChangedRanges, _tokens.Written);
            _textBytes += status.Length + maps.Length + rollup.Length + smaps.Length;
        }
        finally
        {
            // The walk failed: the texts are not wanted, but their reader is waited for, so that it neither outlives
            // the process source nor leaves an unobserved exception.
            if (kernelTotals is not null)
            {
                try
                {
                    kernelTotals.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                }
            }
        }
        _captured.Add(processId);
        _pages += encoder.Pages;
        _resident += resident;
    }

    /// <summary>
    /// Whether PAGEMAP_SCAN works on the process: one scan of its lowest page. A kernel before 6.7 refuses it, and the
    /// snapshot then refuses scans as that kernel would.
    /// </summary>
    private bool ProbeScan(IProcessSource process, MemoryMapping mapping) =>
        process.CanScan && process.ScanPagemap(mapping.Start, mapping.Start + PageGeometry.PageSize, PageScanQuery.NotEmpty, 1,
            _probeRegion, out _) >= 0;

    private static (byte[] Rollup, byte[] Smaps) ReadKernelTotals(IProcessFiles files) =>
        (files.ReadFile(ProcessFile.SmapsRollup), files.ReadFile(ProcessFile.Smaps));

    /// <summary>
    /// Copies a chunk's words into the buffer with each present page's PFN replaced by its frame id (or cleared when
    /// frames are hidden, so that nothing physical can be stored), noting frames seen for the first time. Returns how
    /// many pages are present.
    /// </summary>
    private ulong Renumber(ReadOnlySpan<ulong> words)
    {
        ulong present = 0;
        for (int i = 0; i < words.Length; i++)
        {
            ulong word = words[i];
            if ((word >> PagemapWord.PresentBit) != 0)
            {
                present++;
                ulong pfn = word & PagemapWord.FrameMask;
                word &= ~PagemapWord.FrameMask;
                if (_frames is not null)
                {
                    if (pfn == 0)
                    {
                        throw new FramesHiddenException();
                    }
                    word |= Number(pfn, (word >> PagemapWord.ExclusiveBit & 1) != 0);
                }
            }
            _words[i] = word;
        }
        return present;
    }

    private int _newCount;

    private uint Number(ulong pfn, bool exclusive = false)
    {
        uint id = _numbering.IdOf(pfn, out bool isNew);
        if (isNew)
        {
            if (_newCount == _newPfns.Length)
            {
                // Only when a lookup failed and left its frames pending.
                Array.Resize(ref _newPfns, _newCount * 2);
                Array.Resize(ref _newIds, _newCount * 2);
                Array.Resize(ref _newExclusive, _newCount * 2);
                Array.Resize(ref _countPfns, _newCount * 2);
                Array.Resize(ref _countSlots, _newCount * 2);
                Array.Resize(ref _newFrames, _newCount * 2);
                Array.Resize(ref _newCgroups, _newCount * 2);
            }
            _newPfns[_newCount] = pfn;
            _newExclusive[_newCount] = exclusive;
            _newIds[_newCount++] = id;
        }
        return id;
    }

    /// <summary>
    /// Reads the kpage* words of the frames numbered since the last call, in sorted, coalesced windows: kpageflags, then
    /// kpagecount only where the pagemap has not already given it, as Get-CowSummary does (a small page with the
    /// exclusive bit is mapped exactly once, which is what kpagecount would say), while kpagecgroup is read on another
    /// thread. Each word costs the kernel about the same, and these lookups are most of a capture's time.
    /// </summary>
    private void LookUpNewFrames()
    {
        int n = _newCount;
        if (n == 0 || _frames is null)
        {
            _newCount = 0;
            return;
        }
        if (_newCgroups.Length < _newPfns.Length)
        {
            Array.Resize(ref _newCgroups, _newPfns.Length);
        }
        Task? cgroups = null;
        if (_cgroups is not null && n >= ParallelLookupMinimum)
        {
            cgroups = Task.Run(() => _cgroups.Lookup(_newPfns.AsSpan(0, n), _newCgroups.AsSpan(0, n), FrameFields.Cgroup, default));
        }
        try
        {
            _frames.Lookup(_newPfns.AsSpan(0, n), _newFrames.AsSpan(0, n), FrameFields.Flags, default);
            LookUpMapCounts(n);
        }
        catch when (cgroups is not null)
        {
            // Never left running: it shares the PFN buffer, which the next chunk refills.
            ((IAsyncResult)cgroups).AsyncWaitHandle.WaitOne();
            throw;
        }
        if (cgroups is not null)
        {
            cgroups.GetAwaiter().GetResult();
        }
        else if (_cgroups is not null)
        {
            _cgroups.Lookup(_newPfns.AsSpan(0, n), _newCgroups.AsSpan(0, n), FrameFields.Cgroup, default);
        }
        // Ids are given in order, so the frames arrive in id order: each is encoded into the table's columns at once.
        // Should the lookup fail, they stay pending and are looked up with the next chunk's.
        for (int k = 0; k < n; k++)
        {
            if (_newIds[k] != _columns!.Count + 1)
            {
                throw new InvalidOperationException($"Frame id {_newIds[k]} came after {_columns.Count}.");
            }
            ref FrameInfo frame = ref _newFrames[k];
            _columns.Add(frame.Flags, frame.MapCount, _newCgroups[k].CgroupInode);
        }
        _newCount = 0;
    }

    /// <summary>Large folios are left to kpagecount: there the exclusive bit and the count follow different rules on 6.x.</summary>
    private void LookUpMapCounts(int n)
    {
        int wanted = 0;
        for (int k = 0; k < n; k++)
        {
            ref FrameInfo frame = ref _newFrames[k];
            if (Summary.CowCounters.MappedOnceByExclusiveBit(_newExclusive[k], frame))
            {
                frame.MapCount = 1;
                continue;
            }
            frame.MapCount = 0;
            _countPfns[wanted] = _newPfns[k];
            _countSlots[wanted++] = k;
        }
        if (wanted > 0)
        {
            _frames!.Lookup(_countPfns.AsSpan(0, wanted), _newFrames, FrameFields.MapCount, _countSlots.AsSpan(0, wanted));
        }
    }

    /// <summary>Writes the frame table and puts the file in place. Returns what it holds.</summary>
    public SnapshotInfo Complete()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The snapshot is already complete.");
        }
        _writer.WriteFrames(_columns, _zeroId);
        long length = _writer.Commit();
        _completed = true;
        return new SnapshotInfo(_writer.Path, length, _captured, _pages, _resident, _columns?.Count ?? 0, _textBytes, _columns is not null,
            _kernel.Release, _kernel.HostName, _kernel.CapturedAt);
    }

    private static ScanNotice FramesHiddenNotice() => new(ScanNoticeKind.FramesHidden, null,
        "Without CAP_SYS_ADMIN the kernel hides PFNs and the kpage* files, so the snapshot holds no frames: analyses of it " +
        "use Method ExclusiveBit, as they would live without root, and Get-PageFlags cannot read it. Take the snapshot as " +
        "root for exact results.");

    /// <summary>Closes the file; a snapshot never completed is deleted.</summary>
    public void Dispose()
    {
        _frames?.Dispose();
        _frames = null;
        _cgroups?.Dispose();
        _cgroups = null;
        _writer.Dispose();
    }

    private sealed class FramesHiddenException : Exception
    {
    }
}
