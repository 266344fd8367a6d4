using System;

namespace CowPages;

/// <summary>
/// One child compared with its reference at one tick of a watch: how many pages are still shared and how many have
/// been copied, and how fast copies grew since the previous sample of the same child. Output of Watch-ForkPages.
/// </summary>
public sealed class ForkSample
{
    internal ForkSample(DateTimeOffset timestamp, TimeSpan elapsed, int referenceId, int differenceId, TimeSpan childAge,
        string? mapping, in ForkStateCounts counts, double? copiedBytesPerSecond, CowMethod method)
    {
        Timestamp = timestamp;
        Elapsed = elapsed;
        ReferenceId = referenceId;
        DifferenceId = differenceId;
        ChildAge = childAge;
        Mapping = mapping;
        Shared = counts.Shared;
        Copied = counts.Copied;
        ReferenceOnly = counts.ReferenceOnly;
        DifferenceOnly = counts.DifferenceOnly;
        CopiedBytesPerSecond = copiedBytesPerSecond;
        Method = method;
    }

    /// <summary>When the sample was taken: when the comparison of this child began.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Time since the watch began, from a monotonic clock: the time axis of a series.</summary>
    public TimeSpan Elapsed { get; }

    public int ReferenceId { get; }

    public int DifferenceId { get; }

    /// <summary>Time since the child started (its start time in <c>/proc/PID/stat</c>), to 10 ms.</summary>
    public TimeSpan ChildAge { get; }

    /// <summary>The mapping name the counts cover, with -ByMapping; null when they cover the whole address space.</summary>
    public string? Mapping { get; }

    public ulong Shared { get; }

    public ulong Copied { get; }

    public ulong ReferenceOnly { get; }

    public ulong DifferenceOnly { get; }

    public ulong SharedBytes => PageGeometry.Bytes(Shared);

    public ulong CopiedBytes => PageGeometry.Bytes(Copied);

    /// <summary>
    /// How fast <see cref="CopiedBytes"/> changed since the previous sample of the same child (and mapping); null for
    /// a child's first sample. Negative when the child freed copies (munmap, or pages it gave back).
    /// </summary>
    public double? CopiedBytesPerSecond { get; }

    public CowMethod Method { get; }
}
