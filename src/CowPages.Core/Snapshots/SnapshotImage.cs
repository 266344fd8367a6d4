using System;
using System.Collections.Generic;
using CowPages.Sources;

namespace CowPages.Snapshots;

/// <summary>What a snapshot records about the kernel and the capture, besides the processes.</summary>
public sealed class SnapshotKernel
{
    public SnapshotKernel(string writer, string release, string hostName, DateTimeOffset capturedAt, int pageSize, bool framesVisible,
        ulong zeroFrameId, KernelQuirks quirks = KernelQuirks.None)
    {
        Writer = writer;
        Release = release;
        HostName = hostName;
        CapturedAt = capturedAt;
        PageSize = pageSize;
        FramesVisible = framesVisible;
        ZeroFrameId = zeroFrameId;
        Quirks = quirks;
    }

    /// <summary>What wrote the file, such as <c>CowPages 0.1.0</c>.</summary>
    public string Writer { get; }

    /// <summary>The kernel release of the captured host, as <c>uname -r</c> prints it.</summary>
    public string Release { get; }

    public string HostName { get; }

    /// <summary>When the capture began, to the millisecond.</summary>
    public DateTimeOffset CapturedAt { get; }

    public int PageSize { get; }

    /// <summary>True when the capture could read frame numbers and the kpage* files (CAP_SYS_ADMIN).</summary>
    public bool FramesVisible { get; }

    /// <summary>The frame id of the shared zero page, or 0 when unknown.</summary>
    public ulong ZeroFrameId { get; }

    /// <summary>What the captured kernel reports wrongly, as the capture's source found by probing it.</summary>
    public KernelQuirks Quirks { get; }
}

/// <summary>One captured process: its text files word for word, and its pagemap.</summary>
public sealed class ProcessImage
{
    public ProcessImage(int processId, byte[] status, byte[] maps, byte[] smapsRollup, byte[] smaps,
        IReadOnlyList<AddressRange> changedRanges, PagemapImage pagemap, ulong? ksmMergingPages = null, bool canScan = true)
    {
        ProcessId = processId;
        Status = status;
        Maps = maps;
        SmapsRollup = smapsRollup;
        Smaps = smaps;
        ChangedRanges = changedRanges;
        Pagemap = pagemap;
        KsmMergingPages = ksmMergingPages;
        CanScan = canScan;
    }

    public int ProcessId { get; }

    public byte[] Status { get; }

    public byte[] Maps { get; }

    public byte[] SmapsRollup { get; }

    public byte[] Smaps { get; }

    /// <summary>Ranges whose mapping changed while the capture read them; their pages were not stored.</summary>
    public IReadOnlyList<AddressRange> ChangedRanges { get; }

    public PagemapImage Pagemap { get; }

    /// <summary><c>/proc/PID/ksm_merging_pages</c> at the capture; null where the kernel did not say (before 5.19).</summary>
    public ulong? KsmMergingPages { get; }

    /// <summary>
    /// True when the capture could scan the process's pagemap with PAGEMAP_SCAN (Linux 6.7+). False on older kernels:
    /// scans of the snapshot then fail as they would have live, and zero pages without frames are not known.
    /// </summary>
    public bool CanScan { get; }

    public byte[] File(Sources.ProcessFile file) => file switch
    {
        Sources.ProcessFile.Status => Status,
        Sources.ProcessFile.Maps => Maps,
        Sources.ProcessFile.SmapsRollup => SmapsRollup,
        _ => Smaps,
    };

    /// <summary>Bytes of text stored for the process.</summary>
    public long TextBytes => (long)Status.Length + Maps.Length + SmapsRollup.Length + Smaps.Length;
}

/// <summary>A whole snapshot in memory: what <see cref="SnapshotReader"/> returns and <see cref="SnapshotSource"/> serves.</summary>
public sealed class SnapshotImage
{
    public SnapshotImage(SnapshotKernel kernel, IReadOnlyList<ProcessImage> processes, FrameTable? frames)
    {
        Kernel = kernel;
        Processes = processes;
        Frames = frames;
    }

    public SnapshotKernel Kernel { get; }

    /// <summary>The processes in the order they were captured.</summary>
    public IReadOnlyList<ProcessImage> Processes { get; }

    /// <summary>The kpage* words of every frame a stored page refers to; null when frames were hidden from the capture.</summary>
    public FrameTable? Frames { get; }
}
