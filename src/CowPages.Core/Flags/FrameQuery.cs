using System;
using System.Collections.Generic;
using System.Threading;
using CowPages.Frames;
using CowPages.Reporting;
using CowPages.Sources;

namespace CowPages.Flags;

/// <summary>A PFN asked for, with the process and address that led to it when there were any.</summary>
public readonly record struct FrameRequest(ulong Pfn, int? ProcessId, ulong? Address);

/// <summary>The answer for one PFN: its frame, or null when the PFN lies beyond the end of physical memory.</summary>
public readonly record struct FrameResult(ulong Pfn, PageFrame? Frame);

/// <summary>
/// Yields what Get-PageFlags writes: one <see cref="PageFrame"/> per physical frame, from all three kpage* files,
/// looked up in batches (scattered PFNs, sorted and coalesced) or read as a range.
/// </summary>
public sealed class FrameQuery : IDisposable
{
    private readonly FrameReader _reader;
    private readonly bool _ksmFlagTrusted;
    private FrameInfo[] _info = new FrameInfo[FrameReader.MaxWindow];
    private ulong[] _pfns = new ulong[FrameReader.MaxWindow];

    private FrameQuery(FrameReader reader, bool ksmFlagTrusted)
    {
        _reader = reader;
        _ksmFlagTrusted = ksmFlagTrusted;
    }

    /// <exception cref="ProcfsException">Frames are hidden (AccessDenied), or kpageflags is missing.</exception>
    public static FrameQuery Open(IProcfsSource source) =>
        new(FrameReader.Open(source, FrameFields.All), (source.Quirks & KernelQuirks.KsmFlagOnAnonymousPages) == 0);

    /// <summary>The path errors name for kpageflags, which decides which PFNs exist.</summary>
    public string FlagsPath => _reader.FlagsPath;

    /// <summary>The frames of <paramref name="requests"/>, in their order; the lookups are coalesced across the batch.</summary>
    public IEnumerable<FrameResult> Lookup(IReadOnlyList<FrameRequest> requests)
    {
        int n = requests.Count;
        if (_pfns.Length < n)
        {
            _pfns = new ulong[n];
            _info = new FrameInfo[n];
        }
        for (int i = 0; i < n; i++)
        {
            _pfns[i] = requests[i].Pfn;
        }
        _reader.Lookup(_pfns.AsSpan(0, n), _info.AsSpan(0, n));
        for (int i = 0; i < n; i++)
        {
            FrameRequest request = requests[i];
            FrameInfo info = _info[i];
            yield return new FrameResult(request.Pfn, info.Found ? ToFrame(request.Pfn, info, request.ProcessId, request.Address) : null);
        }
    }

    /// <summary>
    /// The frames from <paramref name="first"/> on, <paramref name="count"/> of them or up to the end of physical
    /// memory. When <paramref name="first"/> itself lies beyond the end, one result without a frame says so.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Count is 0 or runs past the last possible PFN.</exception>
    public IEnumerable<FrameResult> Range(ulong first, ulong count, int? processId, IScanObserver observer, CancellationToken cancel = default)
    {
        if (count == 0 || count > ulong.MaxValue - first)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"-Count must be at least 1 and must not run past PFN 0x{ulong.MaxValue:x} from 0x{first:x}.");
        }
        return RangeIterator(first, count, processId, observer, cancel);
    }

    private IEnumerable<FrameResult> RangeIterator(ulong first, ulong count, int? processId, IScanObserver observer, CancellationToken cancel)
    {
        ulong done = 0;
        while (done < count)
        {
            cancel.ThrowIfCancellationRequested();
            int want = (int)Math.Min((ulong)_info.Length, count - done);
            int got = _reader.ReadRange(first + done, _info.AsSpan(0, want));
            if (got == 0 && done == 0)
            {
                yield return new FrameResult(first, null);
            }
            for (int i = 0; i < got; i++)
            {
                ulong pfn = first + done + (ulong)i;
                yield return new FrameResult(pfn, ToFrame(pfn, _info[i], processId, null));
            }
            done += (ulong)got;
            if (got < want)
            {
                yield break;
            }
            observer.Progress(new ScanProgress(processId, done, count, null, first + done));
        }
    }

    private PageFrame ToFrame(ulong pfn, FrameInfo info, int? processId, ulong? address) =>
        new(pfn, info.PageFlags, info.MapCount, _reader.HasCgroup ? info.CgroupInode : null, processId, address, _ksmFlagTrusted);

    public void Dispose() => _reader.Dispose();
}
